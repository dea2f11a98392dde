// Transaction execution. Each executor first loads and checks everything, then writes: a failed
// check returns before the first SetAccount, so the state is left as it was.
#include "theta/ledger/executor.hpp"

#include <map>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kWeiPerTFuelMicro = 1'000'000'000'000ULL;  // 1e12

std::string Hex(const Address& a) {
  return ToChecksumHex(a);
}

std::string Show(const Coins& c) {
  return absl::StrCat("{theta ", c.theta_wei.ToDecimal(), ", tfuel ", c.tfuel_wei.ToDecimal(), "}");
}

// a + b, or nullopt when a component passes 2^256 (Go's big ints never overflow; we must refuse
// sums that would wrap instead of letting them balance).
std::optional<Coins> Add(const Coins& a, const Coins& b) {
  const Coins sum{a.theta_wei + b.theta_wei, a.tfuel_wei + b.tfuel_wei};
  if (sum.theta_wei < a.theta_wei || sum.tfuel_wei < a.tfuel_wei) return std::nullopt;
  return sum;
}

Coins Sub(const Coins& a, const Coins& b) {
  return {a.theta_wei - b.theta_wei, a.tfuel_wei - b.tfuel_wei};
}

// Refunds expired reserved funds (Account.UpdateToHeight / ReleaseExpiredFunds), as Go does
// whenever it loads an account; `height` is the parent block's.
void UpdateToHeight(Account& account, uint64_t height) {
  std::vector<ReservedFund> kept;
  for (ReservedFund& fund : account.reserved_funds) {
    if (fund.end_block_height + kReservedFundFreezePeriod > height) {
      kept.push_back(std::move(fund));
      continue;
    }
    const Coins remaining =
        fund.initial_fund.IsGte(fund.used_fund) ? Sub(fund.initial_fund, fund.used_fund) : Coins{};
    account.balance =
        Add(Add(account.balance, remaining).value_or(account.balance), fund.collateral)
            .value_or(account.balance);
  }
  account.reserved_funds = std::move(kept);
}

using Accounts = std::map<Address, Account>;

absl::Status LoadInput(const LedgerState& state, const Address& address, uint64_t parent_height,
                       Accounts& accounts) {
  if (accounts.contains(address))
    return absl::InvalidArgumentError(absl::StrCat("ledger: duplicated address ", Hex(address)));
  THETA_ASSIGN_OR_RETURN(std::optional<Account> account, state.GetAccount(address));
  if (!account)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: unknown input address ", Hex(address)));
  UpdateToHeight(*account, parent_height);
  accounts.emplace(address, std::move(*account));
  return absl::OkStatus();
}

absl::Status LoadOrMakeOutput(const LedgerState& state, const Address& address,
                              uint64_t parent_height, Accounts& accounts) {
  if (accounts.contains(address))
    return absl::InvalidArgumentError(absl::StrCat("ledger: duplicated address ", Hex(address)));
  THETA_ASSIGN_OR_RETURN(std::optional<Account> account, state.GetAccount(address));
  if (!account) {
    account = Account{};
    account->address = address;
    account->last_updated_block_height = parent_height;
  }
  UpdateToHeight(*account, parent_height);
  accounts.emplace(address, std::move(*account));
  return absl::OkStatus();
}

// validateInputAdvanced: sequence = stored + 1, balance covers the input's coins, signature by the
// account (either sign-bytes wrapper from HeightTxWrapperExtension).
absl::Status CheckInput(const Account& account, const TxInput& in, const Tx& tx,
                        const ExecutionContext& context) {
  if (in.sequence != account.sequence + 1)
    return absl::FailedPreconditionError(absl::StrCat("ledger: ", Hex(in.address),
                                                      " sent sequence ", in.sequence, ", expected ",
                                                      account.sequence + 1));
  if (!account.balance.IsGte(in.coins))
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: insufficient funds in ", Hex(in.address), ": balance ",
                     Show(account.balance), ", tried to send ", Show(in.coins)));
  if (context.signatures_verified) return absl::OkStatus();
  const absl::Status v1 =
      VerifySignature(SignBytes(tx, context.chain_id), in.signature, in.address);
  if (v1.ok() || context.block_height < kHeightTxWrapperExtension) return v1;
  if (VerifySignature(SignBytes(tx, context.chain_id, SignWrapper::kV2), in.signature, in.address)
          .ok())
    return absl::OkStatus();
  return v1;
}

