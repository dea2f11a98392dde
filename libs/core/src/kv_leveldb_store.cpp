// The LevelDB KvStore.
//
// The store, its snapshots and its iterators share one LevelDbShared: the leveldb::DB, the filter
// policy and block cache the DB borrows, and a shared_mutex that every use of the DB holds shared
// and Close holds exclusively. Close must delete the DB, and LevelDB requires every iterator and
// snapshot to be released before that; so live iterators and snapshots register themselves, and
// Close releases their LevelDB halves first. Afterwards they answer FailedPrecondition like the
// store does.
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "internal/leveldb_background.hpp"
#include "theta/core/kv_store.hpp"

namespace theta {
namespace {

leveldb::Slice ToSlice(ByteView bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

ByteView ToByteView(const leveldb::Slice& slice) noexcept {
  return {reinterpret_cast<const uint8_t*>(slice.data()), slice.size()};
}

absl::Status NotFoundError() {
  return absl::NotFoundError("kv: key not found");
}

// Maps a LevelDB status onto an absl code by meaning. `op` names what failed ("open", "read", ...).
absl::Status FromLevelDb(const leveldb::Status& s, const std::string& path, std::string_view op) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return NotFoundError();
  const std::string message = s.ToString();
  const std::string where = absl::StrCat("kv: database ", path, " (", std::string(op), "): ");
  if (s.IsCorruption()) return absl::DataLossError(absl::StrCat(where, message));
  if (s.IsIOError()) {
    // LevelDB 1.23 reports a held lock as an IOError whose context is "lock <path>/LOCK", both when
    // this process holds it already and when fcntl finds another process holding it.
    if (absl::StrContains(message, absl::StrCat("lock ", path, "/LOCK"))) {
      return absl::UnavailableError(
          absl::StrCat("kv: database ", path, " is in use by another process (LOCK): ", message));
    }
    return absl::UnavailableError(absl::StrCat(where, message));
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(absl::StrCat(where, message));
  if (s.IsNotSupportedError()) return absl::UnimplementedError(absl::StrCat(where, message));
  return absl::InternalError(absl::StrCat(where, "unexpected LevelDB status: ", message));
}

absl::Status ClosedError(const std::string& path) {
  return absl::FailedPreconditionError(absl::StrCat("kv: database ", path, " is closed"));
}

// An iterator or snapshot whose LevelDB object must go before the DB does.
class LevelDbChild {
 public:
  virtual ~LevelDbChild() = default;
  // Releases the LevelDB object; called by Close with the shared mutex held exclusively.
  virtual void ReleaseBeforeClose() = 0;
};

struct LevelDbShared {
  std::string path;
  bool paranoid_checks = false;
  // Held shared by every use of `db`, exclusively by Close.
  mutable std::shared_mutex mu;
  // The DB borrows these three, so they are declared first and destroyed after it.
  std::unique_ptr<internal::NiceBackgroundEnv> env;  // null: LevelDB's default Env
  std::unique_ptr<const leveldb::FilterPolicy> filter_policy;
  std::unique_ptr<leveldb::Cache> block_cache;
  std::unique_ptr<leveldb::DB> db;   // null once closed; guarded by mu
  std::mutex children_mu;            // taken after mu, never before
  std::set<LevelDbChild*> children;  // guarded by children_mu

  void Register(LevelDbChild* child) {
    std::lock_guard lock(children_mu);
    children.insert(child);
  }
  void Unregister(LevelDbChild* child) {
    std::lock_guard lock(children_mu);
    children.erase(child);
  }
};

class LevelDbSnapshot final : public KvSnapshot, public LevelDbChild {
 public:
  explicit LevelDbSnapshot(std::shared_ptr<LevelDbShared> shared) : shared_(std::move(shared)) {
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) return;  // closed: reads through it fail with FailedPrecondition
    snapshot_ = shared_->db->GetSnapshot();
    shared_->Register(this);
  }
  ~LevelDbSnapshot() override {
    std::shared_lock lock(shared_->mu);
    if (snapshot_ == nullptr) return;
    shared_->Unregister(this);
    shared_->db->ReleaseSnapshot(snapshot_);
  }
  LevelDbSnapshot(const LevelDbSnapshot&) = delete;
  LevelDbSnapshot& operator=(const LevelDbSnapshot&) = delete;

  void ReleaseBeforeClose() override {
    shared_->db->ReleaseSnapshot(snapshot_);
    snapshot_ = nullptr;
  }

  const LevelDbShared* shared() const noexcept { return shared_.get(); }
  // Null once the store is closed; read with the shared mutex held.
  const leveldb::Snapshot* get() const noexcept { return snapshot_; }

 private:
  std::shared_ptr<LevelDbShared> shared_;
  const leveldb::Snapshot* snapshot_ = nullptr;
};

class LevelDbIterator final : public KvIterator, public LevelDbChild {
 public:
  // Either `setup_error` is not OK (the iterator only reports it), or the iterator opens over
  // `shared`.
  LevelDbIterator(std::shared_ptr<LevelDbShared> shared, const leveldb::ReadOptions& options,
                  absl::Status setup_error)
      : shared_(std::move(shared)), status_(std::move(setup_error)) {
    if (!status_.ok()) return;
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) {
      status_ = ClosedError(shared_->path);
      return;
    }
    it_.reset(shared_->db->NewIterator(options));
    shared_->Register(this);
  }
  ~LevelDbIterator() override {
    std::shared_lock lock(shared_->mu);
    if (it_ == nullptr) return;
    shared_->Unregister(this);
    it_.reset();
  }
  LevelDbIterator(const LevelDbIterator&) = delete;
  LevelDbIterator& operator=(const LevelDbIterator&) = delete;

