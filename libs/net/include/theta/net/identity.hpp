// A node's identity on the peer network: an Ed25519 key pair (libsodium).
//
// The public key is the node's NodeId; peers pin it (HostOptions / Host::Connect) and the handshake
// proves possession of the secret key by signing the session's ephemeral keys with it. A NodeKey
// owns its secret key and wipes it on destruction; it is a value type that is safe to share between
// threads for reading (Sign and id are const and touch no shared state).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::net {

// The Ed25519 public key of a node; also its name in logs ("0x1a2b..").
using NodeId = FixedBytes<32>;
using NodeSignature = FixedBytes<64>;

// The first bytes of a node id in hex, for log lines and error messages.
std::string ShortId(const NodeId& id);

class NodeKey {
 public:
  static constexpr size_t kSeedSize = 32;

  // A fresh random identity.
  static NodeKey Generate();
  // The identity derived from a 32-byte seed (deterministic: the same seed gives the same key);
  // InvalidArgument when the seed has another length.
  static absl::StatusOr<NodeKey> FromSeed(ByteView seed);

  NodeKey(const NodeKey& other) = default;
  NodeKey& operator=(const NodeKey& other) = default;
  ~NodeKey();

  const NodeId& id() const noexcept { return id_; }

  // The detached Ed25519 signature of `message`.
  NodeSignature Sign(ByteView message) const;

  // Whether `signature` is `id`'s valid signature of `message`; false for any malformed key.
  static bool Verify(const NodeId& id, ByteView message, const NodeSignature& signature);

 private:
  NodeKey() = default;
  NodeId id_;
  std::array<uint8_t, 64> secret_{};  // libsodium's secret key: seed followed by public key
};

}  // namespace theta::net
