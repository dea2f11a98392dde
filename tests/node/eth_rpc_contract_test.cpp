// Contracts through the Ethereum RPC: deploy, eth_call, eth_estimateGas, reverts, eth_getLogs
// filters and eth_subscribe notifications, on a real ChainService; and ledger::Call itself.
#include <catch2/catch.hpp>
#include <chrono>

#include "eth_rpc_test_util.hpp"
#include "theta/evm/state.hpp"
#include "theta/ledger/call.hpp"

namespace theta::node::testing {
namespace {

TEST_CASE("eth rpc deploys a contract and shows its receipt and code", "[node][eth_rpc]") {
  Deployed f;
  Json receipt = f.Result("eth_getTransactionReceipt", {f.deploy_hash});
  CHECK(receipt["status"] == "0x1");
  CHECK(receipt["to"].is_null());
  CHECK(receipt["contractAddress"] == Hex(f.contract));
  CHECK(receipt["blockNumber"] == "0x1");
  Json tx = f.Result("eth_getTransactionByHash", {f.deploy_hash});
  CHECK(tx["to"].is_null());
  CHECK(tx["input"] == ToHex(StoreInitCode()));
  CHECK(f.Result("eth_getCode", {Hex(f.contract), "latest"}) == ToHex(StoreRuntime()));
  CHECK(f.Result("eth_getCode", {Hex(f.contract), "earliest"}) == "0x");
  CHECK(f.Result("eth_getTransactionCount", {Hex(f.account(0).address), "latest"}) == "0x1");
}

TEST_CASE("eth call reads contract state at any block without changing it", "[node][eth_rpc]") {
  Deployed f;
  CHECK(f.CallGet() == Word(0));
  f.Set(1, 0, 42);
  CHECK(f.CallGet() == Word(42));
  CHECK(f.CallGet("0x1") == Word(0));    // before the set
  CHECK(f.CallGet("earliest") == "0x");  // no contract yet: an empty call
  CHECK(f.Result("eth_getStorageAt", {Hex(f.contract), "0x0", "latest"}) == Word(42));
  CHECK(f.Result("eth_getStorageAt", {Hex(f.contract), Word(0), "0x1"}) == Word(0));

  // eth_call of set(7) runs (from anyone, without gas money) but commits nothing.
  Json call = {{"from", Hex(Address{})}, {"to", Hex(f.contract)}, {"input", ToHex(SetCall(7))}};
  CHECK(f.Result("eth_call", {call, "latest"}) == "0x");
  CHECK(f.CallGet() == Word(42));
  // EIP-1898 block objects.
  CHECK(f.Result("eth_call", {{{"to", Hex(f.contract)}, {"data", ToHex(GetCall())}},
                              {{"blockHash", ToHex(f.deploy_block.hash.view())}}}) == Word(0));
  CHECK(f.Result("eth_call", {{{"to", Hex(f.contract)}, {"data", ToHex(GetCall())}},
                              {{"blockNumber", "0x2"}}}) == Word(42));
}

TEST_CASE("eth call and estimateGas report a revert as geth does", "[node][eth_rpc]") {
  Deployed f;
  Json call = {{"to", Hex(f.contract)}, {"data", "0xdeadbeef"}};
  Json error = f.Error("eth_call", {call, "latest"});
  CHECK(error["code"] == 3);
  CHECK(error["message"] == "execution reverted: nope");
  const std::string data = error["data"].get<std::string>();
  CHECK(data.rfind("0x08c379a0", 0) == 0);
  CHECK(data.size() == 2 + 2 * 100);
  Json estimate = f.Error("eth_estimateGas", {call});
  CHECK(estimate["code"] == 3);
  CHECK(estimate["data"] == data);

  // A call with too little gas fails as a failure, not a revert.
  Json starved = f.Error(
      "eth_call",
      {{{"to", Hex(f.contract)}, {"data", ToHex(SetCall(1))}, {"gas", "0x5600"}}, "latest"});
  CHECK(starved["code"] == -32000);
  CHECK(starved["message"].get<std::string>().find("out of gas") != std::string::npos);
  // Gas below the intrinsic gas, or above the cap, is refused before running.
  Json low = f.Error("eth_call", {{{"to", Hex(f.contract)}, {"gas", "0x100"}}, "latest"});
  CHECK(low["code"] == -32000);
  CHECK(low["message"].get<std::string>().find("intrinsic gas too low") != std::string::npos);
  Json high = f.Error("eth_call", {{{"to", Hex(f.contract)}, {"gas", "0x10000000"}}, "latest"});
  CHECK(high["code"] == -32000);
  // Sending more TFUEL than the sender has.
  Json poor = f.Error(
      "eth_call",
      {{{"from", Hex(Address{})}, {"to", Hex(f.account(1).address)}, {"value", "0x1"}}, "latest"});
  CHECK(poor["code"] == -32000);
  CHECK(poor["message"].get<std::string>().find("insufficient funds") != std::string::npos);
}

TEST_CASE("eth estimateGas gives the least gas that succeeds", "[node][eth_rpc]") {
  Deployed f;
  const Json transfer = {
      {"from", Hex(f.account(0).address)}, {"to", Hex(f.account(1).address)}, {"value", "0x1"}};
  CHECK(f.Result("eth_estimateGas", {transfer}) == "0x5208");
  const Json set = {
      {"from", Hex(f.account(1).address)}, {"to", Hex(f.contract)}, {"data", ToHex(SetCall(5))}};
  const std::string estimate = f.Result("eth_estimateGas", {set, "latest"}).get<std::string>();
  const uint64_t gas = std::stoull(estimate, nullptr, 16);
  CHECK(gas > 21'000 + 20'000);
  // It suffices and one less does not (no refunds: the estimate is what the tx uses).
  Json enough = set;
  enough["gas"] = estimate;
  CHECK(f.Result("eth_call", {enough, "latest"}) == "0x");
  Json short_by_one = set;
  short_by_one["gas"] = uint256(gas - 1).ToHex();
  CHECK(f.Error("eth_call", {short_by_one, "latest"})["code"] == -32000);
  // A real tx with exactly that gas succeeds and is charged that much.
  const std::string hash = f.Send(f.Sign(1, 0, f.contract, 0, SetCall(5), gas, false));
  f.test_chain.CommitPending();
  Json receipt = f.Result("eth_getTransactionReceipt", {hash});
  CHECK(receipt["status"] == "0x1");
  CHECK(receipt["gasUsed"] == estimate);
  // Deployment estimates too.
  const Json deploy = {{"from", Hex(f.account(2).address)}, {"data", ToHex(StoreInitCode())}};
  CHECK(std::stoull(f.Result("eth_estimateGas", {deploy}).get<std::string>(), nullptr, 16) >
        53'000);
}

TEST_CASE("eth getLogs filters by range, block hash, address and topics", "[node][eth_rpc]") {
  Deployed f;
  const std::string h1 = f.Set(1, 0, 11);  // block 2
  const std::string h2 = f.Set(2, 0, 22);  // block 3
  f.Set(1, 1, 33);                         // block 4
  const std::string topic0 = ToHex(SetTopic().view());
  auto who = [&f](size_t i) {
    return ToHex(uint256::LoadBigEndian(f.account(i).address.view()).ToBigEndian().view());
  };
  auto logs = [&f](Json filter) { return f.Result("eth_getLogs", {std::move(filter)}); };

  Json all = logs({{"fromBlock", "earliest"}, {"toBlock", "latest"}});
  REQUIRE(all.size() == 3);
  CHECK(all[0]["transactionHash"] == h1);
  CHECK(all[0]["address"] == Hex(f.contract));
  CHECK(all[0]["topics"] == Json::array({topic0, who(1)}));
  CHECK(all[0]["data"] == Word(11));
  CHECK(all[0]["blockNumber"] == "0x2");
  CHECK(all[0]["logIndex"] == "0x0");
  CHECK(all[0]["transactionIndex"] == "0x0");
  CHECK(all[0]["removed"] == false);
  CHECK(all[1]["transactionHash"] == h2);
  // The receipt shows the same log, and the block's bloom has its address and topics.
  Json receipt = f.Result("eth_getTransactionReceipt", {h1});
  CHECK(receipt["logs"] == Json::array({all[0]}));
  CHECK(receipt["logsBloom"] != ToHex(Bytes(256, 0)));
  CHECK(f.Result("eth_getBlockByNumber", {"0x2", false})["logsBloom"] == receipt["logsBloom"]);

  CHECK(logs(Json::object()).size() == 1);  // default: latest only
  CHECK(logs({{"fromBlock", "0x3"}}).size() == 2);
  CHECK(logs({{"fromBlock", "0x2"}, {"toBlock", "0x2"}}).size() == 1);
  CHECK(logs({{"fromBlock", "0x0"}, {"toBlock", "0x1"}}).empty());
  CHECK(logs({{"fromBlock", "0x10"}}).empty());  // past the head
  CHECK(logs({{"blockHash", all[1]["blockHash"]}}) == Json::array({all[1]}));
  CHECK(logs({{"fromBlock", "0x0"}, {"address", Hex(f.contract)}}).size() == 3);
  CHECK(logs({{"fromBlock", "0x0"},
              {"address", Json::array({Hex(f.account(0).address), Hex(f.contract)})}})
            .size() == 3);
  CHECK(logs({{"fromBlock", "0x0"}, {"address", Hex(f.account(0).address)}}).empty());
  CHECK(logs({{"fromBlock", "0x0"}, {"topics", Json::array({topic0})}}).size() == 3);
  CHECK(logs({{"fromBlock", "0x0"}, {"topics", Json::array({nullptr, who(1)})}}).size() == 2);
  CHECK(
      logs({{"fromBlock", "0x0"}, {"topics", Json::array({topic0, Json::array({who(2), who(3)})})}})
          .size() == 1);
  CHECK(logs({{"fromBlock", "0x0"},
              {"topics", Json::array({nullptr, Json::array({who(3), nullptr})})}})
            .size() == 3);  // a null alternative matches anything
  CHECK(logs({{"fromBlock", "0x0"}, {"topics", Json::array({nullptr, nullptr, topic0})}})
            .empty());  // a third topic the logs do not have
  CHECK(logs({{"fromBlock", "0x0"}, {"topics", Json::array({who(1)})}}).empty());

  Json unknown = f.Error("eth_getLogs", {{{"blockHash", ToHex(Hash32().view())}}});
  CHECK(unknown["code"] == -32000);
  Json backwards = f.Error("eth_getLogs", {{{"fromBlock", "0x3"}, {"toBlock", "0x2"}}});
  CHECK(backwards["code"] == -32602);
}

TEST_CASE("eth getLogs caps the range and the result size", "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.max_log_blocks = 3;
  options.max_logs = 2;
  EthRpcFixture f(options);
  const Address contract = evm::CreateAddress(f.account(0).address, 0);
  f.Send(f.Sign(0, 0, std::nullopt, 0, StoreInitCode(), 300'000, false));
  f.test_chain.CommitPending();
  for (uint64_t i = 0; i < 3; ++i) {
    f.Send(f.Sign(1, i, contract, 0, SetCall(i), 100'000, false));
    f.test_chain.CommitPending();
  }
  Json range = f.Error("eth_getLogs", {{{"fromBlock", "0x0"}, {"toBlock", "0x4"}}});
  CHECK(range["code"] == -32602);
  CHECK(range["message"].get<std::string>().find("at most 3") != std::string::npos);
  Json many = f.Error("eth_getLogs", {{{"fromBlock", "0x2"}, {"toBlock", "0x4"}}});
  CHECK(many["code"] == -32005);
  CHECK(f.Result("eth_getLogs", {{{"fromBlock", "0x3"}, {"toBlock", "0x4"}}}).size() == 2);
}

TEST_CASE("eth subscribe sends new heads and matching logs over a connection", "[node][eth_rpc]") {
  Deployed f;
  auto notifier = std::make_shared<RecordingNotifier>();
  net::RpcContext ws;
  ws.transport = "ws";
  ws.notifier = notifier;
  const Json heads = f.Result("eth_subscribe", {"newHeads"}, ws);
  const Json mine = f.Result(
      "eth_subscribe",
      {"logs",
       {{"address", Hex(f.contract)},
        {"topics",
         Json::array(
             {nullptr,
              ToHex(uint256::LoadBigEndian(f.account(1).address.view()).ToBigEndian().view())})}}},
      ws);
  CHECK(heads != mine);
  CHECK(heads.get<std::string>().size() == 2 + 32);

  f.Set(2, 0, 5);  // block 2: a log of account 2 (not matched)
  f.Set(1, 0, 6);  // block 3: a log of account 1
  // Within a block the subscriptions are served in no particular order: sort by subscription.
  std::vector<Json> head_results, log_results;
  for (const Json& m : notifier->messages()) {
    CHECK(m["method"] == "eth_subscription");
    (m["params"]["subscription"] == heads ? head_results : log_results)
        .push_back(m["params"]["result"]);
  }
  REQUIRE(head_results.size() == 2);
  CHECK(head_results[0]["number"] == "0x2");
  CHECK(head_results[0]["hash"] == f.Result("eth_getBlockByNumber", {"0x2", false})["hash"]);
  CHECK(!head_results[0].contains("transactions"));
  CHECK(head_results[1]["number"] == "0x3");
  REQUIRE(log_results.size() == 1);
  CHECK(log_results[0]["data"] == Word(6));
  CHECK(log_results[0] == f.Result("eth_getLogs", {{{"fromBlock", "0x3"}}})[0]);

  // Another connection cannot end them; this one can, once.
  net::RpcContext other = ws;
  other.notifier = std::make_shared<RecordingNotifier>();
  CHECK(f.Result("eth_unsubscribe", {heads}, other) == false);
  CHECK(f.Result("eth_unsubscribe", {heads}, ws) == true);
  CHECK(f.Result("eth_unsubscribe", {heads}, ws) == false);
  f.test_chain.CommitPending();
  CHECK(notifier->messages().size() == 3);  // the logs subscription matched nothing new
  // A closed connection's subscriptions are dropped at the next block.
  notifier->Close();
  f.Set(1, 1, 7);
  CHECK(f.Result("eth_unsubscribe", {mine}, ws) == false);

  // Over HTTP there is nowhere to send notifications; unknown kinds are bad params.
  CHECK(f.Error("eth_subscribe", {"newHeads"})["code"] == -32000);
  CHECK(f.Error("eth_subscribe", {"newPendingTransactions", true}, ws)["code"] == -32602);
  CHECK(f.Error("eth_subscribe", {"syncing"}, ws)["code"] == -32602);
  CHECK(f.Error("eth_subscribe", {"logs", {{"address", "0x1"}}}, ws)["code"] == -32602);
}

TEST_CASE("ledger Call runs on a state without writing to it", "[node][eth_rpc][ledger]") {
  Deployed f;
  f.Set(1, 0, 9);
  const uint64_t head = f.chain().Height();
  ledger::ExecutionContext context;
  context.chain_id = "privatenet";
  context.block_height = head + 1;
  context.all_forks = true;
  REQUIRE(f.chain()
              .WithState(head,
                         [&](ledger::LedgerState& state) -> absl::Status {
                           const Hash32 root = state.RootHash();
                           ledger::CallMessage set;
                           set.to = f.contract;
                           set.data = SetCall(1234);
                           auto r = ledger::Call(state, set, context);
                           REQUIRE(r.ok());
                           CHECK(r->status == evm::StatusCode::kSuccess);
                           REQUIRE(r->logs.size() == 1);
                           CHECK(r->logs[0].topics[1] == Hash32());  // from the zero address
                           ledger::CallMessage get;
                           get.to = f.contract;
                           get.data = GetCall();
                           auto g = ledger::Call(state, get, context);
                           REQUIRE(g.ok());
                           CHECK(ToHex(g->evm_return) == Word(9));  // the set was not kept
                           CHECK(state.RootHash() == root);
                           CHECK(ledger::CallGasCap(context) == 20'000'000);
                           ledger::CallMessage create;
                           create.from = f.account(3).address;
                           create.data = StoreInitCode();
                           auto c = ledger::Call(state, create, context);
                           REQUIRE(c.ok());
                           CHECK(c->contract_address ==
                                 evm::CreateAddress(f.account(3).address, 0));
                           auto gas = ledger::EstimateGas(state, create, context);
                           REQUIRE(gas.ok());
                           CHECK(*gas == c->gas_used);
                           return absl::OkStatus();
                         })
              .ok());
}

}  // namespace
}  // namespace theta::node::testing

namespace theta::node::testing {
namespace {

// Opt-in timing (hidden tag): eth_getLogs over many blocks, eth_call and eth_estimateGas. Run with
//   theta_node_tests "[.eth_rpc_timing]"
TEST_CASE("eth rpc timing of getLogs, call and estimateGas", "[.eth_rpc_timing]") {
  Deployed f;
  constexpr int kBlocks = 2'000;
  for (int i = 0; i < kBlocks; ++i) {
    if (i % 10 == 0) f.Send(f.Sign(1, i / 10, f.contract, 0, SetCall(i), 100'000, false));
    f.test_chain.CommitPending();
  }
  auto time = [](auto&& run) {
    const auto start = std::chrono::steady_clock::now();
    run();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  Json logs;
  const double logs_ms = time([&] { logs = f.Result("eth_getLogs", {{{"fromBlock", "0x0"}}}); });
  CHECK(logs.size() == kBlocks / 10);
  // What a query cost before the logs index: every block of the range and its receipts read.
  const double scan_ms = time([&] {
    for (uint64_t h = 0; h <= f.chain().Height(); ++h) {
      auto block = f.chain().BlockAt(h);
      REQUIRE(block.ok());
      for (const Hash32& hash : block->tx_hashes)
        REQUIRE(f.chain().Receipt(hash).ok());
    }
  });
  // A filter no block's bloom passes: the cost of ruling blocks out.
  const Json elsewhere = {{"fromBlock", "0x0"}, {"address", Hex(f.account(0).address)}};
  const double none_ms = time([&] { CHECK(f.Result("eth_getLogs", {elsewhere}).empty()); });
  const Json get = {{"to", Hex(f.contract)}, {"data", ToHex(GetCall())}};
  const double call_ms = time([&] {
    for (int i = 0; i < 100; ++i)
      f.Result("eth_call", {get, "latest"});
  });
  const Json set = {{"to", Hex(f.contract)}, {"data", ToHex(SetCall(1))}};
  const double estimate_ms = time([&] {
    for (int i = 0; i < 100; ++i)
      f.Result("eth_estimateGas", {set});
  });
  WARN("eth_getLogs over " << kBlocks + 2 << " blocks (" << logs.size() << " logs): " << logs_ms
                           << " ms, matching none: " << none_ms
                           << " ms; reading every block and receipt: " << scan_ms
                           << " ms; eth_call: " << call_ms / 100
                           << " ms; eth_estimateGas: " << estimate_ms / 100 << " ms");
}

}  // namespace
}  // namespace theta::node::testing
