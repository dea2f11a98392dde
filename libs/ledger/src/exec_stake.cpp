// Staking executors: DepositStake / DepositStakeV2, WithdrawStake and StakeRewardDistribution (Go
// ledger/execution/tx_deposit_stake.go, tx_withdraw_stake.go, tx_stake_reward_distribution.go,
// core/stake.go; brief §3.4, §3.6). Every check runs before the first write.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "exec_util.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/stake.hpp"

namespace theta::ledger::internal {
namespace {

const char* PurposeName(uint8_t purpose) {
  switch (purpose) {
    case kStakeForValidator:
      return "validator";
    case kStakeForGuardian:
      return "guardian";
    default:
      return "elite edge node";
  }
}

absl::Status CheckPurpose(uint8_t purpose) {
  if (purpose > kStakeForEliteEdgeNode)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: invalid stake purpose ", purpose, " (0, 1 or 2)"));
  return absl::OkStatus();
}

// The token and minimum rules of one deposit (sanityCheck of tx_deposit_stake.go).
absl::Status CheckStakeAmount(const Coins& stake, uint8_t purpose, uint64_t height,
                              const uint256& een_current) {
  if (purpose != kStakeForEliteEdgeNode) {
    if (!stake.tfuel_wei.IsZero())
      return absl::InvalidArgumentError(
          "ledger: a validator or guardian stake must hold THETA only, no TFUEL");
    const uint256 min =
        purpose == kStakeForValidator ? MinValidatorStake(height) : MinGuardianStake(height);
    if (stake.theta_wei < min)
      return absl::InvalidArgumentError(absl::StrCat(
          "ledger: insufficient stake ", stake.theta_wei.ToDecimal(), ", at least ",
          min.ToDecimal(), " ThetaWei is required for each ", PurposeName(purpose), " deposit"));
    return absl::OkStatus();
  }
  if (height < kHeightEnableTheta3)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: elite edge node staking starts at height ", kHeightEnableTheta3));
  if (!stake.theta_wei.IsZero())
    return absl::InvalidArgumentError("ledger: an elite edge node stake must hold TFUEL only");
  if (stake.tfuel_wei < MinEliteEdgeNodeStake())
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: insufficient stake ", stake.tfuel_wei.ToDecimal(), ", at least ",
        MinEliteEdgeNodeStake().ToDecimal(), " TFuelWei is required for each elite edge node"));
  const uint256 after = een_current + stake.tfuel_wei;
  if (after < een_current || after > MaxEliteEdgeNodeStake())
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: stake exceeds the cap, at most ", MaxEliteEdgeNodeStake().ToDecimal(),
                     " TFuelWei may be staked to one elite edge node"));
  return absl::OkStatus();
}

// checkBLSSummary: the first deposit to a guardian or EEN must carry the holder's BLS public key,
// its proof of possession, and the holder's secp256k1 signature of the PoP bytes.
absl::Status CheckBlsSummary(const DepositStakeV2Tx& tx, const ExecutionContext& context) {
  if (tx.bls_pubkey.empty())
    return absl::InvalidArgumentError(
        "ledger: the first deposit to a new guardian or elite edge "
        "node must provide the holder's BLS public key");
  if (tx.bls_pop.empty())
    return absl::InvalidArgumentError("ledger: the first deposit must provide the BLS PoP");
  if (tx.holder_sig.empty())
    return absl::InvalidArgumentError(
        "ledger: the first deposit must provide the holder signature");
  return CheckBlsKey(tx.holder.address, tx.bls_pubkey, tx.bls_pop, tx.holder_sig,
                     context.bls_verifier);
}

}  // namespace

absl::Status CheckBlsKey(const Address& holder, ByteView pubkey, ByteView pop, ByteView holder_sig,
                         const BlsPopVerifier* verifier) {
  if (!VerifySignature(pop, holder_sig, holder).ok())
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: the BLS key info is not signed by ", Hex(holder)));
  if (verifier == nullptr)
    return absl::FailedPreconditionError(
        "ledger: no BLS proof-of-possession verifier configured; cannot admit a new guardian or "
        "elite edge node");
  if (!verifier->VerifyPop(pubkey, pop))
    return absl::InvalidArgumentError("ledger: the BLS proof of possession is invalid");
  return absl::OkStatus();
}

