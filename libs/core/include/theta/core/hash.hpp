// Cryptographic hashes used on chain and at the edges.
//
// Keccak-256 is Ethereum's (the original Keccak padding, not FIPS-202 SHA3-256): it hashes blocks,
// transactions, tries and derives addresses. SHA-256 and RIPEMD-160 back the EVM precompiles; BLAKE2b
// content-addresses video segments. All functions are pure and thread-safe; none allocates beyond its
// return value.
#pragma once

#include <memory>

#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

// Keccak-256 of `data` (Ethereum's legacy Keccak, e.g. Keccak256("") = 0xc5d246…a470).
Hash32 Keccak256(ByteView data) noexcept;

// SHA-256 (FIPS 180-4).
Hash32 Sha256(ByteView data) noexcept;

// RIPEMD-160.
FixedBytes<20> Ripemd160(ByteView data) noexcept;

// BLAKE2b with a 32-byte digest and no key (RFC 7693).
Hash32 Blake2b256(ByteView data) noexcept;

// Incremental Keccak-256 for data that arrives in pieces. Not thread-safe.
class Keccak256Hasher {
 public:
  Keccak256Hasher();
  ~Keccak256Hasher();
  Keccak256Hasher(const Keccak256Hasher&) = delete;
  Keccak256Hasher& operator=(const Keccak256Hasher&) = delete;

  Keccak256Hasher& Update(ByteView data) noexcept;
  // Returns the digest and resets the hasher for reuse.
  Hash32 Finish() noexcept;

 private:
  struct State;  // a Crypto++ Keccak_256, kept out of this header
  std::unique_ptr<State> state_;
};

}  // namespace theta
