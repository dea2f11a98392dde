#include "theta/core/secp256k1.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include <cassert>
#include <cstring>

#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta {
namespace internal {

struct PublicKeyAccess {
  static PublicKey Make(const FixedBytes<64>& xy) noexcept { return PublicKey(xy); }
};

}  // namespace internal

namespace {

// The group order n and n/2 (rounded down), big-endian (SEC 2, section 2.4.1).
constexpr std::array<uint8_t, 32> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr std::array<uint8_t, 32> kHalfOrder = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

// libsodium must be initialized once before randombytes_buf; sodium_init is itself thread-safe and
// idempotent, the static only saves repeated calls.
bool SodiumReady() noexcept {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// The one libsecp256k1 context. This is not mutable global state: it is built and randomized inside
// the initializer of a function-local static (which C++ runs exactly once, thread-safely) before
// any caller can see it, and from then on it is only ever passed as `const secp256k1_context*`,
// which libsecp256k1 documents as safe to share between threads. Nothing can change it afterwards,
// so every call behaves the same whatever ran before. Randomization blinds the signing computations
// against side channels; it changes no result. The context is deliberately never destroyed, so that
// a thread still signing during static destruction cannot touch freed memory.
const secp256k1_context* Context() noexcept {
  static const secp256k1_context* const context = [] {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (SodiumReady()) {
      std::array<uint8_t, 32> seed;
      randombytes_buf(seed.data(), seed.size());
      // Randomization only fails for an invalid seed (probability ~2^-128); the context then stays
      // unblinded, which is still correct.
      [[maybe_unused]] const int randomized = secp256k1_context_randomize(ctx, seed.data());
      sodium_memzero(seed.data(), seed.size());
    }
    return ctx;
  }();
  return context;
}

bool LessThan(const uint8_t* a, const std::array<uint8_t, 32>& b) noexcept {
  return std::memcmp(a, b.data(), b.size()) < 0;
}

bool IsZero32(const uint8_t* a) noexcept {
  uint8_t any = 0;
  for (size_t i = 0; i < 32; ++i)
    any |= a[i];
  return any == 0;
}

FixedBytes<64> SerializeXy(const secp256k1_pubkey& pubkey) noexcept {
  std::array<uint8_t, 65> sec1;
  size_t length = sec1.size();
  secp256k1_ec_pubkey_serialize(Context(), sec1.data(), &length, &pubkey,
                                SECP256K1_EC_UNCOMPRESSED);
  FixedBytes<64> xy;
  std::memcpy(xy.data(), sec1.data() + 1, xy.size());
  return xy;
}

// Parses a key we built ourselves; it is on the curve by construction, so this cannot fail.
secp256k1_pubkey ParseOwnKey(const PublicKey& key) noexcept {
  const FixedBytes<65> sec1 = key.ToUncompressed();
  secp256k1_pubkey pubkey;
  [[maybe_unused]] const int parsed =
      secp256k1_ec_pubkey_parse(Context(), &pubkey, sec1.data(), sec1.size());
  assert(parsed == 1);
  return pubkey;
}

}  // namespace

// ---- PrivateKey ----

absl::StatusOr<PrivateKey> PrivateKey::Generate() {
  if (!SodiumReady()) return absl::InternalError("secp256k1: libsodium failed to initialize");
  PrivateKey key;
  do {
    randombytes_buf(key.bytes_.data(), key.bytes_.size());
  } while (secp256k1_ec_seckey_verify(Context(), key.bytes_.data()) != 1);
  return key;
}

absl::StatusOr<PrivateKey> PrivateKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return absl::InvalidArgumentError("secp256k1: private key has " + std::to_string(bytes.size()) +
                                      " bytes, expected 32");
  }
  PrivateKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  if (secp256k1_ec_seckey_verify(Context(), key.bytes_.data()) != 1) {
    return absl::InvalidArgumentError(
        "secp256k1: private key is zero or not below the group order n");
  }
  return key;
}

