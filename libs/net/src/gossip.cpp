#include "theta/net/gossip.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::net {
namespace internal {

// A set that forgets its oldest member once it holds `capacity` ids.
class BoundedIdSet {
 public:
  explicit BoundedIdSet(size_t capacity) : capacity_(capacity) {}
  bool Contains(const Hash32& id) const { return set_.contains(id); }
  // False when `id` was already present.
  bool Insert(const Hash32& id) {
    if (!set_.insert(id).second) return false;
    order_.push_back(id);
    if (order_.size() > capacity_) {
      set_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

 private:
  size_t capacity_;
  absl::flat_hash_set<Hash32> set_;
  std::deque<Hash32> order_;
};

struct GossipState {
  GossipState(Host& h, uint32_t c, GossipHandler d, GossipOptions o)
      : host(h), channel(c), deliver(std::move(d)), options(o), seen(o.seen_capacity) {}

  // Marks `id` as known to `peer`; false when it already was.
  bool MarkKnown(const NodeId& peer, const Hash32& id) {
    auto it = known.find(peer);
    if (it == known.end()) it = known.emplace(peer, BoundedIdSet(options.per_peer_capacity)).first;
    return it->second.Insert(id);
  }

  // Sends `item` to every connected peer that does not know it, except `from`.
  size_t Relay(const Hash32& id, ByteView item, const NodeId* from) {
    std::vector<NodeId> targets;
    {
      std::lock_guard lock(mu);
      std::set<NodeId> connected;
      for (const PeerInfo& peer : host.Peers()) {
        connected.insert(peer.id);
        if ((from == nullptr || peer.id != *from) && MarkKnown(peer.id, id)) {
          targets.push_back(peer.id);
        }
      }
      // Forget peers that left, now and then, so the per-peer sets cannot accumulate.
      if (++relays % 1024 == 0)
        std::erase_if(known, [&](auto& e) { return !connected.count(e.first); });
    }
    size_t sent = 0;
    for (const NodeId& peer : targets)
      sent += host.Send(peer, channel, item).ok() ? 1 : 0;
    return sent;
  }

  absl::Status OnMessage(const NodeId& from, ByteView item) {
    const Hash32 id = Gossip::ItemId(item);
    {
      std::lock_guard lock(mu);
      ++received;
      MarkKnown(from, id);
      if (!seen.Insert(id)) return absl::OkStatus();
      ++delivered;
    }
    THETA_RETURN_IF_ERROR(deliver(from, item));
    Relay(id, item, &from);
    return absl::OkStatus();
  }

  Host& host;
  const uint32_t channel;
  GossipHandler deliver;
  const GossipOptions options;
  mutable std::mutex mu;
  BoundedIdSet seen;
  std::map<NodeId, BoundedIdSet> known;
  uint64_t relays = 0;
  uint64_t received = 0;
  uint64_t delivered = 0;
};

}  // namespace internal

Gossip::Gossip(Host& host, uint32_t channel, GossipHandler deliver, GossipOptions options)
    : state_(std::make_shared<internal::GossipState>(host, channel, std::move(deliver), options)) {
  status_ = host.RegisterHandler(channel, [state = state_](const NodeId& from, ByteView item) {
    return state->OnMessage(from, item);
  });
}

Gossip::~Gossip() = default;

size_t Gossip::Publish(ByteView item) {
  const Hash32 id = ItemId(item);
  {
    std::lock_guard lock(state_->mu);
    if (!state_->seen.Insert(id)) return 0;
  }
  return state_->Relay(id, item, nullptr);
}

bool Gossip::Seen(const Hash32& id) const {
  std::lock_guard lock(state_->mu);
  return state_->seen.Contains(id);
}

uint64_t Gossip::received() const {
  std::lock_guard lock(state_->mu);
  return state_->received;
}

uint64_t Gossip::delivered() const {
  std::lock_guard lock(state_->mu);
  return state_->delivered;
}

Hash32 Gossip::ItemId(ByteView item) {
  return Keccak256(item);
}

}  // namespace theta::net
