// RegisterThetaRpc: binds each theta.* method to its handler (theta_rpc_methods.hpp).
#include "theta/node/theta_rpc.hpp"

#include <memory>
#include <utility>

#include "theta/core/status.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node {

absl::Status RegisterThetaRpc(net::RpcDispatcher& dispatcher, ChainService& chain,
                              ThetaRpcOptions options) {
  using Handler = absl::StatusOr<net::Json> (*)(const theta_rpc::Context&, const net::Json&);
  static constexpr std::pair<const char*, Handler> kMethods[] = {
      {"theta.GetVersion", &theta_rpc::GetVersion},
      {"theta.GetStatus", &theta_rpc::GetStatus},
      {"theta.GetPeers", &theta_rpc::GetPeers},
      {"theta.GetPeerURLs", &theta_rpc::GetPeerURLs},
      {"theta.GetGuardianInfo", &theta_rpc::GetGuardianInfo},
      {"theta.GetAccount", &theta_rpc::GetAccount},
      {"theta.GetCode", &theta_rpc::GetCode},
      {"theta.GetStorageAt", &theta_rpc::GetStorageAt},
      {"theta.GetSplitRule", &theta_rpc::GetSplitRule},
      {"theta.GetTransaction", &theta_rpc::GetTransaction},
      {"theta.GetPendingTransactions", &theta_rpc::GetPendingTransactions},
      {"theta.GetBlock", &theta_rpc::GetBlock},
      {"theta.GetBlockByHeight", &theta_rpc::GetBlockByHeight},
      {"theta.GetBlocksByRange", &theta_rpc::GetBlocksByRange},
      {"theta.GetVcpByHeight", &theta_rpc::GetVcpByHeight},
      {"theta.GetGcpByHeight", &theta_rpc::GetGcpByHeight},
      {"theta.GetEenpByHeight", &theta_rpc::GetEenpByHeight},
      {"theta.GetStakeRewardDistributionByHeight", &theta_rpc::GetStakeRewardDistributionByHeight},
      {"theta.CallSmartContract", &theta_rpc::CallSmartContract},
      {"theta.BroadcastRawTransaction", &theta_rpc::BroadcastRawTransaction},
      {"theta.BroadcastRawTransactionAsync", &theta_rpc::BroadcastRawTransactionAsync},
      {"theta.BroadcastRawEthTransaction", &theta_rpc::BroadcastRawEthTransaction},
      {"theta.BroadcastRawEthTransactionAsync", &theta_rpc::BroadcastRawEthTransactionAsync},
  };
  // One copy of the options and one set of broadcast waiters, shared by every handler and alive as
  // long as the dispatcher (or the chain's subscriber) keeps any.
  auto shared = std::make_shared<const ThetaRpcOptions>(std::move(options));
  auto waiters = std::make_shared<theta_rpc::BroadcastWaiters>();
  for (const auto& [name, handler] : kMethods) {
    THETA_RETURN_IF_ERROR(
        dispatcher.Register(name, [&chain, shared, waiters, handler = handler](
                                      const net::Json& params, const net::RpcContext&) {
          return handler(theta_rpc::Context{&chain, shared.get(), waiters.get()}, params);
        }));
  }
  chain.Subscribe([waiters](const CommitEvent& event) { waiters->OnCommit(*event.block); });
  return absl::OkStatus();
}

}  // namespace theta::node
