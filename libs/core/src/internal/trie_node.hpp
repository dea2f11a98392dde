// Private to the trie: its in-memory nodes, nibble paths, and the node codec (RLP and hex-prefix).
//
// Paths are kept as one nibble (0..15) per byte. A key of n bytes is a path of 2n nibbles.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <variant>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/rlp.hpp"

namespace theta::internal {

using Nibbles = Bytes;
using NibbleView = ByteView;

Nibbles ToNibbles(ByteView key);
// Packs an even number of nibbles into bytes (the caller checks the count).
Bytes NibblesToBytes(NibbleView nibbles);
// Length of the common prefix of `a` and `b`.
size_t CommonPrefix(NibbleView a, NibbleView b) noexcept;
bool StartsWith(NibbleView path, NibbleView prefix) noexcept;

// Hex-prefix encoding (Yellow Paper appendix C): a flag nibble (2 for a leaf, +1 for an odd
// length), a padding 0 nibble when the length is even, then the nibbles.
Bytes HexPrefixEncode(NibbleView nibbles, bool is_leaf);

// ---------------------------------------------------------------------------------------------
// Decoded view of one node's RLP, borrowing it.

// A child slot of a branch or extension: none, a hash reference, or a node embedded inline.
struct ChildRef {
  enum class Kind : uint8_t { kNone, kHash, kEmbedded };
  Kind kind = Kind::kNone;
  Hash32 hash;       // kHash
  RlpItem embedded;  // kEmbedded: the node's list item (under 32 bytes)
};

struct NodeView {
  enum class Kind : uint8_t { kLeaf, kExtension, kBranch };
  Kind kind = Kind::kLeaf;
  Nibbles path;                       // leaf and extension
  ByteView value;                     // leaf value, or branch value (empty: none)
  ChildRef child;                     // extension
  std::array<ChildRef, 16> children;  // branch
};

// Decodes a node from a validated RLP item (from DecodeRlp) and checks that it is canonical: a list
// of 2 or 17 items; a hex-prefix path with a valid flag and a zero pad nibble; a non-empty leaf
// value; a non-empty extension path whose child is a reference (an embedded child must be a
// branch); child references that are empty, 32-byte hashes or embedded lists under 32 bytes; a
// branch with at least two of its 17 entries set. Errors are InvalidArgument naming the rule;
// callers that read from a store turn them into DataLoss.
absl::StatusOr<NodeView> DecodeNodeView(const RlpItem& item);

// ---------------------------------------------------------------------------------------------
// In-memory nodes.

struct TrieNode;
using NodePtr = std::unique_ptr<TrieNode>;

struct LeafNode {
  Nibbles path;
  Bytes value;
};
struct ExtensionNode {
  Nibbles path;   // never empty
  NodePtr child;  // a branch (or a hash of one)
};
struct BranchNode {
  std::array<NodePtr, 16> children;
  Bytes value;  // empty: none
};
// A committed node not loaded yet.
struct HashNode {
  Hash32 hash;
};

// A node's reference in its parent: its RLP when under 32 bytes, else RLP(keccak256(RLP)), which is
// 33 bytes. Kept inline: hashing a trie then allocates nothing per node for it.
class NodeRef {
 public:
  static constexpr size_t kHashRefSize = 33;

  bool empty() const noexcept { return size_ == 0; }
  bool is_hash() const noexcept { return size_ == kHashRefSize; }
  ByteView view() const noexcept { return {bytes_.data(), size_}; }
  // The hash inside a hash reference (requires is_hash()).
  Hash32 hash() const noexcept;

  void clear() noexcept { size_ = 0; }
  // An embedded node's RLP, under 32 bytes (asserts).
  void SetEmbedded(ByteView rlp) noexcept;
  void SetHash(const Hash32& hash) noexcept;

 private:
  std::array<uint8_t, kHashRefSize> bytes_;
  uint8_t size_ = 0;
};

struct TrieNode {
  std::variant<LeafNode, ExtensionNode, BranchNode, HashNode> body;
  // Empty while stale (the node or a descendant changed since it was computed).
  NodeRef ref;
  // Created or changed since the last Commit: Commit must write it (when hashed).
  bool dirty = true;
  // The RLP EnsureRef hashed, kept while the node is dirty so that Commit does not encode it
  // again (empty otherwise; a change clears it with the reference).
  Bytes rlp;

  template <typename Body>
  explicit TrieNode(Body b) : body(std::move(b)) {}
};

template <typename Body>
NodePtr MakeNode(Body body) {
  return std::make_unique<TrieNode>(std::move(body));
}

// The RLP of `node`, computing stale child references first. `node` must not be a HashNode.
Bytes EncodeNode(TrieNode& node);
// Fills node.ref (and its descendants') if stale, and returns it.
const NodeRef& EnsureRef(TrieNode& node);

// A clean HashNode for `hash`.
NodePtr MakeHashNode(const Hash32& hash);

// Builds clean in-memory nodes from a decoded view whose reference in its parent is `ref`. Embedded
// children are decoded too; hash children become HashNodes.
absl::StatusOr<NodePtr> NodeFromView(const NodeView& view, NodeRef ref);

// Decodes the RLP of a node stored under `hash` into clean nodes (strict; InvalidArgument on any
// malformed input).
absl::StatusOr<NodePtr> DecodeStoredNode(ByteView encoded, const Hash32& hash);

}  // namespace theta::internal
