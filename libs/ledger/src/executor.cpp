// Transaction execution. Each executor first loads and checks everything, then writes: a failed
// check returns before the first SetAccount, so the state is left as it was.
#include "theta/ledger/executor.hpp"

#include <map>

#include "absl/strings/str_cat.h"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

using namespace internal;  // NOLINT(google-build-using-namespace): executor helpers

constexpr uint64_t kWeiPerTFuelMicro = 1'000'000'000'000ULL;  // 1e12

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
  if (RulesHeight(context) >= kHeightEnableSmartContract) {
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
  const uint256 min_fee = MinimumSendTxFee(affected, RulesHeight(context));
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
  return SaveAll(state, accounts);
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

absl::Status ApplyTx(LedgerState& state, const Tx& tx, const ExecutionContext& context,
                     TxReceipt* receipt) {
  if (context.block_height == 0)
    return absl::InvalidArgumentError("ledger: transactions go in blocks of height 1 or more");
  if (const auto* send = std::get_if<SendTx>(&tx)) return ApplySend(state, *send, tx, context);
  if (const auto* reserve = std::get_if<ReserveFundTx>(&tx))
    return ApplyReserveFund(state, *reserve, tx, context);
  if (const auto* release = std::get_if<ReleaseFundTx>(&tx))
    return ApplyReleaseFund(state, *release, tx, context);
  if (const auto* payment = std::get_if<ServicePaymentTx>(&tx))
    return ApplyServicePayment(state, *payment, context);
  if (const auto* split = std::get_if<SplitRuleTx>(&tx))
    return ApplySplitRule(state, *split, tx, context);
  if (const auto* contract = std::get_if<SmartContractTx>(&tx))
    return ApplySmartContract(state, *contract, tx, context, receipt);
  if (const auto* coinbase = std::get_if<CoinbaseTx>(&tx))
    return ApplyCoinbase(state, *coinbase, tx, context);
  if (std::holds_alternative<SlashTx>(tx))
    return absl::InvalidArgumentError(
        "ledger: SlashTx is not executable; equivocation evidence goes through "
        "SlashForEquivocation and micropayment over-spends are slashed inside ServicePayment");
  if (const auto* deposit = std::get_if<DepositStakeTx>(&tx))
    return ApplyDepositStake(
        state, DepositStakeV2Tx{deposit->fee, deposit->source, deposit->holder, deposit->purpose},
        tx, context);
  if (const auto* deposit = std::get_if<DepositStakeV2Tx>(&tx))
    return ApplyDepositStake(state, *deposit, tx, context);
  if (const auto* withdraw = std::get_if<WithdrawStakeTx>(&tx))
    return ApplyWithdrawStake(state, *withdraw, tx, context);
  if (const auto* rule = std::get_if<StakeRewardDistributionTx>(&tx))
    return ApplyStakeRewardDistribution(state, *rule, tx, context);
  return absl::UnimplementedError(absl::StrCat(
      "ledger: executing a ", std::string(TxTypeName(TypeOf(tx))), "Tx is not implemented yet"));
}

}  // namespace theta::ledger
