// Trie-node garbage collection (Chain::CollectGarbage, chain.hpp): an exact mark-and-sweep in the
// manner of geth's offline state pruning. Mark walks every node reachable from the retained state
// roots ("c/root/" entries): the state trie and, through each account leaf, the account's storage
// trie; subtrees already marked are not walked again, so roots that share most of their nodes cost
// little more than one. Sweep deletes every stored trie node (a 32-byte key whose value hashes to
// it) that is not marked, in bounded write batches.
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/chain.hpp"

namespace theta::ledger {
namespace {

constexpr std::string_view kRootPrefix = "c/root/";
constexpr std::string_view kAccountPrefix = "ls/a/";

absl::Status BadNode(const Hash32& hash, std::string_view why) {
  return absl::DataLossError(
      absl::StrCat("chain gc: trie node ", hash.ToHex(), " is corrupt: ", std::string(why)));
}

// Marks the nodes of one trie and of the storage tries its account leaves name.
class Marker {
 public:
  explicit Marker(const KvStore& store) : store_(store) {}

  // Marks the trie under `root` (a state trie when `state`, else a storage trie).
  absl::Status MarkRoot(const Hash32& root, bool state) {
    if (root == Hash32{} || root == kEmptyTrieRoot) return absl::OkStatus();
    std::vector<uint8_t> path;
    return MarkHashed(root, path, state);
  }

  const absl::flat_hash_set<Hash32>& marked() const { return marked_; }

 private:
  absl::Status MarkHashed(const Hash32& hash, std::vector<uint8_t>& path, bool state) {
    if (!marked_.insert(hash).second) return absl::OkStatus();
    absl::StatusOr<Bytes> rlp = store_.Get(hash.view());
    if (absl::IsNotFound(rlp.status())) return BadNode(hash, "missing");
    if (!rlp.ok()) return rlp.status();
    absl::StatusOr<RlpItem> item = DecodeRlp(*rlp);
    if (!item.ok()) return BadNode(hash, std::string(item.status().message()));
    return MarkNode(hash, *item, path, state);
  }

  // A child reference: a 32-byte hash, an embedded node (a list), or empty.
  absl::Status MarkChild(const Hash32& parent, const RlpItem& ref, std::vector<uint8_t>& path,
                         bool state) {
    if (ref.is_list) return MarkNode(parent, ref, path, state);
    if (ref.payload.empty()) return absl::OkStatus();
    if (ref.payload.size() != 32) return BadNode(parent, "a child reference is not 32 bytes");
    return MarkHashed(*Hash32::FromBytes(ref.payload), path, state);
  }

  absl::Status MarkNode(const Hash32& hash, const RlpItem& node, std::vector<uint8_t>& path,
                        bool state) {
    absl::StatusOr<std::vector<RlpItem>> items = RlpListItems(node);
    if (!items.ok()) return BadNode(hash, std::string(items.status().message()));
    const size_t depth = path.size();
    if (items->size() == 17) {
      for (uint8_t i = 0; i < 16; ++i) {
        path.push_back(i);
        absl::Status s = MarkChild(hash, (*items)[i], path, state);
        path.resize(depth);
        THETA_RETURN_IF_ERROR(s);
      }
      return Leaf(hash, path, (*items)[16], state);
    }
    if (items->size() != 2 || (*items)[0].is_list || (*items)[0].payload.empty())
      return BadNode(hash, "not a branch, extension or leaf");
    // Hex-prefix path: flag nibble 2 or 3 = leaf, odd flag = the first byte holds a nibble.
    const ByteView hp = (*items)[0].payload;
    const uint8_t flag = hp[0] >> 4;
    if (flag & 1) path.push_back(hp[0] & 0x0f);
    for (size_t i = 1; i < hp.size(); ++i) {
      path.push_back(hp[i] >> 4);
      path.push_back(hp[i] & 0x0f);
    }
    absl::Status s = (flag & 2) ? Leaf(hash, path, (*items)[1], state)
                                : MarkChild(hash, (*items)[1], path, state);
    path.resize(depth);
    return s;
  }

  // A value at `path`: in the state trie an account names its storage trie.
  absl::Status Leaf(const Hash32& hash, const std::vector<uint8_t>& path, const RlpItem& value,
                    bool state) {
    if (!state || value.is_list || value.payload.empty()) return absl::OkStatus();
    if (path.size() != 2 * (kAccountPrefix.size() + Address::kSize)) return absl::OkStatus();
    for (size_t i = 0; i < kAccountPrefix.size(); ++i) {
      const uint8_t byte = static_cast<uint8_t>(path[2 * i] << 4 | path[2 * i + 1]);
      if (byte != static_cast<uint8_t>(kAccountPrefix[i])) return absl::OkStatus();
    }
    absl::StatusOr<Account> account = DecodeAccount(value.payload);
    if (!account.ok()) return BadNode(hash, std::string(account.status().message()));
    return MarkRoot(account->root, /*state=*/false);
  }

  const KvStore& store_;
  absl::flat_hash_set<Hash32> marked_;
};

}  // namespace

absl::StatusOr<GarbageStats> Chain::CollectGarbage(size_t batch_ops) {
  if (batch_ops == 0) return absl::InvalidArgumentError("chain gc: batch_ops must be positive");
  GarbageStats stats;
  Marker marker(*store_);
  {
    std::unique_ptr<KvIterator> it = store_->NewIterator();
    for (it->Seek(AsBytes(kRootPrefix));
         it->Valid() && it->key().size() >= kRootPrefix.size() &&
         std::equal(kRootPrefix.begin(), kRootPrefix.end(), it->key().begin());
         it->Next()) {
      absl::StatusOr<Hash32> root = Hash32::FromBytes(it->value());
      if (!root.ok()) return absl::DataLossError("chain gc: a stored state root is not 32 bytes");
      THETA_RETURN_IF_ERROR(marker.MarkRoot(*root, /*state=*/true));
      ++stats.roots;
    }
    THETA_RETURN_IF_ERROR(it->status());
  }
  stats.live_nodes = marker.marked().size();

  std::unique_ptr<KvIterator> it = store_->NewIterator();
  WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 32) continue;
    const Hash32 key = *Hash32::FromBytes(it->key());
    if (marker.marked().contains(key) || Keccak256(it->value()) != key) continue;
    batch.Delete(it->key());
    ++stats.deleted_nodes;
    stats.deleted_bytes += it->key().size() + it->value().size();
    if (batch.size() >= batch_ops) {
      THETA_RETURN_IF_ERROR(store_->Write(batch));
      batch.Clear();
    }
  }
  THETA_RETURN_IF_ERROR(it->status());
  if (!batch.empty()) THETA_RETURN_IF_ERROR(store_->Write(batch));
  return stats;
}

}  // namespace theta::ledger
