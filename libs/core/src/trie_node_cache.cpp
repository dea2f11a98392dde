// TrieNodeCache (trie_node_cache.hpp).
#include "theta/core/trie_node_cache.hpp"

namespace theta {

TrieNodeCache::TrieNodeCache(size_t capacity_bytes) : shard_capacity_(capacity_bytes / kShards) {}

// A node's share of the bound: its bytes plus the map slot, the list entry and the allocations'
// headers, so that a cache of many small nodes does not overshoot by several times.
size_t TrieNodeCache::Cost(size_t rlp_size) {
  return rlp_size + 128;
}

std::optional<Bytes> TrieNodeCache::Get(const Hash32& hash) {
  Shard& shard = ShardOf(hash);
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.slots.find(hash);
    if (it != shard.slots.end()) {
      shard.order.splice(shard.order.begin(), shard.order, it->second.position);
      Bytes rlp = it->second.rlp;
      hits_.fetch_add(1, std::memory_order_relaxed);
      return rlp;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

void TrieNodeCache::Put(const Hash32& hash, ByteView rlp) {
  const size_t cost = Cost(rlp.size());
  if (cost > shard_capacity_) return;
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  auto [it, inserted] = shard.slots.try_emplace(hash);
  if (!inserted) {  // same hash, same content: only its recency changes
    shard.order.splice(shard.order.begin(), shard.order, it->second.position);
    return;
  }
  it->second.rlp.assign(rlp.begin(), rlp.end());
  shard.order.push_front(hash);
  it->second.position = shard.order.begin();
  shard.bytes += cost;
  while (shard.bytes > shard_capacity_) {
    const Hash32 oldest = shard.order.back();
    auto victim = shard.slots.find(oldest);
    shard.bytes -= Cost(victim->second.rlp.size());
    shard.slots.erase(victim);
    shard.order.pop_back();
  }
}

size_t TrieNodeCache::size_bytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.bytes;
  }
  return total;
}

}  // namespace theta
