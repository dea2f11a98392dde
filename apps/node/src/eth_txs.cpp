// eth_sendRawTransaction, eth_getTransactionByHash, eth_getTransactionReceipt.
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {
namespace {

// How many pending txs eth_getTransactionByHash looks through for one not committed yet.
constexpr size_t kPendingScan = 25'600;

// The mempool's refusal as geth words the common ones, so that clients (ethers) classify them.
absl::Status SubmitError(const absl::Status& status) {
  const std::string why(status.message());
  if (absl::IsAlreadyExists(status))
    return net::RpcErrorStatus(kEthServerError, absl::StrCat("already known (", why, ")"));
  if (absl::IsResourceExhausted(status))
    return net::RpcErrorStatus(kEthServerError, absl::StrCat("txpool is full (", why, ")"));
  if (absl::IsFailedPrecondition(status))
    return net::RpcErrorStatus(kEthServerError,
                               absl::StrCat("replacement transaction underpriced (", why, ")"));
  return net::RpcErrorStatus(kEthServerError, why);
}

struct Committed {
  BlockRecord block;
  std::vector<ledger::StoredReceipt> receipts;
  uint32_t index = 0;
  TxView tx;
};

// The committed tx `hash`, or nullopt when the chain has none.
absl::StatusOr<std::optional<Committed>> FindCommitted(const ChainService& chain,
                                                       const Hash32& hash, bool with_receipts) {
  absl::StatusOr<ledger::StoredReceipt> receipt = chain.Receipt(hash);
  if (absl::IsNotFound(receipt.status())) return std::nullopt;
  if (!receipt.ok()) return receipt.status();
  Committed found;
  absl::StatusOr<BlockRecord> block = chain.BlockAt(receipt->height);
  // The receipt can be written a moment before the node's record of its block.
  if (absl::IsNotFound(block.status())) return std::nullopt;
  if (!block.ok()) return block.status();
  found.block = std::move(*block);
  found.index = receipt->index;
  if (found.index >= found.block.txs.size())
    return absl::DataLossError(absl::StrCat("tx ", HashHex(hash), " is indexed at ", found.index,
                                            " of block ", found.block.height, " which has ",
                                            found.block.txs.size()));
  THETA_ASSIGN_OR_RETURN(found.tx, ViewTx(found.block.txs[found.index]));
  if (with_receipts) {
    THETA_ASSIGN_OR_RETURN(found.receipts, BlockReceipts(chain, found.block));
  }
  return found;
}

absl::StatusOr<Json> PendingTx(const ChainService& chain, const Hash32& hash) {
  for (const Bytes& raw : chain.PendingTxs(kPendingScan)) {
    if (Keccak256(raw) != hash) continue;
    THETA_ASSIGN_OR_RETURN(TxView tx, ViewTx(raw));
    BlockRecord none;
    Json out = TxJson(tx, none, 0);
    out["blockHash"] = nullptr;
    out["blockNumber"] = nullptr;
    out["transactionIndex"] = nullptr;
    return out;
  }
  return Json();
}

}  // namespace

absl::Status RegisterTxs(const Registrar& add, ChainService& chain) {
  THETA_ETH_ADD(add("eth_sendRawTransaction",
                    [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                      THETA_ASSIGN_OR_RETURN(Json param, Param(params, 0));
                      THETA_ASSIGN_OR_RETURN(Bytes raw, ParseData(param, "raw transaction"));
                      if (raw.empty()) return absl::InvalidArgumentError("raw transaction: empty");
                      absl::StatusOr<Hash32> hash = chain.Submit(raw);
                      if (!hash.ok()) return SubmitError(hash.status());
                      return HashHex(*hash);
                    }));
  THETA_ETH_ADD(add("eth_getTransactionByHash",
                    [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                      THETA_ASSIGN_OR_RETURN(Json param, Param(params, 0));
                      THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHash(param, "transaction hash"));
                      THETA_ASSIGN_OR_RETURN(std::optional<Committed> found,
                                             FindCommitted(chain, hash, false));
                      if (!found) return PendingTx(chain, hash);
                      return TxJson(found->tx, found->block, found->index);
                    }));
  return add("eth_getTransactionReceipt",
             [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
               THETA_ASSIGN_OR_RETURN(Json param, Param(params, 0));
               THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHash(param, "transaction hash"));
               THETA_ASSIGN_OR_RETURN(std::optional<Committed> found,
                                      FindCommitted(chain, hash, true));
               if (!found) return Json();
               return ReceiptJson(found->tx, found->block, found->receipts, found->index);
             });
}

}  // namespace theta::node::eth
