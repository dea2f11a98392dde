// Block rewards, the CoinbaseTx executor, and slashing on equivocation evidence (rewards.hpp).
#include "theta/ledger/rewards.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "exec_util.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

const uint256 kWei(1'000'000'000'000'000'000ULL);

// One stake that earns: its holder (for the reward rule), its source, its weight.
struct Earner {
  Address holder;
  Address source;
  uint256 weight;
};

// Pays `total` over `earners` pro rata to weight, splitting by the holders' reward rules.
absl::Status Distribute(const LedgerState& state, const std::vector<Earner>& earners,
                        const uint256& total, uint64_t rules_height,
                        std::map<Address, uint256>& rewards) {
  uint256 total_weight;
  for (const Earner& e : earners)
    total_weight = total_weight + e.weight;
  if (total_weight.IsZero()) return absl::OkStatus();
  for (const Earner& e : earners) {
    const uint256 reward = total * e.weight / total_weight;
    uint256 to_beneficiary;
    if (rules_height >= kHeightEnableTheta3) {
      THETA_ASSIGN_OR_RETURN(std::optional<RewardRule> rule, GetRewardRule(state, e.holder));
      if (rule) {
        to_beneficiary = reward * uint256(rule->split_basis_point) / uint256(10'000);
        rewards[rule->beneficiary] = rewards[rule->beneficiary] + to_beneficiary;
      }
    }
    rewards[e.source] = rewards[e.source] + (reward - to_beneficiary);
  }
  return absl::OkStatus();
}

void AddStakes(const StakeHolder& holder, std::vector<Earner>& earners) {
  for (const Stake& stake : holder.stakes) {
    if (!stake.withdrawn) earners.push_back({holder.holder, stake.source, stake.amount});
  }
}

absl::Status ValidatorAndGuardianEarners(const LedgerState& state, const RewardVotes* votes,
                                         std::vector<Earner>& earners) {
  THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool vcp, GetValidatorPool(state));
  THETA_ASSIGN_OR_RETURN(std::vector<StakedMember> validators, ValidatorSet(state));
  for (const StakedMember& v : validators) {
    for (const StakeHolder& candidate : vcp.sorted_candidates) {
      if (candidate.holder == v.address) AddStakes(candidate, earners);
    }
  }
  if (votes == nullptr) return absl::OkStatus();
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool gcp, GetGuardianPool(state));
  const std::set<Address> voted(votes->guardians.begin(), votes->guardians.end());
  for (const BlsStakeHolder& g : gcp.sorted) {
    if (voted.contains(g.stake_holder.holder)) AddStakes(g.stake_holder, earners);
  }
  return absl::OkStatus();
}

// grantEliteEdgeNodeReward: each stake's weight is 1e18 × node weight × stake / node total.
absl::Status EliteEdgeNodeEarners(const LedgerState& state, const RewardVotes& votes,
                                  std::vector<Earner>& earners) {
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool, GetEliteEdgeNodePool(state));
  std::set<Address> seen;
  for (const auto& [address, weight] : votes.elite_edge_nodes) {
    const BlsStakeHolder* een = pool.Find(address);
    if (een == nullptr || weight == 0 || !seen.insert(address).second) continue;
    const uint256 node_total = een->stake_holder.TotalStake();
    if (node_total.IsZero()) continue;
    for (const Stake& stake : een->stake_holder.stakes) {
      if (stake.withdrawn) continue;
      earners.push_back(
          {address, stake.source, kWei * uint256(weight) * stake.amount / node_total});
    }
  }
  return absl::OkStatus();
}

Bytes SlashedKey(const Hash32& evidence_hash) {
  constexpr std::string_view kPrefix = "ls/slashed/";
  Bytes key(kPrefix.begin(), kPrefix.end());
  key.insert(key.end(), evidence_hash.view().begin(), evidence_hash.view().end());
  return key;
}

uint256 TakeAll(StakeHolder& holder) {
  uint256 total;
  for (const Stake& stake : holder.stakes)
    total = total + stake.amount;
  holder.stakes.clear();
  return total;
}

}  // namespace

absl::StatusOr<std::vector<TxOutput>> ComputeBlockRewards(const LedgerState& state,
                                                          uint64_t block_height,
                                                          const RewardVotes* votes,
                                                          uint64_t rules_height) {
  if (rules_height == 0) rules_height = block_height;
  std::vector<TxOutput> outputs;
  if (rules_height < kHeightEnableValidatorReward) {
    THETA_ASSIGN_OR_RETURN(std::vector<StakedMember> validators, ValidatorSet(state));
    for (const StakedMember& v : validators)
      outputs.push_back({v.address, Coins{}});
    std::sort(outputs.begin(), outputs.end(),
              [](const TxOutput& a, const TxOutput& b) { return a.address < b.address; });
    return outputs;
  }
  if (!IsCheckpointHeight(block_height)) return outputs;
  std::map<Address, uint256> rewards;
  std::vector<Earner> earners;
  const RewardVotes* guardian_votes = rules_height >= kHeightEnableTheta2 ? votes : nullptr;
  THETA_RETURN_IF_ERROR(ValidatorAndGuardianEarners(state, guardian_votes, earners));
  THETA_RETURN_IF_ERROR(
      Distribute(state, earners, uint256(48 * kCheckpointInterval) * kWei, block_height, rewards));
  if (rules_height >= kHeightEnableTheta3 && votes != nullptr && !votes->guardians.empty()) {
    std::vector<Earner> een_earners;
    THETA_RETURN_IF_ERROR(EliteEdgeNodeEarners(state, *votes, een_earners));
    THETA_RETURN_IF_ERROR(Distribute(state, een_earners, uint256(38 * kCheckpointInterval) * kWei,
                                     block_height, rewards));
  }
  for (const auto& [address, amount] : rewards) {
    if (!amount.IsZero()) outputs.push_back({address, Coins::TFuel(amount)});
  }
  return outputs;
}

