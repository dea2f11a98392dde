// KvStore throughput on random 32-byte keys with 100-byte values (the shape of trie nodes): single
// puts, batches of 1000 puts, and random gets over 100k keys, for the memory and LevelDB backends.
// Anchor: the same operations through raw leveldb::DB calls with the same options, measured in the
// same run, so the wrapper's overhead (locking, batch conversion, copying values out) is the gap
// between BM_LevelDb* and BM_RawLevelDb*.
#include <benchmark/benchmark.h>
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "theta/core/kv_store.hpp"

namespace theta {
namespace {

namespace fs = std::filesystem;

constexpr size_t kKeyBytes = 32;
constexpr size_t kValueBytes = 100;
constexpr size_t kKeyCount = 100'000;
constexpr size_t kBatchSize = 1000;

struct Dataset {
  std::vector<Bytes> keys;
  std::vector<Bytes> values;
};

const Dataset& Data() {
  static const Dataset data = [] {
    Dataset d;
    std::mt19937_64 rng(42);
    auto random_bytes = [&](size_t n) {
      Bytes b(n);
      for (uint8_t& x : b)
        x = static_cast<uint8_t>(rng());
      return b;
    };
    for (size_t i = 0; i < kKeyCount; ++i) {
      d.keys.push_back(random_bytes(kKeyBytes));
      d.values.push_back(random_bytes(kValueBytes));
    }
    return d;
  }();
  return data;
}

class BenchDir {
 public:
  BenchDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("theta_kv_bench_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
  }
  ~BenchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// A store of the backend named by `leveldb`; the directory (declared first) outlives the store.
struct Backend {
  std::unique_ptr<BenchDir> dir;
  std::unique_ptr<KvStore> store;
};

Backend Open(bool leveldb) {
  Backend b;
  if (!leveldb) {
    b.store = NewMemoryStore();
    return b;
  }
  b.dir = std::make_unique<BenchDir>();
  auto opened = OpenLevelDbStore(b.dir->path());
  if (!opened.ok()) std::abort();  // a benchmark has no one to report to
  b.store = std::move(*opened);
  return b;
}

// The raw anchor, configured as OpenLevelDbStore configures its DB with default LevelDbOptions.
struct RawLevelDb {
  BenchDir dir;
  std::unique_ptr<const leveldb::FilterPolicy> filter{leveldb::NewBloomFilterPolicy(10)};
  std::unique_ptr<leveldb::Cache> cache{leveldb::NewLRUCache(64 << 20)};
  std::unique_ptr<leveldb::DB> db;

  RawLevelDb() {
    leveldb::Options options;
    options.create_if_missing = true;
    options.paranoid_checks = true;
    options.write_buffer_size = 16 << 20;
    options.block_cache = cache.get();
    options.filter_policy = filter.get();
    leveldb::DB* raw = nullptr;
    if (!leveldb::DB::Open(options, dir.path(), &raw).ok()) std::abort();
    db.reset(raw);
  }
  ~RawLevelDb() { db.reset(); }
};

leveldb::Slice Slice(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void SetItems(benchmark::State& state, size_t per_iteration) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * per_iteration));
}

// ---- single puts ----

void BM_KvPut(benchmark::State& state, bool leveldb) {
  const Dataset& d = Data();
  Backend b = Open(leveldb);
  size_t i = 0;
  for (auto _ : state) {
    if (!b.store->Put(d.keys[i], d.values[i]).ok()) state.SkipWithError("put failed");
    i = (i + 1) % kKeyCount;
  }
  SetItems(state, 1);
}
BENCHMARK_CAPTURE(BM_KvPut, Memory, false);
BENCHMARK_CAPTURE(BM_KvPut, LevelDb, true);

void BM_RawLevelDbPut(benchmark::State& state) {
  const Dataset& d = Data();
  RawLevelDb raw;
  const leveldb::WriteOptions write;
  size_t i = 0;
  for (auto _ : state) {
    if (!raw.db->Put(write, Slice(d.keys[i]), Slice(d.values[i])).ok()) {
      state.SkipWithError("put failed");
    }
    i = (i + 1) % kKeyCount;
  }
  SetItems(state, 1);
}
BENCHMARK(BM_RawLevelDbPut);

// ---- batches of 1000 puts (the batches are built outside the timed loop for both) ----

void BM_KvWriteBatch1000(benchmark::State& state, bool leveldb) {
  const Dataset& d = Data();
  std::vector<WriteBatch> batches(kKeyCount / kBatchSize);
  for (size_t i = 0; i < kKeyCount; ++i)
    batches[i / kBatchSize].Put(d.keys[i], d.values[i]);
  Backend b = Open(leveldb);
  size_t n = 0;
  for (auto _ : state) {
    if (!b.store->Write(batches[n]).ok()) state.SkipWithError("write failed");
    n = (n + 1) % batches.size();
  }
  SetItems(state, kBatchSize);
}
BENCHMARK_CAPTURE(BM_KvWriteBatch1000, Memory, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_KvWriteBatch1000, LevelDb, true)->Unit(benchmark::kMicrosecond);

void BM_RawLevelDbWriteBatch1000(benchmark::State& state) {
  const Dataset& d = Data();
  std::vector<leveldb::WriteBatch> batches(kKeyCount / kBatchSize);
  for (size_t i = 0; i < kKeyCount; ++i) {
    batches[i / kBatchSize].Put(Slice(d.keys[i]), Slice(d.values[i]));
  }
  RawLevelDb raw;
  const leveldb::WriteOptions write;
  size_t n = 0;
  for (auto _ : state) {
    if (!raw.db->Write(write, &batches[n]).ok()) state.SkipWithError("write failed");
    n = (n + 1) % batches.size();
  }
  SetItems(state, kBatchSize);
}
BENCHMARK(BM_RawLevelDbWriteBatch1000)->Unit(benchmark::kMicrosecond);

// ---- random gets over 100k stored keys ----

void BM_KvGet(benchmark::State& state, bool leveldb) {
  const Dataset& d = Data();
  Backend b = Open(leveldb);
  WriteBatch batch;
  for (size_t i = 0; i < kKeyCount; ++i)
    batch.Put(d.keys[i], d.values[i]);
  if (!b.store->Write(batch).ok()) std::abort();
  std::mt19937 rng(7);
  for (auto _ : state) {
    auto value = b.store->Get(d.keys[rng() % kKeyCount]);
    if (!value.ok()) state.SkipWithError("get failed");
    benchmark::DoNotOptimize(value);
  }
  SetItems(state, 1);
}
BENCHMARK_CAPTURE(BM_KvGet, Memory, false);
BENCHMARK_CAPTURE(BM_KvGet, LevelDb, true);

void BM_RawLevelDbGet(benchmark::State& state) {
  const Dataset& d = Data();
  RawLevelDb raw;
  leveldb::WriteBatch batch;
  for (size_t i = 0; i < kKeyCount; ++i)
    batch.Put(Slice(d.keys[i]), Slice(d.values[i]));
  if (!raw.db->Write(leveldb::WriteOptions(), &batch).ok()) std::abort();
  leveldb::ReadOptions read;
  read.verify_checksums = true;  // as the store reads with paranoid_checks on
  std::mt19937 rng(7);
  std::string value;
  for (auto _ : state) {
    if (!raw.db->Get(read, Slice(d.keys[rng() % kKeyCount]), &value).ok()) {
      state.SkipWithError("get failed");
    }
    benchmark::DoNotOptimize(value);
  }
  SetItems(state, 1);
}
BENCHMARK(BM_RawLevelDbGet);

}  // namespace
}  // namespace theta
