// BIP-32 extended keys and derivation paths (the second half of hd_wallet.hpp).
#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>
#include <secp256k1.h>
#include <sodium.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "internal/secret_buffer.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/hd_wallet.hpp"
#include "theta/core/status.hpp"

namespace theta {
namespace {

using internal::SecretBuffer;

constexpr size_t kMaxDepth = 255;
// BIP-32 serialization version bytes for mainnet.
constexpr uint32_t kXprvVersion = 0x0488ADE4;
constexpr uint32_t kXpubVersion = 0x0488B21E;
constexpr size_t kSerializedSize = 78;
constexpr std::string_view kMasterHmacKey = "Bitcoin seed";

void HmacSha512(ByteView key, ByteView data, SecretBuffer<64>& out) {
  CryptoPP::HMAC<CryptoPP::SHA512> hmac(key.data(), key.size());
  hmac.CalculateDigest(out.data(), data.data(), data.size());
}

void PutBigEndian32(uint8_t* out, uint32_t value) {
  out[0] = static_cast<uint8_t>(value >> 24);
  out[1] = static_cast<uint8_t>(value >> 16);
  out[2] = static_cast<uint8_t>(value >> 8);
  out[3] = static_cast<uint8_t>(value);
}

constexpr char kBase58Alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Base58 of `payload` ‖ the first 4 bytes of SHA-256(SHA-256(payload)). Repeated division of a
// big-endian number by 58, keeping base-58 digits little-endian; each leading zero byte is a '1'.
std::string Base58Check(ByteView payload) {
  Bytes data(payload.begin(), payload.end());
  const Hash32 check = Sha256(Sha256(payload));
  data.insert(data.end(), check.bytes.begin(), check.bytes.begin() + 4);

  std::vector<uint8_t> digits;  // base 58, least significant first
  for (uint8_t byte : data) {
    unsigned carry = byte;
    for (uint8_t& digit : digits) {
      carry += static_cast<unsigned>(digit) << 8;
      digit = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry != 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out;
  for (size_t i = 0; i < data.size() && data[i] == 0; ++i)
    out.push_back('1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it)
    out.push_back(kBase58Alphabet[*it]);
  sodium_memzero(data.data(), data.size());
  sodium_memzero(digits.data(), digits.size());
  return out;
}

absl::Status LevelError(size_t level, std::string_view text, std::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("derivation path: level ", level, " \"",
                                                 std::string(text), "\" ", std::string(rule)));
}

absl::StatusOr<uint32_t> ParseLevel(std::string_view text, size_t level) {
  std::string_view digits = text;
  bool hardened = false;
  if (!digits.empty() && (digits.back() == '\'' || digits.back() == 'h' || digits.back() == 'H')) {
    hardened = true;
    digits.remove_suffix(1);
  }
  if (digits.empty()) return LevelError(level, text, "has no index");
  if (digits.size() > 1 && digits[0] == '0') return LevelError(level, text, "has a leading zero");
  uint64_t index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return LevelError(level, text, "is not a decimal index");
    index = index * 10 + static_cast<uint64_t>(c - '0');
    if (index >= kHardened) {
      return LevelError(level, text, "is 2^31 or more (mark a hardened index with ')");
    }
  }
  return static_cast<uint32_t>(index) + (hardened ? kHardened : 0);
}

}  // namespace

absl::StatusOr<DerivationPath> ParseDerivationPath(std::string_view text) {
  if (text.empty() || text[0] != 'm') {
    return absl::InvalidArgumentError(
        absl::StrCat("derivation path: \"", std::string(text), "\" does not start with \"m\""));
  }
  DerivationPath path;
  std::string_view rest = text.substr(1);
  if (!rest.empty() && rest[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("derivation path: \"", std::string(text),
                                                   "\" must continue with \"/\" after \"m\""));
  }
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    const size_t slash = rest.find('/');
    const std::string_view level = rest.substr(0, slash);
    if (path.size() == kMaxDepth) {
      return absl::InvalidArgumentError("derivation path: more than 255 levels");
    }
    THETA_ASSIGN_OR_RETURN(uint32_t index, ParseLevel(level, path.size() + 1));
    path.push_back(index);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return path;
}

std::string FormatDerivationPath(std::span<const uint32_t> path) {
  std::string out = "m";
  for (uint32_t index : path) {
    absl::StrAppend(&out, "/", index & ~kHardened, index >= kHardened ? "'" : "");
  }
  return out;
}

std::string ThetaDerivationPath(uint32_t index) {
  return absl::StrCat("m/44'/500'/0'/0/", index);
}

std::string EthereumDerivationPath(uint32_t index) {
  return absl::StrCat("m/44'/60'/0'/0/", index);
}

ExtendedPrivateKey::ExtendedPrivateKey(const PrivateKey& key,
                                       const std::array<uint8_t, 32>& chain_code, uint8_t depth,
                                       uint32_t parent_fingerprint, uint32_t child_number) noexcept
    : key_(key),
      chain_code_(chain_code),
      depth_(depth),
      parent_fingerprint_(parent_fingerprint),
      child_number_(child_number) {}

ExtendedPrivateKey::~ExtendedPrivateKey() {
  sodium_memzero(chain_code_.data(), chain_code_.size());
}

absl::StatusOr<ExtendedPrivateKey> ExtendedPrivateKey::FromSeed(const HdSeed& seed) {
  SecretBuffer<64> i;
  HmacSha512(AsBytes(kMasterHmacKey), seed.bytes(), i);
  absl::StatusOr<PrivateKey> key = PrivateKey::FromBytes(i.view(0, 32));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        "hd wallet: this seed gives no valid master key (BIP-32: use another seed)");
  }
  std::array<uint8_t, 32> chain_code;
  std::memcpy(chain_code.data(), i.data() + 32, 32);
  ExtendedPrivateKey master(*key, chain_code, 0, 0, 0);
  sodium_memzero(chain_code.data(), chain_code.size());
  return master;
}

