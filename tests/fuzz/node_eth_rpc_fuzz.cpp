// Fuzzes the Ethereum RPC's handling of params (apps/node/src/eth_*.cpp): the input, when it is
// JSON, is the params of every eth_/net_ method in turn, over HTTP and over a WebSocket context,
// against a real ChainService on a memory store. Properties: nothing crashes or throws out of the
// dispatcher, and every answer is a JSON-RPC response with a result or an error object whose code
// is one the Ethereum RPC uses (never -32603, which would mean a handler threw or a store failed).
// A filter that the params install is polled, read and uninstalled with its id.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include "theta/core/kv_store.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/eth_rpc.hpp"

namespace {

using theta::net::Json;

class DiscardNotifier final : public theta::net::RpcNotifier {
 public:
  bool Notify(const Json&) override { return true; }
  bool closed() const override { return false; }
};

struct World {
  std::unique_ptr<theta::KvStore> store = theta::NewMemoryStore();
  std::unique_ptr<theta::node::ChainService> chain;
  theta::net::RpcDispatcher dispatcher;
  std::unique_ptr<theta::node::EthRpc> rpc;
};

theta::Address AddressOfSeed(uint8_t tag) {
  theta::Bytes seed(32, tag);
  return theta::AddressFromPublicKey(theta::PrivateKey::FromBytes(seed)->DerivePublicKey());
}

World& TheWorld() {
  static World* world = [] {
    auto* w = new World();
    theta::ledger::Genesis genesis;
    genesis.chain_id = "privatenet";
    theta::ledger::Account account;
    account.address = AddressOfSeed(0x11);
    account.balance = {theta::uint256(1'000'000'000'000'000'000ULL),
                       theta::uint256(1'000'000'000'000'000'000ULL)};
    genesis.accounts.push_back(account);
    genesis.validators.push_back({AddressOfSeed(0x22),
                                  AddressOfSeed(0x33),
                                  theta::uint256(1'000'000'000'000'000'000ULL),
                                  {}});
    auto chain = theta::node::ChainService::Open(*w->store, genesis);
    if (!chain.ok()) std::abort();
    w->chain = std::move(*chain);
    auto rpc = theta::node::RegisterEthRpc(w->dispatcher, *w->chain);
    if (!rpc.ok()) std::abort();
    w->rpc = std::move(*rpc);
    return w;
  }();
  return *world;
}

constexpr const char* kMethods[] = {
    "eth_chainId",
    "eth_blockNumber",
    "eth_getBalance",
    "eth_getTransactionCount",
    "eth_getCode",
    "eth_getStorageAt",
    "eth_call",
    "eth_estimateGas",
    "eth_feeHistory",
    "eth_sendRawTransaction",
    "eth_getTransactionByHash",
    "eth_getTransactionReceipt",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getBlockTransactionCountByNumber",
    "eth_getTransactionByBlockNumberAndIndex",
    "eth_getLogs",
    "eth_subscribe",
    "eth_unsubscribe",
    "net_peerCount",
    "eth_syncing",
    "eth_newFilter",
    "eth_newBlockFilter",
    "eth_newPendingTransactionFilter",
    "eth_getFilterChanges",
    "eth_getFilterLogs",
    "eth_uninstallFilter",
    "eth_getBlockReceipts",
    "eth_getUncleCountByBlockHash",
    "eth_getUncleByBlockNumberAndIndex",
};

void Check(const std::optional<Json>& response) {
  if (!response || !response->is_object()) std::abort();
  if (response->contains("result") == response->contains("error")) std::abort();
  if (response->contains("error")) {
    const Json& error = (*response)["error"];
    if (!error.contains("code") || !error["code"].is_number_integer()) std::abort();
    const int code = error["code"].get<int>();
    if (code == -32603) std::abort();  // a handler threw, or the store failed
  }
}

// A filter the input managed to install is polled, read and removed at once (so none pile up).
void UseFilter(World& world, const std::optional<Json>& created,
               const theta::net::RpcContext& ctx) {
  if (!created || !created->contains("result") || !(*created)["result"].is_string()) return;
  const Json id = Json::array({(*created)["result"]});
  for (const char* method : {"eth_getFilterChanges", "eth_getFilterLogs", "eth_uninstallFilter"}) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 2}, {"method", method}, {"params", id}};
    Check(world.dispatcher.HandleRequest(request, ctx));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  const Json params =
      Json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
  if (params.is_discarded()) return 0;
  theta::net::RpcContext http;
  // One connection for every input: its subscriptions are capped, so they cannot pile up.
  static const auto notifier = std::make_shared<DiscardNotifier>();
  theta::net::RpcContext ws;
  ws.transport = "ws";
  ws.notifier = notifier;
  for (const char* method : kMethods) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    for (const theta::net::RpcContext* ctx : {&http, &ws}) {
      const std::optional<Json> response = world.dispatcher.HandleRequest(request, *ctx);
      Check(response);
      if (std::string_view(method).starts_with("eth_new")) UseFilter(world, response, *ctx);
    }
  }
  return 0;
}
