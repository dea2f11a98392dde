// secp256k1 keys and recoverable ECDSA signatures, as Ethereum and Theta use them.
//
// A PrivateKey is a scalar k with 1 <= k < n (n the group order); every PrivateKey that exists is
// valid, and its bytes are wiped (sodium_memzero) when it is destroyed. A PublicKey is a point on
// the curve, not the point at infinity, kept as its 64-byte affine coordinates x‖y (the form hashed
// into an address); every PublicKey that exists has been checked to lie on the curve. A Signature
// is 65 bytes R‖S‖V with V the recovery id in {0, 1}: Theta's native form. A Signature holds
// whatever bytes it was given; RecoverPublicKey, RecoverAddress and Verify decide whether they are
// acceptable.
//
// Signing is deterministic (RFC 6979 nonces) and always yields low-s (s <= n/2), so a signature has
// one accepted encoding. Transactions require low-s when recovering (the default); the EVM's
// ecrecover precompile accepts high-s too (RecoverOptions::require_low_s = false).
//
// All functions are thread-safe: they share one libsecp256k1 context that is created, randomized
// and then never changed (see secp256k1.cpp), and keys and signatures are plain values.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

class PublicKey;
namespace internal {
struct PublicKeyAccess;
}  // namespace internal

// A secret scalar 1 <= k < n. Copyable (each copy is wiped on destruction); never printed.
class PrivateKey {
 public:
  static constexpr size_t kSize = 32;

  // A fresh key from libsodium's CSPRNG (randombytes_buf), redrawn in the (2^-128 likely) case that
  // the bytes are not a valid scalar. Internal when libsodium cannot initialize its randomness
  // source.
  static absl::StatusOr<PrivateKey> Generate();

  // The key with these 32 big-endian bytes. InvalidArgument when `bytes` is not 32 bytes long, or
  // is zero or >= n; the message never contains the key.
  static absl::StatusOr<PrivateKey> FromBytes(ByteView bytes);

  // Like FromBytes, from "0x" and 64 hex digits; InvalidArgument on bad hex as well.
  static absl::StatusOr<PrivateKey> FromHex(std::string_view text);

  PrivateKey(const PrivateKey& other) noexcept;
  PrivateKey& operator=(const PrivateKey& other) noexcept;
  ~PrivateKey();

  // The 32 big-endian bytes; valid while this key lives. Handle with care: it is the secret.
  ByteView bytes() const noexcept { return {bytes_.data(), bytes_.size()}; }

  // The public key k·G. Cannot fail: the key is valid.
  PublicKey DerivePublicKey() const;

  // Constant-time comparison (sodium_memcmp), so that comparing keys does not leak them.
  friend bool operator==(const PrivateKey& a, const PrivateKey& b) noexcept;

 private:
  PrivateKey() = default;
  std::array<uint8_t, kSize> bytes_{};
};

// A point on secp256k1 other than infinity, as x‖y (32 big-endian bytes each).
class PublicKey {
 public:
  // Parses a SEC 1 compressed key (33 bytes, 0x02/0x03 ‖ x), a SEC 1 uncompressed key (65 bytes,
  // 0x04 ‖ x ‖ y) or a bare x ‖ y (64 bytes). InvalidArgument on any other length, another prefix
  // (including SEC 1's "hybrid" 0x06/0x07), or coordinates that are not a point on the curve.
  static absl::StatusOr<PublicKey> FromBytes(ByteView bytes);

  // x ‖ y, 64 bytes: Theta's native form, the input of AddressFromPublicKey.
  const FixedBytes<64>& xy() const noexcept { return xy_; }

  // SEC 1 uncompressed: 0x04 ‖ x ‖ y (65 bytes), as devp2p and most libraries expect.
  FixedBytes<65> ToUncompressed() const noexcept;

  // SEC 1 compressed: 0x02 (y even) or 0x03 (y odd) ‖ x (33 bytes).
  FixedBytes<33> ToCompressed() const noexcept;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  friend struct internal::PublicKeyAccess;  // secp256k1.cpp builds keys only from checked points
  explicit PublicKey(const FixedBytes<64>& xy) noexcept : xy_(xy) {}
  FixedBytes<64> xy_;
};

// 65 bytes R ‖ S ‖ V, R and S big-endian, V the recovery id (0 or 1 when well formed).
struct Signature {
  static constexpr size_t kSize = 65;
  FixedBytes<kSize> bytes;

  // Copies 65 bytes as they are; InvalidArgument for another length. Does not judge r, s or V.
  static absl::StatusOr<Signature> FromBytes(ByteView data);

  // Assembles R ‖ S ‖ V without judging them.
  static Signature FromParts(const Hash32& r, const Hash32& s, uint8_t v) noexcept;

  // From Ethereum's 65-byte R ‖ S ‖ V with V = 27 or 28 (the form of eth_sign and of ecrecover's
  // input; EIP-155 transaction V values are the transaction decoder's business). InvalidArgument
  // for another length or another V.
  static absl::StatusOr<Signature> FromEthereum(ByteView data);

  // Ethereum's form: V + 27.
  FixedBytes<kSize> ToEthereum() const noexcept;

  Hash32 r() const noexcept;
  Hash32 s() const noexcept;
  uint8_t v() const noexcept { return bytes[64]; }

  friend bool operator==(const Signature&, const Signature&) = default;
};

struct RecoverOptions {
  // Reject s > n/2. True (the default) for transactions, whose signatures must have one encoding;
  // false for the EVM's ecrecover precompile, which accepts both halves.
  bool require_low_s = true;
};

// Ok when the signature is well formed: 1 <= r < n, 1 <= s < n, V in {0, 1}, and s <= n/2 when
// `options.require_low_s`. Else InvalidArgument naming the broken rule. Says nothing about whether
// it signs any particular digest.
absl::Status CheckSignature(const Signature& sig, const RecoverOptions& options = {});

// A recoverable, low-s signature of the 32-byte `digest` (already hashed; typically Keccak-256)
// with an RFC 6979 deterministic nonce: the same key and digest always give the same signature.
// Cannot fail: the key is valid.
Signature Sign(const PrivateKey& key, const Hash32& digest);

// The public key that produced `sig` over `digest`. InvalidArgument when CheckSignature rejects
// `sig`, or when no key fits (r is not the x of a curve point, or the recovered point is infinity).
// Never returns a key for a rejected signature.
absl::StatusOr<PublicKey> RecoverPublicKey(const Hash32& digest, const Signature& sig,
                                           const RecoverOptions& options = {});

// Whether `sig` is a valid low-s signature of `digest` by `key`. V must be 0 or 1 but is otherwise
// not consulted (verification needs no recovery). False for any malformed signature, never an
// error.
bool Verify(const PublicKey& key, const Hash32& digest, const Signature& sig) noexcept;

// The account address of a key: the last 20 bytes of keccak256(x ‖ y).
Address AddressFromPublicKey(const PublicKey& key) noexcept;

// AddressFromPublicKey(RecoverPublicKey(digest, sig, options)); its errors.
absl::StatusOr<Address> RecoverAddress(const Hash32& digest, const Signature& sig,
                                       const RecoverOptions& options = {});

}  // namespace theta
