// Helpers shared by the executors (see exec_util.hpp).
#include "exec_util.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::ledger::internal {

std::string Hex(const Address& a) {
  return ToChecksumHex(a);
}

std::string Show(const Coins& c) {
  return absl::StrCat("{theta ", c.theta_wei.ToDecimal(), ", tfuel ", c.tfuel_wei.ToDecimal(), "}");
}

std::optional<Coins> Add(const Coins& a, const Coins& b) {
  const Coins sum{a.theta_wei + b.theta_wei, a.tfuel_wei + b.tfuel_wei};
  if (sum.theta_wei < a.theta_wei || sum.tfuel_wei < a.tfuel_wei) return std::nullopt;
  return sum;
}

Coins Sub(const Coins& a, const Coins& b) {
  return {a.theta_wei - b.theta_wei, a.tfuel_wei - b.tfuel_wei};
}

Coins RemainingFund(const ReservedFund& fund) {
  return fund.initial_fund.IsGte(fund.used_fund) ? Sub(fund.initial_fund, fund.used_fund) : Coins{};
}

void UpdateToHeight(Account& account, uint64_t height) {
  std::vector<ReservedFund> kept;
  for (ReservedFund& fund : account.reserved_funds) {
    if (fund.end_block_height + kReservedFundFreezePeriod > height) {
      kept.push_back(std::move(fund));
      continue;
    }
    // Balances are bounded by the total supply, so these sums cannot wrap.
    account.balance =
        Add(Add(account.balance, RemainingFund(fund)).value_or(account.balance), fund.collateral)
            .value_or(account.balance);
  }
  account.reserved_funds = std::move(kept);
}

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

absl::Status CheckSignature(const Bytes& v1, const Bytes& v2, ByteView signature,
                            const Address& signer, const ExecutionContext& context) {
  if (context.signatures_verified) return absl::OkStatus();
  const absl::Status first = VerifySignature(v1, signature, signer);
  if (first.ok() || RulesHeight(context) < kHeightTxWrapperExtension) return first;
  if (VerifySignature(v2, signature, signer).ok()) return absl::OkStatus();
  return first;
}

absl::Status CheckInput(const Account& account, const TxInput& in, const Tx& sign_tx,
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
  return CheckSignature(SignBytes(sign_tx, context.chain_id),
                        RulesHeight(context) >= kHeightTxWrapperExtension
                            ? SignBytes(sign_tx, context.chain_id, SignWrapper::kV2)
                            : Bytes{},
                        in.signature, in.address, context);
}

absl::Status CheckFee(const Coins& fee, const ExecutionContext& context) {
  const uint256 min_fee = MinimumTransactionFee(RulesHeight(context));
  if (!fee.theta_wei.IsZero() || fee.tfuel_wei < min_fee)
    return absl::InvalidArgumentError(absl::StrCat("ledger: fee ", Show(fee),
                                                   " is below the minimum of ", min_fee.ToDecimal(),
                                                   " TFuelWei (and no THETA)"));
  return absl::OkStatus();
}

absl::Status CheckCanPayFee(const Account& account, const Coins& fee) {
  if (account.balance.IsGte(fee)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "ledger: insufficient funds in ", Hex(account.address), " for the fee ", Show(fee)));
}

absl::StatusOr<Account*> LoadFeePayer(const LedgerState& state, const TxInput& in, const Coins& fee,
                                      const Tx& whole, const ExecutionContext& context,
                                      Accounts& accounts) {
  THETA_RETURN_IF_ERROR(LoadInput(state, in.address, context.block_height - 1, accounts));
  Account& account = accounts.at(in.address);
  THETA_RETURN_IF_ERROR(CheckInput(account, in, whole, context));
  THETA_RETURN_IF_ERROR(CheckFee(fee, context));
  THETA_RETURN_IF_ERROR(CheckCanPayFee(account, fee));
  return &account;
}

absl::Status SaveAll(LedgerState& state, const Accounts& accounts) {
  for (const auto& [address, account] : accounts)
    THETA_RETURN_IF_ERROR(state.SetAccount(account));
  return absl::OkStatus();
}

}  // namespace theta::ledger::internal
