// Polled filters through the Ethereum RPC (apps/node/src/eth_filters.cpp): eth_newFilter,
// eth_newBlockFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter, on a real
// ChainService with the Store contract's logs; and eth_getBlockReceipts, which indexers use beside
// them.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "eth_rpc_test_util.hpp"
#include "theta/node/rpc.hpp"

namespace theta::node::testing {
namespace {

std::string Topic(const Address& who) {
  return ToHex(uint256::LoadBigEndian(who.view()).ToBigEndian().view());
}

TEST_CASE("eth filter reports each new log once, from the blocks after its install",
          "[node][eth_rpc]") {
  Deployed f;
  f.Set(1, 0, 10);  // block 2: before the filter, never reported by it
  const Json all = f.Result("eth_newFilter", {{{"address", Hex(f.contract)}}});
  const Json only1 = f.Result("eth_newFilter",
                              {{{"topics", Json::array({nullptr, Topic(f.account(1).address)})}}});
  CHECK(all.get<std::string>().size() == 2 + 32);
  CHECK(all != only1);
  CHECK(f.Result("eth_getFilterChanges", {all}) == Json::array());

  f.Set(1, 1, 11);  // block 3
  f.Set(2, 0, 12);  // block 4
  const Json changes = f.Result("eth_getFilterChanges", {all});
  REQUIRE(changes.size() == 2);
  // The same objects eth_getLogs gives.
  CHECK(changes == f.Result("eth_getLogs", {{{"fromBlock", "0x3"}, {"toBlock", "0x4"}}}));
  CHECK(changes[0]["data"] == Word(11));
  CHECK(f.Result("eth_getFilterChanges", {all}) == Json::array());  // nothing twice

  const Json mine = f.Result("eth_getFilterChanges", {only1});
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["data"] == Word(11));

  // eth_getFilterLogs answers the criteria as eth_getLogs would now (default range: latest).
  CHECK(f.Result("eth_getFilterLogs", {all}) == f.Result("eth_getLogs", {Json::object()}));
  const Json ranged =
      f.Result("eth_newFilter", {{{"fromBlock", "0x0"}, {"address", Hex(f.contract)}}});
  CHECK(f.Result("eth_getFilterLogs", {ranged}).size() == 3);
  CHECK(f.Result("eth_getFilterChanges", {ranged}) == Json::array());  // still only new blocks

