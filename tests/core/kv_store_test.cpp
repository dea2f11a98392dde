// KvStore tests. The shared cases run against every backend (GENERATE over backend names); the
// LevelDB-only cases at the end cover persistence, locking and corruption on disk.
#include "theta/core/kv_store.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace theta {
namespace {

namespace fs = std::filesystem;

Bytes B(std::string_view text) {
  return Bytes(text.begin(), text.end());
}
std::string S(ByteView bytes) {
  return ToString(bytes);
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() /
            ("theta_kv_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string db() const { return (path_ / "db").string(); }

 private:
  fs::path path_;
};

// A store of the named backend plus whatever it lives in; the store is destroyed first.
struct TestStore {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<KvStore> store;
  KvStore* operator->() const { return store.get(); }
};

TestStore OpenBackend(const std::string& backend) {
  TestStore t;
  if (backend == "memory") {
    t.store = NewMemoryStore();
  } else {
    t.dir = std::make_unique<TempDir>();
    auto opened = OpenLevelDbStore(t.dir->db());
    REQUIRE(opened.ok());
    t.store = std::move(*opened);
  }
  return t;
}

#define THETA_KV_BACKENDS GENERATE(as<std::string>{}, "memory", "leveldb")

std::vector<std::pair<std::string, std::string>> ReadAll(KvIterator& it) {
  std::vector<std::pair<std::string, std::string>> out;
  for (it.SeekToFirst(); it.Valid(); it.Next())
    out.emplace_back(S(it.key()), S(it.value()));
  CHECK(it.status().ok());
  return out;
}

TEST_CASE("kv stores replaces and deletes values and reports a missing key as NotFound", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);

  auto missing = t->Get(B("a"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);

  REQUIRE(t->Put(B("a"), B("one")).ok());
  REQUIRE(t->Put(B("empty"), B("")).ok());
  CHECK(*t->Get(B("a")) == B("one"));
  REQUIRE(t->Put(B("a"), B("two")).ok());
  CHECK(*t->Get(B("a")) == B("two"));

  // An empty value is a value, not a missing key.
  auto empty = t->Get(B("empty"));
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  REQUIRE(t->Delete(B("a")).ok());
  CHECK(t->Get(B("a")).status().code() == absl::StatusCode::kNotFound);
  CHECK(t->Delete(B("never-there")).ok());
  CHECK(t->Put(B("a"), B("back"), WriteOptions{.sync = true}).ok());
  CHECK(*t->Get(B("a")) == B("back"));
}

TEST_CASE("kv applies a write batch in order with a later op on a key winning", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  REQUIRE(t->Put(B("old"), B("x")).ok());

  WriteBatch batch;
  batch.Put(B("a"), B("1"));
  batch.Delete(B("a"));  // put then delete: gone
  batch.Delete(B("b"));
  batch.Put(B("b"), B("2"));  // delete then put: present
  batch.Put(B("c"), B("3"));
  batch.Put(B("c"), B("4"));  // the last put wins
  batch.Delete(B("old"));
  CHECK(batch.size() == 7);
  REQUIRE(t->Write(batch).ok());

  CHECK(t->Get(B("a")).status().code() == absl::StatusCode::kNotFound);
  CHECK(*t->Get(B("b")) == B("2"));
  CHECK(*t->Get(B("c")) == B("4"));
  CHECK(t->Get(B("old")).status().code() == absl::StatusCode::kNotFound);
  CHECK(t->Write(WriteBatch{}).ok());
}

TEST_CASE("kv readers never see half of a write batch", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  constexpr int kKeys = 8;
  constexpr int kRounds = 300;
  auto key = [](int i) { return B("k" + std::to_string(i)); };

  // Catch2 assertions are not thread-safe, so the writer only counts its failures.
  std::atomic<bool> done{false};
  std::atomic<int> write_failures{0};
  std::thread writer([&] {
    for (int round = 0; round < kRounds; ++round) {
      WriteBatch batch;
      for (int i = 0; i < kKeys; ++i)
        batch.Put(key(i), B(std::to_string(round)));
      if (!t->Write(batch).ok()) ++write_failures;
    }
    done = true;
  });
  int torn = 0;
  int checked = 0;
  while (!done || checked == 0) {
    auto it = t->NewIterator();
    auto all = ReadAll(*it);
    if (!all.empty()) {
      ++checked;
      if (all.size() != kKeys) ++torn;
      for (const auto& [k, v] : all)
        torn += v != all.front().second ? 1 : 0;
    }
  }
  writer.join();
  CHECK(write_failures == 0);
  CHECK(torn == 0);
  CHECK(checked > 0);
}

TEST_CASE("kv iterates in bytewise order including 0x00 and 0xff bytes", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  const std::vector<Bytes> sorted = {{},     {0x00}, {0x00, 0x00}, {0x00, 0xff}, {0x01},
                                     {0x7f}, {0x80}, {0xff},       {0xff, 0x00}, {0xff, 0xff}};
  auto empty_it = t->NewIterator();  // made before any write, so it stays empty
  // Insert in a scrambled order.
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Bytes& k = sorted[(i * 7) % sorted.size()];
    REQUIRE(t->Put(k, k).ok());
  }
  empty_it->SeekToLast();
  CHECK_FALSE(empty_it->Valid());
  empty_it->SeekToFirst();
  CHECK_FALSE(empty_it->Valid());
  CHECK(empty_it->status().ok());
  auto it = t->NewIterator();
  CHECK_FALSE(it->Valid());
  std::vector<Bytes> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    seen.emplace_back(it->key().begin(), it->key().end());
    CHECK(Bytes(it->value().begin(), it->value().end()) == seen.back());
  }
  CHECK(it->status().ok());
  CHECK(seen == sorted);

