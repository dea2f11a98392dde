// The node's RPC surface: what the native (theta.*) and Ethereum (eth_*) dispatchers need from the
// running node beyond the chain, and the one call that registers every method on both.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/log.hpp"
#include "theta/net/host.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/eth_rpc.hpp"
#include "theta/node/node.hpp"
#include "theta/node/theta_rpc.hpp"

namespace theta::node {

// Hooks into the running node; all must be thread-safe (RPC threads call them concurrently).
struct RpcHooks {
  std::function<NodeStatus()> status;
  std::function<std::vector<net::PeerInfo>()> peers;
  std::string peer_id;                   // this node's p2p identity, hex
  std::optional<GuardianInfo> guardian;  // set on guardian nodes
  // The Ethereum RPC's limits (its version, peer count and syncing hooks are filled in here).
  EthRpcOptions eth;
};

// What must stay alive while the dispatchers serve (the Ethereum subscriptions).
struct NodeRpc {
  std::unique_ptr<EthRpc> eth;
};

// Registers the native methods on `theta_rpc` and the Ethereum ones on `eth_rpc`.
absl::StatusOr<NodeRpc> RegisterNodeRpc(net::RpcDispatcher& theta_rpc, net::RpcDispatcher& eth_rpc,
                                        ChainService& chain, const RpcHooks& hooks);

}  // namespace theta::node
