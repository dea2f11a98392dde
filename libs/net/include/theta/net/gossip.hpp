// Gossip floods items (transactions, proposals, votes, blocks) over a Host's channel so that every
// node receives each item, while no item is ever sent twice to the same peer and no item is relayed
// twice by the same node.
//
// An item is identified by the Keccak-256 of its bytes. The node remembers the ids it has seen
// (bounded, oldest forgotten first) and, per peer, the ids that peer is known to have (because it
// sent them, or because we sent them to it). A received item that is new is handed to `deliver`;
// when `deliver` accepts it (OK), it is relayed to every peer not known to have it. When `deliver`
// rejects it the item is not relayed and the sender is penalized through the Host's usual handler
// rules.
//
// Thread-safety: all methods are thread-safe. The Gossip registers a handler on the Host, so create
// it before Host::Start; it keeps its state alive for as long as the Host may call that handler.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/net/host.hpp"

namespace theta::net {

namespace internal {
struct GossipState;
}

struct GossipOptions {
  // Item ids the node remembers; an item older than this may be delivered again.
  size_t seen_capacity = 1 << 17;
  // Item ids remembered per peer.
  size_t per_peer_capacity = 1 << 14;
};

// Receives each new item once. OK relays it; InvalidArgument marks it as invalid data from `from`.
using GossipHandler = std::function<absl::Status(const NodeId& from, ByteView item)>;

class Gossip {
 public:
  // Registers on `channel` of `host` (which must not be started yet; see Host::RegisterHandler).
  Gossip(Host& host, uint32_t channel, GossipHandler deliver, GossipOptions options = {});
  Gossip(const Gossip&) = delete;
  Gossip& operator=(const Gossip&) = delete;
  ~Gossip();

  // The result of registering on the host (InvalidArgument for channel 0).
  const absl::Status& status() const { return status_; }

  // Sends a locally created item to every connected peer (it is not delivered locally). Returns the
  // number of peers it was sent to; 0 when the item was already seen.
  size_t Publish(ByteView item);

  // Whether the item with this id was seen (published or received).
  bool Seen(const Hash32& id) const;

  static Hash32 ItemId(ByteView item);

  // Items received from peers, duplicates included, and the new ones among them.
  uint64_t received() const;
  uint64_t delivered() const;

 private:
  std::shared_ptr<internal::GossipState> state_;
  absl::Status status_;
};

}  // namespace theta::net
