// Ethereum's hexary Merkle Patricia Trie (Yellow Paper, appendix D) over a KvStore.
//
// A Trie is an authenticated map from byte-string keys to non-empty byte-string values. Its root
// hash commits to the whole content: two tries with the same (key, value) pairs have the same root
// hash, whatever the order of the writes that built them. Nodes are RLP lists (leaf and extension:
// [path in hex-prefix form, value or child]; branch: 16 children and a value); a node whose RLP is
// under 32 bytes is embedded in its parent, a larger one is referenced by keccak256 of its RLP. The
// root hash is always keccak256 of the root node's RLP; the empty trie's root is keccak256(rlp(""))
// = kEmptyTrieRoot.
//
// Storage: committed nodes live in a KvStore under `options.node_key_prefix ‖ hash` with their RLP
// as the value. A trie opened at a root loads nodes lazily as operations reach them, and keeps what
// Put, Delete and Prove loaded or built in memory (reopen it from its root to drop them).
// Changes stay in memory until Commit adds every new node to a WriteBatch, so that the caller
// writes them atomically with the rest of its state. Commit never deletes nodes: every committed
// root stays readable (no pruning).
//
// Errors: a key over kMaxKeyBytes is InvalidArgument. A node that should be in the store and is not
// is DataLoss naming its hash (the trie is corrupt), as is a stored node that fails to decode or
// does not hash to its key; other store errors pass through unchanged. After a DataLoss or store
// error in Put or Delete the trie's in-memory content is unspecified: reopen it from the last
// committed root.
//
// Thread-safety: a Trie is not thread-safe, not even for concurrent Get calls when another thread
// may write; give each thread its own Trie (the store itself may be shared). VerifyProof is pure.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/kv_store.hpp"

namespace theta {

class TrieNodeCache;  // trie_node_cache.hpp

namespace internal {
struct TrieState;
}  // namespace internal

// keccak256(rlp("")) = keccak256(0x80), the root hash of a trie with no keys.
extern const Hash32 kEmptyTrieRoot;

struct TrieOptions {
  // Prepended to every node's hash to form its store key (default empty: the key is the bare
  // 32-byte hash, as in geth's hash-keyed layout). Lets tries share a store with other data.
  Bytes node_key_prefix;
  // Check that each node read from the store hashes to the key it was read under; a mismatch is
  // DataLoss (default true; costs one keccak256 per node loaded).
  bool verify_node_hashes = true;
  // Not owned; may be shared by every trie over the same store (trie_node_cache.hpp). Reads look
  // there before the store, and Commit puts the nodes it writes into it: the caller must then
  // write the batch (a node cached but never written would be found in the cache only).
  TrieNodeCache* node_cache = nullptr;
};

class Trie {
 public:
  // Longest key accepted. Operations recurse once per key nibble, so this bounds their stack depth.
  static constexpr size_t kMaxKeyBytes = 1024;

  // An empty trie with no store behind it: everything stays in memory (e.g. transaction roots).
  explicit Trie(TrieOptions options = {});
  // An empty trie whose later Get/Prove/Put may load nodes that Commit wrote into `store`.
  explicit Trie(const KvStore& store, TrieOptions options = {});

  // Opens the trie with root hash `root` in `store`, reading the root node now so that a wrong root
  // is found at once. kEmptyTrieRoot needs nothing stored. Errors: NotFound when `store` holds no
  // node under `root` (this store does not have that trie); DataLoss when the stored root node is
  // corrupt; store errors as they come. `store` must outlive the trie.
  static absl::StatusOr<Trie> Open(const KvStore& store, const Hash32& root,
                                   TrieOptions options = {});

  Trie(Trie&&) noexcept;
  Trie& operator=(Trie&&) noexcept;
  Trie(const Trie&) = delete;
  Trie& operator=(const Trie&) = delete;
  ~Trie();

  // The value under `key`, or nullopt when the trie has none. Reads nodes from the store without
  // keeping them. Errors: InvalidArgument for a key over kMaxKeyBytes; DataLoss for a missing or
  // corrupt node.
  absl::StatusOr<std::optional<Bytes>> Get(ByteView key) const;

