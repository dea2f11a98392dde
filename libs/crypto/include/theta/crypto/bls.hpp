// BLS signatures on BLS12-381 per draft-irtf-cfrg-bls-signature-05, minimal-pubkey-size variant
// (public keys in G1, 48 bytes compressed; signatures in G2, 96 bytes compressed) with the
// proof-of-possession scheme:
//   signatures  BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_
//   PoPs        BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_
// Points use the ZCash compressed encoding (see internal/bls12381_codec.hpp). Under the PoP scheme
// AggregateVerify does not require distinct messages, and FastAggregateVerify is safe only for
// public keys whose proof of possession was checked (PopVerify) beforehand.
//
// Invariants: a SecretKey is a scalar in [1, r); a PublicKey is a point of G1 other than the
// identity (KeyValidate has passed); a Signature is a point of G2 (possibly the identity, which
// verifies nothing). The decoded types are plain values: thread-safe to read, copyable.
//
// Secret-dependent work (KeyGen's reduction, SkToPk, Sign, PopProve) runs in constant time: a fixed
// 4-bit window scalar multiplication with complete addition formulas and a lookup that touches
// every table entry. Verification treats everything as public.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta::crypto::bls {

inline constexpr size_t kSecretKeySize = 32;
inline constexpr size_t kPublicKeySize = 48;
inline constexpr size_t kSignatureSize = 96;

class SecretKey {
 public:
  // A big-endian 32-byte scalar. InvalidArgument unless 1 ≤ value < r.
  static absl::StatusOr<SecretKey> FromBytes(ByteView bytes);
  std::array<uint8_t, kSecretKeySize> ToBytes() const;
  ~SecretKey();  // overwrites the scalar
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;

 private:
  SecretKey() = default;
  friend struct Access;
  std::array<uint64_t, 4> scalar_{};  // little-endian limbs, canonical
};

class PublicKey {
 public:
  // KeyValidate: decodes a 48-byte compressed (or 96-byte uncompressed) G1 point and checks it is
  // in G1 and not the identity. InvalidArgument naming the rule otherwise.
  static absl::StatusOr<PublicKey> FromBytes(ByteView bytes);
  std::array<uint8_t, kPublicKeySize> ToBytes() const;
  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.point_ == b.point_; }

 private:
  PublicKey() = default;
  friend struct Access;
  std::array<uint64_t, 12> point_{};  // affine (x, y), Montgomery form
};

class Signature {
 public:
  // Decodes a 96-byte compressed (or 192-byte uncompressed) G2 point and checks it is in G2 (the
  // identity is accepted as an encoding). InvalidArgument naming the rule otherwise.
  static absl::StatusOr<Signature> FromBytes(ByteView bytes);
  std::array<uint8_t, kSignatureSize> ToBytes() const;
  // The identity of G2: the neutral element of aggregation.
  static Signature Identity() { return Signature(); }
  friend bool operator==(const Signature& a, const Signature& b) {
    return a.infinity_ == b.infinity_ && a.point_ == b.point_;
  }

 private:
  Signature() = default;
  friend struct Access;
  std::array<uint64_t, 24> point_{};  // affine (x, y) over Fp2, Montgomery form
  bool infinity_ = true;
};

// KeyGen: the draft's HKDF-SHA-256 derivation (salt "BLS-SIG-KEYGEN-SALT-", rehashed until the
// scalar is non-zero) from input keying material of at least 32 bytes, with optional key_info.
// InvalidArgument if ikm is shorter than 32 bytes.
absl::StatusOr<SecretKey> KeyGen(ByteView ikm, ByteView key_info = {});

// SkToPk: sk·G1.
PublicKey SkToPk(const SecretKey& sk);

// Sign: sk·H(message) with H = hash_to_curve under the signature DST.
Signature Sign(const SecretKey& sk, ByteView message);

// Verify: e(pk, H(message)) = e(G1, signature). False for any mismatch or an identity signature.
bool Verify(const PublicKey& pk, ByteView message, const Signature& signature);

// Aggregate: the sum of the signatures. InvalidArgument for an empty list.
absl::StatusOr<Signature> Aggregate(std::span<const Signature> signatures);

// AggregateVerify: ∏ e(pk_i, H(m_i)) = e(G1, signature), one multi-pairing. False for an empty list
// or lists of different lengths.
bool AggregateVerify(std::span<const PublicKey> pks, std::span<const ByteView> messages,
                     const Signature& signature);

// FastAggregateVerify: Verify against the sum of the public keys, all signing one message. False
// for an empty list. Only for keys with a verified proof of possession.
bool FastAggregateVerify(std::span<const PublicKey> pks, ByteView message,
                         const Signature& signature);

// PopProve: sk·H_pop(SkToPk(sk) compressed) under the PoP DST; PopVerify checks it.
Signature PopProve(const SecretKey& sk);
bool PopVerify(const PublicKey& pk, const Signature& proof);

// What the guardians gossip: an aggregate signature over one message and, per signer index into a
// shared list of cached, validated public keys, how many times that signer's signature is in the
// sum (merging overlapping aggregates counts a signer more than once; a plain bitmap is the case of
// counts 0 and 1).
struct WeightedAggregate {
  Signature signature = Signature::Identity();
  std::vector<uint32_t> multiplicity;
};

// The aggregate of one signer's signature: multiplicity 1 at `index` in a vector of `signers`
// entries. InvalidArgument if index ≥ signers.
absl::StatusOr<WeightedAggregate> SingleSigner(const Signature& signature, size_t index,
                                               size_t signers);

// The union of two aggregates: signatures added, multiplicities added index-wise (the shorter one
// padded with zeros). InvalidArgument if a multiplicity would overflow 32 bits.
absl::StatusOr<WeightedAggregate> Merge(const WeightedAggregate& a, const WeightedAggregate& b);

// e(Σ m_i·pk_i, H(message)) = e(G1, signature) with one pairing check; the weighted key sum is a
// multi-scalar multiplication (Pippenger). False if the multiplicity vector is longer than the key
// list, if every multiplicity is zero, or if the check fails.
bool VerifyWeighted(std::span<const PublicKey> keys, ByteView message,
                    const WeightedAggregate& aggregate);

// The same with a signer bitmap (bit i = byte i/8, bit i%8, least significant first): the keys
// whose bit is set are summed. False if the bitmap names a signer past the key list or nobody.
bool VerifyBitmap(std::span<const PublicKey> keys, std::span<const uint8_t> bitmap,
                  ByteView message, const Signature& signature);

}  // namespace theta::crypto::bls
