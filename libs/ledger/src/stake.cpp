// Stake pools: codec, state access, the sets consensus reads, and the return of matured stakes.
#include "theta/ledger/stake.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

constexpr std::string_view kValidatorPoolKey = "ls/vcp";
constexpr std::string_view kGuardianPoolKey = "ls/gcp";
constexpr std::string_view kEliteEdgeNodePoolKey = "ls/eenp";

const uint256 kWei(1'000'000'000'000'000'000ULL);

ByteView KeyOf(std::string_view key) {
  return AsBytes(key);
}

void WriteStakeHolder(RlpWriter& w, const StakeHolder& holder) {
  w.BeginList().AddBytes(holder.holder.view()).BeginList();
  for (const Stake& stake : holder.stakes) {
    w.BeginList().AddBytes(stake.source.view());
    WriteUint256(w, stake.amount);
    // Go's RLP bool: true is 0x01, false the empty string.
    w.AddUint(stake.withdrawn ? 1 : 0).AddUint(stake.return_height).EndList();
  }
  w.EndList().EndList();
}

absl::StatusOr<StakeHolder> ReadStakeHolder(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, "StakeHolder"));
  StakeHolder holder;
  THETA_ASSIGN_OR_RETURN(holder.holder, r.Addr("Holder"));
  THETA_ASSIGN_OR_RETURN(FieldReader stakes, r.List("Stakes"));
  while (!stakes.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(FieldReader s, stakes.List("[]"));
    Stake stake;
    THETA_ASSIGN_OR_RETURN(stake.source, s.Addr("Source"));
    THETA_ASSIGN_OR_RETURN(stake.amount, s.BigUint("Amount"));
    THETA_ASSIGN_OR_RETURN(const uint64_t withdrawn, s.Uint("Withdrawn", 1));
    stake.withdrawn = withdrawn == 1;
    THETA_ASSIGN_OR_RETURN(stake.return_height, s.Uint("ReturnHeight"));
    THETA_RETURN_IF_ERROR(s.End());
    holder.stakes.push_back(stake);
  }
  THETA_RETURN_IF_ERROR(r.End());
  return holder;
}

template <typename T>
absl::StatusOr<T> GetPool(const LedgerState& state, std::string_view key,
                          absl::StatusOr<T> (*decode)(ByteView)) {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, state.GetValue(KeyOf(key)));
  if (!value) return T{};
  absl::StatusOr<T> pool = decode(*value);
  if (!pool.ok())
    return absl::DataLossError(absl::StrCat("state: ", std::string(key),
                                            " is corrupt: ", std::string(pool.status().message())));
  return pool;
}

std::vector<StakedMember> WithStake(const BlsCandidatePool& pool) {
  std::vector<StakedMember> members;
  for (const BlsStakeHolder& entry : pool.sorted) {
    const uint256 stake = entry.stake_holder.TotalStake();
    if (!stake.IsZero()) members.push_back({entry.stake_holder.holder, stake, entry.bls_pubkey});
  }
  return members;
}

// Removes matured stakes from `holder`, adding them to `returned` (source → amount).
void TakeMatured(StakeHolder& holder, uint64_t height, std::map<Address, uint256>& returned) {
  std::vector<Stake> kept;
  for (Stake& stake : holder.stakes) {
    if (stake.withdrawn && stake.return_height <= height)
      returned[stake.source] = returned[stake.source] + stake.amount;
    else
      kept.push_back(std::move(stake));
  }
  holder.stakes = std::move(kept);
}

absl::Status Credit(LedgerState& state, const std::map<Address, uint256>& amounts, bool theta,
                    uint64_t height, Coins& total) {
  for (const auto& [address, amount] : amounts) {
    internal::Accounts accounts;
    THETA_RETURN_IF_ERROR(internal::LoadOrMakeOutput(state, address, height - 1, accounts));
    Account& account = accounts.at(address);
    const Coins coins = theta ? Coins::Theta(amount) : Coins::TFuel(amount);
    account.balance = *internal::Add(account.balance, coins);  // bounded by the supply
    total = *internal::Add(total, coins);
    THETA_RETURN_IF_ERROR(state.SetAccount(account));
  }
  return absl::OkStatus();
}

}  // namespace

