// RegisterNodeRpc (rpc.hpp): wires the native and Ethereum method sets to the node.
#include "theta/node/rpc.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::node {

absl::StatusOr<NodeRpc> RegisterNodeRpc(net::RpcDispatcher& theta_rpc, net::RpcDispatcher& eth_rpc,
                                        ChainService& chain, const RpcHooks& hooks) {
  ThetaRpcOptions theta;
  theta.version = THETA_NODE_VERSION;
  theta.node_status = [hooks] {
    const NodeStatus s = hooks.status();
    ThetaNodeStatus out;
    if (s.role != Role::kFull) out.address = s.address;
    out.peer_id = hooks.peer_id;
    out.syncing = s.syncing;
    if (s.role == Role::kValidator) out.current_epoch = s.consensus_round;
    return out;
  };
  theta.finalized_checkpoint = [hooks]() -> std::optional<FinalizedCheckpoint> {
    const NodeStatus s = hooks.status();
    if (s.finalized_height == 0) return std::nullopt;
    return FinalizedCheckpoint{s.finalized_height, s.finalized_hash};
  };
  theta.peers = [hooks](bool) {
    std::vector<std::string> ids;
    for (const net::PeerInfo& peer : hooks.peers())
      ids.push_back(ToHex(peer.id.view()));
    return ids;
  };
  theta.peer_urls = [hooks](bool) {
    std::vector<std::string> urls;
    for (const net::PeerInfo& peer : hooks.peers())
      if (peer.listen_port != 0) urls.push_back(absl::StrCat(peer.address, ":", peer.listen_port));
    return urls;
  };
  if (hooks.guardian) theta.guardian_info = [info = *hooks.guardian] { return info; };
  THETA_RETURN_IF_ERROR(RegisterThetaRpc(theta_rpc, chain, theta));

  EthRpcOptions eth = hooks.eth;
  eth.client_version = std::string("theta-cpp/") + THETA_NODE_VERSION;
  eth.peer_count = [hooks] { return hooks.status().peers; };
  eth.syncing = [hooks] { return hooks.status().syncing; };
  NodeRpc rpc;
  THETA_ASSIGN_OR_RETURN(rpc.eth, RegisterEthRpc(eth_rpc, chain, eth));
  return rpc;
}

}  // namespace theta::node
