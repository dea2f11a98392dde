// Theta's precompiled contracts 0xC9–0xCF (Go ledger/vm/contracts.go, evm.go; brief §5), run by
// LedgerHost (evm_host.hpp) for the addresses it claims at the block's fork height:
//
//   addr  name                 since        gas     input
//   0xC9  thetaBalance         contracts    4       address → 32-byte THETA balance
//   0xCA  thetaStake           contracts    200     address → 32-byte THETA staked (validators
//                                                   and guardians, withdrawn stakes excluded)
//   0xCB  transferTheta        13,123,789   21,000  recipient(20) ‖ amount(32)
//   0xCC  stakeToGuardian      17,285,755   21,000  summary(229) ‖ THETA amount(32)
//   0xCD  unstakeFromGuardian  17,285,755   21,000  guardian address
//   0xCE  stakeToEEN           17,285,755   21,000  summary(229) ‖ unused(32) ‖ TFUEL amount(32)
//   0xCF  unstakeFromEEN       17,285,755   21,000  EEN address
//
// An "address" input is 20 bytes or a 32-byte ABI word (its last 20 bytes); a summary is holder
// address(20) ‖ BLS public key(48) ‖ BLS PoP(96) ‖ holder's signature of the PoP(65). The caller
// whose THETA (or TFUEL) moves is the frame's sender. Go pads short inputs with zeros and ignores
// extra bytes; we refuse any other length (a precompile failure), and we refuse the four staking
// precompiles and transferTheta under STATICCALL (Go lets them write) and DELEGATECALL (Go would
// spend the delegating frame's caller's THETA). A failure consumes all gas and undoes the frame.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "evm_host.hpp"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger::internal {
namespace {

constexpr uint8_t kThetaBalance = 0xc9;
constexpr uint8_t kThetaStake = 0xca;
constexpr uint8_t kTransferTheta = 0xcb;
constexpr uint8_t kStakeToGuardian = 0xcc;
constexpr uint8_t kUnstakeFromGuardian = 0xcd;
constexpr uint8_t kStakeToEen = 0xce;
constexpr uint8_t kUnstakeFromEen = 0xcf;

constexpr size_t kSummarySize = 229;  // 20 + 48 + 96 + 65

int64_t GasOf(uint8_t id) {
  switch (id) {
    case kThetaBalance:
      return 4;  // params.ThetaBalanceGas
    case kThetaStake:
      return 200;  // params.ThetaStakeGas
    default:
      return 21'000;  // ThetaTransferGas, StakeToGuardianGas, UnstakeFromGuardianGas
  }
}

absl::StatusOr<Address> AddressInput(ByteView input) {
  if (input.size() != 20 && input.size() != 32)
    return absl::InvalidArgumentError(
        absl::StrCat("precompile: an address input is 20 or 32 bytes, not ", input.size()));
  return *Address::FromBytes(input.subspan(input.size() - 20));
}

absl::Status CheckSize(ByteView input, size_t size) {
  if (input.size() != size)
    return absl::InvalidArgumentError(
        absl::StrCat("precompile: the input is ", size, " bytes, not ", input.size()));
  return absl::OkStatus();
}

uint256 Amount(ByteView word) {
  return uint256::FromWord(*Hash32::FromBytes(word));
}

Bytes WordOf(const uint256& value) {
  const Hash32 word = value.ToBigEndian();
  return Bytes(word.bytes.begin(), word.bytes.end());
}

// Sum of the holder's non-withdrawn stakes whose source is `source`.
uint256 StakedBy(const StakeHolder& holder, const Address& source) {
  uint256 total;
  for (const Stake& stake : holder.stakes) {
    if (stake.source == source && !stake.withdrawn) total = total + stake.amount;
  }
  return total;
}

BlsStakeHolder* FindHolder(BlsCandidatePool& pool, const Address& holder) {
  return const_cast<BlsStakeHolder*>(std::as_const(pool).Find(holder));
}

}  // namespace

bool LedgerHost::IsThetaPrecompile(const Address& address) const {
  for (size_t i = 0; i < 19; ++i) {
    if (address.bytes[i] != 0) return false;
  }
  const uint8_t id = address.bytes[19];
  if (id == kThetaBalance || id == kThetaStake) return rules_height_ >= kHeightEnableSmartContract;
  if (id == kTransferTheta) return rules_height_ >= kHeightSupportThetaInContracts;
  if (id >= kStakeToGuardian && id <= kUnstakeFromEen)
    return rules_height_ >= kHeightSupportWrappedTheta;
  return false;
}

