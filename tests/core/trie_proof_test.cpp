#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "theta/core/hash.hpp"
#include "theta/core/kv_store.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"

namespace theta {
namespace {

Bytes ToBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// Keys of mixed lengths (prefixes of one another included) and values of 1..60 bytes, so that paths
// cross embedded and hashed nodes, extensions and branch values.
std::map<Bytes, Bytes> RandomContent(std::mt19937& rng, int count) {
  std::map<Bytes, Bytes> content;
  for (int i = 0; i < count; ++i) {
    Bytes key(i % 4 == 0 ? rng() % 3 : 1 + rng() % 8);
    for (uint8_t& b : key)
      b = static_cast<uint8_t>(rng() % 4 == 0 ? 0x11 : rng());
    Bytes value(1 + rng() % 60);
    for (uint8_t& b : value)
      b = static_cast<uint8_t>(rng());
    content[key] = value;
  }
  return content;
}

Bytes RandomKey(std::mt19937& rng) {
  Bytes key(rng() % 9);
  for (uint8_t& b : key)
    b = static_cast<uint8_t>(rng() % 4 == 0 ? 0x11 : rng());
  return key;
}

void CheckProves(const Hash32& root, ByteView key, const std::vector<Bytes>& proof,
                 const std::optional<Bytes>& expected) {
  auto verified = Trie::VerifyProof(root, key, proof);
  INFO("key " << ToHex(key));
  REQUIRE(verified.ok());
  CHECK(*verified == expected);
}

TEST_CASE("trie proofs verify for present and absent keys", "[trie]") {
  const uint32_t seed = 1186;  // EIP-1186 introduced eth_getProof
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::map<Bytes, Bytes> model = RandomContent(rng, 600);
  Trie trie;
  for (const auto& [key, value] : model)
    REQUIRE(trie.Put(key, value).ok());
  const Hash32 root = trie.RootHash();

  for (const auto& [key, value] : model) {
    auto proof = trie.Prove(key);
    REQUIRE(proof.ok());
    REQUIRE_FALSE(proof->empty());
    CHECK(Keccak256((*proof)[0]) == root);
    CheckProves(root, key, *proof, value);
  }
  int absent = 0;
  for (int i = 0; i < 600; ++i) {
    const Bytes key = RandomKey(rng);
    if (model.count(key) != 0) continue;
    auto proof = trie.Prove(key);
    REQUIRE(proof.ok());
    CheckProves(root, key, *proof, std::nullopt);
    ++absent;
  }
  CHECK(absent > 300);
}

TEST_CASE("trie proofs from a committed trie equal those from memory", "[trie]") {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  std::mt19937 rng(3);
  const std::map<Bytes, Bytes> model = RandomContent(rng, 300);
  Trie trie;
  for (const auto& [key, value] : model)
    REQUIRE(trie.Put(key, value).ok());
  WriteBatch batch;
  const Hash32 root = trie.Commit(batch);
  REQUIRE(store->Write(batch).ok());
  absl::StatusOr<Trie> reopened = Trie::Open(*store, root);
  REQUIRE(reopened.ok());
  for (int i = 0; i < 200; ++i) {
    const Bytes key = i % 2 == 0 ? std::next(model.begin(), i)->first : RandomKey(rng);
    auto from_memory = trie.Prove(key);
    auto from_store = reopened->Prove(key);
    REQUIRE(from_memory.ok());
    REQUIRE(from_store.ok());
    CHECK(*from_memory == *from_store);
  }
  CHECK(reopened->RootHash() == root);
}

TEST_CASE("trie proof verification rejects tampered proofs", "[trie]") {
  std::mt19937 rng(11);
  const std::map<Bytes, Bytes> model = RandomContent(rng, 400);
  Trie trie;
  for (const auto& [key, value] : model)
    REQUIRE(trie.Put(key, value).ok());
  const Hash32 root = trie.RootHash();

  int tampered = 0;
  for (int i = 0; i < 60; ++i) {
    const Bytes key = i % 2 == 0 ? std::next(model.begin(), i * 5)->first : RandomKey(rng);
    auto proof = trie.Prove(key);
    REQUIRE(proof.ok());
    CAPTURE(ToHex(key), proof->size());
    for (size_t n = 0; n < proof->size(); ++n) {
      CAPTURE(n);
      std::vector<Bytes> changed = *proof;  // one byte changed
      changed[n][rng() % changed[n].size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      CHECK(Trie::VerifyProof(root, key, changed).status().code() ==
            absl::StatusCode::kInvalidArgument);
      std::vector<Bytes> dropped = *proof;  // one node missing
      dropped.erase(dropped.begin() + static_cast<ptrdiff_t>(n));
      CHECK_FALSE(Trie::VerifyProof(root, key, dropped).ok());
      ++tampered;
    }
    std::vector<Bytes> extra = *proof;  // a node left over
    extra.push_back(proof->back());
    CHECK_FALSE(Trie::VerifyProof(root, key, extra).ok());
    if (proof->size() >= 2) {
      std::vector<Bytes> swapped = *proof;
      std::swap(swapped[0], swapped[1]);
      CHECK_FALSE(Trie::VerifyProof(root, key, swapped).ok());
    }
    Hash32 wrong_root = root;
    wrong_root[0] ^= 1;
    CHECK_FALSE(Trie::VerifyProof(wrong_root, key, *proof).ok());
    CHECK_FALSE(Trie::VerifyProof(kEmptyTrieRoot, key, *proof).ok());
  }
  CHECK(tampered > 100);
}

TEST_CASE("trie proof of the empty trie is empty and proves absence", "[trie]") {
  Trie trie;
  auto proof = trie.Prove(ToBytes("anything"));
  REQUIRE(proof.ok());
  CHECK(proof->empty());
  CheckProves(kEmptyTrieRoot, ToBytes("anything"), {}, std::nullopt);
  CHECK_FALSE(Trie::VerifyProof(kEmptyTrieRoot, ToBytes("x"), {Bytes{0x80}}).ok());
  CHECK_FALSE(Trie::VerifyProof(Keccak256(ToBytes("x")), ToBytes("x"), {}).ok());
}

TEST_CASE("trie proof of a root under 32 bytes holds the root itself", "[trie]") {
  Trie trie;
  REQUIRE(trie.Put(ToBytes("a"), ToBytes("b")).ok());
  auto proof = trie.Prove(ToBytes("a"));
  REQUIRE(proof.ok());
  REQUIRE(proof->size() == 1);
  CHECK((*proof)[0].size() < 32);
  CheckProves(trie.RootHash(), ToBytes("a"), *proof, ToBytes("b"));
  CheckProves(trie.RootHash(), ToBytes("c"), *proof, std::nullopt);
}

TEST_CASE("secure trie proofs verify under hashed keys", "[trie]") {
  SecureTrie trie;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(
        trie.Put(ToBytes("acct" + std::to_string(i)), ToBytes("state" + std::to_string(i))).ok());
  }
  const Hash32 root = trie.RootHash();
  auto present = trie.Prove(ToBytes("acct42"));
  REQUIRE(present.ok());
  auto value = SecureTrie::VerifyProof(root, ToBytes("acct42"), *present);
  REQUIRE(value.ok());
  CHECK(*value == ToBytes("state42"));
  auto absent = trie.Prove(ToBytes("acct1000"));
  REQUIRE(absent.ok());
  value = SecureTrie::VerifyProof(root, ToBytes("acct1000"), *absent);
  REQUIRE(value.ok());
  CHECK_FALSE(value->has_value());
}

// Hand-made nodes that a canonical trie never produces, each under a root that commits to it.
Bytes Leaf(uint8_t hex_prefix, ByteView value) {
  RlpWriter w;
  w.BeginList().AddBytes(Bytes{hex_prefix}).AddBytes(value).EndList();
  return std::move(w).Finish();
}

Bytes Branch(const std::vector<std::pair<int, Bytes>>& hashed_children, ByteView value) {
  RlpWriter w;
  w.BeginList();
  for (int i = 0; i < 16; ++i) {
    Bytes ref;
    for (const auto& [slot, child] : hashed_children) {
      if (slot == i) ref = child;
    }
    w.AddBytes(ref);
  }
  w.AddBytes(value).EndList();
  return std::move(w).Finish();
}

absl::Status VerifyStatus(const std::vector<Bytes>& proof, ByteView key) {
  return Trie::VerifyProof(Keccak256(proof[0]), key, proof).status();
}

TEST_CASE("trie proof verification rejects non-canonical nodes", "[trie]") {
  const Bytes long_value(40, 0x77);
  const Bytes big_leaf = Leaf(0x20, long_value);  // leaf, even empty path
  const Hash32 big_hash = Keccak256(big_leaf);
  const Bytes key = {0x10};  // nibbles 1, 0

  // The canonical shape works: a branch with two hashed leaves.
  const Bytes leaf_odd = Leaf(0x30, long_value);  // leaf, odd path [0]
  const Hash32 odd_hash = Keccak256(leaf_odd);
  const Bytes good_root = Branch({{1, Bytes(odd_hash.bytes.begin(), odd_hash.bytes.end())},
                                  {2, Bytes(odd_hash.bytes.begin(), odd_hash.bytes.end())}},
                                 {});
  auto ok = Trie::VerifyProof(Keccak256(good_root), key, {good_root, leaf_odd});
  REQUIRE(ok.ok());
  CHECK(*ok == long_value);

  // A node under 32 bytes referenced by hash.
  const Bytes small_leaf = Leaf(0x30, Bytes{0x05});
  const Hash32 small_hash = Keccak256(small_leaf);
  const Bytes small_root = Branch({{1, Bytes(small_hash.bytes.begin(), small_hash.bytes.end())},
                                   {2, Bytes(odd_hash.bytes.begin(), odd_hash.bytes.end())}},
                                  {});
  absl::Status st = VerifyStatus({small_root, small_leaf}, key);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(st.message()), Catch::Contains("under 32 bytes"));