  CHECK(f.Result("eth_uninstallFilter", {all}) == true);
  CHECK(f.Result("eth_uninstallFilter", {all}) == false);
  CHECK(f.Error("eth_getFilterChanges", {all})["message"] == "filter not found");
  CHECK(f.Error("eth_getFilterChanges", {all})["code"] == -32000);
}

TEST_CASE("eth filter bounds its reports by a numeric fromBlock and toBlock", "[node][eth_rpc]") {
  Deployed f;  // head: block 1
  const Json window = f.Result("eth_newFilter", {{{"fromBlock", "0x3"}, {"toBlock", "0x4"}}});
  const Json tags = f.Result("eth_newFilter", {{{"fromBlock", "latest"}, {"toBlock", "pending"}}});
  for (uint64_t i = 0; i < 5; ++i)
    f.Set(1, i, 100 + i);  // blocks 2..6
  const Json in_window = f.Result("eth_getFilterChanges", {window});
  REQUIRE(in_window.size() == 2);
  CHECK(in_window[0]["blockNumber"] == "0x3");
  CHECK(in_window[1]["blockNumber"] == "0x4");
  CHECK(f.Result("eth_getFilterChanges", {tags}).size() == 5);
  f.Set(1, 5, 200);
  CHECK(f.Result("eth_getFilterChanges", {window}) == Json::array());  // past its toBlock
  CHECK(f.Result("eth_getFilterChanges", {tags}).size() == 1);

  CHECK(f.Error("eth_newFilter", {{{"fromBlock", "0x5"}, {"toBlock", "0x4"}}})["code"] == -32602);
  CHECK(f.Error("eth_newFilter", {{{"blockHash", ToHex(Hash32().view())}}})["code"] == -32602);
  CHECK(f.Error("eth_newFilter", {{{"address", "0x12"}}})["code"] == -32602);
  CHECK(f.Error("eth_newFilter", {"latest"})["code"] == -32602);
  CHECK(f.Error("eth_getFilterChanges", {7})["code"] == -32602);
}

TEST_CASE("eth block filter reports each new block hash once", "[node][eth_rpc]") {
  Deployed f;
  const Json blocks = f.Result("eth_newBlockFilter", Json::array());
  CHECK(f.Result("eth_getFilterChanges", {blocks}) == Json::array());
  f.Set(1, 0, 1);
  f.test_chain.CommitPending();  // an empty block counts too
  const Json hashes = f.Result("eth_getFilterChanges", {blocks});
  REQUIRE(hashes.size() == 2);
  CHECK(hashes[0] == f.Result("eth_getBlockByNumber", {"0x2", false})["hash"]);
  CHECK(hashes[1] == f.Result("eth_getBlockByNumber", {"0x3", false})["hash"]);
  CHECK(f.Result("eth_getFilterChanges", {blocks}) == Json::array());
  // A block filter has no logs to list (geth answers the same).
  CHECK(f.Error("eth_getFilterLogs", {blocks})["message"] == "filter not found");
}

TEST_CASE("eth filter polls read a bounded number of blocks and go on at the next poll",
          "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.max_log_blocks = 2;
  options.max_logs = 3;
  Deployed f(options);
  const Json logs = f.Result("eth_newFilter", {{{"address", Hex(f.contract)}}});
  const Json blocks = f.Result("eth_newBlockFilter", Json::array());
  for (uint64_t i = 0; i < 5; ++i)
    f.Set(1, i, i);  // blocks 2..6, one log each
  // Two blocks per poll, in order, none lost or repeated.
  std::vector<std::string> seen;
  for (int poll = 0; poll < 3; ++poll) {
    const Json part = f.Result("eth_getFilterChanges", {logs});
    CHECK(part.size() == (poll < 2 ? 2u : 1u));
    for (const Json& log : part)
      seen.push_back(log["data"].get<std::string>());
  }
  CHECK(seen == std::vector<std::string>{Word(0), Word(1), Word(2), Word(3), Word(4)});
  CHECK(f.Result("eth_getFilterChanges", {blocks}).size() == 2);
  CHECK(f.Result("eth_getFilterChanges", {blocks}).size() == 2);
  CHECK(f.Result("eth_getFilterChanges", {blocks}).size() == 1);
  CHECK(f.Result("eth_getFilterChanges", {blocks}).empty());
}

TEST_CASE("eth getBlockReceipts answers a block's receipts by number, tag or hash",
          "[node][eth_rpc]") {
  Deployed f;
  const std::string a = f.Send(f.Sign(1, 0, f.contract, 0, SetCall(1), 100'000, false));
  const std::string b = f.Send(f.Sign(2, 0, f.contract, 0, SetCall(2), 100'000, true));
  f.test_chain.CommitPending();  // block 2 holds both
  const Json receipts = f.Result("eth_getBlockReceipts", {"0x2"});
  REQUIRE(receipts.size() == 2);
  CHECK(receipts[0] == f.Result("eth_getTransactionReceipt", {a}));
  CHECK(receipts[1] == f.Result("eth_getTransactionReceipt", {b}));
  const Json hash = receipts[0]["blockHash"];
  CHECK(f.Result("eth_getBlockReceipts", {"latest"}) == receipts);
  CHECK(f.Result("eth_getBlockReceipts", {hash}) == receipts);
  CHECK(f.Result("eth_getBlockReceipts", {{{"blockHash", hash}}}) == receipts);
  CHECK(f.Result("eth_getBlockReceipts", {"0x1"}).size() == 1);  // the deployment
  CHECK(f.Result("eth_getBlockReceipts", {"0x9"}).is_null());
  CHECK(f.Result("eth_getBlockReceipts", {ToHex(Hash32().view())}).is_null());
  CHECK(f.Error("eth_getBlockReceipts", {"0xzz"})["code"] == -32602);
  // No uncles in BFT blocks.
  CHECK(f.Result("eth_getUncleCountByBlockHash", {hash}) == "0x0");
  CHECK(f.Result("eth_getUncleByBlockNumberAndIndex", {"0x2", "0x0"}).is_null());
  CHECK(f.Result("eth_getUncleByBlockHashAndIndex", {hash, "0x0"}).is_null());
}

TEST_CASE("eth filter polls still advance when the block cap is zero", "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.max_log_blocks = 0;  // an embedder's setting: a poll then reads one block
  Deployed f(options);
  const Json logs = f.Result("eth_newFilter", {Json::object()});
  f.Set(1, 0, 1);
  f.Set(1, 1, 2);
  CHECK(f.Result("eth_getFilterChanges", {logs}).size() == 1);
  CHECK(f.Result("eth_getFilterChanges", {logs}).size() == 1);
  CHECK(f.Result("eth_getFilterChanges", {logs}).empty());
}

TEST_CASE("eth filters expire unpolled and are capped in number", "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.max_filters = 2;
  options.filter_timeout = std::chrono::milliseconds(1000);
  Deployed f(options);
  const Json polled = f.Result("eth_newBlockFilter", Json::array());
  const Json idle = f.Result("eth_newFilter", {Json::object()});
  const Json full = f.Error("eth_newBlockFilter", Json::array());
  CHECK(full["code"] == -32000);
  CHECK(full["message"].get<std::string>().find("too many filters") != std::string::npos);
  // Polling keeps a filter; the unpolled one expires and frees its place.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < deadline) {
    f.Result("eth_getFilterChanges", {polled});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(f.Error("eth_getFilterChanges", {idle})["message"] == "filter not found");
  CHECK(f.Result("eth_getFilterChanges", {polled}) == Json::array());
  CHECK(f.Result("eth_newBlockFilter", Json::array()).is_string());
}

TEST_CASE("eth pending filter and subscription report each tx the mempool admits, by any path",
          "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.max_logs = 3;  // also the pending filter's buffer
  Deployed f(options);
  const Json filter = f.Result("eth_newPendingTransactionFilter", Json::array());
  auto notifier = std::make_shared<RecordingNotifier>();
  net::RpcContext ws;
  ws.transport = "ws";
  ws.notifier = notifier;
  const Json sub = f.Result("eth_subscribe", {"newPendingTransactions"}, ws);

  // Through the RPC, then as a peer's gossip reaches the mempool directly.
  const std::string a = f.Send(f.Sign(1, 0, f.contract, 0, SetCall(1), 100'000, false));
  const Bytes gossiped = f.Sign(2, 0, f.contract, 0, SetCall(2), 100'000, false);
  REQUIRE(f.chain().mempool().AddBatch({gossiped})[0].ok());
  const std::string b = ToHex(Keccak256(gossiped).view());
  CHECK(!f.chain().mempool().AddBatch({gossiped})[0].ok());  // seen: not reported again
  CHECK(f.Result("eth_getFilterChanges", {filter}) == Json::array({a, b}));
  CHECK(f.Result("eth_getFilterChanges", {filter}) == Json::array());
  std::vector<Json> notified;
  for (const Json& m : notifier->messages()) {
    CHECK(m["params"]["subscription"] == sub);
    notified.push_back(m["params"]["result"]);
  }
  CHECK(notified == std::vector<Json>{a, b});

  // A commit admits nothing; a rare poller gets the newest hashes that fit the buffer.
  f.test_chain.CommitPending();
  CHECK(f.Result("eth_getFilterChanges", {filter}) == Json::array());
  std::vector<std::string> sent;
  for (uint64_t i = 1; i <= 4; ++i)
    sent.push_back(f.Send(f.Sign(1, i, f.contract, 0, SetCall(i), 100'000, false)));
  CHECK(f.Result("eth_getFilterChanges", {filter}) == Json::array({sent[1], sent[2], sent[3]}));
  CHECK(f.Error("eth_getFilterLogs", {filter})["message"] == "filter not found");
  // Uninstalled and unsubscribed, they hear nothing more.
  CHECK(f.Result("eth_uninstallFilter", {filter}) == true);
  CHECK(f.Result("eth_unsubscribe", {sub}, ws) == true);
  f.Send(f.Sign(1, 5, f.contract, 0, SetCall(5), 100'000, false));
  CHECK(notifier->messages().size() == 6);
}

TEST_CASE("the node's RPC wiring passes its configured eth limits on", "[node][eth_rpc]") {
  TestChain chain;
  net::RpcDispatcher theta_rpc, eth_rpc;
  RpcHooks hooks;
  hooks.status = [] { return NodeStatus{}; };
  hooks.peers = [] { return std::vector<net::PeerInfo>{}; };
  hooks.eth.max_log_blocks = 2;
  hooks.eth.max_filters = 1;
  auto rpc = RegisterNodeRpc(theta_rpc, eth_rpc, chain.chain(), hooks);
  REQUIRE(rpc.ok());
  chain.CommitPending();
  chain.CommitPending();
  auto call = [&eth_rpc](const std::string& method, const Json& params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return Json::parse(*eth_rpc.Handle(request.dump(), {}));
  };
  const Json range = call("eth_getLogs", {{{"fromBlock", "0x0"}, {"toBlock", "0x2"}}});
  REQUIRE(range.contains("error"));
  CHECK_THAT(range["error"]["message"].get<std::string>(), Catch::Contains("at most 2"));
  CHECK(call("eth_newBlockFilter", Json::array()).contains("result"));
  CHECK(call("eth_newBlockFilter", Json::array())["error"]["code"] == -32000);
  CHECK(call("web3_clientVersion", Json::array())["result"].get<std::string>().starts_with(
      "theta-cpp/"));
}

}  // namespace
}  // namespace theta::node::testing
