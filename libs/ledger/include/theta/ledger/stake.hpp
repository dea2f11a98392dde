// Staking: the validator, guardian and elite edge node (EEN) candidate pools kept in the state
// trie, and the stake-weighted sets consensus reads from them (Go core/stake.go, validator.go,
// guardian.go, elite_edge_node.go; brief §2.6–§2.8, §3.6).
//
// A stake is keyed by (holder, source): anyone (the source) may delegate to any holder. A stake is
// [Source, Amount, Withdrawn, ReturnHeight]; a StakeHolder [Holder, Stakes[]]. Pools, RLP-encoded
// under raw keys of the state trie:
//   ls/vcp   ValidatorCandidatePool [SortedCandidates[StakeHolder]], sorted by total stake
//            (non-withdrawn) descending, ties by holder address descending (Theta's order);
//   ls/gcp   GuardianCandidatePool  [SortedGuardians[[StakeHolder, BlsPubkey]]], by holder
//   ascending; ls/eenp  EEN pool               [[[StakeHolder, BlsPubkey]…]], by holder ascending.
//   Theta keeps
//            one key per EEN (ls/een/<addr>); we keep one list, like the other two pools, because
//            the trie has no prefix iteration (deviation: different state roots, same behaviour).
// A withdrawn stake stays in its pool, marked, until the block at its ReturnHeight
// (withdrawal height + 28,800) returns it to the source; withdrawn stakes neither count for the
// sets nor earn rewards, but can still be slashed.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/ledger/state.hpp"