BlsStakeHolder& InsertBlsHolder(BlsCandidatePool& pool, const Address& holder, ByteView pubkey) {
  auto at = std::lower_bound(
      pool.sorted.begin(), pool.sorted.end(), holder,
      [](const BlsStakeHolder& e, const Address& a) { return e.stake_holder.holder < a; });
  return *pool.sorted.insert(at, BlsStakeHolder{{holder, {}}, Bytes(pubkey.begin(), pubkey.end())});
}

// StakeHolder.depositStake: tops up the source's stake, or adds one; refused while it is in its
// withdrawal period.
absl::Status AddStake(StakeHolder& holder, const Address& source, const uint256& amount) {
  for (Stake& stake : holder.stakes) {
    if (stake.source != source) continue;
    if (stake.withdrawn)
      return absl::FailedPreconditionError(absl::StrCat(
          "ledger: cannot deposit during the withdrawal locking period of ", Hex(source)));
    stake.amount = stake.amount + amount;
    return absl::OkStatus();
  }
  holder.stakes.push_back(Stake{source, amount, false, kInvalidReturnHeight});
  return absl::OkStatus();
}

// StakeHolder.withdrawStake: all or nothing per (holder, source).
absl::Status MarkWithdrawn(StakeHolder& holder, const Address& source, uint64_t height) {
  for (Stake& stake : holder.stakes) {
    if (stake.source != source) continue;
    if (stake.withdrawn)
      return absl::FailedPreconditionError(
          absl::StrCat("ledger: the stake of ", Hex(source), " is already withdrawn"));
    stake.withdrawn = true;
    stake.return_height = height + kReturnLockingPeriod;
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("ledger: ", Hex(holder.holder), " holds no stake from ", Hex(source)));
}

namespace {

StakeHolder* FindCandidate(ValidatorCandidatePool& pool, const Address& holder) {
  for (StakeHolder& candidate : pool.sorted_candidates) {
    if (candidate.holder == holder) return &candidate;
  }
  return nullptr;
}

BlsStakeHolder* FindBls(BlsCandidatePool& pool, const Address& holder) {
  return const_cast<BlsStakeHolder*>(std::as_const(pool).Find(holder));
}

absl::Status DepositToValidator(LedgerState& state, const DepositStakeV2Tx& tx) {
  THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool pool, GetValidatorPool(state));
  StakeHolder* candidate = FindCandidate(pool, tx.holder.address);
  if (candidate == nullptr) {
    pool.sorted_candidates.push_back(StakeHolder{tx.holder.address, {}});
    candidate = &pool.sorted_candidates.back();
  }
  THETA_RETURN_IF_ERROR(AddStake(*candidate, tx.source.address, tx.source.coins.theta_wei));
  SortValidatorPool(pool);
  return SetValidatorPool(state, pool);
}

absl::Status DepositToBlsPool(LedgerState& state, const DepositStakeV2Tx& tx,
                              const ExecutionContext& context) {
  const bool guardian = tx.purpose == kStakeForGuardian;
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool,
                         guardian ? GetGuardianPool(state) : GetEliteEdgeNodePool(state));
  BlsStakeHolder* entry = FindBls(pool, tx.holder.address);
  if (entry == nullptr) {
    THETA_RETURN_IF_ERROR(CheckBlsSummary(tx, context));
    entry = &InsertBlsHolder(pool, tx.holder.address, tx.bls_pubkey);
  }
  THETA_RETURN_IF_ERROR(AddStake(entry->stake_holder, tx.source.address,
                                 guardian ? tx.source.coins.theta_wei : tx.source.coins.tfuel_wei));
  return guardian ? SetGuardianPool(state, pool) : SetEliteEdgeNodePool(state, pool);
}

}  // namespace

