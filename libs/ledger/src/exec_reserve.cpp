// The micropayment pool executors: ReserveFund, ReleaseFund and ServicePayment (Go
// ledger/execution/tx_reserve_fund.go, tx_release_fund.go, tx_service_payment.go and the
// reserved-fund methods of ledger/types/account.go; brief §3.4 and §4). As in executor.cpp, every
// check runs before the first write, so a rejected transaction leaves the state untouched.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger::internal {
namespace {

ReservedFund* FindFund(Account& account, uint64_t reserve_sequence) {
  for (ReservedFund& fund : account.reserved_funds) {
    if (fund.reserve_sequence == reserve_sequence) return &fund;
  }
  return nullptr;
}

absl::Status NoFund(const Address& address, uint64_t reserve_sequence) {
  return absl::FailedPreconditionError(absl::StrCat(
      "ledger: ", Hex(address), " has no reserved fund with reserve sequence ", reserve_sequence));
}

// CheckReserveFund's amount rules: a positive TFUEL-only deposit, a TFUEL-only collateral strictly
// greater than it, and a duration in [300, 43200].
absl::Status CheckReserveTerms(const ReserveFundTx& tx) {
  const Coins& deposit = tx.source.coins;
  if (!deposit.theta_wei.IsZero())
    return absl::InvalidArgumentError("ledger: ReserveFundTx cannot reserve THETA");
  if (deposit.tfuel_wei.IsZero())
    return absl::InvalidArgumentError("ledger: ReserveFundTx reserves no TFUEL");
  if (!tx.collateral.theta_wei.IsZero())
    return absl::InvalidArgumentError("ledger: ReserveFundTx collateral cannot hold THETA");
  if (tx.collateral.tfuel_wei <= deposit.tfuel_wei)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: ReserveFundTx collateral ", tx.collateral.tfuel_wei.ToDecimal(),
                     " must be strictly greater than the deposit ", deposit.tfuel_wei.ToDecimal()));
  if (tx.duration < kMinimumFundReserveDuration || tx.duration > kMaximumFundReserveDuration)
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: ReserveFundTx duration ", tx.duration, " is out of the permitted range [",
        kMinimumFundReserveDuration, ", ", kMaximumFundReserveDuration, "]"));
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyReserveFund(LedgerState& state, const ReserveFundTx& tx, const Tx& whole,
                              const ExecutionContext& context) {
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  THETA_RETURN_IF_ERROR(LoadInput(state, tx.source.address, parent_height, accounts));
  Account& source = accounts.at(tx.source.address);
  THETA_RETURN_IF_ERROR(CheckInput(source, tx.source, whole, context));
  THETA_RETURN_IF_ERROR(CheckReserveTerms(tx));
  THETA_RETURN_IF_ERROR(CheckFee(tx.fee, context));
  std::optional<Coins> needed = Add(tx.source.coins, tx.collateral);
  if (needed) needed = Add(*needed, tx.fee);
  if (!needed || !source.balance.IsGte(*needed))
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: insufficient funds in ", Hex(source.address), ": balance ",
                     Show(source.balance), ", deposit + collateral + fee need ",
                     needed ? Show(*needed) : std::string("more than 2^256")));
  for (const ReservedFund& fund : source.reserved_funds) {
    if (fund.reserve_sequence >= tx.source.sequence)
      return absl::FailedPreconditionError(absl::StrCat(
          "ledger: reserve sequence ", tx.source.sequence, " is not above the existing ",
          fund.reserve_sequence, " (reserve sequences strictly increase)"));
  }

  source.reserved_funds.push_back(ReservedFund{tx.collateral,
                                               tx.source.coins,
                                               Coins{},
                                               tx.resource_ids,
                                               parent_height + tx.duration,
                                               tx.source.sequence,
                                               {}});
  source.balance = Sub(source.balance, *needed);
  ++source.sequence;
  return SaveAll(state, accounts);
}

absl::Status ApplyReleaseFund(LedgerState& state, const ReleaseFundTx& tx, const Tx& whole,
                              const ExecutionContext& context) {
  const uint64_t parent_height = context.block_height - 1;
  // Look at the fund before the lazy refund of LoadInput removes it (see docs/ledger.md: Go's
  // own order makes this transaction always fail; we let it claim the refund instead).
  THETA_ASSIGN_OR_RETURN(std::optional<Account> stored, state.GetAccount(tx.source.address));
  if (!stored)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: unknown input address ", Hex(tx.source.address)));
  const ReservedFund* fund = FindFund(*stored, tx.reserve_sequence);
  if (fund == nullptr) return NoFund(tx.source.address, tx.reserve_sequence);
  const uint64_t release_height = fund->end_block_height + kReservedFundFreezePeriod;
  if (release_height > parent_height)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: reserved fund ", tx.reserve_sequence, " of ", Hex(tx.source.address),
                     " cannot be released until block height ", release_height + 1));

  Accounts accounts;
  // Loading refunds the fund (it has expired by now).
  THETA_ASSIGN_OR_RETURN(Account * payer,
                         LoadFeePayer(state, tx.source, tx.fee, whole, context, accounts));
  Account& source = *payer;
  source.balance = Sub(source.balance, tx.fee);
  ++source.sequence;
  return SaveAll(state, accounts);
}