  // A branch with a single entry.
  const Bytes lonely = Branch({{1, Bytes(odd_hash.bytes.begin(), odd_hash.bytes.end())}}, {});
  st = VerifyStatus({lonely, leaf_odd}, key);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(st.message()), Catch::Contains("1 entries"));

  // An even hex-prefix path with a non-zero pad nibble, and a bad flag nibble.
  CHECK(VerifyStatus({Leaf(0x21, long_value)}, key).code() == absl::StatusCode::kInvalidArgument);
  CHECK(VerifyStatus({Leaf(0x40, long_value)}, key).code() == absl::StatusCode::kInvalidArgument);
  // A leaf with an empty value, and a node that is a string.
  CHECK(VerifyStatus({Leaf(0x20, {})}, {}).code() == absl::StatusCode::kInvalidArgument);
  CHECK(VerifyStatus({RlpEncodeBytes(long_value)}, key).code() ==
        absl::StatusCode::kInvalidArgument);
  // An extension whose hashed child is a leaf.
  RlpWriter ext;
  ext.BeginList().AddBytes(Bytes{0x11}).AddBytes(big_hash).EndList();
  const Bytes ext_node = std::move(ext).Finish();
  st = VerifyStatus({ext_node, big_leaf}, key);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(st.message()), Catch::Contains("not a branch"));
  // Malformed RLP.
  CHECK(VerifyStatus({Bytes{0xc3, 0x80}}, key).code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta
