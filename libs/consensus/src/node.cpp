#include "theta/consensus/node.hpp"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "node_limits.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {

using internal::kMaxOrphans;
using internal::kSyncRetryMs;

struct Node::VoteTally {
  std::map<ValidatorIndex, Bytes> signatures;
  uint64_t stake = 0;
  bool certified = false;
};

struct Node::TimeoutTally {
  std::map<ValidatorIndex, std::pair<uint64_t, Bytes>> entries;  // signer -> (high QC round, sig)
  uint64_t stake = 0;
  bool certified = false;
};

namespace {
constexpr size_t kMaxVerifiedQcs = 4096;
constexpr uint64_t kEvidenceWindow = 64;  // rounds of votes and proposals kept for equivocation
// Bounds on what faulty validators can make a node remember: distinct vote targets per round,
// rounds ahead of ours worth tallying timeouts for, and blocks waiting for their parent.
constexpr size_t kMaxTalliesPerRound = 2 * kMaxValidators;
constexpr uint64_t kMaxRoundsAhead = 100;
// Marks the token of a delayed proposal (round timers use the bare round number).
constexpr uint64_t kProposalTimerBit = uint64_t{1} << 63;
}  // namespace

Block MakeGenesisBlock(uint64_t epoch, ByteView payload) {
  Block genesis;
  genesis.header.epoch = epoch;
  genesis.payload.assign(payload.begin(), payload.end());
  genesis.header.payload_hash = Keccak256(payload);
  genesis.hash = HeaderHash(genesis.header);
  return genesis;
}

Node::Node(NodeOptions options, NodeEnv env) : options_(std::move(options)), env_(env) {}
Node::~Node() = default;

absl::Status Node::Start() {
  if (started_) return absl::FailedPreconditionError("consensus node: Start called twice");
  started_ = true;
  auto [height, hash] = env_.app->LastCommitted();
  committed_height_ = height;
  committed_hash_ = hash;
  const uint64_t length = options_.epoch_length;
  const uint64_t root_height = length == 0 ? 0 : height - height % length;

  Block genesis;  // stands in for the genesis block: only its hash, height and round matter
  genesis.hash = options_.genesis_hash;
  blocks_.emplace(genesis.hash, genesis);

  THETA_ASSIGN_OR_RETURN(RecoveredState recovered, env_.storage->Load());
  compacted_at_height_ = committed_height_;
  if (recovered.anchor) {  // a compacted log: the saved blocks grow from this committed one
    const Hash32 anchor_hash = recovered.anchor->hash;
    blocks_.emplace(anchor_hash, *std::move(recovered.anchor));
  }
  const uint64_t epoch = EpochAfter(height);
  for (const Block& block : recovered.blocks) {
    // The application's committed block roots the tree even when its parent was not kept; blocks
    // an older epoch added above our root (its suffix) are of no use any more.
    const bool root = block.hash == committed_hash_;
    if (block.header.height > root_height && block.header.epoch != epoch) continue;
    if (blocks_.contains(block.hash) || !(root || blocks_.contains(block.header.parent))) continue;
    blocks_.emplace(block.hash, block);
  }
  for (EpochProof& proof : recovered.epoch_proofs)
    epoch_proofs_[proof.epoch] = std::move(proof);

  Hash32 root_hash = root_height == height ? committed_hash_ : Hash32{};
  if (root_height == 0) root_hash = options_.genesis_hash;
  if (root_hash == Hash32{}) root_hash = env_.app->CommittedHashAt(root_height).value_or(Hash32{});
  const std::optional<SafetyState>& stored = recovered.safety;
  if (stored && stored->epoch > epoch) later_safety_ = stored;  // see later_safety_
  THETA_RETURN_IF_ERROR(EnterEpoch(epoch, root_hash, root_height));
  if (options_.self_key.empty() && !self_) {
    return absl::InvalidArgumentError(absl::StrCat("consensus node: own index ", options_.self,
                                                   " outside a committee of ",
                                                   committee_.validators.size()));
  }
  if (stored && stored->epoch == epoch) safety_ = *stored;
  for (const QuorumCert& qc : recovered.qcs) {
    if (qc.epoch == epoch && qc.round > safety_.high_qc.round) safety_.high_qc = qc;
  }
  AdvanceRound(std::max(safety_.high_qc.round + 1, uint64_t{1}), true);
  Drain();
  return status_;
}

