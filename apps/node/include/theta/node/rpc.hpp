// The node's RPC surface: what the native (theta.*) and Ethereum (eth_*) dispatchers need from the
// running node beyond the chain, and the one call that registers every method.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "theta/core/log.hpp"
#include "theta/net/host.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/node.hpp"

namespace theta::node {

struct RpcHooks {
  std::function<NodeStatus()> status;
  std::function<std::vector<net::PeerInfo>()> peers;
  Logger logger;
};

// Registers the native methods on `theta_rpc` and the Ethereum ones on `eth_rpc`.
absl::Status RegisterNodeRpc(net::RpcDispatcher& theta_rpc, net::RpcDispatcher& eth_rpc,
                             ChainService& chain, const RpcHooks& hooks);

}  // namespace theta::node
