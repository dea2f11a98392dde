#include "theta/consensus/types.hpp"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace theta::consensus {
namespace {

__extension__ typedef unsigned __int128 u128;  // stake × cycle length may exceed 64 bits

// Smooth weighted round-robin (each step: every validator gains its weight, the richest is picked
// and pays the total) over stakes scaled to at most kCycle slots, so the cycle stays short and
// every validator with stake appears at least once.
std::vector<ValidatorIndex> BuildSchedule(const std::vector<Validator>& validators,
                                          uint64_t total) {
  constexpr uint64_t kCycle = 256;
  std::vector<int64_t> weight(validators.size());
  int64_t sum = 0;
  for (size_t i = 0; i < validators.size(); ++i) {
    const u128 scaled = u128{validators[i].stake} * kCycle / total;
    weight[i] = std::max<int64_t>(1, static_cast<int64_t>(scaled));
    sum += weight[i];
  }
  std::vector<int64_t> current(validators.size(), 0);
  std::vector<ValidatorIndex> schedule;
  schedule.reserve(static_cast<size_t>(sum));
  for (int64_t step = 0; step < sum; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < validators.size(); ++i) {
      current[i] += weight[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= sum;
    schedule.push_back(static_cast<ValidatorIndex>(best));
  }
  return schedule;
}

}  // namespace

absl::StatusOr<ValidatorSet> ValidatorSet::Create(std::vector<Validator> validators) {
  if (validators.empty()) return absl::InvalidArgumentError("validator set: empty");
  if (validators.size() > kMaxValidators) {
    return absl::InvalidArgumentError(
        absl::StrCat("validator set: ", validators.size(), " validators exceed ", kMaxValidators));
  }
  ValidatorSet set;
  for (size_t i = 0; i < validators.size(); ++i) {
    if (validators[i].stake == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("validator set: validator ", i, " has no stake"));
    }
    if (validators[i].public_key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("validator set: validator ", i, " has no key"));
    }
    set.total_stake_ += validators[i].stake;
    if (set.total_stake_ > (uint64_t{1} << 62)) {
      return absl::InvalidArgumentError("validator set: total stake exceeds 2^62");
    }
  }
  set.schedule_ = BuildSchedule(validators, set.total_stake_);
  set.validators_ = std::move(validators);
  return set;
}

bool ValidatorSet::IsQuorum(uint64_t stake) const noexcept {
  if (rule_ == QuorumRule::kBrokenHalfForTesting) return u128{stake} * 2 >= total_stake_;
  return u128{stake} * 3 > u128{total_stake_} * 2;
}

bool ValidatorSet::IsWeakQuorum(uint64_t stake) const noexcept {
  return u128{stake} * 3 > total_stake_;
}

ValidatorIndex ValidatorSet::Leader(uint64_t round) const noexcept {
  return schedule_[round % schedule_.size()];
}

uint64_t TimeoutCert::MaxHighQcRound() const noexcept {
  uint64_t max = 0;
  for (const Entry& e : entries)
    max = std::max(max, e.high_qc_round);
  return max;
}

}  // namespace theta::consensus