  // As Get, but keeps the nodes it loads on the way in memory (as Put does), so that a Put or
  // Delete of the same key that follows walks memory only instead of loading them again: for
  // read-modify-write users such as a ledger's accounts. Errors: as for Get; after an error the
  // trie's content is unchanged.
  absl::StatusOr<std::optional<Bytes>> GetAndKeep(ByteView key);

  // Sets `key` to `value`; an empty `value` deletes the key (as in Ethereum, where no key maps to
  // an empty value). Errors: as for Get.
  absl::Status Put(ByteView key, ByteView value);

  // Removes `key`; removing a missing key is not an error and leaves the root unchanged. Deleting
  // may load the sibling of the removed node to collapse their branch. Errors: as for Get.
  absl::Status Delete(ByteView key);

  // The root hash of the current content, including uncommitted changes. Hashes only nodes changed
  // since the last call (the rest are cached), so calling it after every few writes is cheap.
  Hash32 RootHash();

  // Adds every node created since the last Commit to `batch` (store key: prefix ‖ hash, value: RLP)
  // and returns the root hash. The root node is always added, even when it is under 32 bytes. Nodes
  // already in the store are not added again; nothing is ever deleted. The trie stays usable; write
  // `batch` to the store before reading from a trie reopened at the returned root.
  Hash32 Commit(WriteBatch& batch);

  // The proof for `key` in eth_getProof form: the RLP of every node on the path from the root
  // towards `key` that is referenced by hash (the root first; embedded nodes travel inside their
  // parent). It proves the value when the key is present and its absence when not. The empty trie's
  // proof is empty. Errors: as for Get.
  absl::StatusOr<std::vector<Bytes>> Prove(ByteView key);

  // Checks `proof` (as Prove makes it, in order) against `root` and returns the value it proves for
  // `key`, or nullopt when it proves that the trie has no such key. The check is strict and its
  // work is linear in the size of the proof: each node must hash to the reference its parent (or
  // `root`) holds, decode as a canonical trie node, and lie on the path of `key`; a node referenced
  // by hash must be at least 32 bytes (smaller ones are embedded); no node may be left over. Any
  // violation is InvalidArgument naming the node and the rule; nothing crashes on malformed input.
  static absl::StatusOr<std::optional<Bytes>> VerifyProof(const Hash32& root, ByteView key,
                                                          const std::vector<Bytes>& proof);

  // Calls `fn(key, value)` for every entry in ascending byte order of keys, stopping early when
  // `fn` returns false. The views are valid only during the call. Reads nodes from the store
  // without keeping them; `fn` must not modify the trie. Errors: DataLoss for a missing or corrupt
  // node.
  absl::Status ForEach(const std::function<bool(ByteView key, ByteView value)>& fn) const;

 private:
  std::unique_ptr<internal::TrieState> impl_;
};

// A trie whose keys are keccak256 of the caller's keys, as Ethereum's state and storage tries:
// paths have a fixed length of 64 nibbles and cannot be steered by whoever chooses the keys. Same
// contracts as Trie, with the hashed key in place of the key (ForEach yields the hashed keys, since
// the trie keeps no preimages). Not thread-safe.
class SecureTrie {
 public:
  explicit SecureTrie(TrieOptions options = {}) : trie_(std::move(options)) {}
  explicit SecureTrie(const KvStore& store, TrieOptions options = {})
      : trie_(store, std::move(options)) {}
  static absl::StatusOr<SecureTrie> Open(const KvStore& store, const Hash32& root,
                                         TrieOptions options = {});

  absl::StatusOr<std::optional<Bytes>> Get(ByteView key) const;
  absl::Status Put(ByteView key, ByteView value);
  absl::Status Delete(ByteView key);
  Hash32 RootHash() { return trie_.RootHash(); }
  Hash32 Commit(WriteBatch& batch) { return trie_.Commit(batch); }
  absl::StatusOr<std::vector<Bytes>> Prove(ByteView key);
  static absl::StatusOr<std::optional<Bytes>> VerifyProof(const Hash32& root, ByteView key,
                                                          const std::vector<Bytes>& proof);
  absl::Status ForEach(const std::function<bool(ByteView hashed_key, ByteView value)>& fn) const {
    return trie_.ForEach(fn);
  }

  // The trie underneath, keyed by hashed keys.
  Trie& trie() noexcept { return trie_; }

 private:
  explicit SecureTrie(Trie trie) : trie_(std::move(trie)) {}
  Trie trie_;
};

}  // namespace theta
