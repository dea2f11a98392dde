// TrieNodeCache: a bounded, thread-safe cache of stored trie nodes by hash.
//
// Trie nodes are content-addressed (a node's store key is its hash), so a cached node can never be
// stale: the cache needs no invalidation, only a size bound. Tries opened with
// TrieOptions::node_cache read through it (a hit costs a hash lookup and a copy instead of a store
// read and, with verify_node_hashes, a Keccak) and put every node they commit into it, so the next
// block finds the freshly written top of the trie without reading it back.
//
// Eviction is least recently used within each of 16 shards (a node's shard comes from its hash, so
// shards fill evenly); each shard has its own mutex so concurrent readers rarely contend.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

class TrieNodeCache {
 public:
  // At most about `capacity_bytes` of node RLP (plus bookkeeping) is kept; 0 keeps nothing.
  explicit TrieNodeCache(size_t capacity_bytes);
  TrieNodeCache(const TrieNodeCache&) = delete;
  TrieNodeCache& operator=(const TrieNodeCache&) = delete;

  // The RLP of the node with hash `hash`, or nullopt (counted as a miss).
  std::optional<Bytes> Get(const Hash32& hash);
  // Remembers `rlp` as the node with hash `hash`; the caller vouches that it hashes to `hash`.
  void Put(const Hash32& hash, ByteView rlp);

  size_t size_bytes() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    using Order = std::list<Hash32>;  // most recently used first
    struct Slot {
      Bytes rlp;
      Order::iterator position;
    };
    mutable std::mutex mu;
    Order order;
    absl::flat_hash_map<Hash32, Slot> slots;
    size_t bytes = 0;
  };

  Shard& ShardOf(const Hash32& hash) { return shards_[hash.bytes[0] % kShards]; }
  static size_t Cost(size_t rlp_size);

  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace theta
