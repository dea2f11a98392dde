// theta.GetBlock, GetBlockByHeight, GetBlocksByRange (Go's GetBlockResultInner) and the block
// header of a broadcast's answer.
#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {
namespace {

// The HCC of `block`: the QC its header carries for its parent, signers named by the validator
// set that certified it. Genesis has none.
Json BlockHcc(const Context& ctx, const BlockRecord& block) {
  const consensus::QuorumCert& qc = block.block.header.qc;
  // The committee of the certified block's epoch (its state before the epoch began).
  auto validators = ctx.chain->ValidatorSetAt(ctx.chain->CommitteeStateHeight(qc.height));
  return HccJson(qc, validators.ok() ? &*validators : nullptr);
}

absl::StatusOr<Json> BlockTxJson(const Context& ctx, const BlockRecord& block, size_t index,
                                 bool include_eth_tx_hash) {
  THETA_ASSIGN_OR_RETURN(TxView view, DecodeStoredTx(block.txs[index], ctx.chain->chain_id()));
  Json receipt;
  if (view.type == static_cast<int>(ledger::TxType::kSmartContract)) {
    auto stored = ctx.chain->Receipt(view.hash);
    if (stored.ok()) receipt = ReceiptJson(*stored);
  }
  Json tx = {{"raw", TxJson(view.tx)},
             {"type", view.type},
             {"hash", HexLower(view.hash.view())},
             {"receipt", receipt},
             {"balance_changes", nullptr}};
  // Go derives an Ethereum hash for every SmartContractTx; we know it for the ones that arrived in
  // Ethereum form (their hash is Ethereum's) and give the zero hash otherwise, as Go does on error.
  if (include_eth_tx_hash) {
    tx["eth_tx_hash"] = HexLower((view.from_ethereum ? view.hash : Hash32{}).view());
  }
  return tx;
}

absl::StatusOr<Json> BlockJson(const Context& ctx, const BlockRecord& block,
                               bool include_eth_tx_hashes) {
  Json txs = Json::array();
  for (size_t i = 0; i < block.txs.size(); ++i) {
    THETA_ASSIGN_OR_RETURN(Json tx, BlockTxJson(ctx, block, i, include_eth_tx_hashes));
    txs.push_back(std::move(tx));
  }
  Json children = Json::array();
  if (block.height < ctx.chain->Height()) {
    THETA_ASSIGN_OR_RETURN(BlockRecord child, ctx.chain->BlockAt(block.height + 1));
    children.push_back(HexLower(child.hash.view()));
  }
  return Json{{"chain_id", ctx.chain->chain_id()},
              {"epoch", Dec(block.epoch)},
              {"height", Dec(block.height)},
              {"parent", HexLower(block.parent.view())},
              {"transactions_hash", HexLower(TransactionsRoot(block.txs).view())},
              {"state_hash", HexLower(block.state_root.view())},
              {"timestamp", std::to_string(block.timestamp)},
              {"proposer", HexLower(block.proposer.view())},
              {"hcc", BlockHcc(ctx, block)},
              {"guardian_votes", nullptr},
              {"elite_edge_node_votes", nullptr},
              {"children", children},
              {"status", kBlockStatusDirectlyFinalized},
              {"hash", HexLower(block.hash.view())},
              {"transactions", txs}};
}

}  // namespace

Json HeaderJson(const Context& ctx, const BlockRecord& block) {
  return Json{{"ChainID", ctx.chain->chain_id()},
              {"Epoch", block.epoch},
              {"Height", block.height},
              {"Parent", HexLower(block.parent.view())},
              {"HCC", BlockHcc(ctx, block)},
              {"GuardianVotes", nullptr},
              {"EliteEdgeNodeVotes", nullptr},
              {"TxHash", HexLower(TransactionsRoot(block.txs).view())},
              {"StateHash", HexLower(block.state_root.view())},
              {"Timestamp", block.timestamp},
              {"Proposer", HexLower(block.proposer.view())},
              {"Signature", HexLower(block.block.signature)},
              {"hash", HexLower(block.hash.view())},
              {"height", Dec(block.height)}};
}

absl::StatusOr<Json> GetBlock(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  auto text = RequiredString(args, "hash");
  if (!text.ok() || text->empty())
    return absl::InvalidArgumentError("Block hash must be specified");
  THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHashParam(*text, "hash"));
  THETA_ASSIGN_OR_RETURN(bool eth_hashes, OptionalBool(args, "include_eth_tx_hashes"));
  auto block = ctx.chain->BlockByHash(hash);
  if (absl::IsNotFound(block.status())) {
    return ServerError(absl::StrCat("block ", HexLower(hash.view()), " is not found"));
  }
  if (!block.ok()) return block.status();
  return BlockJson(ctx, *block, eth_hashes);
}

// Go answers an empty result for a height with no finalized block; ours is null.
absl::StatusOr<Json> GetBlockByHeight(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(uint64_t height, RequiredHeight(args, "height"));
  THETA_ASSIGN_OR_RETURN(bool eth_hashes, OptionalBool(args, "include_eth_tx_hashes"));
  if (height > ctx.chain->Height()) return Json();
  THETA_ASSIGN_OR_RETURN(BlockRecord block, ctx.chain->BlockAt(height));
  return BlockJson(ctx, block, eth_hashes);
}

// Blocks start..end inclusive, oldest first; the part above the head is left out.
absl::StatusOr<Json> GetBlocksByRange(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(uint64_t start, RequiredHeight(args, "start"));
  THETA_ASSIGN_OR_RETURN(uint64_t end, RequiredHeight(args, "end"));
  THETA_ASSIGN_OR_RETURN(bool eth_hashes, OptionalBool(args, "include_eth_tx_hashes"));
  if (start > end) {
    return absl::InvalidArgumentError("Starting block must be less than ending block");
  }
  if (end - start >= ctx.options->max_block_range) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Can't retrieve more than ", ctx.options->max_block_range, " blocks at a time"));
  }
  Json blocks = Json::array();
  const uint64_t last = std::min(end, ctx.chain->Height());
  for (uint64_t height = start; height <= last; ++height) {
    THETA_ASSIGN_OR_RETURN(BlockRecord block, ctx.chain->BlockAt(height));
    THETA_ASSIGN_OR_RETURN(Json json, BlockJson(ctx, block, eth_hashes));
    blocks.push_back(std::move(json));
  }
  return blocks;
}

}  // namespace theta::node::theta_rpc
