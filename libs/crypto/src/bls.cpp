// BLS signatures (draft-irtf-cfrg-bls-signature-05, minimal-pubkey-size, PoP scheme) over the
// internal BLS12-381 layer; see theta/crypto/bls.hpp.
#include "theta/crypto/bls.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "internal/batch_affine.hpp"
#include "internal/bls12381_codec.hpp"
#include "internal/bls12381_ct_mul.hpp"
#include "internal/bls12381_hash.hpp"
#include "internal/bls12381_pairing.hpp"
#include "internal/ct_scalar_mul.hpp"
#include "internal/msm.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::crypto::bls {

using internal::Bls12381Fp;
using internal::Bls12381Fp2;
using internal::Bls12381Fr;
using internal::Bls12381G1;
using internal::Bls12381G1Affine;
using internal::Bls12381G2;
using internal::Bls12381G2Affine;

namespace {

constexpr std::string_view kSignatureDst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
constexpr std::string_view kPopDst = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Overwrites a buffer that held secret material, in a way the compiler may not drop.
void Wipe(void* data, size_t size) {
  volatile uint8_t* p = static_cast<volatile uint8_t*>(data);
  for (size_t i = 0; i < size; ++i)
    p[i] = 0;
}

// HMAC-SHA-256 (RFC 2104) for keys of at most one block (the salts and PRKs here are 32 bytes).
Hash32 HmacSha256(ByteView key, ByteView message) {
  constexpr size_t kBlock = 64;
  Bytes inner(kBlock, 0x36), outer(kBlock, 0x5c);
  for (size_t i = 0; i < key.size(); ++i) {
    inner[i] ^= key[i];
    outer[i] ^= key[i];
  }
  inner.insert(inner.end(), message.begin(), message.end());
  Hash32 inner_hash = Sha256(inner);
  outer.insert(outer.end(), inner_hash.data(), inner_hash.data() + 32);
  const Hash32 out = Sha256(outer);
  Wipe(inner.data(), inner.size());
  Wipe(outer.data(), outer.size());
  Wipe(inner_hash.data(), 32);
  return out;
}

}  // namespace

// Conversions between the opaque public types and the internal points.
struct Access {
  static internal::Limbs<4>& Scalar(SecretKey& sk) { return sk.scalar_; }
  static const internal::Limbs<4>& Scalar(const SecretKey& sk) { return sk.scalar_; }
  static SecretKey MakeSecret() { return SecretKey(); }

  static Bls12381G1Affine Point(const PublicKey& pk) {
    internal::Limbs<6> x, y;
    std::copy_n(pk.point_.begin(), 6, x.begin());
    std::copy_n(pk.point_.begin() + 6, 6, y.begin());
    return Bls12381G1Affine::Of(Bls12381Fp::FromMontgomery(x), Bls12381Fp::FromMontgomery(y));
  }
  static PublicKey MakePublic(const Bls12381G1Affine& p) {
    PublicKey pk;
    std::copy_n(p.x.montgomery().begin(), 6, pk.point_.begin());
    std::copy_n(p.y.montgomery().begin(), 6, pk.point_.begin() + 6);
    return pk;
  }
  static Bls12381G2Affine Point(const Signature& sig) {
    if (sig.infinity_) return Bls12381G2Affine::Infinity();
    std::array<Bls12381Fp, 4> f;
    for (size_t i = 0; i < 4; ++i) {
      internal::Limbs<6> limbs;
      std::copy_n(sig.point_.begin() + 6 * i, 6, limbs.begin());
      f[i] = Bls12381Fp::FromMontgomery(limbs);
    }
    return Bls12381G2Affine::Of({f[0], f[1]}, {f[2], f[3]});
  }
  static Signature MakeSignature(const Bls12381G2Affine& q) {
    Signature sig;
    sig.infinity_ = q.infinity;
    if (q.infinity) return sig;
    const std::array<const Bls12381Fp*, 4> f = {&q.x.c0, &q.x.c1, &q.y.c0, &q.y.c1};
    for (size_t i = 0; i < 4; ++i)
      std::copy_n(f[i]->montgomery().begin(), 6, sig.point_.begin() + 6 * i);
    return sig;
  }
};

