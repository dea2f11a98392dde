// Committing: the 2-chain rule, executing the committed chain through the application, and the
// deferral of commits to the end of an event.
#include <utility>

#include "absl/strings/str_cat.h"
#include "theta/consensus/node.hpp"

namespace theta::consensus {

// An event (a message, a timer, ProposeNow) starts by setting defer_commits_ and ends here: our own
// messages first, then the commits, once the event's vote or proposal is out. Executing a block is
// the slowest step of an event, and the next round waits for the vote, not for the commit.
void Node::FinishEvent() {
  Drain();
  defer_commits_ = false;
  RunDeferredCommits();
  Drain();
}

void Node::RunDeferredCommits() {
  const bool deferring = std::exchange(defer_commits_, false);
  std::vector<std::pair<ValidatorIndex, QuorumCert>> commits = std::move(deferred_commits_);
  deferred_commits_.clear();
  for (const auto& [from, qc] : commits) {
    if (qc.epoch == epoch_) TryCommit(from, qc);
  }
  defer_commits_ = deferring;
}

void Node::TryCommit(ValidatorIndex from, const QuorumCert& qc) {
  if (qc.IsGenesis()) return;
  // During an event a commit waits for its end (FinishEvent), except one that may reach the
  // epoch's last block: ending the epoch changes what the event's own handlers must see.
  if (defer_commits_ && qc.height < epoch_end_height_) {
    deferred_commits_.emplace_back(from, qc);
    return;
  }
  if (!deferred_commits_.empty()) RunDeferredCommits();  // in the order they came
  auto certified = blocks_.find(qc.block_hash);
  if (certified == blocks_.end()) {
    pending_commit_ = qc;
    RequestSync(from, qc.block_hash);
    return;
  }
  auto parent = blocks_.find(certified->second.header.parent);
  if (parent == blocks_.end()) return;
  // The 2-chain rule: a certified block whose certified child sits in the very next round.
  const BlockHeader& p = parent->second.header;
  const BlockHeader& c = certified->second.header;
  if (p.epoch != c.epoch || p.round + 1 != c.round) return;
  if (p.height <= committed_height_) return;
  CommitUpTo(from, parent->first, c.qc);
  if (committed_hash_ == parent->first) env_.app->OnCommitProof(c, qc);
  if (committed_height_ < std::min(p.height, epoch_end_height_)) {
    pending_commit_ = qc;  // ancestors are on their way from block sync: try again then
  } else if (committed_height_ == epoch_end_height_ && !ended_) {
    EndEpoch(qc);
  }
}

void Node::CommitUpTo(ValidatorIndex from, const Hash32& target, const QuorumCert& proof) {
  std::vector<std::pair<const Block*, const QuorumCert*>> chain;  // newest first
  const QuorumCert* certificate = &proof;
  Hash32 cursor = target;
  // The epoch's suffix is never committed: walk down to its last block, which a suffix block's
  // QC certifies.
  for (auto it = blocks_.find(cursor);; it = blocks_.find(cursor)) {
    if (it == blocks_.end()) return RequestSync(from, cursor);
    if (it->second.header.height <= epoch_end_height_) break;
    certificate = &it->second.header.qc;
    cursor = it->second.header.parent;
  }
  while (true) {
    auto it = blocks_.find(cursor);
    if (it == blocks_.end()) {
      RequestSync(from, cursor);
      return;
    }
    const Block& block = it->second;
    if (block.header.height == committed_height_) {
      if (block.hash != committed_hash_ && status_.ok()) {
        status_ = absl::InternalError(
            absl::StrCat("consensus node: a certified chain conflicts with committed height ",
                         committed_height_, " (more than 1/3 of stake is faulty)"));
      }
      break;
    }
    chain.emplace_back(&block, certificate);
    certificate = &block.header.qc;
    cursor = block.header.parent;
  }
  if (!status_.ok()) return;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    env_.app->Commit(*it->first, *it->second);
    committed_height_ = it->first->header.height;
    committed_hash_ = it->first->hash;
  }
  PruneCommitted();
  MaybeCompact();
}

std::vector<const Block*> Node::UncommittedChain(const Hash32& hash) const {
  std::vector<const Block*> chain;
  Hash32 at = hash;
  while (at != committed_hash_) {
    auto it = blocks_.find(at);
    if (it == blocks_.end() || it->second.header.height <= committed_height_) break;
    chain.push_back(&it->second);
    at = it->second.header.parent;
  }
  return chain;
}

void Node::AdoptCommitted(const Block& block) {
  if (!started_ || !status_.ok() || block.header.height <= committed_height_) return;
  blocks_.emplace(block.hash, block);
  committed_height_ = block.header.height;
  committed_hash_ = block.hash;
  if (pending_commit_ && pending_commit_->height <= committed_height_) pending_commit_.reset();
  if (committed_height_ >= epoch_end_height_ && !ended_) ended_ = EpochProof{};  // no proof held
  PruneCommitted();
  MaybeCompact();
  Drain();
}

}  // namespace theta::consensus
