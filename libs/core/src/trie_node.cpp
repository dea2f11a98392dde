// The trie's node codec: hex-prefix paths, strict decoding of node RLP, encoding and hashing of
// in-memory nodes (Yellow Paper appendices C and D).
#include "internal/trie_node.hpp"

#include <cassert>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::internal {
namespace {

constexpr size_t kMaxEmbeddedSize = 31;

absl::Status NodeError(const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("trie node: ", what));
}

struct HexPrefixPath {
  Nibbles nibbles;
  bool is_leaf;
};

absl::StatusOr<HexPrefixPath> HexPrefixDecode(ByteView encoded) {
  if (encoded.empty()) return NodeError("hex-prefix path is empty (it needs a flag nibble)");
  const uint8_t flag = encoded[0] >> 4;
  if (flag > 3) {
    return NodeError(absl::StrCat("hex-prefix flag nibble ", flag, " is not 0..3"));
  }
  const bool odd = (flag & 1) != 0;
  if (!odd && (encoded[0] & 0x0f) != 0) {
    return NodeError("hex-prefix path of even length has a non-zero pad nibble");
  }
  HexPrefixPath out{{}, (flag & 2) != 0};
  out.nibbles.reserve(encoded.size() * 2);
  if (odd) out.nibbles.push_back(encoded[0] & 0x0f);
  for (size_t i = 1; i < encoded.size(); ++i) {
    out.nibbles.push_back(encoded[i] >> 4);
    out.nibbles.push_back(encoded[i] & 0x0f);
  }
  return out;
}

absl::StatusOr<ChildRef> DecodeChildRef(const RlpItem& item) {
  ChildRef ref;
  if (item.is_string()) {
    if (item.payload.empty()) return ref;
    if (item.payload.size() != 32) {
      return NodeError(absl::StrCat("child reference of ", item.payload.size(),
                                    " bytes is neither empty nor a 32-byte hash"));
    }
    ref.kind = ChildRef::Kind::kHash;
    std::memcpy(ref.hash.data(), item.payload.data(), 32);
    return ref;
  }
  if (item.encoded.size() > kMaxEmbeddedSize) {
    return NodeError(absl::StrCat("embedded node of ", item.encoded.size(),
                                  " bytes must be referenced by its hash (embedded nodes are under "
                                  "32 bytes)"));
  }
  // Embedded nodes are validated with their parent, so that a decoded node is canonical throughout.
  THETA_ASSIGN_OR_RETURN(NodeView inner, DecodeNodeView(item));
  (void)inner;
  ref.kind = ChildRef::Kind::kEmbedded;
  ref.embedded = item;
  return ref;
}

