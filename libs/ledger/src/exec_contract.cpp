// SmartContractTx (Go ledger/execution/tx_smart_contract.go, ledger/vm/vm.go; brief §3.5, §5):
// checks as Go's sanityCheck, then the EVM runs on a LedgerHost, the fee gasUsed × gasPrice is
// burned, and the sender's sequence advances (by the CREATE itself for a creation, as in Go).
#include "absl/strings/str_cat.h"
#include "evm_host.hpp"
#include "exec_util.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {

uint256 MinimumGasPrice(uint64_t block_height) {
  if (block_height < kHeightJune2021FeeAdjustment) return uint256(100'000'000ULL);
  return uint256(4'000'000'000'000ULL);
}

uint64_t MaximumGasLimit(uint64_t block_height) {
  return block_height < kHeightJune2021FeeAdjustment ? 10'000'000 : 20'000'000;
}

uint64_t IntrinsicGas(ByteView data, bool create) {
  uint64_t gas = create ? 53'000 : 21'000;
  for (uint8_t byte : data)
    gas += byte == 0 ? 4 : 68;
  return gas;
}

uint256 EvmChainId(std::string_view chain_id, uint64_t block_height) {
  uint256 id;
  if (chain_id == "mainnet") {
    id = 1;
  } else if (chain_id == "testnet_sapphire") {
    id = 3;
  } else if (chain_id == "testnet_amber") {
    id = 4;
  } else if (chain_id == "testnet") {
    id = 5;
  } else if (chain_id == "privatenet") {
    id = 6;
  } else {
    id = uint256::FromWord(Keccak256(AsBytes(chain_id)));
  }
  if (block_height >= kHeightRpcCompatibility) id += uint256(360);
  return id;
}

namespace internal {
namespace {

// The gas rules of sanityCheck: price, limit, intrinsic gas, and a fee limit under 2^255.
absl::Status CheckGas(const SmartContractTx& tx, uint64_t height, uint64_t intrinsic) {
  const uint256 min_price = MinimumGasPrice(height);
  if (tx.gas_price < min_price)
    return absl::InvalidArgumentError(absl::StrCat("ledger: gas price ", tx.gas_price.ToDecimal(),
                                                   " is below the minimum of ",
                                                   min_price.ToDecimal(), " TFuelWei"));
  if (tx.gas_limit > MaximumGasLimit(height))
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: gas limit ", tx.gas_limit, " is above the maximum of ", MaximumGasLimit(height)));
  if (tx.gas_limit < intrinsic)
    return absl::InvalidArgumentError(absl::StrCat("ledger: gas limit ", tx.gas_limit,
                                                   " is below the intrinsic gas ", intrinsic));
  const uint256 max_fee_limit = uint256::Max() >> 1;  // Go: feeLimit.BitLen() > 255
  if (tx.gas_limit != 0 && tx.gas_price > max_fee_limit / uint256(tx.gas_limit))
    return absl::InvalidArgumentError("ledger: gas price × gas limit is too high");
  return absl::OkStatus();
}

evm::AnalysisCache& Cache() {
  thread_local evm::AnalysisCache cache;
  if (cache.size() > 4096) cache.Clear();  // bound the memory of code analyses
  return cache;
}

}  // namespace

absl::Status ApplySmartContract(LedgerState& state, const SmartContractTx& tx, const Tx& whole,
                                const ExecutionContext& context, TxReceipt* receipt) {
  if (RulesHeight(context) < kHeightEnableSmartContract)
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger: smart contracts are enabled from block height ", kHeightEnableSmartContract));
  const bool create = tx.to.address == Address{};
  const uint64_t parent_height = context.block_height - 1;
  Accounts accounts;
  THETA_RETURN_IF_ERROR(LoadInput(state, tx.from.address, parent_height, accounts));
  const Account& from = accounts.at(tx.from.address);
  THETA_RETURN_IF_ERROR(CheckInput(from, tx.from, whole, context));
  // Theta's intrinsic gas, plus EIP-2930's 2,400 per access-list address and 1,900 per key for an
  // Ethereum tx that carries a list (the list is small: bounded by the 8 MiB tx).
  uint64_t intrinsic = IntrinsicGas(tx.data, create);
  if (context.access_list != nullptr) {
    for (const EthAccessTuple& t : *context.access_list)
      intrinsic += 2'400 + 1'900 * static_cast<uint64_t>(t.storage_keys.size());
  }
  THETA_RETURN_IF_ERROR(CheckGas(tx, RulesHeight(context), intrinsic));
  const uint256 fee_limit = tx.gas_price * uint256(tx.gas_limit);
  const uint256 needed = fee_limit + tx.from.coins.tfuel_wei;
  if (needed < fee_limit || from.balance.tfuel_wei < needed)
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger: insufficient funds in ", Hex(from.address), ": balance ", Show(from.balance),
        ", value + gas limit × gas price need ", needed.ToDecimal(), " TFuelWei"));

  evm::TxContext tx_context;
  tx_context.gas_price = tx.gas_price;
  tx_context.origin = tx.from.address;
  tx_context.number = static_cast<int64_t>(context.block_height);
  tx_context.timestamp = context.timestamp;
  tx_context.gas_limit = static_cast<int64_t>(tx.gas_limit);
  tx_context.chain_id = EvmChainId(context.chain_id, RulesHeight(context));
  LedgerHost host(state, kLedgerRevision, std::move(tx_context), Cache(), context);
  host.Seed(from);
  // THETA rides along from 13,123,789; before, Go checks the balance covers it but moves none.
  if (RulesHeight(context) >= kHeightSupportThetaInContracts)
    host.SetThetaValue(tx.from.coins.theta_wei);
  host.WarmForTx(tx.from.address, create ? nullptr : &tx.to.address);
  if (context.access_list != nullptr) {
    for (const EthAccessTuple& t : *context.access_list)
      host.WarmAccessList(t.address, t.storage_keys);
  }
  evm::Message msg;
  msg.kind = create ? evm::CallKind::kCreate : evm::CallKind::kCall;
  msg.gas = static_cast<int64_t>(tx.gas_limit - intrinsic);
  msg.recipient = tx.to.address;
  msg.code_address = tx.to.address;
  msg.sender = tx.from.address;
  msg.input = tx.data;
  msg.value = tx.from.coins.tfuel_wei;
  evm::ExecutionResult result = host.Call(msg);

  // No refunds (brief §3.5): the sender pays for all gas not left over.
  const uint64_t gas_used = tx.gas_limit - static_cast<uint64_t>(result.gas_left);
  const uint256 fee = tx.gas_price * uint256(gas_used);
  if (host.Balance(tx.from.address) < fee)
    return absl::InternalError("ledger: the sender cannot pay the gas it reserved");
  host.ChargeFee(tx.from.address, fee);
  if (!create) host.IncrementSequence(tx.from.address);
  THETA_RETURN_IF_ERROR(host.Finish());
  if (receipt != nullptr) {
    const bool ok = result.status == evm::StatusCode::kSuccess;
    *receipt = TxReceipt{result.status,
                         ok ? std::string() : std::string(evm::StatusCodeName(result.status)),
                         std::move(result.output),
                         create ? result.create_address : Address{},
                         gas_used,
                         ok ? host.logs() : std::vector<evm::Log>{}};
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace theta::ledger
