// Fuzzes Trie::VerifyProof, a decoder of outside bytes, two ways:
//  1. the input read as (root, key, proof nodes): verification must never crash, must be
//     deterministic, and may only ever return a non-empty value. With the first byte's low bit set,
//     the root is keccak256 of the first node, so the fuzzer reaches the node decoder;
//  2. the input read as puts and deletes: the trie must agree with a std::map and with a fresh trie
//     built from the map's content, every key's proof (present or deleted) must verify to the map's
//     answer, and a proof with one byte changed must be rejected.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <vector>

#include "theta/core/hash.hpp"
#include "theta/core/trie.hpp"

namespace {

using theta::Bytes;
using theta::ByteView;
using theta::Hash32;
using theta::Trie;

#define FUZZ_CHECK(cond)       \
  do {                         \
    if (!(cond)) std::abort(); \
  } while (0)

// Consumes bytes from the front of the input.
struct Reader {
  ByteView rest;
  uint8_t Byte() {
    if (rest.empty()) return 0;
    const uint8_t b = rest[0];
    rest = rest.subspan(1);
    return b;
  }
  ByteView Take(size_t n) {
    n = std::min(n, rest.size());
    ByteView out = rest.first(n);
    rest = rest.subspan(n);
    return out;
  }
};

void FuzzRawProof(ByteView data) {
  Reader in{data};
  const uint8_t flags = in.Byte();
  Hash32 root;
  const ByteView root_bytes = in.Take(32);
  std::copy(root_bytes.begin(), root_bytes.end(), root.bytes.begin());
  const ByteView key = in.Take(in.Byte() % 40);
  std::vector<Bytes> proof;
  while (!in.rest.empty() && proof.size() < 16) {
    const size_t length = (size_t{in.Byte()} << 8 | in.Byte()) % 600;
    const ByteView node = in.Take(length);
    proof.emplace_back(node.begin(), node.end());
  }
  if ((flags & 1) != 0 && !proof.empty()) root = theta::Keccak256(proof[0]);

  const auto first = Trie::VerifyProof(root, key, proof);
  const auto second = Trie::VerifyProof(root, key, proof);
  FUZZ_CHECK(first.ok() == second.ok());
  if (first.ok()) {
    FUZZ_CHECK(*first == *second);
    FUZZ_CHECK(!first->has_value() || !(*first)->empty());
  } else {
    FUZZ_CHECK(first.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

void FuzzRoundTrip(ByteView data) {
  Reader in{data};
  Trie trie;
  std::map<Bytes, Bytes> model;
  std::vector<Bytes> touched;
  for (int op = 0; op < 64 && !in.rest.empty(); ++op) {
    const ByteView key = in.Take(in.Byte() % 6);
    const ByteView value = in.Take(in.Byte() % 40);  // empty: delete
    FUZZ_CHECK(trie.Put(key, value).ok());
    Bytes k(key.begin(), key.end());
    if (value.empty()) {
      model.erase(k);
    } else {
      model[k] = Bytes(value.begin(), value.end());
    }
    touched.push_back(std::move(k));
  }
  const Hash32 root = trie.RootHash();
  Trie fresh;
  for (const auto& [key, value] : model)
    FUZZ_CHECK(fresh.Put(key, value).ok());
  FUZZ_CHECK(fresh.RootHash() == root);

  size_t salt = data.size();
  for (const Bytes& key : touched) {
    const auto it = model.find(key);
    const std::optional<Bytes> expected =
        it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
    const auto got = trie.Get(key);
    FUZZ_CHECK(got.ok() && *got == expected);
    auto proof = trie.Prove(key);
    FUZZ_CHECK(proof.ok());
    const auto verified = Trie::VerifyProof(root, key, *proof);
    FUZZ_CHECK(verified.ok() && *verified == expected);
    if (proof->empty()) continue;
    // One changed byte anywhere in the proof is caught by the hash chain.
    Bytes& node = (*proof)[salt % proof->size()];
    node[(salt / 7) % node.size()] ^= static_cast<uint8_t>(1 + salt % 255);
    FUZZ_CHECK(!Trie::VerifyProof(root, key, *proof).ok());
    salt = salt * 31 + 17;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  FuzzRawProof(input);
  FuzzRoundTrip(input);
  return 0;
}