absl::Status DecodeShortNode(const RlpItem& path_item, const RlpItem& second, NodeView& out) {
  if (!path_item.is_string()) return NodeError("the path of a 2-item node is a list");
  THETA_ASSIGN_OR_RETURN(HexPrefixPath path, HexPrefixDecode(path_item.payload));
  out.path = std::move(path.nibbles);
  if (path.is_leaf) {
    out.kind = NodeView::Kind::kLeaf;
    if (!second.is_string()) return NodeError("leaf value is a list");
    if (second.payload.empty()) return NodeError("leaf value is empty (empty values are deleted)");
    out.value = second.payload;
    return absl::OkStatus();
  }
  out.kind = NodeView::Kind::kExtension;
  if (out.path.empty()) return NodeError("extension has an empty path");
  THETA_ASSIGN_OR_RETURN(out.child, DecodeChildRef(second));
  if (out.child.kind == ChildRef::Kind::kNone) return NodeError("extension has no child");
  if (out.child.kind == ChildRef::Kind::kEmbedded) {
    THETA_ASSIGN_OR_RETURN(NodeView child, DecodeNodeView(out.child.embedded));
    if (child.kind != NodeView::Kind::kBranch) {
      return NodeError("extension's embedded child is not a branch");
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeBranch(const std::vector<RlpItem>& items, NodeView& out) {
  out.kind = NodeView::Kind::kBranch;
  int entries = 0;
  for (size_t i = 0; i < 16; ++i) {
    THETA_ASSIGN_OR_RETURN(out.children[i], DecodeChildRef(items[i]));
    if (out.children[i].kind != ChildRef::Kind::kNone) ++entries;
  }
  if (!items[16].is_string()) return NodeError("branch value is a list");
  out.value = items[16].payload;
  if (!out.value.empty()) ++entries;
  if (entries < 2) {
    return NodeError(absl::StrCat("branch has ", entries,
                                  " entries; a canonical trie collapses branches under 2"));
  }
  return absl::OkStatus();
}

}  // namespace

Nibbles ToNibbles(ByteView key) {
  Nibbles out(key.size() * 2);
  for (size_t i = 0; i < key.size(); ++i) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 0x0f;
  }
  return out;
}

Bytes NibblesToBytes(NibbleView nibbles) {
  Bytes out(nibbles.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
  }
  return out;
}

size_t CommonPrefix(NibbleView a, NibbleView b) noexcept {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

bool StartsWith(NibbleView path, NibbleView prefix) noexcept {
  return prefix.size() <= path.size() && CommonPrefix(path, prefix) == prefix.size();
}

void AddHexPrefix(RlpWriter& writer, NibbleView nibbles, bool is_leaf) {
  const bool odd = nibbles.size() % 2 == 1;
  const uint8_t flag = static_cast<uint8_t>((is_leaf ? 2 : 0) + (odd ? 1 : 0));
  // Paths of keys up to 32 bytes fit on the stack; longer ones are rare enough to allocate.
  std::array<uint8_t, 33> small;
  Bytes large;
  const size_t size = nibbles.size() / 2 + 1;
  uint8_t* out = small.data();
  if (size > small.size()) {
    large.resize(size);
    out = large.data();
  }
  size_t i = 0;
  if (odd) {
    out[0] = static_cast<uint8_t>((flag << 4) | nibbles[0]);
    i = 1;
  } else {
    out[0] = static_cast<uint8_t>(flag << 4);
  }
  for (size_t o = 1; i < nibbles.size(); i += 2, ++o) {
    out[o] = static_cast<uint8_t>((nibbles[i] << 4) | nibbles[i + 1]);
  }
  writer.AddBytes(ByteView(out, size));
}

Hash32 NodeRef::hash() const noexcept {
  assert(is_hash());
  Hash32 hash;
  std::memcpy(hash.data(), bytes_.data() + 1, 32);
  return hash;
}

void NodeRef::SetEmbedded(ByteView rlp) noexcept {
  assert(!rlp.empty() && rlp.size() <= kMaxEmbeddedSize);
  std::memcpy(bytes_.data(), rlp.data(), rlp.size());
  size_ = static_cast<uint8_t>(rlp.size());
}

void NodeRef::SetHash(const Hash32& hash) noexcept {
  bytes_[0] = 0xa0;  // RLP header of a 32-byte string
  std::memcpy(bytes_.data() + 1, hash.data(), 32);
  size_ = kHashRefSize;
}

absl::StatusOr<NodeView> DecodeNodeView(const RlpItem& item) {
  if (!item.is_list) return NodeError("node is a string, not a list");
  THETA_ASSIGN_OR_RETURN(std::vector<RlpItem> items, RlpListItems(item));
  NodeView out;
  if (items.size() == 2) {
    THETA_RETURN_IF_ERROR(DecodeShortNode(items[0], items[1], out));
  } else if (items.size() == 17) {
    THETA_RETURN_IF_ERROR(DecodeBranch(items, out));
  } else {
    return NodeError(absl::StrCat("node is a list of ", items.size(), " items, not 2 or 17"));
  }
  return out;
}

Bytes EncodeNode(TrieNode& node) {
  RlpWriter w;
  if (auto* leaf = std::get_if<LeafNode>(&node.body)) {
    w.Reserve(leaf->path.size() / 2 + leaf->value.size() + 12).BeginList();
    AddHexPrefix(w, leaf->path, /*is_leaf=*/true);
    w.AddBytes(leaf->value);
  } else if (auto* ext = std::get_if<ExtensionNode>(&node.body)) {
    w.Reserve(ext->path.size() / 2 + NodeRef::kHashRefSize + 8).BeginList();
    AddHexPrefix(w, ext->path, /*is_leaf=*/false);
    w.AddRaw(EnsureRef(*ext->child).view());
  } else {
    auto& branch = std::get<BranchNode>(node.body);
    w.Reserve(16 * NodeRef::kHashRefSize + branch.value.size() + 8).BeginList();
    for (NodePtr& child : branch.children) {
      if (child) {
        w.AddRaw(EnsureRef(*child).view());
      } else {
        w.AddBytes({});
      }
    }
    w.AddBytes(branch.value);
  }
  w.EndList();
  return std::move(w).Finish();
}

const NodeRef& EnsureRef(TrieNode& node) {
  if (!node.ref.empty()) return node.ref;  // a HashNode's ref is set when it is made
  Bytes rlp = EncodeNode(node);
  if (rlp.size() <= kMaxEmbeddedSize) {
    node.ref.SetEmbedded(rlp);
  } else {
    node.ref.SetHash(Keccak256(rlp));
    if (node.dirty) node.rlp = std::move(rlp);  // for Commit
  }
  return node.ref;
}

NodePtr MakeHashNode(const Hash32& hash) {
  NodePtr node = MakeNode(HashNode{hash});
  node->ref.SetHash(hash);
  node->dirty = false;
  return node;
}

absl::StatusOr<NodePtr> NodeFromView(const NodeView& view, NodeRef ref) {
  auto child_node = [](const ChildRef& child) -> absl::StatusOr<NodePtr> {
    if (child.kind == ChildRef::Kind::kNone) return NodePtr();
    if (child.kind == ChildRef::Kind::kHash) return MakeHashNode(child.hash);
    THETA_ASSIGN_OR_RETURN(NodeView inner, DecodeNodeView(child.embedded));
    NodeRef embedded_ref;
    embedded_ref.SetEmbedded(child.embedded.encoded);
    return NodeFromView(inner, embedded_ref);
  };
  NodePtr node;
  switch (view.kind) {
    case NodeView::Kind::kLeaf:
      node = MakeNode(LeafNode{view.path, Bytes(view.value.begin(), view.value.end())});
      break;
    case NodeView::Kind::kExtension: {
      THETA_ASSIGN_OR_RETURN(NodePtr child, child_node(view.child));
      node = MakeNode(ExtensionNode{view.path, std::move(child)});
      break;
    }
    case NodeView::Kind::kBranch: {
      BranchNode branch;
      for (size_t i = 0; i < 16; ++i) {
        THETA_ASSIGN_OR_RETURN(branch.children[i], child_node(view.children[i]));
      }
      branch.value.assign(view.value.begin(), view.value.end());
      node = MakeNode(std::move(branch));
      break;
    }
  }
  node->ref = ref;
  node->dirty = false;
  return node;
}

absl::StatusOr<NodePtr> DecodeStoredNode(ByteView encoded, const Hash32& hash) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, DecodeRlp(encoded));
  THETA_ASSIGN_OR_RETURN(NodeView view, DecodeNodeView(item));
  // Keep the reference form EnsureRef would compute, so that a loaded root under 32 bytes is
  // treated like one built in memory.
  NodeRef ref;
  if (encoded.size() <= kMaxEmbeddedSize) {
    ref.SetEmbedded(encoded);
  } else {
    ref.SetHash(hash);
  }
  return NodeFromView(view, ref);
}

}  // namespace theta::internal