absl::StatusOr<ExtendedPrivateKey> ExtendedPrivateKey::DeriveChild(uint32_t index) const {
  if (depth_ == kMaxDepth) {
    return absl::InvalidArgumentError("hd wallet: cannot derive below depth 255");
  }
  // Hardened: 0x00 ‖ k ‖ index; normal: compressed K ‖ index.
  SecretBuffer<37> data;
  if (index >= kHardened) {
    std::memcpy(data.data() + 1, key_.bytes().data(), 32);
  } else {
    const FixedBytes<33> compressed = public_key().ToCompressed();
    std::memcpy(data.data(), compressed.data(), 33);
  }
  PutBigEndian32(data.data() + 33, index);
  SecretBuffer<64> i;
  HmacSha512(chain_code(), data.view(), i);

  // k_child = IL + k mod n; libsecp256k1 refuses IL >= n and a zero sum, the two cases in which
  // BIP-32 says the index gives no key.
  SecretBuffer<32> child;
  std::memcpy(child.data(), key_.bytes().data(), 32);
  if (secp256k1_ec_seckey_tweak_add(secp256k1_context_static, child.data(), i.data()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hd wallet: child index ", index, " gives no valid key (BIP-32: use the next index)"));
  }
  absl::StatusOr<PrivateKey> key = PrivateKey::FromBytes(child.view());
  if (!key.ok()) return absl::InternalError("hd wallet: tweaked key is invalid");
  std::array<uint8_t, 32> chain_code;
  std::memcpy(chain_code.data(), i.data() + 32, 32);
  ExtendedPrivateKey out(*key, chain_code, static_cast<uint8_t>(depth_ + 1), fingerprint(), index);
  sodium_memzero(chain_code.data(), chain_code.size());
  return out;
}

absl::StatusOr<ExtendedPrivateKey> ExtendedPrivateKey::Derive(
    std::span<const uint32_t> path) const {
  ExtendedPrivateKey node = *this;
  for (uint32_t index : path) {
    THETA_ASSIGN_OR_RETURN(node, node.DeriveChild(index));
  }
  return node;
}

uint32_t ExtendedPrivateKey::fingerprint() const {
  const FixedBytes<20> id = Ripemd160(Sha256(public_key().ToCompressed()));
  return (uint32_t{id[0]} << 24) | (uint32_t{id[1]} << 16) | (uint32_t{id[2]} << 8) | id[3];
}

// version(4) ‖ depth(1) ‖ parent fingerprint(4) ‖ child number(4) ‖ chain code(32) ‖ key(33)
std::string ExtendedPrivateKey::ToXprv() const {
  SecretBuffer<kSerializedSize> out;
  PutBigEndian32(out.data(), kXprvVersion);
  out[4] = depth_;
  PutBigEndian32(out.data() + 5, parent_fingerprint_);
  PutBigEndian32(out.data() + 9, child_number_);
  std::memcpy(out.data() + 13, chain_code_.data(), 32);
  std::memcpy(out.data() + 46, key_.bytes().data(), 32);  // out[45] stays 0x00
  return Base58Check(out.view());
}

std::string ExtendedPrivateKey::ToXpub() const {
  SecretBuffer<kSerializedSize> out;
  PutBigEndian32(out.data(), kXpubVersion);
  out[4] = depth_;
  PutBigEndian32(out.data() + 5, parent_fingerprint_);
  PutBigEndian32(out.data() + 9, child_number_);
  std::memcpy(out.data() + 13, chain_code_.data(), 32);
  const FixedBytes<33> compressed = public_key().ToCompressed();
  std::memcpy(out.data() + 45, compressed.data(), 33);
  return Base58Check(out.view());
}

absl::StatusOr<PrivateKey> DeriveAccount(const HdSeed& seed, std::string_view path) {
  THETA_ASSIGN_OR_RETURN(DerivationPath indexes, ParseDerivationPath(path));
  THETA_ASSIGN_OR_RETURN(ExtendedPrivateKey master, ExtendedPrivateKey::FromSeed(seed));
  THETA_ASSIGN_OR_RETURN(ExtendedPrivateKey account, master.Derive(indexes));
  return account.private_key();
}

}  // namespace theta
