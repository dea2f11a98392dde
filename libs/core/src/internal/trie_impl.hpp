// Private to the trie: the state behind theta::Trie, shared by trie.cpp (operations) and
// trie_proof.cpp (proofs).
#pragma once

#include "internal/trie_node.hpp"
#include "theta/core/trie.hpp"

namespace theta::internal {

struct TrieState {
  const KvStore* store = nullptr;  // null: an in-memory trie with nothing committed to read back
  TrieOptions options;
  NodePtr root;  // null: the empty trie

  // The store key of the node with hash `hash`.
  Bytes NodeKey(const Hash32& hash) const;
  // The RLP stored under `hash`, checked against the hash when the options ask. A missing node is
  // DataLoss.
  absl::StatusOr<Bytes> ReadNode(const Hash32& hash) const;
  // The node stored under `hash`, decoded into clean in-memory nodes (malformed: DataLoss).
  absl::StatusOr<NodePtr> LoadNode(const Hash32& hash) const;
  // Looks up the rest of a key below the committed node `hash`, walking the stored RLP directly:
  // cheaper than LoadNode, and nothing is kept.
  absl::StatusOr<std::optional<Bytes>> GetCommitted(Hash32 hash, NibbleView rest) const;
  // Replaces `node` by its loaded form when it is a HashNode; the reference stays the same.
  absl::Status Resolve(NodePtr& node) const;
};

// InvalidArgument when `key` is longer than Trie::kMaxKeyBytes.
absl::Status CheckTrieKey(ByteView key);

}  // namespace theta::internal
