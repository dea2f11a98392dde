// The Ethereum JSON-RPC of theta-node (docs/node.md "Ethereum RPC"): what ethers, MetaMask and
// Hardhat speak, served from the node's own ChainService instead of Theta's separate adaptor
// process (brief §5.1), so that it also has what the adaptor lacks: typed (EIP-1559) txs,
// eth_feeHistory, eth_maxPriorityFeePerGas, eth_subscribe (newHeads, logs,
// newPendingTransactions) and polled filters (eth_newFilter, eth_newBlockFilter,
// eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter).
//
// Results follow geth's encodings: quantities are "0x" hex without leading zeros, data is even-
// length hex, block tags are latest/earliest/pending/safe/finalized or a hex number. Every block
// committed is final (BFT, 2-chain rule), so safe and finalized are the head and pending is the
// head too (the mempool is not a block). Errors: -32602 with a message naming the parameter and
// the rule for bad params, -32000 for a failed execution or a refused tx, and a revert as geth
// gives it (code 3, "execution reverted[: reason]", data = the revert bytes in hex).
//
// Thread-safety: the handlers may run concurrently; subscriptions are notified on the thread that
// commits a block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node {

struct EthRpcOptions {
  std::string client_version = "theta-cpp/0.1.0";
  // The number of connected peers for net_peerCount; null: 0.
  std::function<size_t()> peer_count;
  // Whether the node is catching up (eth_syncing answers false when null or false).
  std::function<bool()> syncing;
  // eth_getLogs refuses ranges of more blocks than this, and results of more logs than this.
  uint64_t max_log_blocks = 10'000;
  size_t max_logs = 10'000;
  // Subscriptions per WebSocket connection.
  size_t max_subscriptions_per_client = 64;
  // Polled filters (eth_newFilter, eth_newBlockFilter) of all clients together, and how long one
  // lives without a poll (geth's 5 minutes). A poll reads at most max_log_blocks blocks.
  size_t max_filters = 10'000;
  std::chrono::milliseconds filter_timeout{std::chrono::minutes(5)};
};

class EthSubscriptions;
class EthFilters;

// The Ethereum RPC registered on a dispatcher. Keep it alive while the dispatcher serves: the
// handlers share its state, and its destructor ends every subscription (unsubscribes from the
// chain).
class EthRpc {
 public:
  ~EthRpc();
  EthRpc(const EthRpc&) = delete;
  EthRpc& operator=(const EthRpc&) = delete;

  // Live subscriptions and installed filters (all clients), for metrics and tests.
  size_t SubscriptionCount() const;
  size_t FilterCount() const;

 private:
  friend absl::StatusOr<std::unique_ptr<EthRpc>> RegisterEthRpc(net::RpcDispatcher&, ChainService&,
                                                                EthRpcOptions);
  EthRpc() = default;
  ChainService* chain_ = nullptr;
  uint64_t subscriber_id_ = 0;
  uint64_t tx_subscriber_id_ = 0;
  std::shared_ptr<EthSubscriptions> subscriptions_;
  std::shared_ptr<EthFilters> filters_;
};

// Registers every eth_/net_/web3_ method on `dispatcher` (`chain` must outlive the returned
// object). AlreadyExists when one of the names is registered already.
absl::StatusOr<std::unique_ptr<EthRpc>> RegisterEthRpc(net::RpcDispatcher& dispatcher,
                                                       ChainService& chain,
                                                       EthRpcOptions options = {});

}  // namespace theta::node
