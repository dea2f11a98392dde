// The in-memory KvStore: a multi-version ordered map.
//
// Each key maps to a short list of versions (sequence number, value or tombstone), oldest first. A
// write batch takes one new sequence number, so it becomes visible all at once. A snapshot is just
// a sequence number registered as live: it sees, for every key, the newest version at or below it.
// A write to a key trims the versions no live snapshot can see any more, so without snapshots every
// key holds exactly one version and a deleted key leaves the map; tombstones left behind by
// released snapshots are swept in bulk once they pile up. Nothing is copied when a snapshot is
// taken.
//
// Locking: one shared_mutex over the map (readers shared, writers exclusive) and a small mutex over
// the set of live snapshots, so that releasing a snapshot never waits for a long write batch.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "theta/core/kv_store.hpp"

namespace theta {
namespace {

std::string_view AsStringView(ByteView bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

ByteView AsByteView(std::string_view text) noexcept {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// memcmp order over unsigned bytes; transparent so lookups take a string_view without a copy.
struct BytewiseLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return c != 0 ? c < 0 : a.size() < b.size();
  }
};

struct Version {
  uint64_t seq;
  std::optional<std::string> value;  // nullopt: deleted at `seq`
};

// Versions of one key, ascending by sequence number; never empty while in the map.
using VersionList = std::vector<Version>;
using VersionMap = std::map<std::string, VersionList, BytewiseLess>;

constexpr uint64_t kLatest = UINT64_MAX;

// The value of `versions` as seen at sequence `seq`, or nullptr if absent or deleted there.
const std::string* VisibleAt(const VersionList& versions, uint64_t seq) noexcept {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->seq <= seq) return it->value ? &*it->value : nullptr;
  }
  return nullptr;
}

absl::Status ClosedError() {
  return absl::FailedPreconditionError("kv: memory store is closed");
}

// Everything a store, its snapshots and its iterators share. Held by shared_ptr so that a snapshot
// or iterator that outlives its store (a caller bug) fails cleanly instead of touching freed
// memory.
class MemoryState {
 public:
  // Registers a snapshot at the current sequence number and returns it.
  uint64_t AcquireSnapshot() {
    std::shared_lock lock(mu_);
    std::lock_guard snap_lock(snap_mu_);
    ++live_snapshots_[last_seq_];
    return last_seq_;
  }

  void ReleaseSnapshot(uint64_t seq) {
    std::lock_guard snap_lock(snap_mu_);
    auto it = live_snapshots_.find(seq);
    if (it != live_snapshots_.end() && --it->second == 0) live_snapshots_.erase(it);
  }

  absl::StatusOr<Bytes> Get(std::string_view key, uint64_t seq) const {
    std::shared_lock lock(mu_);
    if (closed_) return ClosedError();
    auto it = map_.find(key);
    const std::string* value = it == map_.end() ? nullptr : VisibleAt(it->second, seq);
    if (value == nullptr) return absl::NotFoundError("kv: key not found");
    return Bytes(value->begin(), value->end());
  }

  absl::Status Write(const WriteBatch& batch) {
    std::unique_lock lock(mu_);
    if (closed_) return ClosedError();
    const uint64_t seq = ++last_seq_;
    const uint64_t oldest = OldestLiveSnapshot();
    for (const WriteBatch::Op& op : batch.ops()) {
      std::optional<std::string> value;
      if (op.type == WriteBatch::OpType::kPut) value.emplace(AsStringView(op.value));
      Apply(AsStringView(op.key), seq, std::move(value), oldest);
    }
    MaybeSweep(oldest);
    return absl::OkStatus();
  }

  absl::Status Put(ByteView key, ByteView value) {
    std::unique_lock lock(mu_);
    if (closed_) return ClosedError();
    const uint64_t seq = ++last_seq_;
    Apply(AsStringView(key), seq, std::string(AsStringView(value)), OldestLiveSnapshot());
    return absl::OkStatus();
  }

  absl::Status Delete(ByteView key) {
    std::unique_lock lock(mu_);
    if (closed_) return ClosedError();
    const uint64_t seq = ++last_seq_;
    const uint64_t oldest = OldestLiveSnapshot();
    Apply(AsStringView(key), seq, std::nullopt, oldest);
    MaybeSweep(oldest);
    return absl::OkStatus();
  }

