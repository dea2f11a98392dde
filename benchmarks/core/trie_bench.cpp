// Merkle Patricia Trie: insert 100,000 random 32-byte keys with 32-byte values and compute the
// root, in memory and committed into the memory and LevelDB stores; Get on a committed 100k trie.
//
// Same-run reference: BM_StdMapInsertKeccak100k puts the same pairs in a std::map and hashes each
// value once, a rough floor (one keccak per entry, no trie structure). The real bar is geth's trie
// (go-ethereum trie.StateTrie: insert + Hash of 100k random entries), to be measured on the same
// machine class by the integrator.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "theta/core/hash.hpp"
#include "theta/core/kv_store.hpp"
#include "theta/core/trie.hpp"

namespace theta {
namespace {

constexpr int kEntries = 100'000;

struct Entry {
  Hash32 key;
  Hash32 value;
};

const std::vector<Entry>& Entries() {
  static const std::vector<Entry> entries = [] {
    std::mt19937_64 rng(0x7468657461);  // fixed: every run inserts the same keys
    std::vector<Entry> out(kEntries);
    for (Entry& e : out) {
      for (size_t i = 0; i < 32; i += 8) {
        const uint64_t k = rng();
        const uint64_t v = rng();
        std::memcpy(e.key.data() + i, &k, 8);
        std::memcpy(e.value.data() + i, &v, 8);
      }
    }
    return out;
  }();
  return entries;
}

Hash32 InsertAll(Trie& trie) {
  for (const Entry& e : Entries()) {
    if (!trie.Put(e.key, e.value).ok()) std::abort();  // a benchmark has no error path to report
  }
  return trie.RootHash();
}

// A LevelDB store in a fresh temp directory, removed when destroyed.
class TempLevelDb {
 public:
  TempLevelDb() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("theta_trie_bench_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    auto opened = OpenLevelDbStore(dir_.string());
    if (!opened.ok()) std::abort();
    store_ = std::move(*opened);
  }
  ~TempLevelDb() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  KvStore& store() { return *store_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<KvStore> store_;
};

void BM_TrieInsert100kRootInMemory(benchmark::State& state) {
  Entries();
  for (auto _ : state) {
    Trie trie;
    benchmark::DoNotOptimize(InsertAll(trie));
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
}
BENCHMARK(BM_TrieInsert100kRootInMemory)->Unit(benchmark::kMillisecond);

// Insert, root, Commit into a batch and write it: what a block's state commit costs.
template <bool kLevelDb>
void BM_TrieInsert100kCommit(benchmark::State& state) {
  Entries();
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<TempLevelDb> leveldb;
    std::unique_ptr<KvStore> memory;
    KvStore* store = nullptr;
    if constexpr (kLevelDb) {
      leveldb = std::make_unique<TempLevelDb>();
      store = &leveldb->store();
    } else {
      memory = NewMemoryStore();
      store = memory.get();
    }
    state.ResumeTiming();
    Trie trie(*store);
    InsertAll(trie);
    WriteBatch batch;
    benchmark::DoNotOptimize(trie.Commit(batch));
    if (!store->Write(batch).ok()) std::abort();
    state.PauseTiming();
    leveldb.reset();  // directory removal stays out of the timing
    memory.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
}
BENCHMARK(BM_TrieInsert100kCommit<false>)
    ->Name("BM_TrieInsert100kCommitMemoryStore")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrieInsert100kCommit<true>)
    ->Name("BM_TrieInsert100kCommitLevelDb")
    ->Unit(benchmark::kMillisecond);

// Get of random present keys from a trie reopened at a committed 100k root: every node on the path
// is read from the store and decoded (Get keeps nothing loaded).
template <bool kLevelDb>
void BM_TrieGetCommitted100k(benchmark::State& state) {
  std::unique_ptr<TempLevelDb> leveldb;
  std::unique_ptr<KvStore> memory;
  KvStore* store = nullptr;
  if constexpr (kLevelDb) {
    leveldb = std::make_unique<TempLevelDb>();
    store = &leveldb->store();
  } else {
    memory = NewMemoryStore();
    store = memory.get();
  }
  Trie built(*store);
  InsertAll(built);
  WriteBatch batch;
  const Hash32 root = built.Commit(batch);
  if (!store->Write(batch).ok()) std::abort();
  absl::StatusOr<Trie> trie = Trie::Open(*store, root);
  if (!trie.ok()) std::abort();

  std::mt19937 rng(1);
  for (auto _ : state) {
    const Entry& e = Entries()[rng() % kEntries];
    auto got = trie->Get(e.key);
    if (!got.ok() || !got->has_value()) std::abort();
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrieGetCommitted100k<false>)->Name("BM_TrieGetCommitted100kMemoryStore");
BENCHMARK(BM_TrieGetCommitted100k<true>)->Name("BM_TrieGetCommitted100kLevelDb");

// The floor: the same 100k pairs into a std::map, with one keccak256 per value.
void BM_StdMapInsertKeccak100k(benchmark::State& state) {
  Entries();
  for (auto _ : state) {
    std::map<Hash32, Hash32> map;
    for (const Entry& e : Entries())
      map.emplace(e.key, Keccak256(e.value));
    benchmark::DoNotOptimize(map.size());
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
}
BENCHMARK(BM_StdMapInsertKeccak100k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace theta
