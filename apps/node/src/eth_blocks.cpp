// eth_blockNumber, eth_getBlockBy*, eth_getBlockTransactionCountBy*, eth_getBlockReceipts, the
// uncle methods (there are none), and the account reads
// (eth_getBalance, eth_getTransactionCount, eth_getCode, eth_getStorageAt).
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {
namespace {

// The block a param names, or nullopt when there is none (geth answers null then).
absl::StatusOr<std::optional<BlockRecord>> FindBlock(const ChainService& chain, const Json& param,
                                                     bool by_hash) {
  absl::StatusOr<BlockRecord> block;
  if (by_hash) {
    THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHash(param, "block hash"));
    block = chain.BlockByHash(hash);
  } else {
    if (param.is_null()) return absl::InvalidArgumentError("block: missing block number or tag");
    absl::StatusOr<uint64_t> height = ResolveBlock(chain, param, "block");
    if (absl::IsNotFound(height.status())) return std::nullopt;
    if (!height.ok()) return height.status();
    if (*height > chain.Height()) return std::nullopt;
    block = chain.BlockAt(*height);
  }
  if (absl::IsNotFound(block.status())) return std::nullopt;
  if (!block.ok()) return block.status();
  return std::move(*block);
}

absl::StatusOr<bool> ParseFullFlag(const Json& value) {
  if (value.is_null()) return false;
  if (!value.is_boolean())
    return absl::InvalidArgumentError(
        absl::StrCat("full transactions flag: expected true or false, got ", value.dump()));
  return value.get<bool>();
}

net::RpcHandler GetBlock(ChainService& chain, bool by_hash) {
  return [&chain, by_hash](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
    THETA_ASSIGN_OR_RETURN(Json which, Param(params, 0));
    THETA_ASSIGN_OR_RETURN(Json flag, Param(params, 1));
    THETA_ASSIGN_OR_RETURN(bool full, ParseFullFlag(flag));
    THETA_ASSIGN_OR_RETURN(std::optional<BlockRecord> block, FindBlock(chain, which, by_hash));
    if (!block) return Json();
    THETA_ASSIGN_OR_RETURN(std::vector<ledger::StoredReceipt> receipts,
                           BlockReceipts(chain, *block));
    return BlockJson(*block, receipts, full);
  };
}

net::RpcHandler GetTxCount(ChainService& chain, bool by_hash) {
  return [&chain, by_hash](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
    THETA_ASSIGN_OR_RETURN(Json which, Param(params, 0));
    THETA_ASSIGN_OR_RETURN(std::optional<BlockRecord> block, FindBlock(chain, which, by_hash));
    if (!block) return Json();
    return Quantity(uint64_t{block->txs.size()});
  };
}

net::RpcHandler GetTxByIndex(ChainService& chain, bool by_hash) {
  return [&chain, by_hash](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
    THETA_ASSIGN_OR_RETURN(Json which, Param(params, 0));
    THETA_ASSIGN_OR_RETURN(Json index_param, Param(params, 1));
    THETA_ASSIGN_OR_RETURN(uint64_t index, ParseU64(index_param, "transaction index"));
    THETA_ASSIGN_OR_RETURN(std::optional<BlockRecord> block, FindBlock(chain, which, by_hash));
    if (!block || index >= block->txs.size()) return Json();
    THETA_ASSIGN_OR_RETURN(TxView tx, ViewTx(block->txs[index]));
    return TxJson(tx, *block, static_cast<uint32_t>(index));
  };
}

// eth_getBlockReceipts (geth 1.13): every receipt of a block named by number, tag, hash or an
// EIP-1898 object, in order; null for an unknown block.
absl::StatusOr<Json> GetBlockReceipts(const ChainService& chain, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json which, Param(params, 0));
  const bool by_hash = which.is_string() && which.get_ref<const std::string&>().size() == 66;
  THETA_ASSIGN_OR_RETURN(std::optional<BlockRecord> block, FindBlock(chain, which, by_hash));
  if (!block) return Json();
  THETA_ASSIGN_OR_RETURN(std::vector<ledger::StoredReceipt> receipts, BlockReceipts(chain, *block));
  Json out = Json::array();
  for (uint32_t i = 0; i < block->txs.size(); ++i) {
    THETA_ASSIGN_OR_RETURN(TxView tx, ViewTx(block->txs[i]));
    out.push_back(ReceiptJson(tx, *block, receipts, i));
  }
  return out;
}

