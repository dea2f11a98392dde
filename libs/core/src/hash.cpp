#include "theta/core/hash.hpp"

#include <cryptopp/keccak.h>
#include <cryptopp/ripemd.h>
#include <cryptopp/sha.h>
#include <sodium.h>

namespace theta {
namespace {

template <typename Digest, typename Out>
Out CryptoppDigest(ByteView data) noexcept {
  static_assert(Digest::DIGESTSIZE == Out::kSize);
  Out out;
  Digest digest;
  digest.CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

}  // namespace

Hash32 Keccak256(ByteView data) noexcept {
  return CryptoppDigest<CryptoPP::Keccak_256, Hash32>(data);
}

Hash32 Sha256(ByteView data) noexcept { return CryptoppDigest<CryptoPP::SHA256, Hash32>(data); }

FixedBytes<20> Ripemd160(ByteView data) noexcept {
  return CryptoppDigest<CryptoPP::RIPEMD160, FixedBytes<20>>(data);
}

Hash32 Blake2b256(ByteView data) noexcept {
  Hash32 out;
  // crypto_generichash is BLAKE2b; it cannot fail for a 32-byte digest without a key.
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

struct Keccak256Hasher::State {
  CryptoPP::Keccak_256 digest;
};

Keccak256Hasher::Keccak256Hasher() : state_(std::make_unique<State>()) {}
Keccak256Hasher::~Keccak256Hasher() = default;

Keccak256Hasher& Keccak256Hasher::Update(ByteView data) noexcept {
  state_->digest.Update(data.data(), data.size());
  return *this;
}

Hash32 Keccak256Hasher::Finish() noexcept {
  Hash32 out;
  state_->digest.Final(out.data());
  return out;
}

}  // namespace theta
