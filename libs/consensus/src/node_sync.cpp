// Block sync inside consensus: fetching blocks a node lacks (parents of what it was sent, the
// chain under a QC) from the validator that referred to them.
#include <algorithm>

#include "node_limits.hpp"
#include "theta/consensus/node.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {

using internal::kMaxOrphans;
using internal::kSyncRetryMs;
namespace {}  // namespace

void Node::RequestSync(ValidatorIndex from, const Hash32& hash) {
  if (from == self_) from = committee_.validators.Leader(round_);
  if (from == self_) from = (from + 1) % committee_.validators.size();
  const uint64_t now = env_.clock->NowMs();
  auto [it, fresh] = sync_requested_at_.try_emplace(hash, now);
  if (!fresh && now < it->second + kSyncRetryMs) return;
  it->second = now;
  if (sync_requested_at_.size() > 1024) sync_requested_at_.clear();
  Deliver(from, EncodeMessage(SyncRequest{hash, kMaxSyncBlocks}));
}

absl::Status Node::HandleSyncRequest(ValidatorIndex from, const SyncRequest& request) {
  SyncResponse response;
  Hash32 cursor = request.block_hash;
  const uint32_t limit = std::min(request.max_blocks, kMaxSyncBlocks);
  while (response.blocks.size() < limit) {
    auto it = blocks_.find(cursor);
    if (it == blocks_.end() || it->second.header.height == 0) break;
    response.blocks.push_back(it->second);
    cursor = it->second.header.parent;
  }
  if (!response.blocks.empty()) Deliver(from, EncodeMessage(response));
  return absl::OkStatus();
}

absl::Status Node::HandleSyncResponse(ValidatorIndex from, SyncResponse response) {
  bool asked = false;
  for (auto it = response.blocks.rbegin(); it != response.blocks.rend(); ++it) {  // oldest first
    Block& block = *it;
    const uint64_t height = block.header.height;
    // Nothing at or below the committed height is needed (a node restarted from a compacted WAL
    // no longer holds those blocks, and fetching them would walk back to genesis), except the
    // committed block itself when it is missing: it roots what comes after.
    if (blocks_.contains(block.hash) || height < committed_height_) continue;
    const bool root = block.hash == committed_hash_;
    if (height == committed_height_ && !root) continue;
    if (root) {
      // Committed already: the application vouches for its hash, which covers the header. It may
      // be of the epoch before (the root of ours), so only its payload is checked.
      if (Keccak256(block.payload) != block.header.payload_hash) {
        return absl::InvalidArgumentError(
            "consensus node: payload hash does not match the payload");
      }
    } else if (block.header.epoch != epoch_) {
      continue;  // another epoch's (a peer ahead of us answers from its own)
    } else {
      THETA_RETURN_IF_ERROR(CheckBlock(block));
    }
    sync_requested_at_.erase(block.hash);
    if (!root && !blocks_.contains(block.header.parent)) {
      const Hash32 parent = block.header.parent;
      if (orphans_.size() >= kMaxOrphans) orphans_.clear();
      orphans_[parent].push_back(std::move(block));
      // Once per response, for its oldest gap: the later blocks hang on the earlier ones.
      if (!asked) RequestSync(from, parent);
      asked = true;
      continue;
    }
    if (root) {
      const Hash32 hash = block.hash;
      blocks_.emplace(hash, std::move(block));
      if (auto children = orphans_.find(hash); children != orphans_.end()) {
        std::vector<Block> waiting = std::move(children->second);
        orphans_.erase(children);
        for (const Block& child : waiting)
          THETA_RETURN_IF_ERROR(InsertBlock(from, child, true));
      }
      continue;
    }
    THETA_RETURN_IF_ERROR(InsertBlock(from, block, true));
  }
  if (pending_commit_ && blocks_.contains(pending_commit_->block_hash)) {
    QuorumCert qc = *std::move(pending_commit_);
    pending_commit_.reset();
    TryCommit(from, qc);
  }
  return absl::OkStatus();
}

}  // namespace theta::consensus