  // Positions `*key`/`*value` at the first entry visible at `seq` whose key is >= `target` (or >
  // `target` when `strictly_after`). Returns false at the end; FailedPrecondition once closed.
  absl::StatusOr<bool> FindFrom(std::string_view target, bool strictly_after, uint64_t seq,
                                std::string* key, std::string* value) const {
    std::shared_lock lock(mu_);
    if (closed_) return ClosedError();
    auto it = strictly_after ? map_.upper_bound(target) : map_.lower_bound(target);
    for (; it != map_.end(); ++it) {
      if (const std::string* v = VisibleAt(it->second, seq)) {
        key->assign(it->first);
        value->assign(*v);
        return true;
      }
    }
    return false;
  }

  absl::Status Close() {
    std::unique_lock lock(mu_);
    if (closed_) return ClosedError();
    closed_ = true;
    VersionMap().swap(map_);
    return absl::OkStatus();
  }

 private:
  // Callers hold mu_ exclusively, so no snapshot can be acquired meanwhile.
  uint64_t OldestLiveSnapshot() const {
    std::lock_guard snap_lock(snap_mu_);
    return live_snapshots_.empty() ? kLatest : live_snapshots_.begin()->first;
  }

  // Records `value` (nullopt: a delete) for `key` at `seq`, dropping versions that no snapshot at
  // or after `oldest` can see: all but the newest one at or below `oldest` stay reachable, the rest
  // go.
  void Apply(std::string_view key, uint64_t seq, std::optional<std::string> value,
             uint64_t oldest) {
    auto it = map_.lower_bound(key);
    if (it == map_.end() || it->first != key) {
      // Deleting a missing key needs a tombstone only if a snapshot could see an older value, and
      // there is none; so it is a no-op.
      if (!value) return;
      it = map_.emplace_hint(it, std::string(key), VersionList{});
    }
    VersionList& versions = it->second;
    if (!versions.empty() && versions.back().seq == seq) {
      versions.back().value = std::move(value);  // a later op of the same batch wins
    } else {
      versions.push_back(Version{seq, std::move(value)});
    }
    Trim(versions, oldest);
    if (versions.size() == 1 && !versions.front().value) {
      // A lone tombstone: with no older value to hide, the key can go (if no snapshot is at or
      // above it; a snapshot at or above it sees the key as absent anyway).
      map_.erase(it);
    } else if (versions.size() > 1) {
      ++garbage_;
    }
  }

  static void Trim(VersionList& versions, uint64_t oldest) {
    // Index of the newest version at or below `oldest`; everything before it is unreachable.
    size_t keep_from = 0;
    for (size_t i = versions.size(); i-- > 0;) {
      if (versions[i].seq <= oldest) {
        keep_from = i;
        break;
      }
    }
    if (keep_from > 0) versions.erase(versions.begin(), versions.begin() + keep_from);
  }

  // Once the keys holding stale versions or tombstones may outnumber a quarter of the map, sweeps
  // them all, so released snapshots do not leave the map growing without bound.
  void MaybeSweep(uint64_t oldest) {
    if (garbage_ < 1024 || garbage_ < map_.size() / 4) return;
    for (auto it = map_.begin(); it != map_.end();) {
      Trim(it->second, oldest);
      if (it->second.size() == 1 && !it->second.front().value) {
        it = map_.erase(it);
      } else {
        ++it;
      }
    }
    garbage_ = 0;
  }

  mutable std::shared_mutex mu_;
  VersionMap map_;         // guarded by mu_
  uint64_t last_seq_ = 0;  // guarded by mu_
  size_t garbage_ = 0;     // guarded by mu_; an upper bound on keys that Trim could shrink
  bool closed_ = false;    // guarded by mu_
  mutable std::mutex snap_mu_;
  std::map<uint64_t, int> live_snapshots_;  // sequence -> count; guarded by snap_mu_
};

class MemorySnapshot final : public KvSnapshot {
 public:
  explicit MemorySnapshot(std::shared_ptr<MemoryState> state)
      : state_(std::move(state)), seq_(state_->AcquireSnapshot()) {}
  ~MemorySnapshot() override { state_->ReleaseSnapshot(seq_); }
  MemorySnapshot(const MemorySnapshot&) = delete;
  MemorySnapshot& operator=(const MemorySnapshot&) = delete;