absl::Status Node::OnMessage(ValidatorIndex from, ByteView message) {
  if (!status_.ok()) return status_;
  if (!started_) return absl::FailedPreconditionError("consensus node: message before Start");
  if (from >= committee_.validators.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("consensus node: sender ", from, " is not a validator"));
  }
  defer_commits_ = true;
  absl::Status st = Dispatch(from, message);
  FinishEvent();
  return st;
}

void Node::OnTimer(uint64_t token) {
  if (!status_.ok() || !started_) return;
  defer_commits_ = true;
  if (token == TimerToken(round_)) LocalTimeout();
  if (token == (kProposalTimerBit | TimerToken(round_))) Propose();
  FinishEvent();
}

absl::Status Node::Dispatch(ValidatorIndex from, ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(Message message, DecodeMessage(bytes));
  if (Routed(from, message, bytes)) return absl::OkStatus();  // another epoch's
  switch (message.index()) {
    case 0:
      return HandleProposal(from, std::move(std::get<Block>(message)));
    case 1:
      return HandleVote(std::get<Vote>(message));
    case 2:
      return HandleTimeout(from, std::get<Timeout>(message));
    case 3:
      return HandleSyncRequest(from, std::get<SyncRequest>(message));
    case 4:
      return HandleSyncResponse(from, std::move(std::get<SyncResponse>(message)));
    default:
      return HandleEpochProof(from, std::move(std::get<EpochProof>(message)));
  }
}

void Node::Drain() {
  // Our own messages (a proposal we made, a vote for ourselves as next leader) go through the
  // same handlers as everyone's, but only once the current event is done: no re-entrancy. An
  // epoch that ended during the event is left here too, so no handler sees the state change
  // under its feet.
  while (status_.ok()) {
    if (!inbox_.empty()) {
      auto [from, message] = std::move(inbox_.front());
      inbox_.pop_front();
      (void)Dispatch(from, message);
    } else if (ended_) {
      SwitchEpoch();
    } else {
      break;
    }
  }
}

void Node::Deliver(ValidatorIndex to, Bytes message) {
  if (self_ && to == *self_) {
    inbox_.emplace_back(to, std::move(message));
  } else {
    env_.transport->Send(to, std::move(message));
  }
}

bool Node::Persist(const SafetyState& next) {
  if (!status_.ok()) return false;
  if (absl::Status st = env_.storage->SaveSafety(next); !st.ok()) {
    status_ = absl::FailedPreconditionError(
        absl::StrCat("consensus node: cannot persist safety state, no longer voting: ",
                     std::string(st.message())));
    return false;
  }
  safety_ = next;
  return true;
}

absl::Status Node::CheckQc(const QuorumCert& qc) {
  if (!qc.IsGenesis() && qc.epoch != epoch_) {  // before the cache, which spans epochs
    return absl::InvalidArgumentError(
        absl::StrCat("consensus node: a QC of epoch ", qc.epoch, " in epoch ", epoch_));
  }
  const Hash32 key = Keccak256(EncodeQuorumCert(qc));
  if (verified_qcs_.contains(key)) return absl::OkStatus();
  THETA_RETURN_IF_ERROR(VerifyQuorumCert(committee_, qc));
  if (verified_qcs_.size() >= kMaxVerifiedQcs) verified_qcs_.clear();
  verified_qcs_.insert(key);
  return absl::OkStatus();
}

absl::Status Node::CheckTc(const TimeoutCert& tc) {
  return VerifyTimeoutCert(committee_, tc);
}

absl::Status Node::CheckBlock(const Block& block) {
  const BlockHeader& h = block.header;
  THETA_RETURN_IF_ERROR(VerifyProposal(committee_, block));
  if (h.qc.block_hash != h.parent || h.qc.height + 1 != h.height || h.qc.round >= h.round) {
    return absl::InvalidArgumentError("consensus node: block's QC does not certify its parent");
  }
  const bool direct = h.qc.round + 1 == h.round;
  if (direct && h.tc) {
    return absl::InvalidArgumentError("consensus node: block carries a TC it does not need");
  }
  if (!direct) {
    if (!h.tc || h.tc->round + 1 != h.round || h.qc.round < h.tc->MaxHighQcRound()) {
      return absl::InvalidArgumentError(
          "consensus node: block after a gap needs TC(round - 1) and a QC at least as high as "
          "every QC that TC reports");
    }
    THETA_RETURN_IF_ERROR(CheckTc(*h.tc));
  }
  if (h.height > epoch_end_height_ && !block.payload.empty()) {
    return absl::InvalidArgumentError(
        "consensus node: a block past the epoch's last height must carry no payload");
  }
  return CheckQc(h.qc);
}