absl::StatusOr<uint256> SlashForEquivocation(LedgerState& state, const Address& offender,
                                             const Hash32& evidence_hash, const Address& reporter,
                                             uint64_t block_height) {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> seen, state.GetValue(SlashedKey(evidence_hash)));
  if (seen)
    return absl::AlreadyExistsError(
        absl::StrCat("ledger: evidence ", ToHex(evidence_hash.view()), " has slashed already"));
  THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool vcp, GetValidatorPool(state));
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool gcp, GetGuardianPool(state));
  uint256 slashed;
  for (StakeHolder& candidate : vcp.sorted_candidates) {
    if (candidate.holder == offender) slashed = slashed + TakeAll(candidate);
  }
  for (BlsStakeHolder& guardian : gcp.sorted) {
    if (guardian.stake_holder.holder == offender)
      slashed = slashed + TakeAll(guardian.stake_holder);
  }
  if (slashed.IsZero())
    return absl::NotFoundError(
        absl::StrCat("ledger: ", internal::Hex(offender), " holds no stake to slash"));
  std::erase_if(vcp.sorted_candidates, [](const StakeHolder& h) { return h.stakes.empty(); });
  std::erase_if(gcp.sorted, [](const BlsStakeHolder& g) { return g.stake_holder.stakes.empty(); });
  internal::Accounts accounts;
  THETA_RETURN_IF_ERROR(internal::LoadOrMakeOutput(state, reporter, block_height - 1, accounts));
  Account& account = accounts.at(reporter);
  account.balance = *internal::Add(account.balance, Coins::Theta(slashed));  // within the supply
  THETA_RETURN_IF_ERROR(SetValidatorPool(state, vcp));
  THETA_RETURN_IF_ERROR(SetGuardianPool(state, gcp));
  THETA_RETURN_IF_ERROR(state.PutValue(SlashedKey(evidence_hash), RlpEncodeUint(block_height)));
  THETA_RETURN_IF_ERROR(state.SetAccount(account));
  return slashed;
}

namespace internal {

absl::Status ApplyCoinbase(LedgerState& state, const CoinbaseTx& tx, const Tx& whole,
                           const ExecutionContext& context) {
  THETA_ASSIGN_OR_RETURN(std::vector<StakedMember> validators, ValidatorSet(state));
  if (std::none_of(validators.begin(), validators.end(),
                   [&](const StakedMember& v) { return v.address == tx.proposer.address; }))
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger: Coinbase proposer ", Hex(tx.proposer.address), " is not a validator"));
  if (!context.signatures_verified) {
    THETA_RETURN_IF_ERROR(CheckSignature(SignBytes(whole, context.chain_id),
                                         RulesHeight(context) >= kHeightTxWrapperExtension
                                             ? SignBytes(whole, context.chain_id, SignWrapper::kV2)
                                             : Bytes{},
                                         tx.proposer.signature, tx.proposer.address, context));
  }
  if (tx.block_height != context.block_height - 1)
    return absl::InvalidArgumentError(absl::StrCat("ledger: Coinbase block height ",
                                                   tx.block_height, ", expected the parent's ",
                                                   context.block_height - 1));
  THETA_ASSIGN_OR_RETURN(
      std::vector<TxOutput> expected,
      ComputeBlockRewards(state, context.block_height, context.reward_votes, RulesHeight(context)));
  std::vector<TxOutput> outputs = tx.outputs;
  std::sort(outputs.begin(), outputs.end(),
            [](const TxOutput& a, const TxOutput& b) { return a.address < b.address; });
  if (outputs != expected)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: Coinbase outputs differ from the rewards due (", expected.size(),
                     " recipients expected, ", outputs.size(), " given)"));
  Accounts accounts;
  for (const TxOutput& out : outputs)
    THETA_RETURN_IF_ERROR(LoadOrMakeOutput(state, out.address, context.block_height - 1, accounts));
  for (const TxOutput& out : outputs) {
    Account& account = accounts.at(out.address);
    account.balance = *Add(account.balance, out.coins);  // rewards stay far below 2^256
  }
  return SaveAll(state, accounts);
}

}  // namespace internal
}  // namespace theta::ledger