absl::StatusOr<PrivateKey> PrivateKey::FromHex(std::string_view text) {
  std::array<uint8_t, kSize> raw;
  if (absl::Status st = ParseHexInto(text, raw); !st.ok()) {
    sodium_memzero(raw.data(), raw.size());
    // The hex parser's message may quote the text; say only what kind of problem it was.
    return absl::InvalidArgumentError("secp256k1: private key is not \"0x\" and 64 hex digits");
  }
  absl::StatusOr<PrivateKey> key = FromBytes(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

PrivateKey::PrivateKey(const PrivateKey& other) noexcept : bytes_(other.bytes_) {}

PrivateKey& PrivateKey::operator=(const PrivateKey& other) noexcept {
  bytes_ = other.bytes_;
  return *this;
}

PrivateKey::~PrivateKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

PublicKey PrivateKey::DerivePublicKey() const {
  secp256k1_pubkey pubkey;
  // Fails only for an invalid secret key, which a PrivateKey never holds.
  [[maybe_unused]] const int created =
      secp256k1_ec_pubkey_create(Context(), &pubkey, bytes_.data());
  assert(created == 1);
  return internal::PublicKeyAccess::Make(SerializeXy(pubkey));
}

bool operator==(const PrivateKey& a, const PrivateKey& b) noexcept {
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), PrivateKey::kSize) == 0;
}

// ---- PublicKey ----

absl::StatusOr<PublicKey> PublicKey::FromBytes(ByteView bytes) {
  std::array<uint8_t, 65> sec1;
  size_t length = 0;
  if (bytes.size() == 64) {
    sec1[0] = 0x04;
    std::memcpy(sec1.data() + 1, bytes.data(), 64);
    length = 65;
  } else if ((bytes.size() == 33 && (bytes[0] == 0x02 || bytes[0] == 0x03)) ||
             (bytes.size() == 65 && bytes[0] == 0x04)) {
    std::memcpy(sec1.data(), bytes.data(), bytes.size());
    length = bytes.size();
  } else if (bytes.size() == 33 || bytes.size() == 65) {
    return absl::InvalidArgumentError("secp256k1: public key of " + std::to_string(bytes.size()) +
                                      " bytes has prefix " + ToHex(bytes.first(1)) + ", expected " +
                                      (bytes.size() == 33 ? "0x02 or 0x03" : "0x04"));
  } else {
    return absl::InvalidArgumentError("secp256k1: public key has " + std::to_string(bytes.size()) +
                                      " bytes, expected 33, 64 or 65");
  }
  secp256k1_pubkey pubkey;
  if (secp256k1_ec_pubkey_parse(Context(), &pubkey, sec1.data(), length) != 1) {
    return absl::InvalidArgumentError("secp256k1: public key " + ToHex(bytes) +
                                      " is not a point on the curve");
  }
  return PublicKey(SerializeXy(pubkey));
}

FixedBytes<65> PublicKey::ToUncompressed() const noexcept {
  FixedBytes<65> out;
  out[0] = 0x04;
  std::memcpy(out.data() + 1, xy_.data(), xy_.size());
  return out;
}

FixedBytes<33> PublicKey::ToCompressed() const noexcept {
  FixedBytes<33> out;
  out[0] = (xy_[63] & 1) ? 0x03 : 0x02;
  std::memcpy(out.data() + 1, xy_.data(), 32);
  return out;
}

// ---- Signature ----

absl::StatusOr<Signature> Signature::FromBytes(ByteView data) {
  if (data.size() != kSize) {
    return absl::InvalidArgumentError("secp256k1: signature has " + std::to_string(data.size()) +
                                      " bytes, expected 65 (r, s, v)");
  }
  Signature sig;
  std::memcpy(sig.bytes.data(), data.data(), kSize);
  return sig;
}

Signature Signature::FromParts(const Hash32& r, const Hash32& s, uint8_t v) noexcept {
  Signature sig;
  std::memcpy(sig.bytes.data(), r.data(), 32);
  std::memcpy(sig.bytes.data() + 32, s.data(), 32);
  sig.bytes[64] = v;
  return sig;
}

absl::StatusOr<Signature> Signature::FromEthereum(ByteView data) {
  THETA_ASSIGN_OR_RETURN(Signature sig, FromBytes(data));
  const uint8_t v = sig.bytes[64];
  if (v != 27 && v != 28) {
    return absl::InvalidArgumentError("secp256k1: Ethereum signature has v = " + std::to_string(v) +
                                      ", expected 27 or 28");
  }
  sig.bytes[64] = static_cast<uint8_t>(v - 27);
  return sig;
}