  std::vector<Bytes> backwards;
  for (it->SeekToLast(); it->Valid(); it->Prev())
    backwards.emplace_back(it->key().begin(), it->key().end());
  CHECK(it->status().ok());
  CHECK(backwards == std::vector<Bytes>(sorted.rbegin(), sorted.rend()));
}

TEST_CASE("kv Seek lands on the first key at or after the target", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  for (const char* k : {"b", "d", "f"})
    REQUIRE(t->Put(B(k), B(std::string(k) + "!")).ok());
  REQUIRE(t->Delete(B("d")).ok());
  auto it = t->NewIterator();

  it->Seek(B("b"));
  REQUIRE(it->Valid());
  CHECK(S(it->key()) == "b");
  CHECK(S(it->value()) == "b!");
  it->Seek(B("c"));  // "d" was deleted, so the next key is "f"
  REQUIRE(it->Valid());
  CHECK(S(it->key()) == "f");
  it->Next();
  CHECK_FALSE(it->Valid());
  it->Seek(B("a"));
  REQUIRE(it->Valid());
  CHECK(S(it->key()) == "b");
  it->Seek(B("g"));
  CHECK_FALSE(it->Valid());
  CHECK(it->status().ok());

  it->Seek(B("f"));
  it->Prev();  // back over the deleted "d"
  REQUIRE(it->Valid());
  CHECK(S(it->key()) == "b");
  it->Prev();
  CHECK_FALSE(it->Valid());
  it->SeekToLast();
  REQUIRE(it->Valid());
  CHECK(S(it->key()) == "f");
  CHECK(S(it->value()) == "f!");
  CHECK(it->status().ok());
}

