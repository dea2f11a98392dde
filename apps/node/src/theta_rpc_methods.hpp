// The theta.* handlers, one function per method (registered by RegisterThetaRpc). Each takes the
// request's params (any JSON) and returns the result or a status that net::RpcDispatcher maps to a
// JSON-RPC error (theta_rpc.hpp describes the codes).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "theta/node/chain_service.hpp"
#include "theta/node/theta_rpc.hpp"
#include "theta_rpc_json.hpp"

namespace theta::node::theta_rpc {

// The broadcasts waiting for their tx to be committed, woken by one chain subscriber, so that a
// block costs one lookup per tx however many callers wait. Thread-safe.
class BroadcastWaiters {
 public:
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<BlockRecord> block;
  };
  // Starts waiting for `hash` (before the tx is submitted, so that its block cannot be missed).
  std::shared_ptr<Waiter> Add(const Hash32& hash);
  void Remove(const Hash32& hash, const std::shared_ptr<Waiter>& waiter);
  // Hands `block` to the waiters of its txs (the chain's commit subscriber).
  void OnCommit(const BlockRecord& block);

 private:
  std::mutex mu_;
  std::unordered_multimap<Hash32, std::shared_ptr<Waiter>> waiting_;
};

struct Context {
  ChainService* chain = nullptr;
  const ThetaRpcOptions* options = nullptr;
  BroadcastWaiters* waiters = nullptr;
};

// theta_rpc_node.cpp
absl::StatusOr<Json> GetVersion(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetStatus(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetPeers(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetPeerURLs(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetGuardianInfo(const Context& ctx, const Json& params);

// theta_rpc_query.cpp
absl::StatusOr<Json> GetAccount(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetCode(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetStorageAt(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetSplitRule(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetTransaction(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetPendingTransactions(const Context& ctx, const Json& params);

// theta_rpc_blocks.cpp
absl::StatusOr<Json> GetBlock(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetBlockByHeight(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetBlocksByRange(const Context& ctx, const Json& params);
// The broadcast result's "block": Go's BlockHeader JSON (capitalized field names) plus "hash" and
// "height" (a decimal string) for clients that read those.
Json HeaderJson(const Context& ctx, const BlockRecord& block);

// theta_rpc_stake.cpp
absl::StatusOr<Json> GetVcpByHeight(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetGcpByHeight(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetEenpByHeight(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetStakeRewardDistributionByHeight(const Context& ctx, const Json& params);

// theta_rpc_call.cpp
absl::StatusOr<Json> CallSmartContract(const Context& ctx, const Json& params);

// theta_rpc_broadcast.cpp
absl::StatusOr<Json> BroadcastRawTransaction(const Context& ctx, const Json& params);
absl::StatusOr<Json> BroadcastRawTransactionAsync(const Context& ctx, const Json& params);
absl::StatusOr<Json> BroadcastRawEthTransaction(const Context& ctx, const Json& params);
absl::StatusOr<Json> BroadcastRawEthTransactionAsync(const Context& ctx, const Json& params);

}  // namespace theta::node::theta_rpc
