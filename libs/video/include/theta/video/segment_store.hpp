// A disk-backed, content-addressed segment cache with a byte budget and LRU eviction.
//
// Each segment lives in one file named by the hex of its BLAKE2b-256 hash. Writes are crash-safe:
// the bytes go to a temporary file that is fsynced and then renamed into place (and the folder
// fsynced), so after a crash a segment file is either whole or absent; Open deletes leftover
// temporary files. Reads are integrity-checked: a file whose bytes no longer hash to its name (disk
// rot, tampering) is deleted and reported as DataLoss, never returned.
//
// Recency survives restarts approximately: Open orders the files it finds by modification time,
// and Get touches the file it returns. Thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::video {

struct SegmentStoreOptions {
  std::filesystem::path dir;
  uint64_t byte_budget = 1ull << 30;
};

struct SegmentStoreStats {
  uint64_t bytes = 0;
  size_t segments = 0;
  uint64_t evictions = 0;
  uint64_t corrupt_dropped = 0;
};

class SegmentStore {
 public:
  // Creates the folder if needed and indexes what is in it (evicting beyond the budget).
  // InvalidArgument for a zero budget; Unavailable when the folder cannot be created or listed.
  static absl::StatusOr<std::unique_ptr<SegmentStore>> Open(SegmentStoreOptions options);

  SegmentStore(const SegmentStore&) = delete;
  SegmentStore& operator=(const SegmentStore&) = delete;

  // Stores `bytes` under `hash`. InvalidArgument when the bytes do not hash to `hash` (nothing is
  // written); ResourceExhausted when one segment exceeds the whole budget; Unavailable on an I/O
  // error (nothing partial stays). Storing a present segment only refreshes its recency.
  absl::Status Put(const Hash32& hash, ByteView bytes);

  // The segment's bytes, marked most recently used. NotFound when absent; DataLoss when the file
  // no longer matches its hash (it is deleted).
  absl::StatusOr<Bytes> Get(const Hash32& hash);

  bool Contains(const Hash32& hash) const;
  // Deletes the segment if present.
  void Remove(const Hash32& hash);
  SegmentStoreStats stats() const;
  const std::filesystem::path& dir() const { return options_.dir; }

 private:
  explicit SegmentStore(SegmentStoreOptions options) : options_(std::move(options)) {}
  struct Entry {
    uint64_t size = 0;
    std::list<Hash32>::iterator lru;  // position in lru_ (front: most recent)
  };
  std::filesystem::path PathOf(const Hash32& hash) const;
  void EvictLocked(uint64_t incoming) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked(const Hash32& hash) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SegmentStoreOptions options_;
  mutable absl::Mutex mu_;
  std::list<Hash32> lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<Hash32, Entry> entries_ ABSL_GUARDED_BY(mu_);
  SegmentStoreStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace theta::video
