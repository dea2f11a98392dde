// What a Node forgets: committed blocks beyond the window it serves to peers, and the WAL records a
// restart no longer needs (compaction).
#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "theta/consensus/node.hpp"

namespace theta::consensus {

void Node::PruneCommitted() {
  const uint64_t keep = options_.keep_committed_blocks;
  if (keep == 0 || committed_height_ <= keep) return;
  const uint64_t floor = committed_height_ - keep;
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    const bool old = it->second.header.height < floor && it->first != committed_hash_ &&
                     it->first != safety_.high_qc.block_hash;
    if (old) {
      blocks_.erase(it++);
    } else {
      ++it;
    }
  }
}

void Node::MaybeCompact() {
  const uint64_t every = options_.compact_wal_every;
  if (every == 0 || committed_height_ < compacted_at_height_ + every || !status_.ok()) return;
  std::optional<RecoveredState> live = LiveState();
  if (!live) return;  // the committed block came by the application's sync: nothing to root at
  if (absl::Status st = env_.storage->Compact(*live); !st.ok()) {
    status_ = absl::FailedPreconditionError(
        absl::StrCat("consensus node: cannot compact storage: ", std::string(st.message())));
    return;
  }
  compacted_at_height_ = committed_height_;
}

// The anchor is the committed block wal_anchor_depth below the head (or the oldest one still held);
// every held block descending from it is kept, parents first, so Start can rebuild the tree.
std::optional<RecoveredState> Node::LiveState() const {
  auto committed = blocks_.find(committed_hash_);
  if (committed == blocks_.end()) return std::nullopt;
  RecoveredState live;
  live.safety = safety_;
  if (!safety_.high_qc.IsGenesis()) live.qcs.push_back(safety_.high_qc);
  const Block* anchor = &committed->second;
  for (uint64_t depth = 0; depth < options_.wal_anchor_depth; ++depth) {
    auto parent = blocks_.find(anchor->header.parent);
    if (anchor->hash == options_.genesis_hash || parent == blocks_.end()) break;
    anchor = &parent->second;
  }
  std::vector<const Block*> above;
  for (const auto& [hash, block] : blocks_)
    if (block.header.height > anchor->header.height) above.push_back(&block);
  std::sort(above.begin(), above.end(), [](const Block* a, const Block* b) {
    return std::tie(a->header.height, a->hash) < std::tie(b->header.height, b->hash);
  });
  absl::flat_hash_set<Hash32> kept{anchor->hash};
  for (const Block* block : above) {
    if (!kept.contains(block->header.parent)) continue;  // on a branch below the anchor
    kept.insert(block->hash);
    live.blocks.push_back(*block);
  }
  if (anchor->hash != options_.genesis_hash) live.anchor = *anchor;
  for (const auto& [epoch, proof] : epoch_proofs_)
    live.epoch_proofs.push_back(proof);
  return live;
}

}  // namespace theta::consensus
