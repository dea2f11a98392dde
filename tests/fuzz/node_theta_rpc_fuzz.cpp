// Fuzzes the theta.* RPC handlers with arbitrary parameters on a real ChainService (in-memory
// store, a genesis with one funded account and one validator). The first byte picks the method; the
// rest is the params value when it parses as JSON, otherwise it is offered as the text of every
// named parameter the methods read. Properties: no crash or throw, and every answer is one
// JSON-RPC 2.0 response object with exactly one of "result" and "error" (an integer code, a string
// message).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "theta/core/kv_store.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/theta_rpc.hpp"

namespace {

using theta::net::Json;

constexpr const char* kMethods[] = {"theta.GetVersion",
                                    "theta.GetStatus",
                                    "theta.GetAccount",
                                    "theta.GetSplitRule",
                                    "theta.CallSmartContract",
                                    "theta.GetCode",
                                    "theta.GetStorageAt",
                                    "theta.GetTransaction",
                                    "theta.GetPendingTransactions",
                                    "theta.GetBlock",
                                    "theta.GetBlockByHeight",
                                    "theta.GetBlocksByRange",
                                    "theta.GetVcpByHeight",
                                    "theta.GetGcpByHeight",
                                    "theta.GetEenpByHeight",
                                    "theta.GetPeers",
                                    "theta.GetGuardianInfo",
                                    "theta.GetStakeRewardDistributionByHeight",
                                    "theta.BroadcastRawTransactionAsync",
                                    "theta.BroadcastRawTransaction",
                                    "theta.BroadcastRawEthTransactionAsync",
                                    "theta.BroadcastRawEthTransaction",
                                    "theta.GetPeerURLs"};

struct Node {
  std::unique_ptr<theta::KvStore> store;
  std::unique_ptr<theta::node::ChainService> chain;
  theta::net::RpcDispatcher dispatcher;
};

Node& TheNode() {
  static Node* node = [] {
    auto* n = new Node;
    n->store = theta::NewMemoryStore();
    theta::ledger::Genesis genesis;
    genesis.chain_id = "privatenet";
    theta::ledger::Account account;
    account.address = *theta::Address::FromHex("0x1111111111111111111111111111111111111111");
    account.balance = {theta::uint256(1'000'000), theta::uint256(1'000'000)};
    genesis.accounts.push_back(account);
    genesis.validators.push_back(theta::ledger::GenesisStake{
        *theta::Address::FromHex("0x2222222222222222222222222222222222222222"),
        account.address,
        theta::uint256(1'000'000),
        {}});
    auto chain = theta::node::ChainService::Open(*n->store, genesis);
    if (!chain.ok()) std::abort();
    n->chain = *std::move(chain);
    theta::node::ThetaRpcOptions options;
    options.broadcast_timeout = std::chrono::milliseconds(0);  // nothing commits here
    if (!theta::node::RegisterThetaRpc(n->dispatcher, *n->chain, options).ok()) std::abort();
    return n;
  }();
  return *node;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Node& node = TheNode();
  const char* method = kMethods[data[0] % std::size(kMethods)];
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  Json params = Json::parse(rest, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded()) {
    params = Json::object();
    for (const char* name : {"address", "height", "hash", "tx_bytes", "resource_id", "start", "end",
                             "sctx_bytes", "storage_positon"}) {
      params[name] = rest;
    }
  }
  const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
  auto text = node.dispatcher.Handle(request.dump(-1, ' ', false, Json::error_handler_t::replace),
                                     theta::net::RpcContext{});
  if (!text) std::abort();
  const Json response = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!response.is_object() || response.value("jsonrpc", "") != "2.0") std::abort();
  if (response.contains("result") == response.contains("error")) std::abort();
  if (response.contains("error")) {
    const Json& error = response["error"];
    if (!error.is_object() || !error["code"].is_number_integer() || !error["message"].is_string()) {
      std::abort();
    }
  }
  return 0;
}
