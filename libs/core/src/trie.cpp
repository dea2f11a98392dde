// Trie operations: lazy loading, Get, Put (insert), Delete (with branch collapse), hashing, Commit
// and ordered iteration. Proofs are in trie_proof.cpp, the node codec in trie_node.cpp.
#include "theta/core/trie.hpp"

#include "absl/strings/str_cat.h"
#include "internal/trie_impl.hpp"
#include "internal/trie_node.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/core/trie_node_cache.hpp"

namespace theta {

using internal::BranchNode;
using internal::ExtensionNode;
using internal::HashNode;
using internal::LeafNode;
using internal::MakeNode;
using internal::Nibbles;
using internal::NibbleView;
using internal::NodePtr;
using internal::TrieNode;

// keccak256(0x80), from the Yellow Paper's definition of the empty trie.
const Hash32 kEmptyTrieRoot = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

absl::Status internal::CheckTrieKey(ByteView key) {
  if (key.size() > Trie::kMaxKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trie: key of ", key.size(), " bytes exceeds the limit of ", Trie::kMaxKeyBytes));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Loading

Bytes internal::TrieState::NodeKey(const Hash32& hash) const {
  Bytes key = options.node_key_prefix;
  key.insert(key.end(), hash.bytes.begin(), hash.bytes.end());
  return key;
}

absl::StatusOr<Bytes> internal::TrieState::ReadNode(const Hash32& hash) const {
  if (store == nullptr) {
    return absl::InternalError(
        absl::StrCat("trie: node ", hash.ToHex(), " is not in memory and the trie has no store"));
  }
  if (options.node_cache != nullptr) {
    std::optional<Bytes> cached = options.node_cache->Get(hash);
    if (cached) return *std::move(cached);
  }
  absl::StatusOr<Bytes> rlp = store->Get(NodeKey(hash));
  if (absl::IsNotFound(rlp.status())) {
    return absl::DataLossError(
        absl::StrCat("trie: node ", hash.ToHex(), " is missing from the store"));
  }
  if (!rlp.ok()) return rlp.status();
  if (options.verify_node_hashes) {
    const Hash32 actual = Keccak256(*rlp);
    if (actual != hash) {
      return absl::DataLossError(
          absl::StrCat("trie: node stored under ", hash.ToHex(), " hashes to ", actual.ToHex()));
    }
  }
  if (options.node_cache != nullptr) options.node_cache->Put(hash, *rlp);
  return rlp;
}

namespace {

absl::Status Malformed(const Hash32& hash, const absl::Status& status) {
  return absl::DataLossError(absl::StrCat("trie: stored node ", hash.ToHex(),
                                          " is malformed: ", std::string(status.message())));
}

}  // namespace

absl::StatusOr<NodePtr> internal::TrieState::LoadNode(const Hash32& hash) const {
  THETA_ASSIGN_OR_RETURN(Bytes rlp, ReadNode(hash));
  absl::StatusOr<NodePtr> node = internal::DecodeStoredNode(rlp, hash);
  if (!node.ok()) return Malformed(hash, node.status());
  return node;
}

absl::StatusOr<std::optional<Bytes>> internal::TrieState::GetCommitted(Hash32 hash,
                                                                       NibbleView rest) const {
  using internal::ChildRef;
  using internal::NodeView;
  while (true) {
    THETA_ASSIGN_OR_RETURN(const Bytes rlp, ReadNode(hash));
    absl::StatusOr<RlpItem> item = DecodeRlp(rlp);
    if (!item.ok()) return Malformed(hash, item.status());
    // Walks the stored node and the nodes embedded in it until the key leaves them. The items are
    // views into `rlp`, which outlives the walk.
    RlpItem current = *item;
    while (true) {
      absl::StatusOr<NodeView> view = internal::DecodeNodeView(current);
      if (!view.ok()) return Malformed(hash, view.status());
      if (view->kind == NodeView::Kind::kLeaf) {
        if (!std::equal(rest.begin(), rest.end(), view->path.begin(), view->path.end())) {
          return std::nullopt;
        }
        return Bytes(view->value.begin(), view->value.end());
      }
      ChildRef next;
      if (view->kind == NodeView::Kind::kExtension) {
        if (!internal::StartsWith(rest, view->path)) return std::nullopt;
        rest = rest.subspan(view->path.size());
        next = view->child;
      } else if (rest.empty()) {
        if (view->value.empty()) return std::nullopt;
        return Bytes(view->value.begin(), view->value.end());
      } else {
        next = view->children[rest[0]];
        rest = rest.subspan(1);
      }
      if (next.kind == ChildRef::Kind::kNone) return std::nullopt;
      if (next.kind == ChildRef::Kind::kHash) {
        hash = next.hash;
        break;
      }
      current = next.embedded;
    }
  }
}

absl::Status internal::TrieState::Resolve(NodePtr& node) const {
  if (auto* hash_node = std::get_if<HashNode>(&node->body)) {
    THETA_ASSIGN_OR_RETURN(node, LoadNode(hash_node->hash));
  }
  return absl::OkStatus();
}

namespace {

// ---------------------------------------------------------------------------------------------
// Insert and delete. Each returns whether the subtree changed; a changed node is touched (its
// reference dropped, marked dirty) on the way back up, so hashing later redoes exactly that path.

void Touch(TrieNode& node) {
  node.ref.clear();
  node.rlp.clear();
  node.dirty = true;
}

Nibbles Concat(NibbleView a, NibbleView b) {
  Nibbles out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Puts (rest, value) under a fresh branch: in its value slot when `rest` is empty.
void PlaceInBranch(BranchNode& branch, NibbleView rest, Bytes value) {
  if (rest.empty()) {
    branch.value = std::move(value);
  } else {
    branch.children[rest[0]] =
        MakeNode(LeafNode{Nibbles(rest.begin() + 1, rest.end()), std::move(value)});
  }
}

// `branch` behind an extension of `prefix`, or alone when the prefix is empty.
NodePtr WithPrefix(NibbleView prefix, BranchNode branch) {
  NodePtr node = MakeNode(std::move(branch));
  if (prefix.empty()) return node;
  return MakeNode(ExtensionNode{Nibbles(prefix.begin(), prefix.end()), std::move(node)});
}

absl::StatusOr<bool> Insert(const internal::TrieState& impl, NodePtr& node, NibbleView key,
                            ByteView value) {
  if (!node) {
    node = MakeNode(LeafNode{Nibbles(key.begin(), key.end()), Bytes(value.begin(), value.end())});
    return true;
  }
  THETA_RETURN_IF_ERROR(impl.Resolve(node));
  if (auto* leaf = std::get_if<LeafNode>(&node->body)) {
    const size_t m = internal::CommonPrefix(leaf->path, key);
    if (m == leaf->path.size() && m == key.size()) {
      if (std::equal(value.begin(), value.end(), leaf->value.begin(), leaf->value.end())) {
        return false;
      }
      leaf->value.assign(value.begin(), value.end());
      Touch(*node);
      return true;
    }
    BranchNode branch;
    PlaceInBranch(branch, NibbleView(leaf->path).subspan(m), std::move(leaf->value));
    PlaceInBranch(branch, key.subspan(m), Bytes(value.begin(), value.end()));
    node = WithPrefix(key.first(m), std::move(branch));
    return true;
  }
  if (auto* ext = std::get_if<ExtensionNode>(&node->body)) {
    const size_t m = internal::CommonPrefix(ext->path, key);
    if (m == ext->path.size()) {
      THETA_ASSIGN_OR_RETURN(bool changed, Insert(impl, ext->child, key.subspan(m), value));
      if (changed) Touch(*node);
      return changed;
    }
    // The key leaves the extension at nibble m: split it around a new branch there.
    BranchNode branch;
    NibbleView rest = NibbleView(ext->path).subspan(m + 1);
    branch.children[ext->path[m]] =
        rest.empty()
            ? std::move(ext->child)
            : MakeNode(ExtensionNode{Nibbles(rest.begin(), rest.end()), std::move(ext->child)});
    PlaceInBranch(branch, key.subspan(m), Bytes(value.begin(), value.end()));
    node = WithPrefix(key.first(m), std::move(branch));
    return true;
  }
  auto& branch = std::get<BranchNode>(node->body);
  if (key.empty()) {
    if (std::equal(value.begin(), value.end(), branch.value.begin(), branch.value.end())) {
      return false;
    }
    branch.value.assign(value.begin(), value.end());
    Touch(*node);
    return true;
  }
  THETA_ASSIGN_OR_RETURN(bool changed,
                         Insert(impl, branch.children[key[0]], key.subspan(1), value));
  if (changed) Touch(*node);
  return changed;
}

// After a removal below it, an extension absorbs a child that is no longer a branch.
void MergeExtension(NodePtr& node) {
  auto& ext = std::get<ExtensionNode>(node->body);
  if (!ext.child) {
    node.reset();
  } else if (auto* leaf = std::get_if<LeafNode>(&ext.child->body)) {
    node = MakeNode(LeafNode{Concat(ext.path, leaf->path), std::move(leaf->value)});
  } else if (auto* inner = std::get_if<ExtensionNode>(&ext.child->body)) {
    node = MakeNode(ExtensionNode{Concat(ext.path, inner->path), std::move(inner->child)});
  } else {
    Touch(*node);
  }
}

// A branch left with one entry becomes a leaf or an extension, as the canonical trie requires.
absl::Status CollapseBranch(const internal::TrieState& impl, NodePtr& node) {
  auto& branch = std::get<BranchNode>(node->body);
  int entries = branch.value.empty() ? 0 : 1;
  int only_child = -1;
  for (int i = 0; i < 16; ++i) {
    if (branch.children[i]) {
      ++entries;
      only_child = i;
    }
  }
  if (entries >= 2) return absl::OkStatus();
  if (entries == 0) {
    node.reset();
    return absl::OkStatus();
  }
  if (only_child < 0) {
    node = MakeNode(LeafNode{Nibbles(), std::move(branch.value)});
    return absl::OkStatus();
  }
  NodePtr& child = branch.children[only_child];
  // The sibling's kind decides the new shape, so a committed sibling must be loaded.
  THETA_RETURN_IF_ERROR(impl.Resolve(child));
  const Nibbles prefix = {static_cast<uint8_t>(only_child)};
  if (auto* leaf = std::get_if<LeafNode>(&child->body)) {
    node = MakeNode(LeafNode{Concat(prefix, leaf->path), std::move(leaf->value)});
  } else if (auto* ext = std::get_if<ExtensionNode>(&child->body)) {
    node = MakeNode(ExtensionNode{Concat(prefix, ext->path), std::move(ext->child)});
  } else {
    node = MakeNode(ExtensionNode{prefix, std::move(child)});
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Remove(const internal::TrieState& impl, NodePtr& node, NibbleView key) {
  if (!node) return false;
  THETA_RETURN_IF_ERROR(impl.Resolve(node));
  if (auto* leaf = std::get_if<LeafNode>(&node->body)) {
    if (!std::equal(key.begin(), key.end(), leaf->path.begin(), leaf->path.end())) return false;
    node.reset();
    return true;
  }
  if (auto* ext = std::get_if<ExtensionNode>(&node->body)) {
    if (!internal::StartsWith(key, ext->path)) return false;
    THETA_ASSIGN_OR_RETURN(bool changed, Remove(impl, ext->child, key.subspan(ext->path.size())));
    if (changed) MergeExtension(node);
    return changed;
  }
  auto& branch = std::get<BranchNode>(node->body);
  if (key.empty()) {
    if (branch.value.empty()) return false;
    branch.value.clear();
  } else {
    THETA_ASSIGN_OR_RETURN(bool changed, Remove(impl, branch.children[key[0]], key.subspan(1)));
    if (!changed) return false;
  }
  Touch(*node);
  THETA_RETURN_IF_ERROR(CollapseBranch(impl, node));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Commit and iteration

void CommitNode(const internal::TrieState& impl, TrieNode& node, bool is_root, WriteBatch& batch) {
  if (std::holds_alternative<HashNode>(node.body)) return;  // committed before
  if (!node.dirty && !is_root) return;                      // clean nodes have clean subtrees
  if (auto* ext = std::get_if<ExtensionNode>(&node.body)) {
    CommitNode(impl, *ext->child, false, batch);
  } else if (auto* branch = std::get_if<BranchNode>(&node.body)) {
    for (NodePtr& child : branch->children) {
      if (child) CommitNode(impl, *child, false, batch);
    }
  }
  const bool hashed = node.ref.is_hash();
  if (hashed || is_root) {
    // RootHash (which Commit calls first) kept the RLP of every dirty hashed node it encoded.
    Bytes rlp = hashed && !node.rlp.empty() ? std::move(node.rlp) : internal::EncodeNode(node);
    const Hash32 hash = hashed ? node.ref.hash() : Keccak256(rlp);
    if (impl.options.node_cache != nullptr) impl.options.node_cache->Put(hash, rlp);
    batch.Put(impl.NodeKey(hash), std::move(rlp));
  }
  node.rlp = Bytes();
  node.dirty = false;
}

using ForEachFn = std::function<bool(ByteView, ByteView)>;

// Visits `node` (whose path so far is `prefix`) in key order; false once `fn` asked to stop.
absl::StatusOr<bool> Visit(const internal::TrieState& impl, const TrieNode& node, Nibbles& prefix,
                           const ForEachFn& fn) {
  if (prefix.size() > 2 * Trie::kMaxKeyBytes) {
    return absl::DataLossError("trie: a path in the stored trie is longer than any key may be");
  }
  auto emit = [&](NibbleView path, ByteView value) -> absl::StatusOr<bool> {
    if (path.size() % 2 != 0) {
      return absl::DataLossError(
          absl::StrCat("trie: a value sits at an odd path of ", path.size(), " nibbles"));
    }
    return fn(internal::NibblesToBytes(path), value);
  };
  if (auto* hash_node = std::get_if<HashNode>(&node.body)) {
    THETA_ASSIGN_OR_RETURN(NodePtr loaded, impl.LoadNode(hash_node->hash));
    return Visit(impl, *loaded, prefix, fn);
  }
  if (auto* leaf = std::get_if<LeafNode>(&node.body)) {
    return emit(Concat(prefix, leaf->path), leaf->value);
  }
  const size_t depth = prefix.size();
  if (auto* ext = std::get_if<ExtensionNode>(&node.body)) {
    prefix.insert(prefix.end(), ext->path.begin(), ext->path.end());
    absl::StatusOr<bool> go_on = Visit(impl, *ext->child, prefix, fn);
    prefix.resize(depth);
    return go_on;
  }
  const auto& branch = std::get<BranchNode>(node.body);
  if (!branch.value.empty()) {
    THETA_ASSIGN_OR_RETURN(bool go_on, emit(prefix, branch.value));
    if (!go_on) return false;
  }
  for (uint8_t i = 0; i < 16; ++i) {
    if (!branch.children[i]) continue;
    prefix.push_back(i);
    absl::StatusOr<bool> go_on = Visit(impl, *branch.children[i], prefix, fn);
    prefix.resize(depth);
    if (!go_on.ok() || !*go_on) return go_on;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Trie

Trie::Trie(TrieOptions options) : impl_(std::make_unique<internal::TrieState>()) {
  impl_->options = std::move(options);
}

Trie::Trie(const KvStore& store, TrieOptions options) : Trie(std::move(options)) {
  impl_->store = &store;
}

Trie::Trie(Trie&&) noexcept = default;
Trie& Trie::operator=(Trie&&) noexcept = default;
Trie::~Trie() = default;

absl::StatusOr<Trie> Trie::Open(const KvStore& store, const Hash32& root, TrieOptions options) {
  Trie trie(store, std::move(options));
  if (root == kEmptyTrieRoot) return trie;
  absl::StatusOr<Bytes> present = store.Get(trie.impl_->NodeKey(root));
  if (absl::IsNotFound(present.status())) {
    return absl::NotFoundError(absl::StrCat("trie: root ", root.ToHex(), " is not in the store"));
  }
  if (!present.ok()) return present.status();
  THETA_ASSIGN_OR_RETURN(trie.impl_->root, trie.impl_->LoadNode(root));
  return trie;
}

absl::StatusOr<std::optional<Bytes>> Trie::Get(ByteView key) const {
  THETA_RETURN_IF_ERROR(internal::CheckTrieKey(key));
  const Nibbles path = internal::ToNibbles(key);
  NibbleView rest = path;
  const TrieNode* node = impl_->root.get();
  while (node != nullptr) {
    if (auto* hash_node = std::get_if<HashNode>(&node->body)) {
      return impl_->GetCommitted(hash_node->hash, rest);
    } else if (auto* leaf = std::get_if<LeafNode>(&node->body)) {
      if (!std::equal(rest.begin(), rest.end(), leaf->path.begin(), leaf->path.end())) break;
      return leaf->value;
    } else if (auto* ext = std::get_if<ExtensionNode>(&node->body)) {
      if (!internal::StartsWith(rest, ext->path)) break;
      rest = rest.subspan(ext->path.size());
      node = ext->child.get();
    } else {
      const auto& branch = std::get<BranchNode>(node->body);
      if (rest.empty()) {
        if (branch.value.empty()) break;
        return branch.value;
      }
      node = branch.children[rest[0]].get();
      rest = rest.subspan(1);
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Bytes>> Trie::GetAndKeep(ByteView key) {
  THETA_RETURN_IF_ERROR(internal::CheckTrieKey(key));
  const Nibbles path = internal::ToNibbles(key);
  NibbleView rest = path;
  NodePtr* node = &impl_->root;
  while (*node) {
    // Resolve replaces a HashNode only once its node has loaded, so an error changes nothing.
    THETA_RETURN_IF_ERROR(impl_->Resolve(*node));
    TrieNode& current = **node;
    if (auto* leaf = std::get_if<LeafNode>(&current.body)) {
      if (!std::equal(rest.begin(), rest.end(), leaf->path.begin(), leaf->path.end())) break;
      return leaf->value;
    }
    if (auto* ext = std::get_if<ExtensionNode>(&current.body)) {
      if (!internal::StartsWith(rest, ext->path)) break;
      rest = rest.subspan(ext->path.size());
      node = &ext->child;
      continue;
    }
    auto& branch = std::get<BranchNode>(current.body);
    if (rest.empty()) {
      if (branch.value.empty()) break;
      return branch.value;
    }
    node = &branch.children[rest[0]];
    rest = rest.subspan(1);
  }
  return std::nullopt;
}

absl::Status Trie::Put(ByteView key, ByteView value) {
  if (value.empty()) return Delete(key);
  THETA_RETURN_IF_ERROR(internal::CheckTrieKey(key));
  const Nibbles path = internal::ToNibbles(key);
  return Insert(*impl_, impl_->root, path, value).status();
}

absl::Status Trie::Delete(ByteView key) {
  THETA_RETURN_IF_ERROR(internal::CheckTrieKey(key));
  const Nibbles path = internal::ToNibbles(key);
  return Remove(*impl_, impl_->root, path).status();
}

Hash32 Trie::RootHash() {
  if (!impl_->root) return kEmptyTrieRoot;
  const internal::NodeRef& ref = internal::EnsureRef(*impl_->root);
  // A root under 32 bytes has its RLP as reference, but the root hash is always a hash.
  return ref.is_hash() ? ref.hash() : Keccak256(ref.view());
}

Hash32 Trie::Commit(WriteBatch& batch) {
  const Hash32 root = RootHash();
  if (impl_->root) CommitNode(*impl_, *impl_->root, /*is_root=*/true, batch);
  return root;
}

absl::Status Trie::ForEach(const std::function<bool(ByteView key, ByteView value)>& fn) const {
  if (!impl_->root) return absl::OkStatus();
  Nibbles prefix;
  return Visit(*impl_, *impl_->root, prefix, fn).status();
}

// ---------------------------------------------------------------------------------------------
// SecureTrie

absl::StatusOr<SecureTrie> SecureTrie::Open(const KvStore& store, const Hash32& root,
                                            TrieOptions options) {
  THETA_ASSIGN_OR_RETURN(Trie trie, Trie::Open(store, root, std::move(options)));
  return SecureTrie(std::move(trie));
}

absl::StatusOr<std::optional<Bytes>> SecureTrie::Get(ByteView key) const {
  return trie_.Get(Keccak256(key));
}

absl::Status SecureTrie::Put(ByteView key, ByteView value) {
  return trie_.Put(Keccak256(key), value);
}

absl::Status SecureTrie::Delete(ByteView key) {
  return trie_.Delete(Keccak256(key));
}

absl::StatusOr<std::vector<Bytes>> SecureTrie::Prove(ByteView key) {
  return trie_.Prove(Keccak256(key));
}

absl::StatusOr<std::optional<Bytes>> SecureTrie::VerifyProof(const Hash32& root, ByteView key,
                                                             const std::vector<Bytes>& proof) {
  return Trie::VerifyProof(root, Keccak256(key), proof);
}

}  // namespace theta