namespace theta::ledger {

// core/stake.go ReturnLockingPeriod: blocks between a withdrawal and the return (≈ 2 days).
inline constexpr uint64_t kReturnLockingPeriod = 28'800;
inline constexpr uint64_t kInvalidReturnHeight = ~uint64_t{0};
// core/validator.go MaxValidatorCount: the validator set is the top 31 candidates.
inline constexpr size_t kMaxValidatorCount = 31;

// Fork heights of staking (common/heights.go, brief §3.8).
inline constexpr uint64_t kHeightEnableTheta2 = 5'877'350;        // guardians, DepositStakeV2
inline constexpr uint64_t kHeightLowerGuardianStake = 8'411'427;  // guardian minimum 1,000 THETA
inline constexpr uint64_t kHeightEnableTheta3 = 10'968'061;       // EENs, reward splits
inline constexpr uint64_t kHeightValidatorStake200K = 14'526'120;

// Minimum of each deposit, in wei (core/stake.go / validator.go / guardian.go /
// elite_edge_node.go; brief §3.6): validator 2,000,000 THETA, 200,000 from 14,526,120; guardian
// 10,000 THETA, 1,000 from 8,411,427; EEN 10,000 TFUEL, and at most 500,000 TFUEL per EEN in total.
uint256 MinValidatorStake(uint64_t block_height);
uint256 MinGuardianStake(uint64_t block_height);
uint256 MinEliteEdgeNodeStake();
uint256 MaxEliteEdgeNodeStake();

struct Stake {
  Address source;
  uint256 amount;
  bool withdrawn = false;
  uint64_t return_height = kInvalidReturnHeight;
  friend bool operator==(const Stake&, const Stake&) = default;
};

struct StakeHolder {
  Address holder;
  std::vector<Stake> stakes;
  // Sum of the stakes not withdrawn.
  uint256 TotalStake() const;
  friend bool operator==(const StakeHolder&, const StakeHolder&) = default;
};

// A guardian or elite edge node: its stakes and the BLS public key it votes with (48 bytes).
struct BlsStakeHolder {
  StakeHolder stake_holder;
  Bytes bls_pubkey;
  friend bool operator==(const BlsStakeHolder&, const BlsStakeHolder&) = default;
};

struct ValidatorCandidatePool {
  std::vector<StakeHolder> sorted_candidates;
  friend bool operator==(const ValidatorCandidatePool&, const ValidatorCandidatePool&) = default;
};

// The guardian pool and the EEN pool have the same shape.
struct BlsCandidatePool {
  std::vector<BlsStakeHolder> sorted;  // by holder address, ascending
  const BlsStakeHolder* Find(const Address& holder) const;
  friend bool operator==(const BlsCandidatePool&, const BlsCandidatePool&) = default;
};

Bytes EncodeValidatorPool(const ValidatorCandidatePool& pool);
absl::StatusOr<ValidatorCandidatePool> DecodeValidatorPool(ByteView bytes);
Bytes EncodeBlsPool(const BlsCandidatePool& pool);
absl::StatusOr<BlsCandidatePool> DecodeBlsPool(ByteView bytes);

// The pools in a state; an absent key is an empty pool. DataLoss for a corrupt value.
absl::StatusOr<ValidatorCandidatePool> GetValidatorPool(const LedgerState& state);
absl::Status SetValidatorPool(LedgerState& state, const ValidatorCandidatePool& pool);
absl::StatusOr<BlsCandidatePool> GetGuardianPool(const LedgerState& state);
absl::Status SetGuardianPool(LedgerState& state, const BlsCandidatePool& pool);
absl::StatusOr<BlsCandidatePool> GetEliteEdgeNodePool(const LedgerState& state);
absl::Status SetEliteEdgeNodePool(LedgerState& state, const BlsCandidatePool& pool);

// One member of a set consensus uses: its address, its voting stake (non-withdrawn), and for
// guardians and EENs its BLS public key.
struct StakedMember {
  Address address;
  uint256 stake;
  Bytes bls_pubkey;
  friend bool operator==(const StakedMember&, const StakedMember&) = default;
};

// The validator set of a state: the top 31 candidates with non-zero stake, in pool order (stake
// descending, ties by address descending). The node reads it from the state of the block that
// decides the set (brief §2.6: the state two HCC hops back).
absl::StatusOr<std::vector<StakedMember>> ValidatorSet(const LedgerState& state);
// Guardians (or EENs) with non-zero stake, by address ascending (Go WithStake order, which the
// guardian vote vector's indices follow).
absl::StatusOr<std::vector<StakedMember>> GuardianSet(const LedgerState& state);
absl::StatusOr<std::vector<StakedMember>> EliteEdgeNodeSet(const LedgerState& state);

// Checks a BLS proof of possession (48-byte G1 public key, 96-byte G2 PoP). The ledger may use
// only core and evm (ARCHITECTURE.md), so the node supplies this, built on theta-crypto's
// bls::PopVerify. Must be thread-safe.
class BlsPopVerifier {
 public:
  virtual ~BlsPopVerifier() = default;
  virtual bool VerifyPop(ByteView bls_pubkey, ByteView bls_pop) const = 0;
};

// A holder's reward split (core/stake_reward_distribution.go, StakeRewardDistributionTx): of each
// reward earned through the holder, split_basis_point / 10,000 goes to the beneficiary and the
// rest to the stake's source. RLP [StakeHolder, Beneficiary, SplitBasisPoint] under
// "ls/srdrs/" ‖ holder. At most 1,000 basis points (10 %, tx_stake_reward_distribution.go).
inline constexpr uint64_t kMaxSplitBasisPoint = 1'000;
struct RewardRule {
  Address holder;
  Address beneficiary;
  uint64_t split_basis_point = 0;
  friend bool operator==(const RewardRule&, const RewardRule&) = default;
};
Bytes RewardRuleKey(const Address& holder);
Bytes EncodeRewardRule(const RewardRule& rule);
absl::StatusOr<RewardRule> DecodeRewardRule(ByteView bytes);
absl::StatusOr<std::optional<RewardRule>> GetRewardRule(const LedgerState& state,
                                                        const Address& holder);

// Returns every stake withdrawn with ReturnHeight ≤ `block_height` to its source (THETA for
// validators and guardians, TFUEL for EENs) and removes it from its pool; holders left without
// stakes are dropped. The block executor calls it before the block's first transaction (Go
// ledger.go handleDelayedStateUpdates). Returns the total returned.
absl::StatusOr<Coins> ReturnMaturedStakes(LedgerState& state, uint64_t block_height);

}  // namespace theta::ledger
