// The theta.* handlers, one function per method (registered by RegisterThetaRpc). Each takes the
// request's params (any JSON) and returns the result or a status that net::RpcDispatcher maps to a
// JSON-RPC error (theta_rpc.hpp describes the codes).
#pragma once

#include "absl/status/statusor.h"
#include "theta/node/chain_service.hpp"
#include "theta/node/theta_rpc.hpp"
#include "theta_rpc_json.hpp"

namespace theta::node::theta_rpc {

struct Context {
  ChainService* chain = nullptr;
  const ThetaRpcOptions* options = nullptr;
};

// theta_rpc_node.cpp
absl::StatusOr<Json> GetVersion(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetStatus(const Context& ctx, const Json& params);
absl::StatusOr<Json> GetPeers(const Context& ctx, const Json& params);
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

// theta_rpc_broadcast.cpp
absl::StatusOr<Json> BroadcastRawTransaction(const Context& ctx, const Json& params);
absl::StatusOr<Json> BroadcastRawTransactionAsync(const Context& ctx, const Json& params);

}  // namespace theta::node::theta_rpc