uint256 MinValidatorStake(uint64_t block_height) {
  return uint256(block_height >= kHeightValidatorStake200K ? 200'000 : 2'000'000) * kWei;
}

uint256 MinGuardianStake(uint64_t block_height) {
  return uint256(block_height >= kHeightLowerGuardianStake ? 1'000 : 10'000) * kWei;
}

uint256 MinEliteEdgeNodeStake() {
  return uint256(10'000) * kWei;
}

uint256 MaxEliteEdgeNodeStake() {
  return uint256(500'000) * kWei;
}

uint256 StakeHolder::TotalStake() const {
  uint256 total;
  for (const Stake& stake : stakes) {
    if (!stake.withdrawn) total = total + stake.amount;
  }
  return total;
}

const BlsStakeHolder* BlsCandidatePool::Find(const Address& holder) const {
  for (const BlsStakeHolder& entry : sorted) {
    if (entry.stake_holder.holder == holder) return &entry;
  }
  return nullptr;
}

Bytes EncodeValidatorPool(const ValidatorCandidatePool& pool) {
  RlpWriter w;
  w.BeginList().BeginList();
  for (const StakeHolder& holder : pool.sorted_candidates)
    WriteStakeHolder(w, holder);
  w.EndList().EndList();
  return std::move(w).Finish();
}

absl::StatusOr<ValidatorCandidatePool> DecodeValidatorPool(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("ValidatorCandidatePool", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "ValidatorCandidatePool"));
  THETA_ASSIGN_OR_RETURN(FieldReader list, r.List("SortedCandidates"));
  ValidatorCandidatePool pool;
  while (!list.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(RlpItem holder_item, list.Next("[]"));
    THETA_ASSIGN_OR_RETURN(StakeHolder holder, ReadStakeHolder(holder_item));
    pool.sorted_candidates.push_back(std::move(holder));
  }
  THETA_RETURN_IF_ERROR(r.End());
  return pool;
}

Bytes EncodeBlsPool(const BlsCandidatePool& pool) {
  RlpWriter w;
  w.BeginList().BeginList();
  for (const BlsStakeHolder& entry : pool.sorted) {
    w.BeginList();
    WriteStakeHolder(w, entry.stake_holder);
    w.AddBytes(entry.bls_pubkey).EndList();
  }
  w.EndList().EndList();
  return std::move(w).Finish();
}

absl::StatusOr<BlsCandidatePool> DecodeBlsPool(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("CandidatePool", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "CandidatePool"));
  THETA_ASSIGN_OR_RETURN(FieldReader list, r.List("Sorted"));
  BlsCandidatePool pool;
  while (!list.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(FieldReader e, list.List("[]"));
    BlsStakeHolder entry;
    THETA_ASSIGN_OR_RETURN(RlpItem holder_item, e.Next("StakeHolder"));
    THETA_ASSIGN_OR_RETURN(entry.stake_holder, ReadStakeHolder(holder_item));
    THETA_ASSIGN_OR_RETURN(entry.bls_pubkey, e.ByteString("Pubkey"));
    THETA_RETURN_IF_ERROR(e.End());
    pool.sorted.push_back(std::move(entry));
  }
  THETA_RETURN_IF_ERROR(r.End());
  return pool;
}

absl::StatusOr<ValidatorCandidatePool> GetValidatorPool(const LedgerState& state) {
  return GetPool<ValidatorCandidatePool>(state, kValidatorPoolKey, &DecodeValidatorPool);
}

absl::Status SetValidatorPool(LedgerState& state, const ValidatorCandidatePool& pool) {
  if (pool.sorted_candidates.empty()) return state.DeleteValue(KeyOf(kValidatorPoolKey));
  return state.PutValue(KeyOf(kValidatorPoolKey), EncodeValidatorPool(pool));
}

absl::StatusOr<BlsCandidatePool> GetGuardianPool(const LedgerState& state) {
  return GetPool<BlsCandidatePool>(state, kGuardianPoolKey, &DecodeBlsPool);
}

absl::Status SetGuardianPool(LedgerState& state, const BlsCandidatePool& pool) {
  if (pool.sorted.empty()) return state.DeleteValue(KeyOf(kGuardianPoolKey));
  return state.PutValue(KeyOf(kGuardianPoolKey), EncodeBlsPool(pool));
}

absl::StatusOr<BlsCandidatePool> GetEliteEdgeNodePool(const LedgerState& state) {
  return GetPool<BlsCandidatePool>(state, kEliteEdgeNodePoolKey, &DecodeBlsPool);
}

absl::Status SetEliteEdgeNodePool(LedgerState& state, const BlsCandidatePool& pool) {
  if (pool.sorted.empty()) return state.DeleteValue(KeyOf(kEliteEdgeNodePoolKey));
  return state.PutValue(KeyOf(kEliteEdgeNodePoolKey), EncodeBlsPool(pool));
}

Bytes RewardRuleKey(const Address& holder) {
  constexpr std::string_view kPrefix = "ls/srdrs/";
  Bytes key(kPrefix.begin(), kPrefix.end());
  key.insert(key.end(), holder.view().begin(), holder.view().end());
  return key;
}

Bytes EncodeRewardRule(const RewardRule& rule) {
  RlpWriter w;
  w.BeginList().AddBytes(rule.holder.view()).AddBytes(rule.beneficiary.view());
  w.AddUint(rule.split_basis_point).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<RewardRule> DecodeRewardRule(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("StakeRewardDistribution", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "StakeRewardDistribution"));
  RewardRule rule;
  THETA_ASSIGN_OR_RETURN(rule.holder, r.Addr("StakeHolder"));
  THETA_ASSIGN_OR_RETURN(rule.beneficiary, r.Addr("Beneficiary"));
  THETA_ASSIGN_OR_RETURN(rule.split_basis_point, r.Uint("SplitBasisPoint", kMaxSplitBasisPoint));
  THETA_RETURN_IF_ERROR(r.End());
  return rule;
}

absl::StatusOr<std::optional<RewardRule>> GetRewardRule(const LedgerState& state,
                                                        const Address& holder) {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, state.GetValue(RewardRuleKey(holder)));
  if (!value) return std::optional<RewardRule>();
  absl::StatusOr<RewardRule> rule = DecodeRewardRule(*value);
  if (!rule.ok())
    return absl::DataLossError(absl::StrCat("state: reward rule of ", ToChecksumHex(holder),
                                            " is corrupt: ", std::string(rule.status().message())));
  return std::optional<RewardRule>(*rule);
}

