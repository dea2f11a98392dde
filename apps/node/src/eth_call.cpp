// eth_call and eth_estimateGas: ledger::Call on the state of the block asked for.
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {
namespace {

// Solidity's Error(string) selector: keccak256("Error(string)")[0:4].
constexpr uint8_t kErrorSelector[4] = {0x08, 0xc3, 0x79, 0xa0};

// The reason string of revert data ABI-encoded as Error(string), or nullopt.
std::optional<std::string> RevertReason(ByteView data) {
  if (data.size() < 4 + 64 || !std::equal(data.begin(), data.begin() + 4, kErrorSelector))
    return std::nullopt;
  const ByteView body = data.subspan(4);
  const uint256 offset = uint256::LoadBigEndian(body.subspan(0, 32));
  if (offset > uint256(body.size() - 32)) return std::nullopt;
  const size_t at = static_cast<size_t>(offset.limb(0));
  const uint256 length = uint256::LoadBigEndian(body.subspan(at, 32));
  if (length > uint256(body.size() - at - 32)) return std::nullopt;
  const ByteView text = body.subspan(at + 32, static_cast<size_t>(length.limb(0)));
  return std::string(text.begin(), text.end());
}

absl::StatusOr<std::vector<ledger::EthAccessTuple>> ParseAccessList(const Json& value) {
  std::vector<ledger::EthAccessTuple> list;
  if (value.is_null()) return list;
  if (!value.is_array())
    return absl::InvalidArgumentError("accessList: expected an array of {address, storageKeys}");
  for (const Json& item : value) {
    if (!item.is_object() || !item.contains("address"))
      return absl::InvalidArgumentError("accessList: each entry needs an address");
    ledger::EthAccessTuple tuple;
    THETA_ASSIGN_OR_RETURN(tuple.address, ParseAddr(item["address"], "accessList address"));
    const Json keys = item.value("storageKeys", Json::array());
    if (!keys.is_array())
      return absl::InvalidArgumentError("accessList: storageKeys must be an array");
    for (const Json& key : keys) {
      THETA_ASSIGN_OR_RETURN(Hash32 slot, ParseHash(key, "accessList storage key"));
      tuple.storage_keys.push_back(slot);
    }
    list.push_back(std::move(tuple));
  }
  return list;
}

// A failure of Call itself (not of the EVM) as geth reports it: -32000 with the reason, except
// the node's own faults.
absl::Status CallError(const absl::Status& status) {
  if (absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status))
    return net::RpcErrorStatus(kEthServerError, std::string(status.message()));
  return status;
}

struct CallRequest {
  ledger::CallMessage message;
  uint64_t height = 0;
};

absl::StatusOr<CallRequest> ParseRequest(const ChainService& chain, const Json& params) {
  CallRequest request;
  THETA_ASSIGN_OR_RETURN(Json call, Param(params, 0));
  THETA_ASSIGN_OR_RETURN(request.message, ParseCallMessage(call));
  THETA_ASSIGN_OR_RETURN(Json which, Param(params, 1));
  THETA_ASSIGN_OR_RETURN(request.height, ResolveStateBlock(chain, which));
  return request;
}

// Runs `run(state, context)` on the state after the request's block.
template <typename Run>
absl::Status WithCallState(const ChainService& chain, uint64_t height, Run run) {
  THETA_ASSIGN_OR_RETURN(BlockRecord block, chain.BlockAt(height));
  const ledger::ExecutionContext context = CallContext(chain, height, block.timestamp);
  return chain.WithState(height, [&](ledger::LedgerState& state) { return run(state, context); });
}

}  // namespace

ledger::ExecutionContext CallContext(const ChainService& chain, uint64_t height,
                                     int64_t timestamp) {
  ledger::ExecutionContext context;
  context.chain_id = chain.chain_id();
  context.block_height = height + 1;
  context.timestamp = timestamp;
  // The node runs every fork from block 1, as its eth_chainId says (ChainService::eth_chain_id).
  context.all_forks = true;
  return context;
}