  void ReleaseBeforeClose() override {
    valid_ = false;
    it_.reset();
  }

  void SeekToFirst() override {
    Move([](leveldb::Iterator& it) { it.SeekToFirst(); });
  }
  void Seek(ByteView target) override {
    Move([target](leveldb::Iterator& it) { it.Seek(ToSlice(target)); });
  }
  void SeekToLast() override {
    Move([](leveldb::Iterator& it) { it.SeekToLast(); });
  }
  void Next() override {
    if (!valid_) return;
    Move([](leveldb::Iterator& it) { it.Next(); });
  }
  void Prev() override {
    if (!valid_) return;
    Move([](leveldb::Iterator& it) { it.Prev(); });
  }

  bool Valid() const override { return valid_.load(std::memory_order_relaxed); }
  ByteView key() const override { return ToByteView(it_->key()); }
  ByteView value() const override { return ToByteView(it_->value()); }
  absl::Status status() const override { return status_; }

 private:
  template <typename Step>
  void Move(Step step) {
    std::shared_lock lock(shared_->mu);
    if (it_ == nullptr) {
      // Either never opened (status_ already says why) or released by Close.
      if (status_.ok()) status_ = ClosedError(shared_->path);
      valid_ = false;
      return;
    }
    step(*it_);
    const bool valid = it_->Valid();
    valid_ = valid;
    status_ = valid ? absl::OkStatus() : FromLevelDb(it_->status(), shared_->path, "iterate");
  }

  std::shared_ptr<LevelDbShared> shared_;
  std::unique_ptr<leveldb::Iterator> it_;  // null before opening and after Close
  // Atomic only because Close (on another thread) clears it; the iterator is otherwise
  // single-threaded.
  std::atomic<bool> valid_{false};
  absl::Status status_;
};

class LevelDbStore final : public KvStore {
 public:
  explicit LevelDbStore(std::shared_ptr<LevelDbShared> shared) : shared_(std::move(shared)) {}
  ~LevelDbStore() override { Close().IgnoreError(); }  // already closed is fine

  absl::StatusOr<Bytes> Get(ByteView key, const ReadOptions& options) const override {
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) return ClosedError(shared_->path);
    absl::StatusOr<leveldb::ReadOptions> read = ToLevelDb(options);
    if (!read.ok()) return read.status();
    std::string value;
    leveldb::Status s = shared_->db->Get(*read, ToSlice(key), &value);
    if (!s.ok()) return FromLevelDb(s, shared_->path, "read");
    return Bytes(value.begin(), value.end());
  }