absl::StatusOr<std::vector<StakedMember>> ValidatorSet(const LedgerState& state) {
  THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool pool, GetValidatorPool(state));
  std::vector<StakedMember> set;
  for (const StakeHolder& candidate : pool.sorted_candidates) {
    if (set.size() == kMaxValidatorCount) break;
    const uint256 stake = candidate.TotalStake();
    if (!stake.IsZero()) set.push_back({candidate.holder, stake, {}});
  }
  return set;
}

absl::StatusOr<std::vector<StakedMember>> GuardianSet(const LedgerState& state) {
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool, GetGuardianPool(state));
  return WithStake(pool);
}

absl::StatusOr<std::vector<StakedMember>> EliteEdgeNodeSet(const LedgerState& state) {
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool, GetEliteEdgeNodePool(state));
  return WithStake(pool);
}

namespace internal {

void SortValidatorPool(ValidatorCandidatePool& pool) {
  std::stable_sort(pool.sorted_candidates.begin(), pool.sorted_candidates.end(),
                   [](const StakeHolder& a, const StakeHolder& b) {
                     const uint256 sa = a.TotalStake(), sb = b.TotalStake();
                     if (sa != sb) return sa > sb;
                     return b.holder < a.holder;
                   });
}

}  // namespace internal

absl::StatusOr<Coins> ReturnMaturedStakes(LedgerState& state, uint64_t block_height) {
  Coins total;
  std::map<Address, uint256> theta, tfuel;
  THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool vcp, GetValidatorPool(state));
  const ValidatorCandidatePool vcp_before = vcp;
  for (StakeHolder& holder : vcp.sorted_candidates)
    TakeMatured(holder, block_height, theta);
  std::erase_if(vcp.sorted_candidates, [](const StakeHolder& h) { return h.stakes.empty(); });
  if (vcp != vcp_before) {
    internal::SortValidatorPool(vcp);
    THETA_RETURN_IF_ERROR(SetValidatorPool(state, vcp));
  }
  for (bool guardians : {true, false}) {
    THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool,
                           guardians ? GetGuardianPool(state) : GetEliteEdgeNodePool(state));
    const BlsCandidatePool before = pool;
    for (BlsStakeHolder& entry : pool.sorted)
      TakeMatured(entry.stake_holder, block_height, guardians ? theta : tfuel);
    std::erase_if(pool.sorted,
                  [](const BlsStakeHolder& e) { return e.stake_holder.stakes.empty(); });
    if (pool == before) continue;
    THETA_RETURN_IF_ERROR(guardians ? SetGuardianPool(state, pool)
                                    : SetEliteEdgeNodePool(state, pool));
  }
  THETA_RETURN_IF_ERROR(Credit(state, theta, true, block_height, total));
  THETA_RETURN_IF_ERROR(Credit(state, tfuel, false, block_height, total));
  return total;
}

}  // namespace theta::ledger
