// Block rewards (CoinbaseTx) and slashing on equivocation evidence (Go
// ledger/execution/tx_coinbase.go; brief §3.7; issue #5 for slashing, which Theta lacks).
//
// Rewards are paid in TFUEL at checkpoint blocks (height % 100 == 1): 48 TFUEL per block × 100 to
// the stakers of the validator set and of the guardians whose votes the block carries, and from
// Theta 3.0 38 TFUEL per block × 100 to the stakers of the elite edge nodes that voted, each
// weighted by its selection weight. Each stake earns its share pro rata (rounded down per stake);
// a holder's StakeRewardDistribution rule sends split_basis_point / 10,000 of it to the
// beneficiary. Theta from 9,497,418 draws 400 stake-weighted samples with Go's crypto/rand over a
// keccak stream instead; we pay the expectation of that draw exactly (deviation: same totals, no
// lottery variance, no dependence on Go's rejection sampling).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/ledger/stake.hpp"

namespace theta::ledger {

inline constexpr uint64_t kCheckpointInterval = 100;
// common/heights.go HeightEnableValidatorReward: before it validators get zero-coin outputs.
inline constexpr uint64_t kHeightEnableValidatorReward = 4'164'982;

inline bool IsCheckpointHeight(uint64_t height) {
  return height % kCheckpointInterval == 1;
}

// What consensus reports about the checkpoint being rewarded: the guardians whose aggregated vote
// the block embeds, and the elite edge nodes that voted with their selection weights (brief §2.8).
struct RewardVotes {
  std::vector<Address> guardians;
  std::vector<std::pair<Address, uint64_t>> elite_edge_nodes;
};

// The reward outputs of the block at `block_height` on `state` (the parent's state), sorted by
// address, one per recipient, no zero outputs except the pre-reward era's. Empty at a
// non-checkpoint height. `rules_height` (0: block_height) decides which forks apply
// (ExecutionContext::all_forks). `votes` may be null (no guardian votes: validators only, as Go).
absl::StatusOr<std::vector<TxOutput>> ComputeBlockRewards(const LedgerState& state,
                                                          uint64_t block_height,
                                                          const RewardVotes* votes,
                                                          uint64_t rules_height = 0);

// Slashing on equivocation (our rule, brief §8: the reference has none). Consensus verifies the
// evidence (two conflicting votes signed by the offender at one height) and passes its hash: every
// stake held by `offender` as a validator candidate or guardian — delegations included, withdrawn
// ones still in their return-lock period too (that period exists for this) — is removed from the
// pools and credited to `reporter` as THETA, so total THETA is conserved. Elite edge node stakes
// are not slashed (EENs do not vote on blocks). Each evidence hash slashes once ("ls/slashed/" ‖
// hash); AlreadyExists for a repeat, NotFound when the offender holds no stake. Returns the amount.
absl::StatusOr<uint256> SlashForEquivocation(LedgerState& state, const Address& offender,
                                             const Hash32& evidence_hash, const Address& reporter,
                                             uint64_t block_height);

}  // namespace theta::ledger