  const MemoryState* state() const noexcept { return state_.get(); }
  uint64_t seq() const noexcept { return seq_; }

 private:
  std::shared_ptr<MemoryState> state_;
  uint64_t seq_;
};

// Copies the current entry out of the map, so that its views stay valid while writers continue.
class MemoryIterator final : public KvIterator {
 public:
  // `explicit_seq` is the caller's snapshot, if any; otherwise the iterator takes its own.
  MemoryIterator(std::shared_ptr<MemoryState> state, std::optional<uint64_t> explicit_seq)
      : state_(std::move(state)) {
    if (explicit_seq) {
      seq_ = *explicit_seq;
    } else {
      own_snapshot_.emplace(state_);
      seq_ = own_snapshot_->seq();
    }
  }

  void SeekToFirst() override { Find({}, /*strictly_after=*/false); }
  void Seek(ByteView target) override { Find(std::string(AsStringView(target)), false); }
  void Next() override {
    if (!valid_) return;
    Find(std::move(key_), /*strictly_after=*/true);
  }

  bool Valid() const override { return valid_; }
  ByteView key() const override { return AsByteView(key_); }
  ByteView value() const override { return AsByteView(value_); }
  absl::Status status() const override { return status_; }

 private:
  void Find(std::string target, bool strictly_after) {
    std::string key;
    auto found = state_->FindFrom(target, strictly_after, seq_, &key, &value_);
    valid_ = found.ok() && *found;
    status_ = found.status();
    key_ = std::move(key);
  }

  std::shared_ptr<MemoryState> state_;
  std::optional<MemorySnapshot> own_snapshot_;
  uint64_t seq_ = 0;
  bool valid_ = false;
  std::string key_;
  std::string value_;
  absl::Status status_;
};

class MemoryStore final : public KvStore {
 public:
  MemoryStore() : state_(std::make_shared<MemoryState>()) {}
  ~MemoryStore() override { state_->Close().IgnoreError(); }  // already closed is fine

  absl::StatusOr<Bytes> Get(ByteView key, const ReadOptions& options) const override {
    absl::StatusOr<uint64_t> seq = ReadSeq(options);
    if (!seq.ok()) return seq.status();
    return state_->Get(AsStringView(key), *seq);
  }

  absl::Status Put(ByteView key, ByteView value, const WriteOptions&) override {
    return state_->Put(key, value);
  }

  absl::Status Delete(ByteView key, const WriteOptions&) override { return state_->Delete(key); }

  absl::Status Write(const WriteBatch& batch, const WriteOptions&) override {
    return state_->Write(batch);
  }

  std::unique_ptr<KvIterator> NewIterator(const ReadOptions& options) const override {
    absl::StatusOr<uint64_t> seq = ReadSeq(options);
    if (!seq.ok()) return std::make_unique<FailedIterator>(seq.status());
    std::optional<uint64_t> explicit_seq;
    if (options.snapshot != nullptr) explicit_seq = *seq;
    return std::make_unique<MemoryIterator>(state_, explicit_seq);
  }

  std::unique_ptr<KvSnapshot> GetSnapshot() const override {
    return std::make_unique<MemorySnapshot>(state_);
  }

  absl::Status Close() override { return state_->Close(); }

 private:
  // An iterator that was never usable: its status says why.
  class FailedIterator final : public KvIterator {
   public:
    explicit FailedIterator(absl::Status status) : status_(std::move(status)) {}
    void SeekToFirst() override {}
    void Seek(ByteView) override {}
    void Next() override {}
    bool Valid() const override { return false; }
    ByteView key() const override { return {}; }
    ByteView value() const override { return {}; }
    absl::Status status() const override { return status_; }

   private:
    absl::Status status_;
  };

  // The sequence number a read with `options` sees.
  absl::StatusOr<uint64_t> ReadSeq(const ReadOptions& options) const {
    if (options.snapshot == nullptr) return kLatest;
    const auto* snapshot = dynamic_cast<const MemorySnapshot*>(options.snapshot);
    if (snapshot == nullptr || snapshot->state() != state_.get()) {
      return absl::InvalidArgumentError("kv: snapshot does not belong to this memory store");
    }
    return snapshot->seq();
  }

  std::shared_ptr<MemoryState> state_;
};

}  // namespace

std::unique_ptr<KvStore> NewMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace theta