TEST_CASE("kv snapshots and iterators see the state at their creation while writes go on", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  REQUIRE(t->Put(B("a"), B("1")).ok());
  REQUIRE(t->Put(B("b"), B("1")).ok());

  auto snapshot = t->GetSnapshot();
  auto it = t->NewIterator();  // an implicit snapshot
  REQUIRE(t->Put(B("a"), B("2")).ok());
  REQUIRE(t->Delete(B("b")).ok());
  REQUIRE(t->Put(B("c"), B("2")).ok());
  WriteBatch batch;
  batch.Put(B("a"), B("3"));
  batch.Put(B("b"), B("3"));
  REQUIRE(t->Write(batch).ok());

  const ReadOptions at_snapshot{.snapshot = snapshot.get()};
  CHECK(*t->Get(B("a"), at_snapshot) == B("1"));
  CHECK(*t->Get(B("b"), at_snapshot) == B("1"));
  CHECK(t->Get(B("c"), at_snapshot).status().code() == absl::StatusCode::kNotFound);
  CHECK(*t->Get(B("a")) == B("3"));

  using Entries = std::vector<std::pair<std::string, std::string>>;
  CHECK(ReadAll(*it) == Entries{{"a", "1"}, {"b", "1"}});
  auto at_snap_it = t->NewIterator(at_snapshot);
  REQUIRE(t->Delete(B("a")).ok());
  CHECK(ReadAll(*at_snap_it) == Entries{{"a", "1"}, {"b", "1"}});
  CHECK(ReadAll(*t->NewIterator()) == Entries{{"b", "3"}, {"c", "2"}});

  // Releasing the snapshot does not disturb a later one.
  snapshot.reset();
  it.reset();
  at_snap_it.reset();
  auto later = t->GetSnapshot();
  REQUIRE(t->Put(B("b"), B("4")).ok());
  CHECK(*t->Get(B("b"), ReadOptions{.snapshot = later.get()}) == B("3"));
  CHECK(*t->Get(B("b")) == B("4"));
}

