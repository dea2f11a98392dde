// A persistent or in-memory ordered map from byte-string keys to byte-string values.
//
// KvStore is the one storage interface of theta-cpp: the trie, the block store, the consensus WAL's
// index and the segment cache sit on it. Two backends: LevelDB (OpenLevelDbStore) for anything that
// must survive a restart, and memory (NewMemoryStore) for tests, benchmarks and scratch state.
//
// Keys are ordered byte-wise (memcmp order). A KvStore is safe for concurrent use from many threads
// without external synchronization. Iterators and snapshots are not themselves thread-safe, and
// must be destroyed before the store that made them. Close() releases whatever iterators and
// snapshots are still alive: afterwards they report FailedPrecondition (an iterator's key()/value()
// views die then, so do not Close a store while another thread is reading through one of its
// iterators).
//
// Errors: a missing key is NotFound (and only that); corruption found on disk is DataLoss; a failed
// read or write of the file system is Unavailable or Internal with the backend's message; any call
// after Close() is FailedPrecondition. Nothing here aborts on bad data.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta {

// A consistent read-only view of a store at the moment it was taken. Pass it in ReadOptions.
class KvSnapshot {
 public:
  virtual ~KvSnapshot() = default;
};

struct ReadOptions {
  // Read as of this snapshot instead of the current state. A snapshot of another store is
  // InvalidArgument.
  const KvSnapshot* snapshot = nullptr;
  // Verify checksums of everything read (LevelDB; always on when the store was opened with
  // paranoid_checks); a mismatch is DataLoss. The memory store has nothing to verify.
  bool verify_checksums = false;
};

struct WriteOptions {
  // Flush the write to stable storage (fdatasync) before returning. Without it a machine crash may
  // lose the most recent writes (never corrupt earlier ones); a process crash loses nothing.
  // Ignored by the memory store.
  bool sync = false;
};

// A group of puts and deletes applied atomically by KvStore::Write, in the order they were added.
class WriteBatch {
 public:
  enum class OpType { kPut, kDelete };
  struct Op {
    OpType type;
    Bytes key;
    Bytes value;  // empty for deletes
  };

  void Put(ByteView key, ByteView value);
  // Takes the buffers instead of copying them (hot paths such as a trie's Commit).
  void Put(Bytes&& key, Bytes&& value);
  void Delete(ByteView key);
  void Clear() noexcept;

  const std::vector<Op>& ops() const noexcept { return ops_; }
  size_t size() const noexcept { return ops_.size(); }
  bool empty() const noexcept { return ops_.empty(); }
  // Bytes of keys and values held, a guide for flushing large batches.
  size_t ApproximateSize() const noexcept { return approximate_size_; }

 private:
  std::vector<Op> ops_;
  size_t approximate_size_ = 0;
};

// Walks keys in either order over a consistent view (an implicit snapshot when none was given):
// writes made after the iterator was created are never seen by it.
class KvIterator {
 public:
  virtual ~KvIterator() = default;

  // Positions at the first key, at the last key, or at the first key >= `target`.
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(ByteView target) = 0;
  // Moves to the next (previous) key; not Valid() after the last (first) one. Require Valid().
  virtual void Next() = 0;
  virtual void Prev() = 0;

  // False once past the last key or after an error (see status()).
  virtual bool Valid() const = 0;
  // The current entry; the views stay valid until the iterator moves or is destroyed.
  virtual ByteView key() const = 0;
  virtual ByteView value() const = 0;
  // OK unless the walk stopped on an error.
  virtual absl::Status status() const = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The value stored under `key`; NotFound if there is none.
  virtual absl::StatusOr<Bytes> Get(ByteView key, const ReadOptions& options = {}) const = 0;
  // Stores `value` under `key`, replacing any previous value.
  virtual absl::Status Put(ByteView key, ByteView value, const WriteOptions& options = {}) = 0;
  // Removes `key`; removing a missing key is not an error.
  virtual absl::Status Delete(ByteView key, const WriteOptions& options = {}) = 0;
  // Applies every operation of `batch` or none of them.
  virtual absl::Status Write(const WriteBatch& batch, const WriteOptions& options = {}) = 0;

  // A new iterator, initially not Valid() (call a Seek first). Problems with `options` (a foreign
  // snapshot, a closed store) show in its status() after the first Seek.
  virtual std::unique_ptr<KvIterator> NewIterator(const ReadOptions& options = {}) const = 0;
  // A snapshot of the current state, released when the returned object is destroyed. Holding one
  // keeps the data it sees alive (older versions in memory, older table files in LevelDB).
  virtual std::unique_ptr<KvSnapshot> GetSnapshot() const = 0;

  // Flushes and closes the store. Later calls fail with FailedPrecondition. Destroying an open
  // store closes it too; Close exists so that a caller can see the error.
  virtual absl::Status Close() = 0;
};

struct LevelDbOptions {
  // Create the database if the directory holds none (default true).
  bool create_if_missing = true;
  // Fail if a database already exists there (default false).
  bool error_if_exists = false;
  // Check checksums aggressively and stop on the first sign of corruption (default true: a node's
  // state must never be silently damaged).
  bool paranoid_checks = true;
  // Size of LevelDB's block cache in bytes, owned by the store (default 64 MiB; 0 leaves LevelDB's
  // own 8 MiB cache).
  size_t block_cache_bytes = 64 << 20;
  // Size of the in-memory write buffer before it is flushed to a table file (default 16 MiB).
  size_t write_buffer_bytes = 16 << 20;
  // Bits per key of the Bloom filter on table files; 0 turns it off (default 10).
  int bloom_bits_per_key = 10;
  // Niceness of the thread that flushes and compacts this database (0..19). 0 (the default) leaves
  // the work on LevelDB's process-wide background thread. Above 0 the store runs its own
  // background thread at that niceness (Linux: the thread's own nice value), so that compaction
  // bursts yield the CPU to the foreground work the database serves and catch up in idle time;
  // if they fall far behind, LevelDB throttles the writers instead.
  int background_nice = 0;
};

// Opens (or creates, with any missing parent directories) a LevelDB database in directory `path`.
// Errors: InvalidArgument for a path that holds no database when create_if_missing is false
// (nothing is created then) or one when error_if_exists is true; DataLoss when the database is
// corrupt; Unavailable when another open store holds its LOCK (in this process or another) or the
// files cannot be read or created.
absl::StatusOr<std::unique_ptr<KvStore>> OpenLevelDbStore(const std::string& path,
                                                          const LevelDbOptions& options = {});

// A new, empty in-memory store.
std::unique_ptr<KvStore> NewMemoryStore();

}  // namespace theta