evm::ExecutionResult LedgerHost::RunThetaPrecompile(const evm::Message& msg) {
  const uint8_t id = msg.code_address.bytes[19];
  const int64_t gas = GasOf(id);
  if (msg.gas < gas) return evm::ExecutionResult{evm::StatusCode::kOutOfGas, 0, 0, {}, {}};
  evm::ExecutionResult result{evm::StatusCode::kSuccess, msg.gas - gas, 0, {}, {}};
  const bool writes = id >= kTransferTheta;
  if (writes && (msg.is_static || msg.kind == evm::CallKind::kDelegateCall)) {
    result.status = evm::StatusCode::kPrecompileFailure;
    return result;
  }
  absl::Status status;
  switch (id) {
    case kThetaBalance: {
      absl::StatusOr<Address> who = AddressInput(msg.input);
      status = who.status();
      if (who.ok()) result.output = WordOf(Load(*who).account.balance.theta_wei);
      break;
    }
    case kThetaStake: {
      absl::StatusOr<Bytes> out = ThetaStake(msg.input);
      status = out.status();
      if (out.ok()) result.output = std::move(*out);
      break;
    }
    case kTransferTheta:
      status = TransferTheta(msg.sender, msg.input);
      break;
    case kStakeToGuardian:
      status = StakeToGuardian(msg.sender, msg.input);
      break;
    case kStakeToEen:
      status = StakeToEliteEdgeNode(msg.sender, msg.input);
      break;
    default:
      status = Unstake(msg.sender, msg.input, id == kUnstakeFromGuardian);
      break;
  }
  if (!status.ok()) {
    // A broken store is the ledger's error, not the contract's: remember it for Finish.
    if (status.code() == absl::StatusCode::kDataLoss && error_.ok()) error_ = status;
    result.status = evm::StatusCode::kPrecompileFailure;
    result.output.clear();
  }
  return result;
}

absl::StatusOr<Bytes> LedgerHost::ThetaStake(ByteView input) {
  THETA_ASSIGN_OR_RETURN(const Address who, AddressInput(input));
  THETA_ASSIGN_OR_RETURN(const ValidatorCandidatePool validators, GetValidatorPool(ledger_));
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool * guardians, Pool(true));
  uint256 total;
  for (const StakeHolder& v : validators.sorted_candidates)
    total = total + StakedBy(v, who);
  for (const BlsStakeHolder& g : guardians->sorted)
    total = total + StakedBy(g.stake_holder, who);
  return WordOf(total);
}

absl::Status LedgerHost::TransferTheta(const Address& sender, ByteView input) {
  THETA_RETURN_IF_ERROR(CheckSize(input, 52));
  const Address recipient = *Address::FromBytes(input.subspan(0, 20));
  const uint256 amount = Amount(input.subspan(20, 32));
  Entry& from = Load(sender);
  if (from.account.balance.theta_wei < amount)
    return absl::FailedPreconditionError("precompile: insufficient THETA balance");
  if (amount.IsZero()) return absl::OkStatus();  // Go's Add/SubThetaBalance skip 0: no account
  SetTheta(from, from.account.balance.theta_wei - amount);
  Entry& to = Load(recipient);
  MakeExist(to);
  SetTheta(to, to.account.balance.theta_wei + amount);
  return absl::OkStatus();
}

absl::Status LedgerHost::CheckNewHolder(ByteView summary) const {
  return CheckBlsKey(*Address::FromBytes(summary.subspan(0, 20)), summary.subspan(20, 48),
                     summary.subspan(68, 96), summary.subspan(164, 65), bls_verifier_);
}

// Go StakeToGuardian + GuardianCandidatePool.DepositStake, in Go's order.
absl::Status LedgerHost::StakeToGuardian(const Address& sender, ByteView input) {
  THETA_RETURN_IF_ERROR(CheckSize(input, kSummarySize + 32));
  const ByteView summary = input.subspan(0, kSummarySize);
  const Address holder = *Address::FromBytes(summary.subspan(0, 20));
  const uint256 amount = Amount(input.subspan(kSummarySize, 32));
  Entry& from = Load(sender);
  if (from.account.balance.theta_wei < amount)
    return absl::FailedPreconditionError("precompile: insufficient THETA balance");
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool * pool, Pool(true));
  const bool known = pool->Find(holder) != nullptr;
  if (!known) THETA_RETURN_IF_ERROR(CheckNewHolder(summary));
  if (amount < MinGuardianStake(rules_height_))
    return absl::InvalidArgumentError("precompile: guardian stake below the minimum");
  SavePool(true, holder);
  BlsStakeHolder& entry =
      known ? *FindHolder(*pool, holder) : InsertBlsHolder(*pool, holder, summary.subspan(20, 48));
  THETA_RETURN_IF_ERROR(AddStake(entry.stake_holder, sender, amount));
  SetTheta(from, from.account.balance.theta_wei - amount);
  return absl::OkStatus();
}