TEST_CASE("kv rejects a snapshot taken from another store", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  TestStore other = OpenBackend(backend);
  auto foreign = other->GetSnapshot();
  auto got = t->Get(B("a"), ReadOptions{.snapshot = foreign.get()});
  CHECK(got.status().code() == absl::StatusCode::kInvalidArgument);
  auto it = t->NewIterator(ReadOptions{.snapshot = foreign.get()});
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  CHECK(it->status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("kv fails every call after Close with FailedPrecondition", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  REQUIRE(t->Put(B("a"), B("1")).ok());
  auto live_it = t->NewIterator();
  auto live_snapshot = t->GetSnapshot();
  REQUIRE(t->Close().ok());

  constexpr auto kFailed = absl::StatusCode::kFailedPrecondition;
  CHECK(t->Get(B("a")).status().code() == kFailed);
  CHECK(t->Put(B("a"), B("2")).code() == kFailed);
  CHECK(t->Delete(B("a")).code() == kFailed);
  WriteBatch batch;
  batch.Put(B("b"), B("2"));
  CHECK(t->Write(batch).code() == kFailed);
  CHECK(t->Close().code() == kFailed);
  CHECK(t->Get(B("a"), ReadOptions{.snapshot = live_snapshot.get()}).status().code() == kFailed);

  auto it = t->NewIterator();
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  CHECK(it->status().code() == kFailed);
  live_it->SeekToFirst();  // made before Close
  CHECK_FALSE(live_it->Valid());
  CHECK(live_it->status().code() == kFailed);
  CHECK(t->GetSnapshot() != nullptr);
}

TEST_CASE("kv takes writes and reads from several threads at once", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 400;
  auto key = [](int thread, int i) {
    return "t" + std::to_string(thread) + "/" + std::to_string(i);
  };

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!t->Put(B(key(th, i)), B(key(th, i))).ok()) ++failures;
        if (i % 3 == 0) {
          WriteBatch batch;
          batch.Put(B(key(th, i) + "x"), B("batch"));
          if (!t->Write(batch).ok()) ++failures;
        }
        auto got = t->Get(B(key(th, i / 2)));
        if (!got.ok() || S(*got) != key(th, i / 2)) ++failures;
        if (i % 50 == 0) {
          auto snapshot = t->GetSnapshot();
          auto it = t->NewIterator(ReadOptions{.snapshot = snapshot.get()});
          int n = 0;
          for (it->SeekToFirst(); it->Valid(); it->Next())
            ++n;
          if (!it->status().ok() || n < i) ++failures;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  CHECK(failures == 0);
  for (int th = 0; th < kThreads; ++th) {
    for (int i = 0; i < kPerThread; ++i) {
      auto got = t->Get(B(key(th, i)));
      REQUIRE(got.ok());
      CHECK(S(*got) == key(th, i));
    }
  }
  auto it = t->NewIterator();
  CHECK(ReadAll(*it).size() == kThreads * (kPerThread + (kPerThread + 2) / 3));
}

// Random operations against std::map as the model, with snapshots taken along the way and checked
// (by Get and by iteration) after many more writes.
TEST_CASE("kv agrees with a std::map model under random writes and snapshots", "[kv]") {
  const std::string backend = THETA_KV_BACKENDS;
  CAPTURE(backend);
  TestStore t = OpenBackend(backend);
  constexpr uint32_t kSeed = 20240611;
  CAPTURE(kSeed);
  std::mt19937 rng(kSeed);
  using Model = std::map<std::string, std::string>;
  Model model;
  std::vector<std::pair<std::unique_ptr<KvSnapshot>, Model>> snapshots;
  auto random_key = [&] { return std::string(1, static_cast<char>(rng() % 64)) + "k"; };

  auto check_view = [&](const Model& expected, const KvSnapshot* snapshot) {
    auto it = t->NewIterator(ReadOptions{.snapshot = snapshot});
    Model seen;
    for (it->SeekToFirst(); it->Valid(); it->Next())
      seen[S(it->key())] = S(it->value());
    REQUIRE(it->status().ok());
    CHECK(seen == expected);
    const std::string probe = random_key();
    auto got = t->Get(AsBytes(probe), ReadOptions{.snapshot = snapshot});
    auto want = expected.find(probe);
    if (want == expected.end()) {
      CHECK(got.status().code() == absl::StatusCode::kNotFound);
    } else {
      REQUIRE(got.ok());
      CHECK(S(*got) == want->second);
    }
  };

  for (int step = 0; step < 3000; ++step) {
    const uint32_t op = rng() % 100;
    if (op < 45) {
      const std::string k = random_key();
      const std::string v = std::to_string(step);
      REQUIRE(t->Put(AsBytes(k), AsBytes(v)).ok());
      model[k] = v;
    } else if (op < 75) {
      const std::string k = random_key();
      REQUIRE(t->Delete(AsBytes(k)).ok());
      model.erase(k);
    } else if (op < 90) {
      WriteBatch batch;
      for (int i = 0; i < 4; ++i) {
        const std::string k = random_key();
        if (rng() % 2) {
          batch.Put(AsBytes(k), AsBytes(std::to_string(step * 10 + i)));
          model[k] = std::to_string(step * 10 + i);
        } else {
          batch.Delete(AsBytes(k));
          model.erase(k);
        }
      }
      REQUIRE(t->Write(batch).ok());
    } else if (op < 95) {
      snapshots.emplace_back(t->GetSnapshot(), model);
    } else if (!snapshots.empty()) {
      const size_t victim = rng() % snapshots.size();
      check_view(snapshots[victim].second, snapshots[victim].first.get());
      snapshots.erase(snapshots.begin() + static_cast<ptrdiff_t>(victim));
    }
    if (step % 500 == 0) check_view(model, nullptr);
  }
  for (const auto& [snapshot, expected] : snapshots)
    check_view(expected, snapshot.get());
  check_view(model, nullptr);
}

// ---- LevelDB only ----

TEST_CASE("kv leveldb keeps data across close and reopen", "[kv]") {
  TempDir dir;
  {
    auto store = OpenLevelDbStore(dir.db());
    REQUIRE(store.ok());
    for (int i = 0; i < 1000; ++i) {
      REQUIRE((*store)->Put(B("key" + std::to_string(i)), B("value" + std::to_string(i))).ok());
    }
    REQUIRE((*store)->Delete(B("key7")).ok());
    REQUIRE((*store)->Close().ok());
  }
  {
    auto store = OpenLevelDbStore(dir.db(), LevelDbOptions{.create_if_missing = false});
    REQUIRE(store.ok());
    CHECK(*(*store)->Get(B("key999")) == B("value999"));
    CHECK((*store)->Get(B("key7")).status().code() == absl::StatusCode::kNotFound);
    REQUIRE((*store)->Put(B("after"), B("reopen")).ok());
    // No Close: the destructor closes.
  }
  auto store = OpenLevelDbStore(dir.db());
  REQUIRE(store.ok());
  CHECK(*(*store)->Get(B("after")) == B("reopen"));
  auto it = (*store)->NewIterator();
  CHECK(ReadAll(*it).size() == 1000);
}

TEST_CASE("kv leveldb refuses a second open of a database in use", "[kv]") {
  TempDir dir;
  auto first = OpenLevelDbStore(dir.db());
  REQUIRE(first.ok());
  auto second = OpenLevelDbStore(dir.db());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(second.status().message()),
             Catch::Contains(dir.db()) && Catch::Contains("in use by another process (LOCK)"));
  REQUIRE((*first)->Close().ok());
  auto third = OpenLevelDbStore(dir.db());
  CHECK(third.ok());
}

TEST_CASE("kv leveldb refuses a missing database without create_if_missing", "[kv]") {
  TempDir dir;
  const std::string path = (dir.path() / "absent").string();
  auto store = OpenLevelDbStore(path, LevelDbOptions{.create_if_missing = false});
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(store.status().message()),
             Catch::Contains(path) && Catch::Contains("create_if_missing"));
  CHECK_FALSE(fs::exists(path));  // nothing was created on the way
}

