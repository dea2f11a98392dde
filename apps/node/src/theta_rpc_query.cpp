// theta.GetAccount, GetSplitRule, GetTransaction, GetPendingTransactions.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {
namespace {

// WithState's NotFound (above the head, or a pruned root) as Go words it.
absl::Status StateUnavailable(const absl::Status& status, std::optional<uint64_t> height,
                              const ChainService& chain) {
  if (!absl::IsNotFound(status)) return status;
  if (height && *height > chain.Height()) {
    return ServerError(
        absl::StrCat("no block at height ", *height, " yet (the head is ", chain.Height(), ")"));
  }
  return ServerError(absl::StrCat("the account details for height ", height.value_or(0),
                                  " is not available, it might have been pruned"));
}

Json TxStatusJson(std::string_view status, const Hash32& hash) {
  return Json{{"block_hash", HexLower(Hash32{}.view())},
              {"block_height", "0"},
              {"status", status},
              {"hash", HexLower(hash.view())},
              {"type", 0},
              {"transaction", nullptr},
              {"receipt", nullptr},
              {"blance_changes", nullptr}};
}

}  // namespace

absl::StatusOr<Json> GetAccount(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto text = RequiredString(args, "address");
  if (!text.ok()) return absl::InvalidArgumentError("Address must be specified");
  THETA_ASSIGN_OR_RETURN(Address address, ParseAddressParam(*text));
  THETA_ASSIGN_OR_RETURN(std::optional<uint64_t> height, OptionalHeight(args, "height"));
  THETA_RETURN_IF_ERROR(OptionalBool(args, "preview").status());  // accepted, like Go's
  if (height == 0) height.reset();                                // Go: 0 means the latest

  std::optional<ledger::Account> account;
  absl::Status read = ctx.chain->WithState(height, [&](ledger::LedgerState& state) {
    THETA_ASSIGN_OR_RETURN(account, state.GetAccount(address));
    return absl::OkStatus();
  });
  if (!read.ok()) return StateUnavailable(read, height, *ctx.chain);
  if (!account) {
    return ServerError(
        absl::StrCat("Account with address ", ToChecksumHex(address), " is not found"));
  }
  Json result = AccountJson(*account);
  result["address"] = *text;  // Go echoes the text it was given
  return result;
}

// Go prints code and slot values as hex without "0x"; an account without code has "".
absl::StatusOr<Json> GetCode(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto text = RequiredString(args, "address");
  if (!text.ok()) return absl::InvalidArgumentError("address must be specified");
  THETA_ASSIGN_OR_RETURN(Address address, ParseAddressParam(*text));
  THETA_ASSIGN_OR_RETURN(std::optional<uint64_t> height, OptionalHeight(args, "height"));
  if (height == 0) height.reset();
  Bytes code;
  absl::Status read = ctx.chain->WithState(height, [&](ledger::LedgerState& state) {
    THETA_ASSIGN_OR_RETURN(std::optional<ledger::Account> account, state.GetAccount(address));
    if (!account) return absl::OkStatus();
    THETA_ASSIGN_OR_RETURN(code, state.GetCode(account->code_hash));
    return absl::OkStatus();
  });
  if (!read.ok()) return StateUnavailable(read, height, *ctx.chain);
  return Json{{"address", *text}, {"code", ToHex(code, false)}};
}