absl::Status ApplyDepositStake(LedgerState& state, const DepositStakeV2Tx& tx, const Tx& whole,
                               const ExecutionContext& context) {
  if (whole.index() == static_cast<size_t>(TxType::kDepositStakeV2) &&
      RulesHeight(context) < kHeightEnableTheta2)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: DepositStakeV2 starts at height ", kHeightEnableTheta2));
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  THETA_RETURN_IF_ERROR(LoadInput(state, tx.source.address, parent_height, accounts));
  Account& source = accounts.at(tx.source.address);
  THETA_RETURN_IF_ERROR(CheckInput(source, tx.source, whole, context));
  THETA_RETURN_IF_ERROR(CheckFee(tx.fee, context));
  THETA_RETURN_IF_ERROR(CheckPurpose(tx.purpose));
  uint256 een_current;
  if (tx.purpose == kStakeForEliteEdgeNode) {
    THETA_ASSIGN_OR_RETURN(BlsCandidatePool eens, GetEliteEdgeNodePool(state));
    if (const BlsStakeHolder* e = eens.Find(tx.holder.address))
      een_current = e->stake_holder.TotalStake();
  }
  THETA_RETURN_IF_ERROR(
      CheckStakeAmount(tx.source.coins, tx.purpose, RulesHeight(context), een_current));
  const std::optional<Coins> needed = Add(tx.source.coins, tx.fee);
  if (!needed || !source.balance.IsGte(*needed))
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger: insufficient funds in ", Hex(source.address), ": balance ", Show(source.balance),
        ", stake + fee need ", needed ? Show(*needed) : std::string("more than 2^256")));
  // Pool writes go first: they are the last checks (BLS summary, withdrawal period), and a pool
  // error leaves the state untouched because nothing else has been written yet.
  THETA_RETURN_IF_ERROR(tx.purpose == kStakeForValidator ? DepositToValidator(state, tx)
                                                         : DepositToBlsPool(state, tx, context));
  source.balance = Sub(source.balance, *needed);
  ++source.sequence;
  return SaveAll(state, accounts);
}

absl::Status ApplyWithdrawStake(LedgerState& state, const WithdrawStakeTx& tx, const Tx& whole,
                                const ExecutionContext& context) {
  Accounts accounts;
  THETA_ASSIGN_OR_RETURN(Account * payer,
                         LoadFeePayer(state, tx.source, tx.fee, whole, context, accounts));
  Account& source = *payer;
  THETA_RETURN_IF_ERROR(CheckPurpose(tx.purpose));
  if (tx.purpose == kStakeForValidator) {
    THETA_ASSIGN_OR_RETURN(ValidatorCandidatePool pool, GetValidatorPool(state));
    StakeHolder* candidate = FindCandidate(pool, tx.holder.address);
    if (candidate == nullptr)
      return absl::FailedPreconditionError(
          absl::StrCat("ledger: ", Hex(tx.holder.address), " is not a validator candidate"));
    THETA_RETURN_IF_ERROR(MarkWithdrawn(*candidate, tx.source.address, context.block_height));
    SortValidatorPool(pool);
    THETA_RETURN_IF_ERROR(SetValidatorPool(state, pool));
  } else {
    const bool guardian = tx.purpose == kStakeForGuardian;
    THETA_ASSIGN_OR_RETURN(BlsCandidatePool pool,
                           guardian ? GetGuardianPool(state) : GetEliteEdgeNodePool(state));
    BlsStakeHolder* entry = FindBls(pool, tx.holder.address);
    if (entry == nullptr)
      return absl::FailedPreconditionError(
          absl::StrCat("ledger: ", Hex(tx.holder.address), " is not a ", PurposeName(tx.purpose)));
    THETA_RETURN_IF_ERROR(
        MarkWithdrawn(entry->stake_holder, tx.source.address, context.block_height));
    THETA_RETURN_IF_ERROR(guardian ? SetGuardianPool(state, pool)
                                   : SetEliteEdgeNodePool(state, pool));
  }
  source.balance = Sub(source.balance, tx.fee);
  ++source.sequence;
  return SaveAll(state, accounts);
}

absl::Status ApplyStakeRewardDistribution(LedgerState& state, const StakeRewardDistributionTx& tx,
                                          const Tx& whole, const ExecutionContext& context) {
  if (RulesHeight(context) < kHeightEnableTheta3)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: StakeRewardDistribution starts at height ", kHeightEnableTheta3));
  Accounts accounts;
  THETA_ASSIGN_OR_RETURN(Account * payer,
                         LoadFeePayer(state, tx.holder, tx.fee, whole, context, accounts));
  Account& holder = *payer;
  if (tx.split_basis_point > kMaxSplitBasisPoint)
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: split basis point ", tx.split_basis_point, " is above ", kMaxSplitBasisPoint));
  if (tx.split_basis_point == 0) {
    THETA_RETURN_IF_ERROR(state.DeleteValue(RewardRuleKey(tx.holder.address)));
  } else {
    THETA_RETURN_IF_ERROR(state.PutValue(
        RewardRuleKey(tx.holder.address),
        EncodeRewardRule({tx.holder.address, tx.beneficiary.address, tx.split_basis_point})));
  }
  holder.balance = Sub(holder.balance, tx.fee);
  ++holder.sequence;
  return SaveAll(state, accounts);
}

}  // namespace theta::ledger::internal