namespace {

Bls12381G2Affine HashMessage(ByteView message, std::string_view dst) {
  // Only a DST over 255 bytes or an output length out of range can fail; neither happens here.
  return *internal::HashToG2(message, AsBytes(dst));
}

Signature CoreSign(const SecretKey& sk, ByteView message, std::string_view dst) {
  return Access::MakeSignature(
      internal::Bls12381G2ScalarMulConstantTime(HashMessage(message, dst), Access::Scalar(sk)));
}

// e(pk_1, Q_1)·…·e(pk_n, Q_n)·e(−G1, sig) = 1.
bool PairingCheck(std::vector<internal::Bls12381PairInput>& pairs, const Signature& sig) {
  const Bls12381G2Affine s = Access::Point(sig);
  if (s.infinity) return false;
  pairs.push_back({-internal::Bls12381G1Generator(), s});
  return internal::Bls12381FinalExponentiation(internal::Bls12381MillerLoop(pairs)).IsOne();
}

bool CoreVerify(const PublicKey& pk, ByteView message, const Signature& sig, std::string_view dst) {
  std::vector<internal::Bls12381PairInput> pairs = {{Access::Point(pk), HashMessage(message, dst)}};
  return PairingCheck(pairs, sig);
}

}  // namespace

absl::StatusOr<SecretKey> SecretKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSecretKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("bls: secret key has ", bytes.size(), " bytes, not ", kSecretKeySize));
  }
  SecretKey sk;
  for (size_t i = 0; i < kSecretKeySize; ++i) {
    sk.scalar_[3 - i / 8] |= static_cast<uint64_t>(bytes[i]) << (8 * (7 - i % 8));
  }
  internal::Limbs<4> t = sk.scalar_;
  const uint64_t below_r = internal::limbs::Sub(t, internal::Bls12381FrParams::kModulus);
  uint64_t any = 0;
  for (uint64_t limb : sk.scalar_)
    any |= limb;
  if (below_r == 0 || any == 0) {
    return absl::InvalidArgumentError("bls: secret key is not in [1, r)");
  }
  return sk;
}

std::array<uint8_t, kSecretKeySize> SecretKey::ToBytes() const {
  std::array<uint8_t, kSecretKeySize> out{};
  for (size_t i = 0; i < kSecretKeySize; ++i)
    out[i] = static_cast<uint8_t>(scalar_[3 - i / 8] >> (8 * (7 - i % 8)));
  return out;
}

SecretKey::~SecretKey() {
  Wipe(scalar_.data(), sizeof(scalar_));
}

absl::StatusOr<PublicKey> PublicKey::FromBytes(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(const Bls12381G1Affine p, internal::DecodeG1(bytes));
  if (p.infinity) {
    return absl::InvalidArgumentError("bls: public key is the identity of G1 (KeyValidate)");
  }
  return Access::MakePublic(p);
}

std::array<uint8_t, kPublicKeySize> PublicKey::ToBytes() const {
  return internal::EncodeG1Compressed(Access::Point(*this));
}

absl::StatusOr<Signature> Signature::FromBytes(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(const Bls12381G2Affine q, internal::DecodeG2(bytes));
  return Access::MakeSignature(q);
}

std::array<uint8_t, kSignatureSize> Signature::ToBytes() const {
  return internal::EncodeG2Compressed(Access::Point(*this));
}