  absl::Status Put(ByteView key, ByteView value, const WriteOptions& options) override {
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) return ClosedError(shared_->path);
    return FromLevelDb(shared_->db->Put(ToLevelDb(options), ToSlice(key), ToSlice(value)),
                       shared_->path, "write");
  }

  absl::Status Delete(ByteView key, const WriteOptions& options) override {
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) return ClosedError(shared_->path);
    return FromLevelDb(shared_->db->Delete(ToLevelDb(options), ToSlice(key)), shared_->path,
                       "write");
  }

  absl::Status Write(const WriteBatch& batch, const WriteOptions& options) override {
    leveldb::WriteBatch updates;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (op.type == WriteBatch::OpType::kPut) {
        updates.Put(ToSlice(op.key), ToSlice(op.value));
      } else {
        updates.Delete(ToSlice(op.key));
      }
    }
    std::shared_lock lock(shared_->mu);
    if (shared_->db == nullptr) return ClosedError(shared_->path);
    return FromLevelDb(shared_->db->Write(ToLevelDb(options), &updates), shared_->path, "write");
  }

  std::unique_ptr<KvIterator> NewIterator(const ReadOptions& options) const override {
    leveldb::ReadOptions read;
    absl::Status setup;
    {
      std::shared_lock lock(shared_->mu);
      absl::StatusOr<leveldb::ReadOptions> converted = ToLevelDb(options);
      if (converted.ok()) {
        read = *converted;
      } else {
        setup = converted.status();
      }
    }
    return std::make_unique<LevelDbIterator>(shared_, read, std::move(setup));
  }

  std::unique_ptr<KvSnapshot> GetSnapshot() const override {
    return std::make_unique<LevelDbSnapshot>(shared_);
  }

  absl::Status Close() override {
    std::unique_lock lock(shared_->mu);
    if (shared_->db == nullptr) return ClosedError(shared_->path);
    {
      std::lock_guard children_lock(shared_->children_mu);
      for (LevelDbChild* child : shared_->children)
        child->ReleaseBeforeClose();
      shared_->children.clear();
    }
    // An empty synced write forces the log, with every earlier unsynced write, to stable storage.
    leveldb::WriteOptions sync;
    sync.sync = true;
    leveldb::WriteBatch empty;
    absl::Status flushed = FromLevelDb(shared_->db->Write(sync, &empty), shared_->path, "close");
    shared_->db.reset();
    shared_->block_cache.reset();
    shared_->filter_policy.reset();
    shared_->env.reset();
    return flushed;
  }

 private:
  // Requires the shared mutex (a snapshot's LevelDB half is read).
  absl::StatusOr<leveldb::ReadOptions> ToLevelDb(const ReadOptions& options) const {
    leveldb::ReadOptions read;
    read.verify_checksums = options.verify_checksums || shared_->paranoid_checks;
    if (options.snapshot != nullptr) {
      const auto* snapshot = dynamic_cast<const LevelDbSnapshot*>(options.snapshot);
      if (snapshot == nullptr || snapshot->shared() != shared_.get()) {
        return absl::InvalidArgumentError(
            absl::StrCat("kv: snapshot does not belong to database ", shared_->path));
      }
      if (snapshot->get() == nullptr) return ClosedError(shared_->path);
      read.snapshot = snapshot->get();
    }
    return read;
  }

  static leveldb::WriteOptions ToLevelDb(const WriteOptions& options) {
    leveldb::WriteOptions write;
    write.sync = options.sync;
    return write;
  }

  std::shared_ptr<LevelDbShared> shared_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KvStore>> OpenLevelDbStore(const std::string& path,
                                                          const LevelDbOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (options.create_if_missing) {
    // LevelDB creates only the last component of the path; make the parents too.
    fs::create_directories(path, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("kv: cannot create database directory ", path, ": ", ec.message()));
    }
  } else if (!fs::exists(fs::path(path) / "CURRENT", ec)) {
    // Checked here because LevelDB would create the directory and a LOCK file before failing.
    return absl::InvalidArgumentError(absl::StrCat(
        "kv: no LevelDB database at ", path, " (CURRENT missing; create_if_missing is false)"));
  }

  auto shared = std::make_shared<LevelDbShared>();
  shared->path = path;
  shared->paranoid_checks = options.paranoid_checks;
  leveldb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.error_if_exists = options.error_if_exists;
  db_options.paranoid_checks = options.paranoid_checks;
  db_options.write_buffer_size = options.write_buffer_bytes;
  if (options.background_nice > 0) {
    shared->env = std::make_unique<internal::NiceBackgroundEnv>(leveldb::Env::Default(),
                                                                options.background_nice);
    db_options.env = shared->env.get();
  }
  if (options.block_cache_bytes > 0) {
    shared->block_cache.reset(leveldb::NewLRUCache(options.block_cache_bytes));
    db_options.block_cache = shared->block_cache.get();
  }
  if (options.bloom_bits_per_key > 0) {
    shared->filter_policy.reset(leveldb::NewBloomFilterPolicy(options.bloom_bits_per_key));
    db_options.filter_policy = shared->filter_policy.get();
  }

  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(db_options, path, &db);
  if (!s.ok()) return FromLevelDb(s, path, "open");
  shared->db.reset(db);
  return std::unique_ptr<KvStore>(std::make_unique<LevelDbStore>(std::move(shared)));
}

}  // namespace theta