namespace {

// The source's (payer's) voucher signature and the target's (payee's) signature of the whole tx.
absl::Status CheckPaymentSignatures(const ServicePaymentTx& tx, const ExecutionContext& context) {
  if (context.signatures_verified) return absl::OkStatus();
  const bool v2 = RulesHeight(context) >= kHeightTxWrapperExtension;
  THETA_RETURN_IF_ERROR(CheckSignature(
      ServicePaymentSourceSignBytes(tx, context.chain_id),
      v2 ? ServicePaymentSourceSignBytes(tx, context.chain_id, SignWrapper::kV2) : Bytes{},
      tx.source.signature, tx.source.address, context));
  const Tx whole = tx;
  return CheckSignature(SignBytes(whole, context.chain_id),
                        v2 ? SignBytes(whole, context.chain_id, SignWrapper::kV2) : Bytes{},
                        tx.target.signature, tx.target.address, context);
}

// CheckTransferReservedFund and our resource-ID rule: the pool exists, has not expired, lists the
// resource, and this payee has not settled this payment sequence or a later one.
absl::Status CheckPool(const ReservedFund* fund, const ServicePaymentTx& tx,
                       uint64_t parent_height) {
  if (fund == nullptr) return NoFund(tx.source.address, tx.reserve_sequence);
  if (fund->end_block_height < parent_height)
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: reserved fund ", tx.reserve_sequence, " of ", Hex(tx.source.address),
                     " expired at block height ", fund->end_block_height));
  if (std::find(fund->resource_ids.begin(), fund->resource_ids.end(), tx.resource_id) ==
      fund->resource_ids.end())
    return absl::FailedPreconditionError(
        absl::StrCat("ledger: reserved fund ", tx.reserve_sequence, " of ", Hex(tx.source.address),
                     " is not for resource \"", tx.resource_id, "\""));
  for (const ServicePaymentTx& record : fund->transfer_records) {
    if (record.target.address == tx.target.address &&
        record.payment_sequence >= tx.payment_sequence)
      return absl::FailedPreconditionError(absl::StrCat(
          "ledger: payment sequence ", tx.payment_sequence, " of ", Hex(tx.target.address),
          " is not above the settled ", record.payment_sequence));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyServicePayment(LedgerState& state, const ServicePaymentTx& tx,
                                 const ExecutionContext& context) {
  if (tx.source.address == tx.target.address)
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: ServicePaymentTx source and target are both ", Hex(tx.source.address)));
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  THETA_RETURN_IF_ERROR(LoadInput(state, tx.source.address, parent_height, accounts));
  THETA_RETURN_IF_ERROR(LoadOrMakeOutput(state, tx.target.address, parent_height, accounts));
  if (!tx.source.coins.theta_wei.IsZero())
    return absl::InvalidArgumentError("ledger: ServicePaymentTx cannot pay THETA");
  THETA_RETURN_IF_ERROR(CheckPaymentSignatures(tx, context));
  THETA_RETURN_IF_ERROR(CheckFee(tx.fee, context));
  Account& source = accounts.at(tx.source.address);
  Account& target = accounts.at(tx.target.address);
  ReservedFund* fund = FindFund(source, tx.reserve_sequence);
  THETA_RETURN_IF_ERROR(CheckPool(fund, tx, parent_height));

  const Coins remaining = RemainingFund(*fund);
  THETA_ASSIGN_OR_RETURN(std::optional<SplitRule> rule, state.GetSplitRule(tx.resource_id));
  const bool rule_expired = rule && SplitRuleExpired(*rule, parent_height);
  if (remaining.IsGte(tx.source.coins)) {
    fund->used_fund = *Add(fund->used_fund, tx.source.coins);  // ≤ initial fund
    fund->transfer_records.push_back(tx);
    // The payment is shared per the resource's split rule; the rest goes to the payee.
    for (const auto& [address, share] :
         SplitPayment(rule, tx.target.address, tx.source.coins, parent_height)) {
      if (!accounts.contains(address))
        THETA_RETURN_IF_ERROR(LoadOrMakeOutput(state, address, parent_height, accounts));
      Account& account = accounts.at(address);
      account.balance = *Add(account.balance, share);
    }
  } else {
    // Over-spend: the payer signed more than the pool holds. The payee, who proves it with this
    // voucher and the recorded ones, receives what is left of the deposit and the collateral; the
    // pool is closed (the whitepaper's and SlashTx's design; Go at HEAD only logs a slash intent).
    target.balance = *Add(*Add(target.balance, remaining), fund->collateral);
    std::erase_if(source.reserved_funds,
                  [&](const ReservedFund& f) { return f.reserve_sequence == tx.reserve_sequence; });
  }
  // The fee is charged after the credit, so that a fresh payee can settle (Go's chargeFee order).
  THETA_RETURN_IF_ERROR(CheckCanPayFee(target, tx.fee));
  target.balance = Sub(target.balance, tx.fee);
  if (rule_expired) THETA_RETURN_IF_ERROR(state.DeleteSplitRule(tx.resource_id));
  return SaveAll(state, accounts);
}

}  // namespace theta::ledger::internal