absl::StatusOr<SecretKey> KeyGen(ByteView ikm, ByteView key_info) {
  if (ikm.size() < 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("bls: KeyGen input keying material has ", ikm.size(), " bytes, under 32"));
  }
  constexpr size_t kL = 48;  // ceil(3·ceil(log2(r))/16)
  constexpr std::string_view kSalt = "BLS-SIG-KEYGEN-SALT-";
  Bytes salt(kSalt.begin(), kSalt.end());
  Bytes ikm0(ikm.begin(), ikm.end());
  ikm0.push_back(0);  // IKM ‖ I2OSP(0, 1)
  SecretKey sk = Access::MakeSecret();
  for (;;) {
    const Hash32 salt_hash = Sha256(salt);
    salt.assign(salt_hash.data(), salt_hash.data() + 32);
    Hash32 prk = HmacSha256(salt, ikm0);  // HKDF-Extract
    // HKDF-Expand(PRK, key_info ‖ I2OSP(L, 2), L): T(1) ‖ T(2), truncated to 48 bytes.
    Bytes info(key_info.begin(), key_info.end());
    info.push_back(0);
    info.push_back(kL);
    Bytes block = info;
    block.push_back(1);
    Hash32 t1 = HmacSha256(prk.view(), block);
    block.assign(t1.data(), t1.data() + 32);
    block.insert(block.end(), info.begin(), info.end());
    block.push_back(2);
    Hash32 t2 = HmacSha256(prk.view(), block);
    // OS2IP(OKM) mod r: the 384-bit number as a wide value t < r·2^256, Redc gives t·R⁻¹ (value
    // t·R⁻²), times the element of value R² gives t mod r, all in constant time.
    Bls12381Fr::Wide wide{};
    for (size_t i = 0; i < kL; ++i) {
      const uint8_t byte = i < 32 ? t1.data()[i] : t2.data()[i - 32];
      wide[5 - i / 8] |= static_cast<uint64_t>(byte) << (8 * (7 - i % 8));
    }
    static constexpr Bls12381Fr kRSquared = Bls12381Fr::FromMontgomery(Bls12381Fr::kR3);
    const Bls12381Fr s = Bls12381Fr::Redc(wide) * kRSquared;
    Access::Scalar(sk) = s.ToCanonical();
    Wipe(wide.data(), sizeof(wide));
    Wipe(prk.data(), 32);
    Wipe(t1.data(), 32);
    Wipe(t2.data(), 32);
    Wipe(block.data(), block.size());
    if (!s.IsZero()) break;  // probability 2^-255 of looping
  }
  Wipe(ikm0.data(), ikm0.size());
  return sk;
}

PublicKey SkToPk(const SecretKey& sk) {
  return Access::MakePublic(
      internal::ScalarMulConstantTime(internal::Bls12381G1Generator(), Access::Scalar(sk)));
}

Signature Sign(const SecretKey& sk, ByteView message) {
  return CoreSign(sk, message, kSignatureDst);
}

bool Verify(const PublicKey& pk, ByteView message, const Signature& signature) {
  return CoreVerify(pk, message, signature, kSignatureDst);
}

absl::StatusOr<Signature> Aggregate(std::span<const Signature> signatures) {
  if (signatures.empty()) return absl::InvalidArgumentError("bls: Aggregate of no signatures");
  const Bls12381G2 sum = internal::SumAffine<internal::Bls12381G2Curve>(
      [&](size_t i) { return Access::Point(signatures[i]); }, signatures.size());
  return Access::MakeSignature(sum.ToAffine());
}

bool AggregateVerify(std::span<const PublicKey> pks, std::span<const ByteView> messages,
                     const Signature& signature) {
  if (pks.empty() || pks.size() != messages.size()) return false;
  std::vector<internal::Bls12381PairInput> pairs;
  pairs.reserve(pks.size() + 1);
  for (size_t i = 0; i < pks.size(); ++i)
    pairs.push_back({Access::Point(pks[i]), HashMessage(messages[i], kSignatureDst)});
  return PairingCheck(pairs, signature);
}

bool FastAggregateVerify(std::span<const PublicKey> pks, ByteView message,
                         const Signature& signature) {
  if (pks.empty()) return false;
  const Bls12381G1Affine agg = internal::SumAffine<internal::Bls12381G1Curve>(
                                   [&](size_t i) { return Access::Point(pks[i]); }, pks.size())
                                   .ToAffine();
  if (agg.infinity) return false;  // keys cancelling out verify nothing
  std::vector<internal::Bls12381PairInput> pairs = {{agg, HashMessage(message, kSignatureDst)}};
  return PairingCheck(pairs, signature);
}

