#include "theta/core/trie.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/test_data.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/kv_store.hpp"

namespace theta {
namespace {

using KeyValues = std::vector<std::pair<Bytes, Bytes>>;  // an empty value deletes

Bytes ToBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// A string of Ethereum's TrieTests: "0x…" is hex, anything else is the text's bytes; null deletes.
Bytes TestString(const nlohmann::json& value) {
  if (value.is_null()) return {};
  const std::string text = value.get<std::string>();
  if (text.rfind("0x", 0) == 0) {
    absl::StatusOr<Bytes> bytes = ParseHex(text);
    REQUIRE(bytes.ok());
    return *bytes;
  }
  return ToBytes(text);
}

// "in" is either a list of [key, value] pairs (applied in order) or a map (any order).
KeyValues TestInput(const nlohmann::json& in) {
  KeyValues out;
  if (in.is_array()) {
    for (const auto& pair : in)
      out.emplace_back(TestString(pair[0]), TestString(pair[1]));
  } else {
    for (const auto& [key, value] : in.items())
      out.emplace_back(TestString(key), TestString(value));
  }
  return out;
}

template <typename T>
absl::Status Apply(T& trie, const KeyValues& input) {
  for (const auto& [key, value] : input) {
    if (absl::Status st = trie.Put(key, value); !st.ok()) return st;
  }
  return absl::OkStatus();
}

template <typename T>
Hash32 RootOf(const KeyValues& input) {
  T trie;
  REQUIRE(Apply(trie, input).ok());
  return trie.RootHash();
}

// The final content after applying `input` in order.
std::map<Bytes, Bytes> FinalContent(const KeyValues& input) {
  std::map<Bytes, Bytes> content;
  for (const auto& [key, value] : input) {
    if (value.empty()) {
      content.erase(key);
    } else {
      content[key] = value;
    }
  }
  return content;
}

struct VectorResult {
  int cases = 0;
  std::vector<std::string> failures;
};

// Runs every case of one TrieTests file with an in-memory trie, and again through a committed
// store.
template <typename T>
void RunVectorFile(const std::string& file, VectorResult& result) {
  const nlohmann::json tests =
      testing::LoadJson(testing::SharedDataDir() / "ethereum-tests" / "TrieTests" / file);
  for (const auto& [name, test] : tests.items()) {
    ++result.cases;
    const KeyValues input = TestInput(test["in"]);
    absl::StatusOr<Hash32> expected = Hash32::FromHex(test["root"].template get<std::string>());
    REQUIRE(expected.ok());
    T trie;
    const bool applied = Apply(trie, input).ok();
    if (!applied || trie.RootHash() != *expected) {
      result.failures.push_back(file + ":" + name + " (got " + trie.RootHash().ToHex() + ")");
      continue;
    }
    // Any order gives the same root: apply the final content shuffled.
    KeyValues final_content;
    for (const auto& kv : FinalContent(input))
      final_content.push_back(kv);
    std::mt19937 rng(7);
    std::shuffle(final_content.begin(), final_content.end(), rng);
    if (RootOf<T>(final_content) != *expected) {
      result.failures.push_back(file + ":" + name + " (shuffled order)");
    }
  }
}

TEST_CASE("trie passes every case of Ethereum's TrieTests root vectors", "[trie]") {
  VectorResult result;
  RunVectorFile<Trie>("trietest.json", result);
  RunVectorFile<Trie>("trieanyorder.json", result);
  RunVectorFile<SecureTrie>("trietest_secureTrie.json", result);
  RunVectorFile<SecureTrie>("trieanyorder_secureTrie.json", result);
  RunVectorFile<SecureTrie>("hex_encoded_securetrie_test.json", result);
  INFO("failing cases: " << result.failures.size());
  for (const std::string& failure : result.failures)
    UNSCOPED_INFO(failure);
  CHECK(result.failures.empty());
  CHECK(result.cases == 25);  // 5 + 7 + 3 + 7 + 3 in the pinned ethereum/tests commit
}

TEST_CASE("trie iterates in key order as trietestnextprev.json expects", "[trie]") {
  const nlohmann::json tests = testing::LoadJson(testing::SharedDataDir() / "ethereum-tests" /
                                                 "TrieTests" / "trietestnextprev.json");
  int checked = 0;
  for (const auto& [name, test] : tests.items()) {
    Trie trie;
    for (const auto& key : test["in"])
      REQUIRE(trie.Put(TestString(key), ToBytes(name)).ok());
    std::vector<Bytes> keys;
    REQUIRE(trie.ForEach([&](ByteView key, ByteView) {
                  keys.emplace_back(key.begin(), key.end());
                  return true;
                })
                .ok());
    REQUIRE(std::is_sorted(keys.begin(), keys.end()));
    for (const auto& row : test["tests"]) {
      const Bytes probe = TestString(row[0]);
      auto after = std::upper_bound(keys.begin(), keys.end(), probe);
      auto before = std::lower_bound(keys.begin(), keys.end(), probe);
      const Bytes prev = before == keys.begin() ? Bytes() : *std::prev(before);
      const Bytes next = after == keys.end() ? Bytes() : *after;
      INFO(name << " probe " << row[0]);
      CHECK(prev == TestString(row[1]));
      CHECK(next == TestString(row[2]));
      ++checked;
    }
  }
  CHECK(checked == 12);
}

TEST_CASE("trie with no keys has the empty root keccak256(rlp(\"\"))", "[trie]") {
  Trie trie;
  CHECK(trie.RootHash() == kEmptyTrieRoot);
  CHECK(kEmptyTrieRoot == Keccak256(Bytes{0x80}));
  CHECK(kEmptyTrieRoot.ToHex() ==
        "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  auto got = trie.Get(ToBytes("missing"));
  REQUIRE(got.ok());
  CHECK_FALSE(got->has_value());
  WriteBatch batch;
  CHECK(trie.Commit(batch) == kEmptyTrieRoot);
  CHECK(batch.empty());
}

TEST_CASE("trie gets what was put, and deletion restores the earlier root", "[trie]") {
  Trie trie;
  REQUIRE(trie.Put(ToBytes("dog"), ToBytes("puppy")).ok());
  const Hash32 one_key = trie.RootHash();
  REQUIRE(trie.Put(ToBytes("doge"), ToBytes("coin")).ok());
  REQUIRE(trie.Put(ToBytes("do"), ToBytes("verb")).ok());
  REQUIRE(trie.Put(ToBytes(""), ToBytes("empty key")).ok());
  CHECK(trie.Get(ToBytes("doge"))->value() == ToBytes("coin"));
  CHECK(trie.Get(ToBytes(""))->value() == ToBytes("empty key"));
  CHECK_FALSE(trie.Get(ToBytes("d"))->has_value());
  CHECK_FALSE(trie.Get(ToBytes("dogs"))->has_value());

  const Hash32 four_keys = trie.RootHash();
  REQUIRE(trie.Delete(ToBytes("cat")).ok());
  CHECK(trie.RootHash() == four_keys);
  REQUIRE(trie.Put(ToBytes("do"), {}).ok());  // an empty value deletes
  CHECK_FALSE(trie.Get(ToBytes("do"))->has_value());
  REQUIRE(trie.Delete(ToBytes("doge")).ok());
  REQUIRE(trie.Delete(ToBytes("")).ok());
  CHECK(trie.RootHash() == one_key);
  REQUIRE(trie.Delete(ToBytes("dog")).ok());
  CHECK(trie.RootHash() == kEmptyTrieRoot);
}

TEST_CASE("trie rejects keys over the length limit", "[trie]") {
  Trie trie;
  const Bytes long_key(Trie::kMaxKeyBytes + 1, 0x01);
  CHECK(trie.Put(long_key, ToBytes("v")).code() == absl::StatusCode::kInvalidArgument);
  CHECK(trie.Get(long_key).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(trie.Delete(long_key).code() == absl::StatusCode::kInvalidArgument);
  CHECK(trie.Put(Bytes(Trie::kMaxKeyBytes, 0x01), ToBytes("v")).ok());
}

// Keys from a small alphabet and of lengths 0..4, so that they share prefixes and are prefixes of
// one another; values of 1..40 bytes, so that nodes are both embedded and hashed.
struct RandomOps {
  explicit RandomOps(uint32_t seed) : rng(seed) {}
  Bytes Key() {
    static constexpr uint8_t kAlphabet[] = {0x00, 0x01, 0x10, 0x12, 0xff};
    Bytes key(rng() % 5);
    for (uint8_t& b : key)
      b = kAlphabet[rng() % 5];
    return key;
  }
  Bytes Value() {
    Bytes value(1 + rng() % 40);
    for (uint8_t& b : value)
      b = static_cast<uint8_t>(rng());
    return value;
  }
  std::mt19937 rng;
};

void CheckAgainst(Trie& trie, const std::map<Bytes, Bytes>& model, std::mt19937& rng) {
  std::vector<std::pair<Bytes, Bytes>> entries(model.begin(), model.end());
  std::vector<std::pair<Bytes, Bytes>> seen;
  REQUIRE(trie.ForEach([&](ByteView key, ByteView value) {
                seen.emplace_back(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
                return true;
              })
              .ok());
  CHECK(seen == entries);
  for (const auto& [key, value] : entries) {
    auto got = trie.Get(key);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK(**got == value);
  }
  // A fresh trie built in another order must reach the same root.
  std::shuffle(entries.begin(), entries.end(), rng);
  Trie fresh;
  for (const auto& [key, value] : entries)
    REQUIRE(fresh.Put(key, value).ok());
  CHECK(fresh.RootHash() == trie.RootHash());
}

TEST_CASE("trie matches a std::map under random puts and deletes", "[trie]") {
  const uint32_t seed = 20240611;
  CAPTURE(seed);
  RandomOps ops(seed);
  Trie trie;
  std::map<Bytes, Bytes> model;
  for (int step = 0; step < 4000; ++step) {
    const Bytes key = ops.Key();
    if (ops.rng() % 3 == 0) {
      REQUIRE(trie.Delete(key).ok());
      model.erase(key);
    } else {
      const Bytes value = ops.Value();
      REQUIRE(trie.Put(key, value).ok());
      model[key] = value;
    }
    if (step % 97 == 0) {
      CAPTURE(step);
      CheckAgainst(trie, model, ops.rng);
    }
  }
  CheckAgainst(trie, model, ops.rng);
  for (const auto& entry : model)
    REQUIRE(trie.Delete(entry.first).ok());
  CHECK(trie.RootHash() == kEmptyTrieRoot);
}

TEST_CASE("trie ForEach stops when the callback returns false", "[trie]") {
  Trie trie;
  for (uint8_t i = 0; i < 20; ++i)
    REQUIRE(trie.Put(Bytes{i}, Bytes{1, i}).ok());
  int calls = 0;
  REQUIRE(trie.ForEach([&](ByteView, ByteView) { return ++calls < 5; }).ok());
  CHECK(calls == 5);
}

// ---------------------------------------------------------------------------------------------
// Committed tries, on the memory and LevelDB stores.

// A store of the named backend and the temp directory it lives in (removed after the store closes).
class TestStore {
 public:
  explicit TestStore(const std::string& backend) {
    if (backend == "memory") {
      store_ = NewMemoryStore();
      return;
    }
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("theta_trie_test_" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "_" +
            std::to_string(counter++));
    auto opened = OpenLevelDbStore(dir_.string());
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
  }
  ~TestStore() {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  KvStore& operator*() const { return *store_; }
  KvStore* operator->() const { return store_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<KvStore> store_;
};

#define THETA_TRIE_BACKENDS GENERATE(as<std::string>{}, "memory", "leveldb")

Hash32 CommitTo(KvStore& store, Trie& trie) {
  WriteBatch batch;
  const Hash32 root = trie.Commit(batch);
  REQUIRE(store.Write(batch).ok());
  return root;
}

std::map<Bytes, Bytes> RandomContent(std::mt19937& rng, int count) {
  std::map<Bytes, Bytes> content;
  for (int i = 0; i < count; ++i) {
    Bytes key(i % 3 == 0 ? 1 + rng() % 4 : 32);  // short keys make embedded nodes
    for (uint8_t& b : key)
      b = static_cast<uint8_t>(rng());
    Bytes value(1 + rng() % 50);
    for (uint8_t& b : value)
      b = static_cast<uint8_t>(rng());
    content[key] = value;
  }
  return content;
}

TEST_CASE("trie commits to a store and reads everything back after reopening", "[trie]") {
  const std::string backend = THETA_TRIE_BACKENDS;
  const uint32_t seed = 99;
  CAPTURE(backend, seed);
  TestStore store(backend);
  std::mt19937 rng(seed);
  std::map<Bytes, Bytes> model = RandomContent(rng, 2000);

  Trie trie(*store);
  for (const auto& [key, value] : model)
    REQUIRE(trie.Put(key, value).ok());
  WriteBatch first;
  const Hash32 root = trie.Commit(first);
  REQUIRE(store->Write(first).ok());
  CHECK(root == trie.RootHash());

  absl::StatusOr<Trie> reopened = Trie::Open(*store, root);
  REQUIRE(reopened.ok());
  CHECK(reopened->RootHash() == root);
  CheckAgainst(*reopened, model, rng);

  // Keep going on the lazily loaded trie: change a tenth of the keys, add some, then commit again.
  int changed = 0;
  for (auto it = model.begin(); it != model.end(); ++it) {
    if (++changed % 10 != 0) continue;
    if (changed % 20 == 0) {
      REQUIRE(reopened->Delete(it->first).ok());
      it->second.clear();
    } else {
      it->second = Bytes{1, 2, 3};
      REQUIRE(reopened->Put(it->first, it->second).ok());
    }
  }
  std::erase_if(model, [](const auto& kv) { return kv.second.empty(); });
  for (const auto& [key, value] : RandomContent(rng, 100)) {
    REQUIRE(reopened->Put(key, value).ok());
    model[key] = value;
  }
  WriteBatch second;
  const Hash32 root2 = reopened->Commit(second);
  REQUIRE(store->Write(second).ok());
  CHECK(second.size() < first.size());  // only the changed paths are written
  CheckAgainst(*reopened, model, rng);  // also compares with a fresh in-memory build

  absl::StatusOr<Trie> again = Trie::Open(*store, root2);
  REQUIRE(again.ok());
  CheckAgainst(*again, model, rng);
  // The first root stays readable: commits never delete.
  absl::StatusOr<Trie> old = Trie::Open(*store, root);
  REQUIRE(old.ok());
  CHECK(old->RootHash() == root);
}

TEST_CASE("trie commits every Ethereum vector and reads it back from a store", "[trie]") {
  const std::string backend = THETA_TRIE_BACKENDS;
  TestStore store(backend);
  int cases = 0;
  for (const char* file : {"trietest.json", "trieanyorder.json"}) {
    const nlohmann::json tests =
        testing::LoadJson(testing::SharedDataDir() / "ethereum-tests" / "TrieTests" / file);
    for (const auto& [name, test] : tests.items()) {
      CAPTURE(backend, file, name);
      const KeyValues input = TestInput(test["in"]);
      Trie trie;
      REQUIRE(Apply(trie, input).ok());
      const Hash32 root = CommitTo(*store, trie);
      CHECK(root.ToHex() == test["root"].template get<std::string>());
      absl::StatusOr<Trie> reopened = Trie::Open(*store, root);
      REQUIRE(reopened.ok());
      for (const auto& [key, value] : FinalContent(input)) {
        auto got = reopened->Get(key);
        REQUIRE(got.ok());
        REQUIRE(got->has_value());
        CHECK(**got == value);
      }
      ++cases;
    }
  }
  CHECK(cases == 12);
}

TEST_CASE("trie open at an unknown root is NotFound, a lost node is DataLoss naming it", "[trie]") {
  const std::string backend = THETA_TRIE_BACKENDS;
  CAPTURE(backend);
  TestStore store(backend);
  CHECK(Trie::Open(*store, Keccak256(ToBytes("no such root"))).status().code() ==
        absl::StatusCode::kNotFound);
  absl::StatusOr<Trie> empty = Trie::Open(*store, kEmptyTrieRoot);
  REQUIRE(empty.ok());
  CHECK(empty->RootHash() == kEmptyTrieRoot);

  std::mt19937 rng(5);
  Trie trie;
  for (const auto& [key, value] : RandomContent(rng, 300))
    REQUIRE(trie.Put(key, value).ok());
  WriteBatch batch;
  const Hash32 root = trie.Commit(batch);
  REQUIRE(store->Write(batch).ok());
  // Lose one node below the root (the root is the batch's last entry).
  const Bytes lost = batch.ops().front().key;
  REQUIRE(lost != Bytes(root.bytes.begin(), root.bytes.end()));
  REQUIRE(store->Delete(lost).ok());

  absl::StatusOr<Trie> reopened = Trie::Open(*store, root);
  REQUIRE(reopened.ok());
  absl::Status walk = reopened->ForEach([](ByteView, ByteView) { return true; });
  CHECK(walk.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(walk.message()), Catch::Contains(ToHex(lost)));

  // A node whose bytes changed no longer hashes to its key.
  REQUIRE(store->Put(lost, Bytes{0xc2, 0x80, 0x80}).ok());
  walk = reopened->ForEach([](ByteView, ByteView) { return true; });
  CHECK(walk.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(walk.message()), Catch::Contains("hashes to"));
  // Without the hash check, the malformed node itself is found.
  TrieOptions unchecked;
  unchecked.verify_node_hashes = false;
  absl::StatusOr<Trie> lax = Trie::Open(*store, root, unchecked);
  REQUIRE(lax.ok());
  walk = lax->ForEach([](ByteView, ByteView) { return true; });
  CHECK(walk.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(walk.message()), Catch::Contains("malformed"));
}

TEST_CASE("trie GetAndKeep reads as Get and leaves later writes and commits unchanged", "[trie]") {
  std::mt19937 rng(11);
  const std::map<Bytes, Bytes> content = RandomContent(rng, 400);
  std::unique_ptr<KvStore> store = NewMemoryStore();
  Trie built;
  for (const auto& [key, value] : content)
    REQUIRE(built.Put(key, value).ok());
  WriteBatch first;
  const Hash32 root = built.Commit(first);
  REQUIRE(store->Write(first).ok());

  absl::StatusOr<Trie> kept = Trie::Open(*store, root);
  absl::StatusOr<Trie> plain = Trie::Open(*store, root);
  REQUIRE(kept.ok());
  REQUIRE(plain.ok());
  int i = 0;
  for (const auto& [key, value] : content) {
    if (i++ % 3 != 0) continue;
    absl::StatusOr<std::optional<Bytes>> got = kept->GetAndKeep(key);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK(**got == value);
    // Read-modify-write, as the ledger does with accounts.
    Bytes changed = value;
    changed.push_back(0x01);
    REQUIRE(kept->Put(key, changed).ok());
    REQUIRE(plain->Put(key, changed).ok());
  }
  absl::StatusOr<std::optional<Bytes>> missing = kept->GetAndKeep(ToBytes("no such key"));
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());

  WriteBatch from_kept;
  WriteBatch from_plain;
  CHECK(kept->Commit(from_kept) == plain->Commit(from_plain));
  auto sorted = [](const WriteBatch& batch) {
    std::vector<std::pair<Bytes, Bytes>> ops;
    for (const WriteBatch::Op& op : batch.ops())
      ops.emplace_back(op.key, op.value);
    std::sort(ops.begin(), ops.end());
    return ops;
  };
  CHECK(sorted(from_kept) == sorted(from_plain));

  // A lost node is DataLoss, and the trie still reads what it could before.
  const Bytes lost = first.ops().front().key;
  REQUIRE(store->Delete(lost).ok());
  absl::StatusOr<Trie> broken = Trie::Open(*store, root);
  REQUIRE(broken.ok());
  bool saw_loss = false;
  for (const auto& [key, value] : content) {
    absl::StatusOr<std::optional<Bytes>> got = broken->GetAndKeep(key);
    if (!got.ok()) {
      CHECK(got.status().code() == absl::StatusCode::kDataLoss);
      saw_loss = true;
      continue;
    }
    REQUIRE(got->has_value());
    CHECK(**got == value);
  }
  CHECK(saw_loss);
}

TEST_CASE("trie keeps its nodes under the configured key prefix", "[trie]") {
  TestStore store("memory");
  TrieOptions options;
  options.node_key_prefix = ToBytes("t/");
  SecureTrie trie(*store, options);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(trie.Put(ToBytes("account" + std::to_string(i)), ToBytes("balance")).ok());
  }
  WriteBatch batch;
  const Hash32 root = trie.Commit(batch);
  for (const auto& op : batch.ops()) {
    CHECK(op.key.size() == 34);
    CHECK(ToString(ByteView(op.key).first(2)) == "t/");
  }
  REQUIRE(store->Write(batch).ok());
  CHECK(SecureTrie::Open(*store, root).status().code() == absl::StatusCode::kNotFound);
  absl::StatusOr<SecureTrie> reopened = SecureTrie::Open(*store, root, options);
  REQUIRE(reopened.ok());
  auto got = reopened->Get(ToBytes("account7"));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK(**got == ToBytes("balance"));
}

}  // namespace
}  // namespace theta
