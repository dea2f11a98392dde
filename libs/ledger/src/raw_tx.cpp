// Raw transactions from outside: Theta's wire form or an Ethereum transaction (executor.hpp).
#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {

absl::StatusOr<DecodedTx> DecodeRawTx(ByteView raw, std::string_view chain_id,
                                      uint64_t block_height) {
  return DecodeRawTx(raw, TxHash(raw), chain_id, block_height);
}

absl::StatusOr<DecodedTx> DecodeRawTx(ByteView raw, const Hash32& hash, std::string_view chain_id,
                                      uint64_t block_height) {
  absl::StatusOr<Tx> theta = DecodeTx(raw);
  if (theta.ok()) return DecodedTx{std::move(*theta), hash, false};
  absl::StatusOr<EthTx> eth = DecodeEthTx(raw);
  if (!eth.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("not a Theta transaction (", std::string(theta.status().message()),
                     ") nor an Ethereum one (", std::string(eth.status().message()), ")"));
  if (block_height < kHeightRpcCompatibility)
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger: Ethereum transactions are accepted from height ", kHeightRpcCompatibility));
  THETA_ASSIGN_OR_RETURN(Address sender, EthSender(*eth));
  THETA_ASSIGN_OR_RETURN(SmartContractTx contract,
                         EthToSmartContractTx(*eth, sender, EvmChainId(chain_id, block_height)));
  return DecodedTx{Tx{std::move(contract)}, hash, true, std::move(eth->access_list)};
}

absl::Status ApplyDecodedTx(LedgerState& state, const DecodedTx& tx,
                            const ExecutionContext& context, TxReceipt* receipt) {
  if (!tx.from_ethereum) return ApplyTx(state, tx.tx, context, receipt);
  ExecutionContext verified = context;
  verified.signatures_verified = true;
  if (!tx.access_list.empty()) verified.access_list = &tx.access_list;
  return ApplyTx(state, tx.tx, verified, receipt);
}

}  // namespace theta::ledger
