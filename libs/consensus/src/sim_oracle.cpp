// The simulator's oracle: what every commit and every piece of evidence must satisfy, the
// committees it judges them by, liveness, and the run's summary (sim.hpp lists the invariants).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim_instance.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/core/hash.hpp"

namespace theta::consensus::sim::internal {

bool ValidPayload(const Block& block) {
  const std::string prefix = absl::StrCat("sim|", block.header.height, "|");
  return block.payload.size() > prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), block.payload.begin());
}

bool World::LivenessReached() const {
  if (!healed_) return false;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    if (instance->app.last_.first < heal_height_ + options_.target_commits_after_heal) return false;
  }
  return !guardians_ || guardians_->AllFinal(heal_height_ + options_.target_commits_after_heal);
}

bool World::MeasurementDone() const {
  return checkpoints_handed_ >= options_.measure_checkpoints && (!guardians_ || guardians_->Done());
}

std::string World::LaggardReport() const {
  std::string out;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    absl::StrAppend(&out, "node ", instance->id, " at height ", instance->app.last_.first,
                    " round ", instance->node ? instance->node->round() : 0, "; ");
  }
  return out;
}

void World::OnCommit(int id, const Block& block, const QuorumCert& proof) {
  Instance& instance = *instances_[id];
  const uint64_t height = block.header.height;
  const auto& [last_height, last_hash] = instance.app.last_;
  if (height != last_height + 1 || block.header.parent != last_hash) {
    Violation(absl::StrCat("agreement: node ", id, " committed height ", height,
                           " which does not extend its previous commit at height ", last_height));
  }
  auto [it, fresh] = committed_.try_emplace(height, block.hash);
  if (!fresh && it->second != block.hash) {
    Violation(absl::StrCat("agreement: height ", height, " committed as ", it->second.ToHex(),
                           " and as ", block.hash.ToHex(), " (by node ", id, ")"));
  }
  if (!ValidPayload(block)) {
    Violation(
        absl::StrCat("validity: node ", id, " committed an invalid payload at height ", height));
  }
  const Hash32 key = Keccak256(EncodeQuorumCert(proof));
  if (options_.check_certificates && !verified_proofs_.contains(key)) {
    absl::Status st = VerifyQuorumCert(Reference(EpochOf(height)), proof);
    if (st.ok() && (proof.block_hash != block.hash || proof.height != height)) {
      st = absl::InvalidArgumentError("the proof certifies another block");
    }
    if (!st.ok()) {
      Violation(absl::StrCat("certificate: node ", id, " committed height ", height,
                             " on a bad certificate: ", std::string(st.message())));
    }
    verified_proofs_.insert(key);
  }
  if (!instance.faulty && now_ >= block.header.timestamp_ms) {
    result_.commit_latencies_ms.push_back(now_ - block.header.timestamp_ms);
  }
  result_.max_committed_height = std::max(result_.max_committed_height, height);
  const bool measuring = options_.measure_checkpoints > 0;
  if (fresh && height % options_.checkpoint_interval == 0 &&
      (!measuring || checkpoints_handed_ < options_.measure_checkpoints)) {
    ++checkpoints_handed_;
    if (guardians_) guardians_->Checkpoint(height, block.hash, now_);
  }
  if (!measuring && healed_ && LivenessReached()) stop_ = true;
}

const ValidatorSet& World::ValidatorsOf(uint64_t epoch) {
  if (epoch == 0) return validators_;
  auto it = epoch_validators_.find(epoch);
  if (it != epoch_validators_.end()) return it->second;
  std::vector<Validator> members;
  uint64_t total = 0;
  for (size_t i = 0; i < validators_.size(); ++i) {
    Validator v = validators_.at(ValidatorIndex(i));
    const Hash32 draw =
        Keccak256(AsBytes(absl::StrCat("sim-stake|", options_.seed, "|", epoch, "|", i)));
    v.stake = options_.broken_quorum_for_testing ? 100 : 100 + (draw.bytes[0] % 3) * 50;
    total += v.stake;
    members.push_back(std::move(v));
  }
  // Safety assumes faulty stake under a third; Twins and lost fsyncs are that faulty validator.
  if (faulty_index_ >= 0 && 3 * members[faulty_index_].stake >= total) {
    total -= members[faulty_index_].stake - 100;
    members[faulty_index_].stake = 100;
  }
  ValidatorSet set = *ValidatorSet::Create(std::move(members));
  if (options_.broken_quorum_for_testing)
    set.SetQuorumRuleForTesting(QuorumRule::kBrokenHalfForTesting);
  return epoch_validators_.emplace(epoch, std::move(set)).first->second;
}

Committee World::Reference(uint64_t epoch) {
  ValidatorSet set = ValidatorsOf(epoch);
  set.SetQuorumRuleForTesting(QuorumRule::kTwoThirds);  // the oracle's own rule
  return Committee{"theta-sim", epoch, std::move(set), Hash32{}, verifier_.get()};
}

void World::OnEvidence(int id, const Evidence& evidence) {
  ++result_.evidence;
  const uint64_t epoch = evidence.kind == Evidence::Kind::kDoubleVote ? evidence.vote_a.epoch
                                                                      : evidence.header_a.epoch;
  if (absl::Status st = VerifyEvidence(Reference(epoch), evidence); !st.ok()) {
    Violation(absl::StrCat("evidence: node ", id,
                           " reported evidence that does not verify: ", std::string(st.message())));
    return;
  }
  const ValidatorIndex accused = evidence.kind == Evidence::Kind::kDoubleVote
                                     ? evidence.vote_a.voter
                                     : evidence.header_a.proposer;
  if (!IsFaultyIndex(accused)) {
    Violation(absl::StrCat("evidence: node ", id, " holds valid evidence against honest validator ",
                           accused));
  }
}

void World::Summarize() {
  std::vector<uint64_t> messages, bytes;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    messages.push_back(instance->sent_messages);
    bytes.push_back(instance->sent_bytes);
  }
  result_.validator_traffic = internal::SummarizeTraffic(messages, bytes);
  if (guardians_) {
    guardians_->Summarize(&result_);
    if (!guardians_->violation().empty()) Violation(guardians_->violation());
    result_.guardian_messages = guardians_->messages();
    for (int i = 0; i < guardians_->size(); ++i) {
      if (!guardians_->IsHonest(i) || guardians_->guardian(i) == nullptr) continue;
      const Guardian::Stats& stats = guardians_->guardian(i)->stats();
      result_.max_guardian_message_bytes =
          std::max(result_.max_guardian_message_bytes, stats.max_message_bytes);
      for (const auto& [height, rounds] : stats.rounds_to_final) {
        result_.max_guardian_rounds = std::max<uint64_t>(result_.max_guardian_rounds, rounds);
      }
      result_.checkpoints_finalized =
          std::max<uint64_t>(result_.checkpoints_finalized, stats.rounds_to_final.size());
    }
    for (uint32_t rounds : result_.guardian_rounds)  // the naive baseline has no Guardian objects
      result_.max_guardian_rounds = std::max<uint64_t>(result_.max_guardian_rounds, rounds);
  }
}

}  // namespace theta::consensus::sim::internal
