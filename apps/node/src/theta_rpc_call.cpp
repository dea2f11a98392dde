// theta.CallSmartContract: a SmartContractTx (signed or not) run on the head state and dropped, as
// Go's rpc/call.go does: {vm_return (hex, no "0x"), contract_address, gas_used, vm_error}.
#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/ledger/call.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {

absl::StatusOr<Json> CallSmartContract(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(std::string text, RequiredString(args, "sctx_bytes"));
  THETA_ASSIGN_OR_RETURN(Bytes raw, ParseLooseHex(text, "sctx_bytes"));
  auto tx = ledger::DecodeTx(raw);
  if (!tx.ok()) {
    return ServerError(absl::StrCat("Failed to parse SmartContractTx, error: ",
                                    std::string(tx.status().message())));
  }
  const auto* contract = std::get_if<ledger::SmartContractTx>(&*tx);
  if (contract == nullptr) {
    return ServerError(absl::StrCat("Failed to parse SmartContractTx: a ",
                                    std::string(ledger::TxTypeName(ledger::TypeOf(*tx))),
                                    "Tx is not one"));
  }
  ledger::CallMessage message;
  message.from = contract->from.address;
  if (contract->to.address != Address{}) message.to = contract->to.address;
  message.value = contract->from.coins.tfuel_wei;
  message.data = contract->data;
  if (contract->gas_limit != 0) message.gas = contract->gas_limit;
  message.gas_price = contract->gas_price;

  ChainService& chain = *ctx.chain;
  const uint64_t height = chain.Height();
  THETA_ASSIGN_OR_RETURN(BlockRecord head, chain.BlockAt(height));
  ledger::ExecutionContext context;
  context.chain_id = chain.chain_id();
  context.block_height = height + 1;
  context.timestamp = head.timestamp;  // Theta's TIMESTAMP is the parent block's
  context.all_forks = true;
  ledger::TxReceipt receipt;
  absl::Status run = chain.WithState(height, [&](ledger::LedgerState& state) {
    THETA_ASSIGN_OR_RETURN(receipt, ledger::Call(state, message, context));
    return absl::OkStatus();
  });
  if (absl::IsInvalidArgument(run) || absl::IsFailedPrecondition(run)) {
    return ServerError(std::string(run.message()));
  }
  THETA_RETURN_IF_ERROR(run);
  return Json{{"vm_return", ToHex(receipt.evm_return, false)},
              {"contract_address", HexLower(receipt.contract_address.view())},
              {"gas_used", Dec(receipt.gas_used)},
              {"vm_error", receipt.evm_error}};
}

}  // namespace theta::node::theta_rpc
