// Merkle proofs in eth_getProof form: Trie::Prove collects the hashed nodes on a key's path, and
// Trie::VerifyProof checks such a list against a root, strictly and in linear time.
#include "absl/strings/str_cat.h"
#include "internal/trie_impl.hpp"
#include "internal/trie_node.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/core/trie.hpp"

namespace theta {

using internal::BranchNode;
using internal::ChildRef;
using internal::ExtensionNode;
using internal::LeafNode;
using internal::Nibbles;
using internal::NibbleView;
using internal::NodePtr;
using internal::NodeView;
using internal::TrieNode;

absl::StatusOr<std::vector<Bytes>> Trie::Prove(ByteView key) {
  THETA_RETURN_IF_ERROR(internal::CheckTrieKey(key));
  std::vector<Bytes> proof;
  if (!impl_->root) return proof;
  RootHash();  // fills every stale reference, so that each node's RLP below is final
  const Nibbles path = internal::ToNibbles(key);
  NibbleView rest = path;
  NodePtr* slot = &impl_->root;
  bool is_root = true;
  while (*slot) {
    // Loaded nodes stay in the trie: a proof is usually followed by work on the same keys.
    THETA_RETURN_IF_ERROR(impl_->Resolve(*slot));
    TrieNode& node = **slot;
    if (is_root || node.ref.is_hash()) proof.push_back(internal::EncodeNode(node));
    is_root = false;
    if (std::holds_alternative<LeafNode>(node.body)) break;
    if (auto* ext = std::get_if<ExtensionNode>(&node.body)) {
      if (!internal::StartsWith(rest, ext->path)) break;
      rest = rest.subspan(ext->path.size());
      slot = &ext->child;
      continue;
    }
    auto& branch = std::get<BranchNode>(node.body);
    if (rest.empty()) break;
    slot = &branch.children[rest[0]];
    rest = rest.subspan(1);
  }
  return proof;
}

namespace {

absl::Status ProofError(size_t index, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("trie proof: node ", index, ": ", what));
}

// Walks the proof one node at a time. Each step consumes a proof node or at least one key nibble,
// so the work is bounded by the proof's size plus the key's length.
class ProofWalker {
 public:
  ProofWalker(ByteView key, const std::vector<Bytes>& proof)
      : path_(internal::ToNibbles(key)), rest_(path_), proof_(proof) {}

  absl::StatusOr<std::optional<Bytes>> Run(const Hash32& root) {
    if (root == kEmptyTrieRoot) {
      if (!proof_.empty()) {
        return ProofError(0, "the empty trie's proof must be empty");
      }
      return std::nullopt;
    }
    Hash32 expected = root;
    bool expect_branch = false;
    while (true) {
      THETA_ASSIGN_OR_RETURN(RlpItem item, NextNode(expected));
      THETA_ASSIGN_OR_RETURN(Step step, WalkNode(item, expect_branch));
      if (step.done) {
        if (next_ != proof_.size()) {
          return ProofError(next_, absl::StrCat("left over: the key's path ends at node ",
                                                next_ - 1, " of ", proof_.size()));
        }
        return std::move(step.value);
      }
      expected = step.next_hash;
      expect_branch = step.expect_branch;
    }
  }

 private:
  struct Step {
    bool done = false;
    std::optional<Bytes> value;  // when done
    Hash32 next_hash;            // when not done
    bool expect_branch = false;  // the next node hangs below an extension
  };

  static Step Done(std::optional<Bytes> value) {
    Step step;
    step.done = true;
    step.value = std::move(value);
    return step;
  }

  // The next proof node, checked against the hash its parent (or the root) holds.
  absl::StatusOr<RlpItem> NextNode(const Hash32& expected) {
    const size_t index = next_;
    if (index >= proof_.size()) {
      return ProofError(index, absl::StrCat("missing: the proof ends, but the path goes on to ",
                                            expected.ToHex()));
    }
    const Bytes& encoded = proof_[index];
    const Hash32 actual = Keccak256(encoded);
    if (actual != expected) {
      return ProofError(
          index, absl::StrCat("hashes to ", actual.ToHex(), ", expected ", expected.ToHex()));
    }
    if (index > 0 && encoded.size() < 32) {
      return ProofError(index, absl::StrCat("is referenced by hash but has only ", encoded.size(),
                                            " bytes (nodes under 32 bytes are embedded)"));
    }
    ++next_;
    absl::StatusOr<RlpItem> item = DecodeRlp(encoded);
    if (!item.ok()) return ProofError(index, std::string(item.status().message()));
    return item;
  }

  // Follows the key through one proof node and the nodes embedded in it.
  absl::StatusOr<Step> WalkNode(RlpItem item, bool expect_branch) {
    const size_t index = next_ - 1;
    while (true) {
      absl::StatusOr<NodeView> view = internal::DecodeNodeView(item);
      if (!view.ok()) return ProofError(index, std::string(view.status().message()));
      if (expect_branch && view->kind != NodeView::Kind::kBranch) {
        return ProofError(index, "an extension's child is not a branch");
      }
      const ChildRef* child = nullptr;
      switch (view->kind) {
        case NodeView::Kind::kLeaf:
          if (!std::equal(rest_.begin(), rest_.end(), view->path.begin(), view->path.end())) {
            return Done(std::nullopt);
          }
          return Done(Bytes(view->value.begin(), view->value.end()));
        case NodeView::Kind::kExtension:
          if (!internal::StartsWith(rest_, view->path)) return Done(std::nullopt);
          rest_ = rest_.subspan(view->path.size());
          child = &view->child;
          expect_branch = true;
          break;
        case NodeView::Kind::kBranch:
          if (rest_.empty()) {
            if (view->value.empty()) return Done(std::nullopt);
            return Done(Bytes(view->value.begin(), view->value.end()));
          }
          child = &view->children[rest_[0]];
          rest_ = rest_.subspan(1);
          expect_branch = false;
          break;
      }
      switch (child->kind) {
        case ChildRef::Kind::kNone:
          return Done(std::nullopt);
        case ChildRef::Kind::kHash: {
          Step step;
          step.next_hash = child->hash;
          step.expect_branch = expect_branch;
          return step;
        }
        case ChildRef::Kind::kEmbedded:
          item = child->embedded;  // already validated with its parent
          break;
      }
    }
  }

  const Nibbles path_;
  NibbleView rest_;
  const std::vector<Bytes>& proof_;
  size_t next_ = 0;
};

}  // namespace

absl::StatusOr<std::optional<Bytes>> Trie::VerifyProof(const Hash32& root, ByteView key,
                                                       const std::vector<Bytes>& proof) {
  if (key.size() > kMaxKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("trie proof: key of ", key.size(),
                                                   " bytes exceeds the limit of ", kMaxKeyBytes));
  }
  return ProofWalker(key, proof).Run(root);
}

}  // namespace theta