// Go StakeToEEN + EliteEdgeNodePool.DepositStake, in Go's order. The word after the summary is
// not read (Go reads the TFUEL amount at offset 261).
absl::Status LedgerHost::StakeToEliteEdgeNode(const Address& sender, ByteView input) {
  THETA_RETURN_IF_ERROR(CheckSize(input, kSummarySize + 64));
  const ByteView summary = input.subspan(0, kSummarySize);
  const Address holder = *Address::FromBytes(summary.subspan(0, 20));
  const uint256 amount = Amount(input.subspan(kSummarySize + 32, 32));
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool * pool, Pool(false));
  const BlsStakeHolder* existing = pool->Find(holder);
  Entry& from = Load(sender);
  if (from.account.balance.tfuel_wei < amount)
    return absl::FailedPreconditionError("precompile: insufficient TFUEL balance");
  if (existing == nullptr) THETA_RETURN_IF_ERROR(CheckNewHolder(summary));
  if (amount < MinEliteEdgeNodeStake() || amount > MaxEliteEdgeNodeStake())
    return absl::InvalidArgumentError("precompile: elite edge node stake out of bounds");
  if (existing != nullptr) {
    const uint256 current = existing->stake_holder.TotalStake();
    if (current + amount > MaxEliteEdgeNodeStake())
      return absl::InvalidArgumentError("precompile: elite edge node stake would pass the cap");
  }
  SavePool(false, holder);
  BlsStakeHolder& entry = existing != nullptr
                              ? *FindHolder(*pool, holder)
                              : InsertBlsHolder(*pool, holder, summary.subspan(20, 48));
  THETA_RETURN_IF_ERROR(AddStake(entry.stake_holder, sender, amount));
  SetBalance(from, from.account.balance.tfuel_wei - amount);
  return absl::OkStatus();
}

// Go UnstakeFromGuardian / UnstakeFromEEN: the sender's whole stake is withdrawn, returned at the
// parent height (Go view.Height()) + 28,800 by ReturnMaturedStakes.
absl::Status LedgerHost::Unstake(const Address& sender, ByteView input, bool guardian) {
  THETA_ASSIGN_OR_RETURN(const Address holder, AddressInput(input));
  THETA_ASSIGN_OR_RETURN(BlsCandidatePool * pool, Pool(guardian));
  if (pool->Find(holder) == nullptr)
    return absl::FailedPreconditionError("precompile: no such stake holder");
  SavePool(guardian, holder);
  return MarkWithdrawn(FindHolder(*pool, holder)->stake_holder, sender, block_height_ - 1);
}

absl::StatusOr<BlsCandidatePool*> LedgerHost::Pool(bool guardian) {
  CachedPool& cached = pools_[guardian ? 0 : 1];
  if (!cached.pool.has_value()) {
    absl::StatusOr<BlsCandidatePool> pool =
        guardian ? GetGuardianPool(ledger_) : GetEliteEdgeNodePool(ledger_);
    if (!pool.ok()) return pool.status();
    cached.pool = std::move(*pool);
  }
  return &*cached.pool;
}

void LedgerHost::SavePool(bool guardian, const Address& holder) {
  CachedPool& cached = pools_[guardian ? 0 : 1];  // loaded: the caller went through Pool()
  const BlsStakeHolder* entry = cached.pool->Find(holder);
  pool_journal_.push_back(
      PoolUndo{cached.changed, holder,
               entry ? std::optional<BlsStakeHolder>(*entry) : std::optional<BlsStakeHolder>()});
  journal_.push_back(Undo{Kind::kPool, {}, {}, {}, guardian});
  cached.changed = true;
}

void LedgerHost::RestorePool(bool guardian) {
  PoolUndo& undo = pool_journal_.back();
  CachedPool& cached = pools_[guardian ? 0 : 1];
  std::vector<BlsStakeHolder>& sorted = cached.pool->sorted;
  auto it = std::find_if(sorted.begin(), sorted.end(), [&](const BlsStakeHolder& e) {
    return e.stake_holder.holder == undo.holder;
  });
  if (undo.previous.has_value()) {
    *it = std::move(*undo.previous);
  } else {
    sorted.erase(it);
  }
  cached.changed = undo.was_changed;
  pool_journal_.pop_back();
}

}  // namespace theta::ledger::internal
