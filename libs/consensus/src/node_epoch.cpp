// Epoch changes: ending an epoch once its last block commits, starting the next one as a fresh
// instance of the protocol, and helping validators that missed a change (EpochProof).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "node_limits.hpp"
#include "theta/consensus/node.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {
namespace {
constexpr uint64_t kProofRetryMs = 500;     // per peer, between answers with proofs
constexpr size_t kMaxProofsPerAnswer = 16;  // a peer far behind gets the next ones in order
constexpr size_t kMaxEarlyMessages = 1024;  // next-epoch messages held until we get there
constexpr uint64_t kRoundBits = 48;         // timer tokens: generation above, round below
}  // namespace

uint64_t Node::EpochAfter(uint64_t height) const {
  const uint64_t length = options_.epoch_length;
  return options_.epoch + (length == 0 ? 0 : height / length);
}

uint64_t Node::TimerToken(uint64_t round) const {
  // Bit 63 marks proposal timers; a timer set in an earlier epoch never matches a later round.
  return ((timer_generation_ & 0x7FFF) << kRoundBits) | (round & ((uint64_t{1} << kRoundBits) - 1));
}

bool Node::Signing() const {
  return self_.has_value() && status_.ok() && !(later_safety_ && later_safety_->epoch > epoch_);
}

QuorumCert Node::RootQc() const {
  QuorumCert qc;
  qc.epoch = epoch_;
  qc.height = committee_.root_height;
  qc.block_hash = committee_.genesis_hash;
  return qc;
}

void Node::ResolveSelf() {
  self_.reset();
  const ValidatorSet& set = committee_.validators;
  if (options_.self_key.empty()) {
    if (options_.self < set.size()) self_ = options_.self;
    return;
  }
  for (ValidatorIndex i = 0; i < set.size(); ++i) {
    if (set.at(i).public_key == options_.self_key) self_ = i;
  }
}

absl::Status Node::EnterEpoch(uint64_t epoch, const Hash32& root_hash, uint64_t root_height) {
  absl::StatusOr<ValidatorSet> validators = env_.app->ValidatorsAt(root_height + 1);
  if (!validators.ok()) {
    return absl::Status(
        validators.status().code(),
        absl::StrCat("consensus node: no committee for epoch ", epoch, " (height ", root_height + 1,
                     "): ", std::string(validators.status().message())));
  }
  epoch_ = epoch;
  const uint64_t length = options_.epoch_length;
  epoch_end_height_ = length == 0 ? UINT64_MAX : root_height + length;
  committee_ = Committee{options_.chain_id, epoch,         *std::move(validators),
                         root_hash,         env_.verifier, root_height};
  ResolveSelf();
  ++timer_generation_;
  ForgetRounds();
  // What the old epoch added above the root (its suffix, abandoned forks) is done with.
  absl::erase_if(blocks_, [&](const auto& entry) {
    const BlockHeader& h = entry.second.header;
    return h.height > root_height && h.epoch != epoch;
  });
  if (later_safety_ && later_safety_->epoch == epoch) {
    safety_ = *later_safety_;
  } else {
    safety_ = SafetyState{epoch, 0, 0, RootQc()};
  }
  if (later_safety_ && later_safety_->epoch <= epoch) later_safety_.reset();
  return absl::OkStatus();
}

// The QC `qc` committed the epoch's last block: keep the proof of it, and switch once the current
// event is handled (Drain).
void Node::EndEpoch(const QuorumCert& qc) {
  EpochProof proof;
  proof.epoch = epoch_;
  proof.qc = qc;
  for (Hash32 at = qc.block_hash;;) {
    auto it = blocks_.find(at);
    if (it == blocks_.end() || proof.blocks.size() >= kMaxSyncBlocks) {
      proof.blocks.clear();  // cannot happen after CommitUpTo walked it; a long suffix is not kept
      break;
    }
    proof.blocks.push_back(it->second);
    if (at == committed_hash_) break;
    at = it->second.header.parent;
  }
  std::reverse(proof.blocks.begin(), proof.blocks.end());
  ended_ = std::move(proof);
}

void Node::SwitchEpoch() {
  EpochProof proof = *std::move(ended_);
  ended_.reset();
  if (!proof.blocks.empty()) {
    if (absl::Status st = env_.storage->SaveEpochProof(proof); !st.ok()) {
      status_ = absl::FailedPreconditionError(absl::StrCat(
          "consensus node: cannot persist an epoch proof: ", std::string(st.message())));
      return;
    }
    env_.app->OnEpochEnd(proof);
    epoch_proofs_[proof.epoch] = std::move(proof);
    while (epoch_proofs_.size() > std::max<uint64_t>(options_.keep_epoch_proofs, 1))
      epoch_proofs_.erase(epoch_proofs_.begin());
  }
  const uint64_t length = options_.epoch_length;
  const uint64_t root_height = committed_height_ - committed_height_ % length;
  const Hash32 root_hash = root_height == committed_height_
                               ? committed_hash_
                               : env_.app->CommittedHashAt(root_height).value_or(Hash32{});
  if (absl::Status st = EnterEpoch(EpochAfter(committed_height_), root_hash, root_height);
      !st.ok()) {
    status_ = absl::FailedPreconditionError(std::string(st.message()));
    return;
  }
  ++stats_.epochs_entered;
  // The fresh safety state is durable before anything of the new epoch is signed.
  if (!Persist(safety_)) return;
  for (auto& [from, message] : next_epoch_inbox_)
    inbox_.emplace_back(from, std::move(message));
  next_epoch_inbox_.clear();
  future_proofs_.erase(future_proofs_.begin(), future_proofs_.lower_bound(epoch_));
  if (auto next = future_proofs_.find(epoch_); next != future_proofs_.end()) {
    inbox_.push_back(std::move(next->second));
    future_proofs_.erase(next);
  }
  AdvanceRound(std::max(safety_.high_qc.round + 1, uint64_t{1}), true);
}

