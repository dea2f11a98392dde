#include "theta/net/identity.hpp"

#include <sodium.h>

#include <cstdlib>

#include "internal/sodium_init.hpp"

namespace theta::net {

std::string ShortId(const NodeId& id) {
  return ToHex(ByteView(id.data(), 4)) + "..";
}

NodeKey NodeKey::Generate() {
  internal::EnsureSodium();
  NodeKey key;
  crypto_sign_keypair(key.id_.data(), key.secret_.data());
  return key;
}

absl::StatusOr<NodeKey> NodeKey::FromSeed(ByteView seed) {
  if (seed.size() != kSeedSize) {
    return absl::InvalidArgumentError("node key: seed must be 32 bytes, got " +
                                      std::to_string(seed.size()));
  }
  internal::EnsureSodium();
  NodeKey key;
  crypto_sign_seed_keypair(key.id_.data(), key.secret_.data(), seed.data());
  return key;
}

NodeKey::~NodeKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

NodeSignature NodeKey::Sign(ByteView message) const {
  NodeSignature signature;
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_.data());
  return signature;
}

bool NodeKey::Verify(const NodeId& id, ByteView message, const NodeSignature& signature) {
  internal::EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), id.data()) ==
         0;
}

}  // namespace theta::net