absl::Status Node::HandleProposal(ValidatorIndex from, Block block) {
  THETA_RETURN_IF_ERROR(CheckBlock(block));
  NoteProposal(block);
  ProcessQc(from, block.header.qc);
  if (block.header.tc) ProcessTc(*block.header.tc);
  if (blocks_.contains(block.hash)) return absl::OkStatus();
  if (!blocks_.contains(block.header.parent)) {
    const Hash32 parent = block.header.parent;
    if (orphans_.size() >= kMaxOrphans) orphans_.clear();
    orphans_[parent].push_back(std::move(block));
    RequestSync(from, parent);
    return absl::OkStatus();
  }
  return InsertBlock(from, block, true);
}

absl::Status Node::InsertBlock(ValidatorIndex from, const Block& first, bool persist) {
  std::deque<Block> work{first};
  while (!work.empty()) {
    Block block = std::move(work.front());
    work.pop_front();
    const BlockHeader& h = block.header;
    auto parent = blocks_.find(h.parent);
    if (parent == blocks_.end() || blocks_.contains(block.hash)) continue;
    const BlockHeader& p = parent->second.header;  // an epoch's root is of the epoch before
    if (h.height != p.height + 1 || (p.epoch == h.epoch && h.round <= p.round)) {
      return absl::InvalidArgumentError(
          "consensus node: block height or round does not follow "
          "its parent's");
    }
    if (persist) {
      if (absl::Status st = env_.storage->SaveBlock(block); !st.ok() && status_.ok()) {
        status_ = absl::FailedPreconditionError(
            absl::StrCat("consensus node: cannot persist a block: ", std::string(st.message())));
      }
    }
    const Hash32 hash = block.hash;
    auto [it, inserted] = blocks_.emplace(hash, std::move(block));
    TryCommit(from, it->second.header.qc);
    MaybeVote(it->second);
    if (auto children = orphans_.find(hash); children != orphans_.end()) {
      for (Block& child : children->second)
        work.push_back(std::move(child));
      orphans_.erase(children);
    }
  }
  return absl::OkStatus();
}

void Node::ProcessQc(ValidatorIndex from, const QuorumCert& qc) {
  if (qc.round > safety_.high_qc.round) {
    safety_.high_qc = qc;  // in memory; persisted with the next vote or timeout
    if (absl::Status st = env_.storage->SaveQuorumCert(qc); !st.ok() && status_.ok()) {
      status_ = absl::FailedPreconditionError(
          absl::StrCat("consensus node: cannot persist a QC: ", std::string(st.message())));
    }
  }
  TryCommit(from, qc);
  if (qc.round >= round_) AdvanceRound(qc.round + 1, true);
}

void Node::ProcessTc(const TimeoutCert& tc) {
  if (!last_tc_ || tc.round > last_tc_->round) last_tc_ = tc;
  if (tc.round >= round_) AdvanceRound(tc.round + 1, false);
}

void Node::ForgetRounds() {
  round_ = 0;
  timeouts_in_a_row_ = 0;
  last_tc_.reset();
  my_timeout_.reset();
  votes_.clear();
  timeouts_.clear();
  seen_votes_.clear();
  seen_proposals_.clear();
  pending_commit_.reset();
  orphans_.clear();
  sync_requested_at_.clear();
  verified_qcs_.clear();
}

void Node::AdvanceRound(uint64_t round, bool by_qc) {
  if (round <= round_) return;
  round_ = round;
  timeouts_in_a_row_ = by_qc ? 0 : timeouts_in_a_row_ + 1;
  my_timeout_.reset();
  votes_.erase(votes_.begin(), votes_.lower_bound(round_ > 1 ? round_ - 1 : 0));
  timeouts_.erase(timeouts_.begin(), timeouts_.lower_bound(round_));
  const uint64_t floor = round_ > kEvidenceWindow ? round_ - kEvidenceWindow : 0;
  seen_votes_.erase(seen_votes_.begin(), seen_votes_.lower_bound({floor, 0}));
  seen_proposals_.erase(seen_proposals_.begin(), seen_proposals_.lower_bound(floor));
  env_.clock->SetTimer(TimeoutDuration(), TimerToken(round_));
  if (Signing() && committee_.validators.Leader(round_) == *self_) ScheduleProposal();
}

