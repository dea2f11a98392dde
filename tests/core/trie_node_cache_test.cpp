// TrieNodeCache: hits instead of store reads, nodes committed through it, and the size bound.
#include "theta/core/trie_node_cache.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "theta/core/hash.hpp"
#include "theta/core/kv_store.hpp"
#include "theta/core/trie.hpp"

namespace theta {
namespace {

// A memory store that counts point reads, to see which reads the cache saved.
class CountingStore final : public KvStore {
 public:
  CountingStore() : inner_(NewMemoryStore()) {}
  absl::StatusOr<Bytes> Get(ByteView key, const ReadOptions& options) const override {
    ++gets;
    return inner_->Get(key, options);
  }
  absl::Status Put(ByteView key, ByteView value, const WriteOptions& options) override {
    return inner_->Put(key, value, options);
  }
  absl::Status Delete(ByteView key, const WriteOptions& options) override {
    return inner_->Delete(key, options);
  }
  absl::Status Write(const WriteBatch& batch, const WriteOptions& options) override {
    return inner_->Write(batch, options);
  }
  std::unique_ptr<KvIterator> NewIterator(const ReadOptions& options) const override {
    return inner_->NewIterator(options);
  }
  std::unique_ptr<KvSnapshot> GetSnapshot() const override { return inner_->GetSnapshot(); }
  absl::Status Close() override { return inner_->Close(); }

  mutable size_t gets = 0;

 private:
  std::unique_ptr<KvStore> inner_;
};

Bytes RandomBytes(std::mt19937_64& rng, size_t size) {
  Bytes out(size);
  for (uint8_t& b : out)
    b = static_cast<uint8_t>(rng());
  return out;
}

Hash32 HashOf(uint64_t n) {
  Bytes seed(8);
  for (int i = 0; i < 8; ++i)
    seed[i] = static_cast<uint8_t>(n >> (8 * i));
  return Keccak256(seed);
}

TEST_CASE("trie reads go to the cache once the nodes are in it", "[trie][cache]") {
  CountingStore store;
  TrieNodeCache cache(8 << 20);
  std::mt19937_64 rng(7);
  std::vector<std::pair<Bytes, Bytes>> entries;
  for (int i = 0; i < 2000; ++i)
    entries.emplace_back(RandomBytes(rng, 32), RandomBytes(rng, 40));

  Trie built(store);
  for (const auto& [key, value] : entries)
    REQUIRE(built.Put(key, value).ok());
  WriteBatch batch;
  const Hash32 root = built.Commit(batch);
  REQUIRE(store.Write(batch, {}).ok());

  SECTION("without a cache every Get reads the path from the store") {
    absl::StatusOr<Trie> trie = Trie::Open(store, root);
    REQUIRE(trie.ok());
    store.gets = 0;
    for (const auto& [key, value] : entries)
      REQUIRE(*trie->Get(key) == value);
    CHECK(store.gets >= entries.size() * 2);
  }
  SECTION("with a cache the second pass reads nothing from the store") {
    TrieOptions options;
    options.node_cache = &cache;
    absl::StatusOr<Trie> trie = Trie::Open(store, root, options);
    REQUIRE(trie.ok());
    for (const auto& [key, value] : entries)
      REQUIRE(*trie->Get(key) == value);
    store.gets = 0;
    const uint64_t hits = cache.hits();
    for (const auto& [key, value] : entries)
      REQUIRE(*trie->Get(key) == value);
    CHECK(store.gets == 0);
    CHECK(cache.hits() - hits >= entries.size() * 2);
  }
  SECTION("nodes a trie commits through the cache are read from it") {
    TrieOptions options;
    options.node_cache = &cache;
    absl::StatusOr<Trie> trie = Trie::Open(store, root, options);
    REQUIRE(trie.ok());
    for (int i = 0; i < 100; ++i)
      REQUIRE(trie->Put(entries[i].first, RandomBytes(rng, 40)).ok());
    WriteBatch next;
    const Hash32 next_root = trie->Commit(next);
    REQUIRE(store.Write(next, {}).ok());
    absl::StatusOr<Trie> reopened = Trie::Open(store, next_root, options);
    REQUIRE(reopened.ok());
    store.gets = 0;
    for (int i = 0; i < 100; ++i)
      REQUIRE(reopened->Get(entries[i].first)->has_value());
    CHECK(store.gets == 0);  // the whole changed path was committed through the cache
  }
}

TEST_CASE("trie node cache returns what was put and stays within its bound", "[trie][cache]") {
  TrieNodeCache cache(64 << 10);
  const Bytes node(200, 0xab);
  cache.Put(HashOf(1), node);
  CHECK(cache.Get(HashOf(1)) == node);
  CHECK_FALSE(cache.Get(HashOf(2)).has_value());
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
  for (uint64_t n = 0; n < 10'000; ++n)
    cache.Put(HashOf(n), node);
  CHECK(cache.size_bytes() <= 64 << 10);
  CHECK(cache.size_bytes() > 32 << 10);
  // The most recently used survive; the first ones were evicted.
  CHECK(cache.Get(HashOf(9'999)) == node);
  CHECK_FALSE(cache.Get(HashOf(3)).has_value());
  TrieNodeCache none(0);
  none.Put(HashOf(1), node);
  CHECK_FALSE(none.Get(HashOf(1)).has_value());
}

}  // namespace
}  // namespace theta