absl::Status ApplySend(LedgerState& state, const SendTx& send, const Tx& tx,
                       const ExecutionContext& context) {
  if (send.inputs.empty() || send.outputs.empty())
    return absl::InvalidArgumentError("ledger: SendTx needs at least one input and one output");
  const uint64_t affected = send.inputs.size() + send.outputs.size();
  if (affected > kMaxAccountsAffectedPerTx)
    return absl::InvalidArgumentError(absl::StrCat("ledger: SendTx touches ", affected,
                                                   " accounts, at most ", kMaxAccountsAffectedPerTx,
                                                   " are allowed"));
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  for (const TxInput& in : send.inputs)
    THETA_RETURN_IF_ERROR(LoadInput(state, in.address, parent_height, accounts));
  for (const TxOutput& out : send.outputs)
    THETA_RETURN_IF_ERROR(LoadOrMakeOutput(state, out.address, parent_height, accounts));
  if (context.block_height >= kHeightEnableSmartContract) {
    for (const auto& [address, account] : accounts) {
      if (account.IsSmartContract())
        return absl::FailedPreconditionError(absl::StrCat(
            "ledger: SendTx may not send to or from the smart contract ", Hex(address)));
    }
  }
  Coins in_total;
  for (const TxInput& in : send.inputs) {
    THETA_RETURN_IF_ERROR(CheckInput(accounts.at(in.address), in, tx, context));
    in_total = *Add(in_total, in.coins);  // bounded by the balances, which cannot overflow
  }
  const uint256 min_fee = MinimumSendTxFee(affected, context.block_height);
  if (!send.fee.theta_wei.IsZero() || send.fee.tfuel_wei < min_fee)
    return absl::InvalidArgumentError(absl::StrCat("ledger: fee ", Show(send.fee),
                                                   " is below the minimum of ", min_fee.ToDecimal(),
                                                   " TFuelWei (and no THETA)"));
  std::optional<Coins> out_total = send.fee;
  for (const TxOutput& out : send.outputs) {
    if (out_total) out_total = Add(*out_total, out.coins);
  }
  if (!out_total || *out_total != in_total)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: inputs ", Show(in_total), " != outputs + fee ",
                     out_total ? Show(*out_total) : std::string("(overflows 256 bits)")));

  // Effects: the fee is burned implicitly (inputs = outputs + fee).
  for (const TxInput& in : send.inputs) {
    Account& account = accounts.at(in.address);
    account.balance = Sub(account.balance, in.coins);
    ++account.sequence;
  }
  for (const TxOutput& out : send.outputs) {
    Account& account = accounts.at(out.address);
    account.balance = *Add(account.balance, out.coins);  // total supply fits in 256 bits
  }
  for (const auto& [address, account] : accounts)
    THETA_RETURN_IF_ERROR(state.SetAccount(account));
  return absl::OkStatus();
}

}  // namespace

uint256 MinimumTransactionFee(uint64_t block_height) {
  if (block_height < kHeightJune2021FeeAdjustment) return kWeiPerTFuelMicro;
  return uint256(300'000'000'000'000'000ULL);
}

uint256 MinimumSendTxFee(uint64_t accounts, uint64_t block_height) {
  if (block_height < kHeightJune2021FeeAdjustment) return kWeiPerTFuelMicro;
  return uint256(150'000'000'000'000'000ULL) * uint256(std::max<uint64_t>(2, accounts));
}

absl::Status ApplyTx(LedgerState& state, const Tx& tx, const ExecutionContext& context) {
  if (context.block_height == 0)
    return absl::InvalidArgumentError("ledger: transactions go in blocks of height 1 or more");
  if (const auto* send = std::get_if<SendTx>(&tx)) return ApplySend(state, *send, tx, context);
  return absl::UnimplementedError(absl::StrCat(
      "ledger: executing a ", std::string(TxTypeName(TypeOf(tx))), "Tx is not implemented yet"));
}

}  // namespace theta::ledger