Signature PopProve(const SecretKey& sk) {
  const auto pk = SkToPk(sk).ToBytes();
  return CoreSign(sk, pk, kPopDst);
}

bool PopVerify(const PublicKey& pk, const Signature& proof) {
  const auto bytes = pk.ToBytes();
  return CoreVerify(pk, bytes, proof, kPopDst);
}

absl::StatusOr<WeightedAggregate> SingleSigner(const Signature& signature, size_t index,
                                               size_t signers) {
  if (index >= signers) {
    return absl::InvalidArgumentError(
        absl::StrCat("bls: signer index ", index, " is not below the signer count ", signers));
  }
  WeightedAggregate out;
  out.signature = signature;
  out.multiplicity.assign(signers, 0);
  out.multiplicity[index] = 1;
  return out;
}

absl::StatusOr<WeightedAggregate> Merge(const WeightedAggregate& a, const WeightedAggregate& b) {
  WeightedAggregate out;
  out.multiplicity.assign(std::max(a.multiplicity.size(), b.multiplicity.size()), 0);
  for (size_t i = 0; i < out.multiplicity.size(); ++i) {
    const uint64_t sum = uint64_t{i < a.multiplicity.size() ? a.multiplicity[i] : 0} +
                         (i < b.multiplicity.size() ? b.multiplicity[i] : 0);
    if (sum > UINT32_MAX) {
      return absl::InvalidArgumentError(
          absl::StrCat("bls: merged multiplicity of signer ", i, " overflows 32 bits"));
    }
    out.multiplicity[i] = static_cast<uint32_t>(sum);
  }
  const Bls12381G2 sum =
      Bls12381G2::From(Access::Point(a.signature)).AddAffine(Access::Point(b.signature));
  out.signature = Access::MakeSignature(sum.ToAffine());
  return out;
}

namespace {

bool VerifyAggregateKey(const Bls12381G1& key, ByteView message, const Signature& signature) {
  const Bls12381G1Affine agg = key.ToAffine();
  if (agg.infinity) return false;
  std::vector<internal::Bls12381PairInput> pairs = {{agg, HashMessage(message, kSignatureDst)}};
  return PairingCheck(pairs, signature);
}

}  // namespace

bool VerifyWeighted(std::span<const PublicKey> keys, ByteView message,
                    const WeightedAggregate& aggregate) {
  const size_t n = aggregate.multiplicity.size();
  if (n > keys.size()) return false;
  std::vector<uint32_t> signers;  // the keys with a non-zero multiplicity
  std::vector<uint64_t> scalars;
  for (size_t i = 0; i < n; ++i) {
    if (aggregate.multiplicity[i] == 0) continue;
    signers.push_back(static_cast<uint32_t>(i));
    scalars.push_back(aggregate.multiplicity[i]);
  }
  const Bls12381G1 key = internal::MultiScalarMulOf<internal::Bls12381G1Curve>(
      [&](size_t k) { return Access::Point(keys[signers[k]]); }, scalars);
  return VerifyAggregateKey(key, message, aggregate.signature);
}

bool VerifyBitmap(std::span<const PublicKey> keys, std::span<const uint8_t> bitmap,
                  ByteView message, const Signature& signature) {
  std::vector<uint32_t> signers;  // indices of the set bits
  for (size_t byte = 0; byte < bitmap.size(); ++byte) {
    for (size_t bit = 0; bit < 8; ++bit) {
      if (((bitmap[byte] >> bit) & 1) == 0) continue;
      const size_t i = 8 * byte + bit;
      if (i >= keys.size()) return false;
      signers.push_back(static_cast<uint32_t>(i));
    }
  }
  const Bls12381G1 key = internal::SumAffine<internal::Bls12381G1Curve>(
      [&](size_t k) { return Access::Point(keys[signers[k]]); }, signers.size());
  return VerifyAggregateKey(key, message, signature);
}

}  // namespace theta::crypto::bls
