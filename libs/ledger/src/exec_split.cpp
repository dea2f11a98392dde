// SplitRuleTx (Go ledger/execution/tx_split_rule.go; brief §3.4) and the split of a service
// payment by its resource's rule (tx_service_payment.go splitPayment).
#include "absl/strings/str_cat.h"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger::internal {
namespace {

// At most 511 splits (with the initiator, MaxAccountsAffectedPerTx), each 0..100 %, summing to at
// most 100 %.
absl::Status CheckSplits(const std::vector<Split>& splits) {
  if (splits.size() + 1 > kMaxAccountsAffectedPerTx)
    return absl::InvalidArgumentError(absl::StrCat("ledger: SplitRuleTx has ", splits.size(),
                                                   " splits, at most ",
                                                   kMaxAccountsAffectedPerTx - 1));
  uint64_t total = 0;
  for (const Split& split : splits) {
    if (split.percentage > 100)
      return absl::InvalidArgumentError(
          absl::StrCat("ledger: split percentage ", split.percentage, " is above 100"));
    total += split.percentage;
  }
  if (total > 100)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: split percentages sum to ", total, ", more than 100"));
  return absl::OkStatus();
}

}  // namespace

bool SplitRuleExpired(const SplitRule& rule, uint64_t parent_height) {
  return rule.end_block_height < parent_height;
}

absl::Status ApplySplitRule(LedgerState& state, const SplitRuleTx& tx, const Tx& whole,
                            const ExecutionContext& context) {
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  THETA_ASSIGN_OR_RETURN(Account * payer,
                         LoadFeePayer(state, tx.initiator, tx.fee, whole, context, accounts));
  Account& initiator = *payer;
  THETA_RETURN_IF_ERROR(CheckSplits(tx.splits));
  THETA_ASSIGN_OR_RETURN(std::optional<SplitRule> existing, state.GetSplitRule(tx.resource_id));
  if (existing && !SplitRuleExpired(*existing, parent_height) &&
      existing->initiator != tx.initiator.address)
    return absl::FailedPreconditionError(absl::StrCat("ledger: the split rule of \"",
                                                      tx.resource_id, "\" belongs to ",
                                                      Hex(existing->initiator)));
  initiator.balance = Sub(initiator.balance, tx.fee);
  ++initiator.sequence;
  THETA_RETURN_IF_ERROR(state.SetSplitRule(
      SplitRule{tx.initiator.address, tx.resource_id, tx.splits, parent_height + tx.duration}));
  return SaveAll(state, accounts);
}

std::map<Address, Coins> SplitPayment(const std::optional<SplitRule>& rule, const Address& target,
                                      const Coins& amount, uint64_t parent_height) {
  std::map<Address, Coins> shares;
  Coins rest = amount;
  if (rule && !SplitRuleExpired(*rule, parent_height)) {
    for (const Split& split : rule->splits) {
      // Coins.CalculatePercentage: each component × percentage / 100, rounded down. The rule's
      // percentages sum to at most 100, so `rest` never goes below zero.
      const uint256 pct(split.percentage);
      const Coins share{amount.theta_wei / uint256(100) * pct +
                            amount.theta_wei % uint256(100) * pct / uint256(100),
                        amount.tfuel_wei / uint256(100) * pct +
                            amount.tfuel_wei % uint256(100) * pct / uint256(100)};
      shares[split.address] = *Add(shares[split.address], share);
      rest = Sub(rest, share);
    }
  }
  shares[target] = *Add(shares[target], rest);
  return shares;
}

}  // namespace theta::ledger::internal