// Runs `read` on the account `params[0]` in the state of block `params[i_block]`; a missing
// account reads as the empty one.
template <typename Read>
absl::StatusOr<Json> ReadAccount(const ChainService& chain, const Json& params, size_t i_block,
                                 Read read) {
  THETA_ASSIGN_OR_RETURN(Json who, Param(params, 0));
  THETA_ASSIGN_OR_RETURN(Address address, ParseAddr(who, "address"));
  THETA_ASSIGN_OR_RETURN(Json which, Param(params, i_block));
  THETA_ASSIGN_OR_RETURN(uint64_t height, ResolveStateBlock(chain, which));
  Json result;
  THETA_RETURN_IF_ERROR(chain.WithState(height, [&](ledger::LedgerState& state) -> absl::Status {
    THETA_ASSIGN_OR_RETURN(std::optional<ledger::Account> found, state.GetAccount(address));
    ledger::Account account;
    account.address = address;
    if (found) account = std::move(*found);
    THETA_ASSIGN_OR_RETURN(result, read(state, account));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Hash32> ParseSlot(const Json& value) {
  if (!value.is_string())
    return absl::InvalidArgumentError(
        absl::StrCat("storage slot: expected a hex string, got ", value.dump()));
  // geth takes any hex of up to 32 bytes here, leading zeros included.
  absl::StatusOr<uint256> slot = uint256::FromHex(value.get<std::string>());
  if (!slot.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("storage slot: ", std::string(slot.status().message())));
  return slot->ToBigEndian();
}

absl::Status RegisterAccountReads(const Registrar& add, ChainService& chain) {
  THETA_ETH_ADD(add("eth_getBalance", [&chain](const Json& params, const net::RpcContext&) {
    return ReadAccount(chain, params, 1, [](ledger::LedgerState&, const ledger::Account& a) {
      return absl::StatusOr<Json>(Quantity(a.balance.tfuel_wei));
    });
  }));
  THETA_ETH_ADD(add("eth_getTransactionCount",
                    [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                      // An Ethereum nonce is the number of txs sent: Theta's sequence (the next tx
                      // carries + 1). "pending" also counts the sender's txs waiting in the mempool
                      // in an unbroken run, so that a wallet sending several txs before a block
                      // numbers them on.
                      THETA_ASSIGN_OR_RETURN(Json tag, Param(params, 1));
                      const bool pending = tag == "pending";
                      return ReadAccount(
                          chain, params, 1,
                          [&chain, pending](ledger::LedgerState&, const ledger::Account& a) {
                            const uint64_t sequence = pending ? chain.mempool().LastPendingSequence(
                                                                    a.address, a.sequence + 1)
                                                              : a.sequence;
                            return absl::StatusOr<Json>(Quantity(sequence));
                          });
                    }));
  THETA_ETH_ADD(add("eth_getCode", [&chain](const Json& params, const net::RpcContext&) {
    return ReadAccount(
        chain, params, 1,
        [](ledger::LedgerState& state, const ledger::Account& a) -> absl::StatusOr<Json> {
          THETA_ASSIGN_OR_RETURN(Bytes code, state.GetCode(a.code_hash));
          return Data(code);
        });
  }));
  return add(
      "eth_getStorageAt",
      [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
        THETA_ASSIGN_OR_RETURN(Json slot_param, Param(params, 1));
        THETA_ASSIGN_OR_RETURN(Hash32 slot, ParseSlot(slot_param));
        return ReadAccount(
            chain, params, 2,
            [&slot](ledger::LedgerState& state, const ledger::Account& a) -> absl::StatusOr<Json> {
              THETA_ASSIGN_OR_RETURN(uint256 value, state.GetStorage(a, slot));
              return HashHex(value.ToBigEndian());
            });
      });
}

}  // namespace

absl::Status RegisterBlocks(const Registrar& add, ChainService& chain) {
  THETA_RETURN_IF_ERROR(
      add("eth_blockNumber", [&chain](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> {
        return Quantity(chain.Height());
      }));
  THETA_ETH_ADD(add("eth_getBlockByNumber", GetBlock(chain, false)));
  THETA_ETH_ADD(add("eth_getBlockByHash", GetBlock(chain, true)));
  THETA_ETH_ADD(add("eth_getBlockTransactionCountByNumber", GetTxCount(chain, false)));
  THETA_ETH_ADD(add("eth_getBlockTransactionCountByHash", GetTxCount(chain, true)));
  THETA_ETH_ADD(add("eth_getTransactionByBlockNumberAndIndex", GetTxByIndex(chain, false)));
  THETA_ETH_ADD(add("eth_getTransactionByBlockHashAndIndex", GetTxByIndex(chain, true)));
  THETA_ETH_ADD(add("eth_getBlockReceipts",
                    [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                      return GetBlockReceipts(chain, params);
                    }));
  // BFT blocks have no uncles: counts are 0 and uncles are null, as geth answers for a block
  // without them.
  for (const char* count : {"eth_getUncleCountByBlockNumber", "eth_getUncleCountByBlockHash"})
    THETA_ETH_ADD(add(
        count, [](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> { return "0x0"; }));
  for (const char* uncle : {"eth_getUncleByBlockNumberAndIndex", "eth_getUncleByBlockHashAndIndex"})
    THETA_ETH_ADD(add(
        uncle, [](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> { return Json(); }));
  return RegisterAccountReads(add, chain);
}

}  // namespace theta::node::eth