// Go's parameter is spelled "storage_positon"; "storage_position" is taken too.
absl::StatusOr<Json> GetStorageAt(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto text = RequiredString(args, "address");
  const char* slot_name =
      args.contains("storage_position") ? "storage_position" : "storage_positon";
  auto slot_text = RequiredString(args, slot_name);
  if (!text.ok() || !slot_text.ok()) {
    return absl::InvalidArgumentError("address and storage_position must be specified");
  }
  THETA_ASSIGN_OR_RETURN(Address address, ParseAddressParam(*text));
  THETA_ASSIGN_OR_RETURN(Bytes position, ParseLooseHex(*slot_text, slot_name));
  if (position.size() > 32) {
    return absl::InvalidArgumentError("parameter \"storage_position\" has more than 32 bytes");
  }
  Hash32 slot;  // left-padded, as Go's HexToHash
  std::copy(position.begin(), position.end(), slot.bytes.end() - position.size());
  THETA_ASSIGN_OR_RETURN(std::optional<uint64_t> height, OptionalHeight(args, "height"));
  if (height == 0) height.reset();
  uint256 value;
  absl::Status read = ctx.chain->WithState(height, [&](ledger::LedgerState& state) {
    THETA_ASSIGN_OR_RETURN(std::optional<ledger::Account> account, state.GetAccount(address));
    if (!account) return absl::OkStatus();
    THETA_ASSIGN_OR_RETURN(value, state.GetStorage(*account, slot));
    return absl::OkStatus();
  });
  if (!read.ok()) return StateUnavailable(read, height, *ctx.chain);
  return Json{{"value", ToHex(value.ToBigEndian().view(), false)}};
}

absl::StatusOr<Json> GetSplitRule(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto resource_id = RequiredString(args, "resource_id");
  if (!resource_id.ok() || resource_id->empty()) {
    return absl::InvalidArgumentError("ResourceID must be specified");
  }
  std::optional<ledger::SplitRule> rule;
  absl::Status read = ctx.chain->WithState(std::nullopt, [&](ledger::LedgerState& state) {
    THETA_ASSIGN_OR_RETURN(rule, state.GetSplitRule(*resource_id));
    return absl::OkStatus();
  });
  THETA_RETURN_IF_ERROR(read);
  if (!rule) return Json();
  return SplitRuleJson(*rule);
}

// A committed tx is found through its receipt (indexed under both its Theta and Ethereum hashes);
// one that is not committed may still be waiting in the mempool.
absl::StatusOr<Json> GetTransaction(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto text = RequiredString(args, "hash");
  if (!text.ok() || text->empty()) {
    return absl::InvalidArgumentError("Transanction hash must be specified");  // Go's spelling
  }
  THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHashParam(*text, "hash"));
  ChainService& chain = *ctx.chain;
  auto receipt = chain.Receipt(hash);
  if (!receipt.ok()) {
    if (!absl::IsNotFound(receipt.status())) return receipt.status();
    return TxStatusJson(chain.mempool().Contains(hash) ? "pending" : "not_found", hash);
  }
  THETA_ASSIGN_OR_RETURN(BlockRecord block, chain.BlockAt(receipt->height));
  if (receipt->index >= block.txs.size()) {
    return absl::DataLossError(absl::StrCat("receipt of ", HexLower(hash.view()), " names tx ",
                                            receipt->index, " of block ", block.height,
                                            ", which has ", block.txs.size()));
  }
  THETA_ASSIGN_OR_RETURN(TxView view, DecodeStoredTx(block.txs[receipt->index], chain.chain_id()));
  const bool contract = view.type == static_cast<int>(ledger::TxType::kSmartContract);
  return Json{{"block_hash", HexLower(block.hash.view())},
              {"block_height", Dec(block.height)},
              {"status", "finalized"},
              {"hash", HexLower(view.hash.view())},
              {"type", view.type},
              {"transaction", TxJson(view.tx)},
              {"receipt", contract ? ReceiptJson(*receipt) : Json()},
              {"blance_changes", nullptr}};
}

absl::StatusOr<Json> GetPendingTransactions(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(ParamsObject(params).status());
  Json hashes = Json::array();
  for (const Bytes& raw : ctx.chain->PendingTxs(ctx.options->max_pending_listed)) {
    hashes.push_back(HexLower(ledger::TxHash(raw).view()));
  }
  return Json{{"tx_hashes", hashes}};
}

}  // namespace theta::node::theta_rpc