bool Node::Routed(ValidatorIndex from, const Message& message, ByteView bytes) {
  uint64_t epoch = 0;
  if (const Block* block = std::get_if<Block>(&message)) {
    epoch = block->header.epoch;
  } else if (const Vote* vote = std::get_if<Vote>(&message)) {
    epoch = vote->epoch;
  } else if (const Timeout* timeout = std::get_if<Timeout>(&message)) {
    epoch = timeout->epoch;
  } else {
    return false;  // block sync spans epochs; a proof names its epoch itself
  }
  if (epoch == epoch_) return false;
  if (epoch < epoch_) {
    SendEpochProofs(from, epoch);  // the sender missed the change
  } else if (epoch == epoch_ + 1 && next_epoch_inbox_.size() < kMaxEarlyMessages) {
    next_epoch_inbox_.emplace_back(from, Bytes(bytes.begin(), bytes.end()));
  }
  return true;
}

void Node::SendEpochProofs(ValidatorIndex to, uint64_t from_epoch) {
  if (to == self_ || !epoch_proofs_.contains(from_epoch)) return;
  const uint64_t now = env_.clock->NowMs();
  auto [at, fresh] = proofs_sent_at_.try_emplace(to, now);
  if (!fresh && now < at->second + kProofRetryMs) return;
  at->second = now;
  size_t sent = 0;
  for (auto it = epoch_proofs_.find(from_epoch);
       it != epoch_proofs_.end() && sent < kMaxProofsPerAnswer; ++it, ++sent) {
    Deliver(to, EncodeMessage(it->second));
    ++stats_.epoch_proofs_sent;
  }
}

absl::Status Node::CheckEpochProof(const EpochProof& proof) {
  const std::vector<Block>& blocks = proof.blocks;
  if (blocks.size() < 2 || blocks.front().header.height != epoch_end_height_) {
    return absl::InvalidArgumentError(
        "consensus node: an epoch proof starts at the epoch's last block and has its child");
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    THETA_RETURN_IF_ERROR(CheckBlock(blocks[i]));
    if (i > 0 && blocks[i].header.parent != blocks[i - 1].hash) {
      return absl::InvalidArgumentError("consensus node: epoch proof blocks do not form a chain");
    }
  }
  const BlockHeader& last = blocks.back().header;
  const BlockHeader& before = blocks[blocks.size() - 2].header;
  if (before.round + 1 != last.round || proof.qc.block_hash != blocks.back().hash ||
      proof.qc.round != last.round || proof.qc.height != last.height) {
    return absl::InvalidArgumentError(
        "consensus node: an epoch proof's QC must certify a block of the round after its parent");
  }
  return CheckQc(proof.qc);
}

absl::Status Node::HandleEpochProof(ValidatorIndex from, EpochProof proof) {
  if (proof.epoch < epoch_ || ended_) return absl::OkStatus();  // we are past it already
  if (proof.epoch > epoch_) {
    // Kept unchecked for when we get there (only then is its committee known), so a faulty peer
    // can make us hold at most one answer's worth.
    const bool near = proof.epoch <= epoch_ + kMaxProofsPerAnswer;
    if (near &&
        (future_proofs_.size() < kMaxProofsPerAnswer || future_proofs_.contains(proof.epoch)))
      future_proofs_[proof.epoch] = {from, EncodeMessage(proof)};
    return absl::OkStatus();
  }
  THETA_RETURN_IF_ERROR(CheckEpochProof(proof));
  ++stats_.epoch_proofs_accepted;
  bool asked = false;
  for (Block& block : proof.blocks) {
    if (blocks_.contains(block.hash)) continue;
    if (!blocks_.contains(block.header.parent)) {  // our chain ends lower: fetch the gap
      const Hash32 parent = block.header.parent;
      if (!asked) RequestSync(from, parent);
      asked = true;
      if (orphans_.size() >= internal::kMaxOrphans) orphans_.clear();
      orphans_[parent].push_back(std::move(block));
      continue;
    }
    THETA_RETURN_IF_ERROR(InsertBlock(from, block, true));
  }
  ProcessQc(from, proof.qc);
  if (!ended_) pending_commit_ = proof.qc;  // retried as block sync fills the gap
  return absl::OkStatus();
}

}  // namespace theta::consensus