TEST_CASE("kv leveldb honours error_if_exists and creates missing parent directories", "[kv]") {
  TempDir dir;
  const std::string nested = (dir.path() / "a" / "b" / "db").string();
  REQUIRE(OpenLevelDbStore(nested).ok());
  auto again = OpenLevelDbStore(nested, LevelDbOptions{.error_if_exists = true});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(again.status().message()), Catch::Contains("exists"));
}

TEST_CASE("kv leveldb reports a damaged table file as DataLoss and never a wrong value", "[kv]") {
  TempDir dir;
  constexpr int kKeys = 3000;
  constexpr uint32_t kSeed = 7;
  CAPTURE(kSeed);
  std::mt19937 rng(kSeed);
  std::vector<std::string> values(kKeys);
  for (auto& v : values) {
    v.resize(400);
    for (char& c : v)
      c = static_cast<char>(rng());  // incompressible, so tables are large
  }
  auto key = [](int i) { return "key" + std::to_string(100000 + i); };
  {
    // A small write buffer spreads the data over several table files.
    auto store = OpenLevelDbStore(dir.db(), LevelDbOptions{.write_buffer_bytes = 128 << 10});
    REQUIRE(store.ok());
    for (int i = 0; i < kKeys; ++i)
      REQUIRE((*store)->Put(B(key(i)), B(values[i])).ok());
    REQUIRE((*store)->Close().ok());
  }
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(dir.db())) {
    if (entry.path().extension() != ".ldb") continue;
    const auto size = static_cast<std::streamoff>(entry.file_size());
    if (size < 4096) continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(size / 2);
    const std::string garbage(512, '\xa5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ++damaged;
  }
  REQUIRE(damaged > 0);

  auto store = OpenLevelDbStore(dir.db(), LevelDbOptions{.paranoid_checks = true});
  if (!store.ok()) {
    CHECK(store.status().code() == absl::StatusCode::kDataLoss);
    return;
  }
  int data_loss = 0;
  int other_errors = 0;
  for (int i = 0; i < kKeys; ++i) {
    auto got = (*store)->Get(B(key(i)), ReadOptions{.verify_checksums = true});
    if (got.ok()) {
      CHECK(S(*got) == values[i]);
    } else if (got.status().code() == absl::StatusCode::kDataLoss) {
      ++data_loss;
    } else {
      ++other_errors;
      INFO(got.status().ToString());
    }
  }
  CAPTURE(data_loss);
  CHECK(data_loss > 0);
  CHECK(other_errors == 0);
  CHECK(data_loss < kKeys);  // the undamaged files still read

  auto it = (*store)->NewIterator(ReadOptions{.verify_checksums = true});
  int walked = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    ++walked;
  CAPTURE(walked);
  CHECK(walked < kKeys);
  CHECK(it->status().code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(it->status().message()), Catch::Contains(dir.db()));
}

}  // namespace
}  // namespace theta