void Node::ScheduleProposal() {
  auto parent = blocks_.find(safety_.high_qc.block_hash);
  // Past the epoch's last height there is nothing to pace: the suffix only certifies that block.
  const bool pace = parent != blocks_.end() && parent->second.header.height < epoch_end_height_;
  const uint64_t delay = pace ? env_.app->ProposalDelayMs(parent->second.header.timestamp_ms) : 0;
  if (delay == 0) return Propose();
  env_.clock->SetTimer(delay, kProposalTimerBit | TimerToken(round_));
}

void Node::ProposeNow() {
  if (!started_ || !status_.ok()) return;
  if (!Signing() || committee_.validators.Leader(round_) != *self_) return;
  defer_commits_ = true;
  Propose();
  FinishEvent();
}

uint64_t Node::TimeoutDuration() const {
  uint64_t duration = options_.base_timeout_ms;
  for (uint64_t i = 0; i < timeouts_in_a_row_ && duration < options_.max_timeout_ms; ++i) {
    duration += duration / 2;
  }
  return std::min(duration, options_.max_timeout_ms);
}

void Node::Propose() {
  if (safety_.last_proposed_round >= round_ || !Signing()) return;
  const QuorumCert& qc = safety_.high_qc;
  auto parent = blocks_.find(qc.block_hash);
  if (parent == blocks_.end()) {
    // (An unknown root, all zeros, cannot be fetched: wait for the first QC of the epoch.)
    if (qc.block_hash != Hash32{})
      RequestSync(qc.signatures.empty() ? *self_ : qc.signatures.front().signer, qc.block_hash);
    return;
  }
  Block block;
  BlockHeader& h = block.header;
  h.epoch = epoch_;
  h.round = round_;
  h.height = parent->second.header.height + 1;
  h.parent = parent->first;
  h.proposer = *self_;
  h.timestamp_ms = env_.clock->NowMs();
  h.qc = qc;
  if (qc.round + 1 != round_) {
    if (!last_tc_ || last_tc_->round + 1 != round_) return;  // not entitled to propose yet
    h.tc = last_tc_;
  }
  if (h.height <= epoch_end_height_) block.payload = env_.app->Propose(h.height, h.parent);
  h.payload_hash = Keccak256(block.payload);
  block.hash = HeaderHash(h);
  SafetyState next = safety_;
  next.last_proposed_round = round_;
  if (!Persist(next)) return;
  block.signature = env_.signer->Sign(ProposalDigest(options_.chain_id, block.hash));
  Bytes message = EncodeMessage(block);
  env_.transport->Broadcast(message);
  inbox_.emplace_back(*self_, std::move(message));
}

void Node::MaybeVote(const Block& block) {
  const BlockHeader& h = block.header;
  if (h.round != round_ || h.round <= safety_.last_voted_round || !Signing()) return;
  const bool direct = h.qc.round + 1 == h.round;
  const bool after_tc = h.tc && h.tc->round + 1 == h.round && h.qc.round >= h.tc->MaxHighQcRound();
  if (!direct && !after_tc) return;
  if (h.height <= epoch_end_height_ && !env_.app->Validate(block).ok()) return;
  SafetyState next = safety_;
  next.last_voted_round = h.round;
  if (h.qc.round > next.high_qc.round) next.high_qc = h.qc;
  if (!Persist(next)) return;
  Vote vote{h.epoch, h.round, h.height, block.hash, *self_, {}};
  vote.signature =
      env_.signer->Sign(VoteDigest(options_.chain_id, h.epoch, h.round, h.height, block.hash));
  Deliver(committee_.validators.Leader(h.round + 1), EncodeMessage(vote));
}

absl::Status Node::HandleVote(const Vote& vote) {
  THETA_RETURN_IF_ERROR(VerifyVote(committee_, vote));
  NoteVote(vote);
  if (vote.round + 1 < round_) return absl::OkStatus();  // stale
  if (!self_ || committee_.validators.Leader(vote.round + 1) != *self_) return absl::OkStatus();
  const Hash32 key =
      VoteDigest(options_.chain_id, vote.epoch, vote.round, vote.height, vote.block_hash);
  auto& round_tallies = votes_[vote.round];
  if (!round_tallies.contains(key) && round_tallies.size() >= kMaxTalliesPerRound) {
    return absl::OkStatus();
  }
  VoteTally& tally = round_tallies[key];
  if (tally.certified || tally.signatures.contains(vote.voter)) return absl::OkStatus();
  tally.signatures.emplace(vote.voter, vote.signature);
  tally.stake += committee_.validators.at(vote.voter).stake;
  if (!committee_.validators.IsQuorum(tally.stake)) return absl::OkStatus();
  tally.certified = true;
  QuorumCert qc{vote.epoch, vote.round, vote.height, vote.block_hash, {}};
  for (const auto& [signer, signature] : tally.signatures)
    qc.signatures.push_back({signer, signature});
  verified_qcs_.insert(Keccak256(EncodeQuorumCert(qc)));
  ProcessQc(vote.voter, qc);
  return absl::OkStatus();
}

