// Calls without commit (call.hpp): the EVM on a LedgerHost whose changes are never written back.
#include "theta/ledger/call.hpp"

#include "absl/strings/str_cat.h"
#include "evm_host.hpp"
#include "exec_util.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

evm::AnalysisCache& CallAnalysisCache() {
  thread_local evm::AnalysisCache cache;
  if (cache.size() > 4096) cache.Clear();  // bound the memory of code analyses
  return cache;
}

evm::TxContext MakeTxContext(const CallMessage& message, uint64_t gas,
                             const ExecutionContext& context) {
  evm::TxContext tx;
  tx.gas_price = message.gas_price;
  tx.origin = message.from;
  tx.number = static_cast<int64_t>(context.block_height);
  tx.timestamp = context.timestamp;
  tx.gas_limit = static_cast<int64_t>(gas);
  tx.chain_id = EvmChainId(context.chain_id, RulesHeight(context));
  return tx;
}

// One run with exactly `gas`, which the caller has checked against the intrinsic gas and the cap.
absl::StatusOr<TxReceipt> Run(LedgerState& state, const CallMessage& message, uint64_t gas,
                              uint64_t intrinsic, const ExecutionContext& context) {
  const bool create = !message.to.has_value();
  const Address to = message.to.value_or(Address{});
  internal::LedgerHost host(state, internal::kLedgerRevision, MakeTxContext(message, gas, context),
                            CallAnalysisCache(), context);
  if (!message.value.IsZero() && host.Balance(message.from) < message.value)
    return absl::FailedPreconditionError(
        absl::StrCat("insufficient funds for transfer: ", internal::Hex(message.from), " has ",
                     host.Balance(message.from).ToDecimal(), " TFuelWei, the call sends ",
                     message.value.ToDecimal()));
  host.WarmForTx(message.from, create ? nullptr : &to);
  for (const EthAccessTuple& t : message.access_list)
    host.WarmAccessList(t.address, t.storage_keys);

  evm::Message msg;
  msg.kind = create ? evm::CallKind::kCreate : evm::CallKind::kCall;
  msg.gas = static_cast<int64_t>(gas - intrinsic);
  msg.recipient = to;
  msg.code_address = to;
  msg.sender = message.from;
  msg.input = message.data;
  msg.value = message.value;
  evm::ExecutionResult result = host.Call(msg);
  // The host remembers a ledger error (a corrupt trie) and showed the EVM zeros: the result is
  // not to be trusted then.
  THETA_RETURN_IF_ERROR(host.status());

  const bool ok = result.status == evm::StatusCode::kSuccess;
  TxReceipt receipt;
  receipt.status = result.status;
  if (!ok) receipt.evm_error = evm::StatusCodeName(result.status);
  receipt.evm_return = std::move(result.output);
  receipt.contract_address = create ? result.create_address : Address{};
  receipt.gas_used = gas - static_cast<uint64_t>(result.gas_left);
  if (ok) receipt.logs = host.logs();
  return receipt;
}

}  // namespace

uint64_t CallGasCap(const ExecutionContext& context) {
  return MaximumGasLimit(RulesHeight(context));
}

uint64_t CallIntrinsicGas(const CallMessage& message) {
  uint64_t gas = IntrinsicGas(message.data, !message.to.has_value());
  for (const EthAccessTuple& t : message.access_list)
    gas += 2'400 + 1'900 * static_cast<uint64_t>(t.storage_keys.size());
  return gas;
}

absl::StatusOr<TxReceipt> Call(LedgerState& state, const CallMessage& message,
                               const ExecutionContext& context) {
  const uint64_t cap = CallGasCap(context);
  const uint64_t gas = message.gas.value_or(cap);
  if (gas > cap)
    return absl::InvalidArgumentError(
        absl::StrCat("gas ", gas, " is above the cap of ", cap, " per call"));
  const uint64_t intrinsic = CallIntrinsicGas(message);
  if (gas < intrinsic)
    return absl::InvalidArgumentError(
        absl::StrCat("intrinsic gas too low: gas ", gas, ", the call needs ", intrinsic));
  return Run(state, message, gas, intrinsic, context);
}

absl::StatusOr<uint64_t> EstimateGas(LedgerState& state, const CallMessage& message,
                                     const ExecutionContext& context, TxReceipt* failure) {
  const uint64_t cap = CallGasCap(context);
  uint64_t hi = message.gas.value_or(cap);
  if (hi > cap)
    return absl::InvalidArgumentError(
        absl::StrCat("gas ", hi, " is above the cap of ", cap, " per call"));
  const uint64_t intrinsic = CallIntrinsicGas(message);
  if (hi < intrinsic)
    return absl::InvalidArgumentError(
        absl::StrCat("intrinsic gas too low: gas ", hi, ", the call needs ", intrinsic));

  THETA_ASSIGN_OR_RETURN(TxReceipt top, Run(state, message, hi, intrinsic, context));
  if (top.status != evm::StatusCode::kSuccess) {
    std::string reason =
        top.status == evm::StatusCode::kRevert ? "execution reverted" : top.evm_error;
    if (failure != nullptr) *failure = std::move(top);
    return absl::FailedPreconditionError(reason);
  }
  // Without refunds, what the run used is a lower bound that usually suffices; it falls short
  // when a nested CALL needed its 1/64 reserve, and the search then finds the least that works.
  uint64_t lo = top.gas_used;
  THETA_ASSIGN_OR_RETURN(TxReceipt first, Run(state, message, lo, intrinsic, context));
  if (first.status == evm::StatusCode::kSuccess) return lo;
  while (lo + 1 < hi) {  // invariant: lo fails, hi succeeds
    const uint64_t mid = lo + (hi - lo) / 2;
    THETA_ASSIGN_OR_RETURN(TxReceipt r, Run(state, message, mid, intrinsic, context));
    (r.status == evm::StatusCode::kSuccess ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace theta::ledger