absl::StatusOr<ledger::CallMessage> ParseCallMessage(const Json& call) {
  if (!call.is_object())
    return absl::InvalidArgumentError(
        absl::StrCat("call: expected a transaction call object, got ", call.dump()));
  ledger::CallMessage m;
  auto present = [&call](const char* key) { return call.contains(key) && !call[key].is_null(); };
  if (present("from")) {
    THETA_ASSIGN_OR_RETURN(m.from, ParseAddr(call["from"], "from"));
  }
  if (present("to")) {
    THETA_ASSIGN_OR_RETURN(m.to, ParseAddr(call["to"], "to"));
  }
  if (present("gas")) {
    THETA_ASSIGN_OR_RETURN(m.gas, ParseU64(call["gas"], "gas"));
  }
  if (present("gasPrice")) {
    THETA_ASSIGN_OR_RETURN(m.gas_price, ParseU256(call["gasPrice"], "gasPrice"));
  } else if (present("maxFeePerGas")) {
    THETA_ASSIGN_OR_RETURN(m.gas_price, ParseU256(call["maxFeePerGas"], "maxFeePerGas"));
  }
  if (present("value")) {
    THETA_ASSIGN_OR_RETURN(m.value, ParseU256(call["value"], "value"));
  }
  if (present("input")) {
    THETA_ASSIGN_OR_RETURN(m.data, ParseData(call["input"], "input"));
    if (present("data")) {
      THETA_ASSIGN_OR_RETURN(Bytes data, ParseData(call["data"], "data"));
      if (data != m.data)
        return absl::InvalidArgumentError(
            "both \"data\" and \"input\" are set and not equal; use \"input\"");
    }
  } else if (present("data")) {
    THETA_ASSIGN_OR_RETURN(m.data, ParseData(call["data"], "data"));
  }
  if (present("accessList")) {
    THETA_ASSIGN_OR_RETURN(m.access_list, ParseAccessList(call["accessList"]));
  }
  return m;
}

absl::Status ExecutionError(const ledger::TxReceipt& receipt) {
  if (receipt.status == evm::StatusCode::kRevert) {
    const std::optional<std::string> reason = RevertReason(receipt.evm_return);
    return net::RpcErrorStatus(
        kEthRevert, reason ? absl::StrCat("execution reverted: ", *reason) : "execution reverted",
        Data(receipt.evm_return));
  }
  return net::RpcErrorStatus(kEthServerError,
                             absl::StrCat("execution failed: ", receipt.evm_error));
}

absl::Status RegisterCalls(const Registrar& add, ChainService& chain) {
  THETA_ETH_ADD(
      add("eth_call", [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
        THETA_ASSIGN_OR_RETURN(CallRequest request, ParseRequest(chain, params));
        absl::StatusOr<ledger::TxReceipt> result = absl::UnknownError("not run");
        THETA_RETURN_IF_ERROR(
            WithCallState(chain, request.height,
                          [&](ledger::LedgerState& state, const ledger::ExecutionContext& context) {
                            result = ledger::Call(state, request.message, context);
                            return absl::OkStatus();
                          }));
        if (!result.ok()) return CallError(result.status());
        if (result->status != evm::StatusCode::kSuccess) return ExecutionError(*result);
        return Data(result->evm_return);
      }));
  return add(
      "eth_estimateGas",
      [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
        THETA_ASSIGN_OR_RETURN(CallRequest request, ParseRequest(chain, params));
        absl::StatusOr<uint64_t> gas = absl::UnknownError("not run");
        ledger::TxReceipt failure;
        THETA_RETURN_IF_ERROR(
            WithCallState(chain, request.height,
                          [&](ledger::LedgerState& state, const ledger::ExecutionContext& context) {
                            gas = ledger::EstimateGas(state, request.message, context, &failure);
                            return absl::OkStatus();
                          }));
        if (gas.ok()) return Quantity(*gas);
        if (absl::IsFailedPrecondition(gas.status()) &&
            failure.status != evm::StatusCode::kSuccess) {
          if (failure.status == evm::StatusCode::kRevert) return ExecutionError(failure);
          return net::RpcErrorStatus(
              kEthServerError, absl::StrCat("gas required exceeds allowance or always failing "
                                            "transaction: ",
                                            failure.evm_error));
        }
        return CallError(gas.status());
      });
}

}  // namespace theta::node::eth