FixedBytes<Signature::kSize> Signature::ToEthereum() const noexcept {
  FixedBytes<kSize> out = bytes;
  out[64] = static_cast<uint8_t>(out[64] + 27);
  return out;
}

Hash32 Signature::r() const noexcept {
  Hash32 out;
  std::memcpy(out.data(), bytes.data(), 32);
  return out;
}

Hash32 Signature::s() const noexcept {
  Hash32 out;
  std::memcpy(out.data(), bytes.data() + 32, 32);
  return out;
}

// ---- Operations ----

absl::Status CheckSignature(const Signature& sig, const RecoverOptions& options) {
  const uint8_t* r = sig.bytes.data();
  const uint8_t* s = sig.bytes.data() + 32;
  if (IsZero32(r) || !LessThan(r, kOrder)) {
    return absl::InvalidArgumentError(
        "secp256k1: signature r is zero or not below the group order n");
  }
  if (IsZero32(s) || !LessThan(s, kOrder)) {
    return absl::InvalidArgumentError(
        "secp256k1: signature s is zero or not below the group order n");
  }
  if (sig.v() > 1) {
    return absl::InvalidArgumentError(
        "secp256k1: signature recovery id v = " + std::to_string(sig.v()) + ", expected 0 or 1");
  }
  if (options.require_low_s &&
      !(LessThan(s, kHalfOrder) || std::memcmp(s, kHalfOrder.data(), 32) == 0)) {
    return absl::InvalidArgumentError(
        "secp256k1: signature s is above n/2 (high-s is not accepted here)");
  }
  return absl::OkStatus();
}

Signature Sign(const PrivateKey& key, const Hash32& digest) {
  secp256k1_ecdsa_recoverable_signature recoverable;
  // Fails only for an invalid secret key (a PrivateKey never holds one); the default nonce function
  // is RFC 6979 and the result is already normalized to low-s.
  [[maybe_unused]] const int signed_ok = secp256k1_ecdsa_sign_recoverable(
      Context(), &recoverable, digest.data(), key.bytes().data(), nullptr, nullptr);
  assert(signed_ok == 1);
  Signature sig;
  int recid = 0;
  (void)secp256k1_ecdsa_recoverable_signature_serialize_compact(Context(), sig.bytes.data(), &recid,
                                                                &recoverable);
  sig.bytes[64] = static_cast<uint8_t>(recid);
  return sig;
}

absl::StatusOr<PublicKey> RecoverPublicKey(const Hash32& digest, const Signature& sig,
                                           const RecoverOptions& options) {
  THETA_RETURN_IF_ERROR(CheckSignature(sig, options));
  secp256k1_ecdsa_recoverable_signature recoverable;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(Context(), &recoverable, sig.bytes.data(),
                                                          sig.v()) != 1) {
    return absl::InvalidArgumentError("secp256k1: signature could not be parsed");
  }
  secp256k1_pubkey pubkey;
  if (secp256k1_ecdsa_recover(Context(), &pubkey, &recoverable, digest.data()) != 1) {
    return absl::InvalidArgumentError("secp256k1: no public key fits this signature and digest");
  }
  return internal::PublicKeyAccess::Make(SerializeXy(pubkey));
}

bool Verify(const PublicKey& key, const Hash32& digest, const Signature& sig) noexcept {
  if (sig.v() > 1) return false;
  secp256k1_ecdsa_signature parsed;
  // parse_compact rejects r or s >= n; ecdsa_verify rejects zero and high s.
  if (secp256k1_ecdsa_signature_parse_compact(Context(), &parsed, sig.bytes.data()) != 1)
    return false;
  const secp256k1_pubkey pubkey = ParseOwnKey(key);
  return secp256k1_ecdsa_verify(Context(), &parsed, digest.data(), &pubkey) == 1;
}

Address AddressFromPublicKey(const PublicKey& key) noexcept {
  const Hash32 hash = Keccak256(key.xy().view());
  Address out;
  std::memcpy(out.data(), hash.data() + 12, Address::kSize);
  return out;
}

absl::StatusOr<Address> RecoverAddress(const Hash32& digest, const Signature& sig,
                                       const RecoverOptions& options) {
  THETA_ASSIGN_OR_RETURN(PublicKey key, RecoverPublicKey(digest, sig, options));
  return AddressFromPublicKey(key);
}

}  // namespace theta