absl::Status Node::HandleTimeout(ValidatorIndex from, const Timeout& t) {
  THETA_RETURN_IF_ERROR(VerifyTimeout(committee_, t));
  THETA_RETURN_IF_ERROR(CheckQc(t.high_qc));
  if (t.last_round_tc) THETA_RETURN_IF_ERROR(CheckTc(*t.last_round_tc));
  ProcessQc(from, t.high_qc);
  if (t.last_round_tc) ProcessTc(*t.last_round_tc);
  if (t.round < round_) {
    // The sender lags: our own timeout carries the TC that moves it to our round.
    if (my_timeout_ && from != self_) Deliver(from, EncodeMessage(*my_timeout_));
    return absl::OkStatus();
  }
  if (t.round > round_ + kMaxRoundsAhead) return absl::OkStatus();
  TimeoutTally& tally = timeouts_[t.round];
  if (tally.certified || tally.entries.contains(t.voter)) return absl::OkStatus();
  tally.entries.emplace(t.voter, std::make_pair(t.high_qc.round, t.signature));
  tally.stake += committee_.validators.at(t.voter).stake;
  // Bracha-style amplification: once some honest validator gave up on our round, give up too, so
  // a TC forms without waiting for every timer.
  if (t.round == round_ && !my_timeout_ && committee_.validators.IsWeakQuorum(tally.stake)) {
    LocalTimeout();
  }
  if (!committee_.validators.IsQuorum(tally.stake)) return absl::OkStatus();
  tally.certified = true;
  TimeoutCert tc{t.epoch, t.round, {}};
  for (const auto& [signer, entry] : tally.entries) {
    tc.entries.push_back({signer, entry.first, entry.second});
  }
  ProcessTc(tc);
  return absl::OkStatus();
}

void Node::LocalTimeout() {
  if (!Signing()) return;
  if (!my_timeout_ || my_timeout_->round != round_) {
    SafetyState next = safety_;
    next.last_voted_round = std::max(next.last_voted_round, round_);
    if (!Persist(next)) return;
    Timeout t;
    t.epoch = epoch_;
    t.round = round_;
    t.high_qc = safety_.high_qc;
    if (last_tc_ && last_tc_->round + 1 == round_) t.last_round_tc = last_tc_;
    t.voter = *self_;
    t.signature =
        env_.signer->Sign(TimeoutDigest(options_.chain_id, t.epoch, t.round, t.high_qc.round));
    my_timeout_ = std::move(t);
    inbox_.emplace_back(*self_, EncodeMessage(*my_timeout_));
  }
  env_.transport->Broadcast(EncodeMessage(*my_timeout_));
  env_.clock->SetTimer(TimeoutDuration(), TimerToken(round_));
}

void Node::NoteVote(const Vote& vote) {
  if (vote.round + kEvidenceWindow < round_) return;
  auto [it, fresh] = seen_votes_.try_emplace({vote.round, vote.voter}, vote);
  if (fresh || it->second.block_hash == vote.block_hash) return;
  Evidence e;
  e.kind = Evidence::Kind::kDoubleVote;
  e.vote_a = it->second;
  e.vote_b = vote;
  env_.app->ReportEvidence(e);
}

void Node::NoteProposal(const Block& block) {
  if (block.header.round + kEvidenceWindow < round_) return;
  auto [it, fresh] = seen_proposals_.try_emplace(block.header.round, block);
  if (fresh || it->second.hash == block.hash) return;
  Evidence e;
  e.kind = Evidence::Kind::kDoubleProposal;
  e.header_a = it->second.header;
  e.signature_a = it->second.signature;
  e.header_b = block.header;
  e.signature_b = block.signature;
  env_.app->ReportEvidence(e);
}

}  // namespace theta::consensus
