// theta.GetVersion, GetStatus, GetPeers, GetPeerURLs, GetGuardianInfo: what the node knows about
// itself, from the ThetaRpcOptions hooks and the chain's head.
#include <algorithm>
#include <chrono>
#include <random>

#include "theta/core/status.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {
namespace {

int64_t NowSeconds(const ThetaRpcOptions& options) {
  if (options.now_seconds) return options.now_seconds();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

absl::StatusOr<Json> GetVersion(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(ParamsObject(params).status());
  return Json{{"version", ctx.options->version},
              {"git_hash", ctx.options->git_hash},
              {"timestamp", ctx.options->build_timestamp}};
}

// Every committed block is final (the 2-chain BFT commit rule), so the latest finalized block is
// the head. Guardian checkpoints, a second finality layer, are reported beside it.
absl::StatusOr<Json> GetStatus(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(ParamsObject(params).status());
  const ChainService& chain = *ctx.chain;
  const uint64_t height = chain.Height();
  THETA_ASSIGN_OR_RETURN(BlockRecord head, chain.BlockAt(height));
  ThetaNodeStatus node;
  if (ctx.options->node_status) node = ctx.options->node_status();
  const std::string genesis = HexLower(chain.genesis_hash().view());
  Json status = {{"address", node.address ? ToChecksumHex(*node.address) : std::string()},
                 {"chain_id", chain.chain_id()},
                 {"peer_id", node.peer_id},
                 {"latest_finalized_block_hash", HexLower(head.hash.view())},
                 {"latest_finalized_block_height", Dec(head.height)},
                 {"latest_finalized_block_time", std::to_string(head.timestamp)},
                 {"latest_finalized_block_epoch", Dec(head.epoch)},
                 {"current_epoch", Dec(node.current_epoch.value_or(head.round))},
                 {"current_height", Dec(head.height)},
                 {"current_time", std::to_string(NowSeconds(*ctx.options))},
                 {"syncing", node.syncing},
                 {"genesis_block_hash", genesis},
                 {"snapshot_block_height", "0"},
                 {"snapshot_block_hash", genesis}};
  if (ctx.options->finalized_checkpoint) {
    if (auto checkpoint = ctx.options->finalized_checkpoint()) {
      status["latest_finalized_checkpoint_height"] = Dec(checkpoint->height);
      status["latest_finalized_checkpoint_hash"] = HexLower(checkpoint->hash.view());
    }
  }
  return status;
}

absl::StatusOr<Json> GetPeers(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(bool skip_edge_nodes, OptionalBool(args, "skip_edge_node"));
  std::vector<std::string> peers;
  if (ctx.options->peers) peers = ctx.options->peers(skip_edge_nodes);
  return Json{{"peers", peers}};
}

// Go shuffles the list and sends at most 256, so that a crawler asking many nodes spreads out.
absl::StatusOr<Json> GetPeerURLs(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(bool skip_edge_nodes, OptionalBool(args, "skip_edge_node"));
  std::vector<std::string> urls;
  if (ctx.options->peer_urls) urls = ctx.options->peer_urls(skip_edge_nodes);
  std::shuffle(urls.begin(), urls.end(), std::mt19937_64{std::random_device{}()});
  if (urls.size() > 256) urls.resize(256);
  return Json{{"peer_urls", urls}};
}

// Go prints this summary's byte fields as hex without "0x" and the address in EIP-55 form.
absl::StatusOr<Json> GetGuardianInfo(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(ParamsObject(params).status());
  std::optional<GuardianInfo> info;
  if (ctx.options->guardian_info) info = ctx.options->guardian_info();
  if (!info) return ServerError("this node is not a guardian: it has no BLS key");
  return Json{{"BLSPubkey", ToHex(info->bls_pubkey, false)},
              {"BLSPop", ToHex(info->bls_pop, false)},
              {"Address", ToChecksumHex(info->address)},
              {"Signature", ToHex(info->signature, false)}};
}

}  // namespace theta::node::theta_rpc
