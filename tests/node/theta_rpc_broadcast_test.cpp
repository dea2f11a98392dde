// theta.BroadcastRawTransaction waits for the block that commits the tx (committed here from
// another thread, as consensus would), times out with the hash when none does, and ...Async answers
// at once.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "theta/core/hash.hpp"
#include "theta/ledger/eth_tx.hpp"
#include "theta_rpc_test_util.hpp"

namespace theta::node::testing {
namespace {

TEST_CASE("theta.BroadcastRawTransaction returns the block that committed the tx",
          "[node][thetarpc]") {
  RpcFixture rpc;
  const Bytes raw = rpc.Send(0, rpc.account(1).address, kEther, 1);
  std::atomic<bool> committed{false};
  std::thread committer = CommitWhenPending(rpc.chain, committed);
  const Json response =
      rpc.Call("theta.BroadcastRawTransaction", Json{{"tx_bytes", ToHex(raw, false)}});
  committer.join();
  INFO(response.dump());
  REQUIRE(committed);
  REQUIRE(response.contains("result"));
  const Json& result = response["result"];
  CHECK(result["hash"] == ToHex(ledger::TxHash(raw).view()));
  const Json& block = result["block"];
  auto head = rpc.chain.chain().BlockAt(1);
  REQUIRE(head.ok());
  CHECK(block["Height"] == 1);  // Go's BlockHeader JSON: plain numbers, capitalized names
  CHECK(block["ChainID"] == "privatenet");
  CHECK(block["Epoch"] == head->epoch);
  CHECK(block["Parent"] == ToHex(rpc.chain.chain().genesis_hash().view()));
  CHECK(block["StateHash"] == ToHex(head->state_root.view()));
  CHECK(block["Proposer"] == ToHex(head->proposer.view()));
  CHECK(block["Timestamp"] == head->timestamp);
  CHECK(block["hash"] == ToHex(head->hash.view()));
  CHECK(block["height"] == "1");
  CHECK(block.contains("HCC"));
  CHECK(rpc.Result("theta.GetTransaction", Json{{"hash", result["hash"]}})["status"] ==
        "finalized");
}

TEST_CASE("concurrent waiting broadcasts are all answered by the block that takes their txs",
          "[node][thetarpc]") {
  RpcFixture rpc;
  constexpr size_t kSenders = 4;
  std::vector<Bytes> txs;
  for (size_t i = 0; i < kSenders; ++i) {
    txs.push_back(rpc.Send(i, rpc.account((i + 1) % kSenders).address, kEther, 1));
  }
  std::vector<Json> responses(kSenders);
  std::vector<std::thread> callers;
  for (size_t i = 0; i < kSenders; ++i) {
    callers.emplace_back([&, i] {
      const Json request = {{"jsonrpc", "2.0"},
                            {"id", i},
                            {"method", "theta.BroadcastRawTransaction"},
                            {"params", {{"tx_bytes", ToHex(txs[i])}}}};
      auto text = rpc.dispatcher.Handle(request.dump(), net::RpcContext{});
      if (text) responses[i] = Json::parse(*text);
    });
  }
  // One block for all of them, once every tx is in the mempool.
  for (int i = 0; i < 2000 && rpc.chain.chain().PendingCount() < kSenders; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(rpc.chain.chain().PendingCount() == kSenders);
  const BlockRecord block = rpc.chain.CommitPending();
  for (auto& caller : callers)
    caller.join();
  REQUIRE(block.txs.size() == kSenders);
  for (size_t i = 0; i < kSenders; ++i) {
    INFO(responses[i].dump());
    REQUIRE(responses[i].contains("result"));
    CHECK(responses[i]["result"]["hash"] == ToHex(ledger::TxHash(txs[i]).view()));
    CHECK(responses[i]["result"]["block"]["hash"] == ToHex(block.hash.view()));
  }
}

TEST_CASE("theta.BroadcastRawTransaction times out with the hash when no block takes the tx",
          "[node][thetarpc]") {
  ThetaRpcOptions options;
  options.broadcast_timeout = std::chrono::milliseconds(200);
  RpcFixture rpc(std::move(options));
  const Bytes raw = rpc.Send(0, rpc.account(1).address, kEther, 1);
  const auto start = std::chrono::steady_clock::now();
  const Json error = rpc.Error("theta.BroadcastRawTransaction", Json{{"tx_bytes", ToHex(raw)}});
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
  CHECK(error["code"] == kThetaRpcServerError);
  CHECK(error["message"] == "Timed out waiting for transaction to be included");
  CHECK(error["data"]["hash"] == ToHex(ledger::TxHash(raw).view()));
  // The tx stays in the mempool and a later block still takes it.
  CHECK(rpc.Result("theta.GetTransaction", Json{{"hash", error["data"]["hash"]}})["status"] ==
        "pending");
}

TEST_CASE("theta.BroadcastRawTransactionAsync answers once the mempool has the tx",
          "[node][thetarpc]") {
  RpcFixture rpc;
  const Bytes raw = rpc.Send(0, rpc.account(1).address, kEther, 1);
  const Json result =
      rpc.Result("theta.BroadcastRawTransactionAsync", Json{{"tx_bytes", ToHex(raw, false)}});
  CHECK(result == Json{{"hash", ToHex(ledger::TxHash(raw).view())}});
  CHECK(rpc.chain.chain().PendingCount() == 1);
  CHECK(rpc.Result("theta.GetPendingTransactions")["tx_hashes"] == Json::array({result["hash"]}));

  // Bad input: missing, not hex, empty, and bytes that are no transaction (refused by the mempool).
  CHECK(rpc.Error("theta.BroadcastRawTransactionAsync")["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.BroadcastRawTransactionAsync", Json{{"tx_bytes", "0xabc"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.BroadcastRawTransactionAsync", Json{{"tx_bytes", ""}})["code"] ==
        net::kRpcInvalidParams);
  const Json junk = rpc.Error("theta.BroadcastRawTransaction", Json{{"tx_bytes", "0102030405"}});
  CHECK(junk["code"] == kThetaRpcServerError);
  CHECK_THAT(junk["message"].get<std::string>(), Catch::StartsWith("transaction refused: "));
  // A tx with a bad signature is refused too, before any waiting.
  Bytes forged = raw;
  forged[forged.size() - 5] ^= 0x01;
  CHECK(rpc.Error("theta.BroadcastRawTransaction", Json{{"tx_bytes", ToHex(forged)}})["code"] ==
        kThetaRpcServerError);
}

TEST_CASE("a broadcast of a tx whose sequence the chain has passed is refused at once",
          "[node][thetarpc]") {
  RpcFixture rpc;  // the default 60 s wait: a refusal that waited would show in the time
  const Bytes first = rpc.Send(0, rpc.account(1).address, kEther, 1);
  REQUIRE(rpc.chain.chain().Submit(first).ok());
  rpc.chain.CommitPending();

  const auto start = std::chrono::steady_clock::now();
  const Bytes stale = rpc.Send(0, rpc.account(2).address, kEther, 1);
  for (const char* method :
       {"theta.BroadcastRawTransaction", "theta.BroadcastRawTransactionAsync"}) {
    const Json error = rpc.Error(method, Json{{"tx_bytes", ToHex(stale)}});
    CHECK(error["code"] == kThetaRpcServerError);
    CHECK_THAT(error["message"].get<std::string>(),
               Catch::Contains("invalid sequence 1") && Catch::Contains("next sequence is 2"));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(rpc.chain.chain().PendingCount() == 0);

  // The committed tx itself, sent again (a client retrying), is answered with its block.
  const Json again = rpc.Result("theta.BroadcastRawTransaction", Json{{"tx_bytes", ToHex(first)}});
  CHECK(again["hash"] == ToHex(ledger::TxHash(first).view()));
  CHECK(again["block"]["Height"] == 1);
  CHECK(rpc.Result("theta.BroadcastRawTransactionAsync", Json{{"tx_bytes", ToHex(first)}}) ==
        Json{{"hash", again["hash"]}});
  // A sequence ahead of the account's is let through: the ones before it may be pending.
  CHECK(rpc.Result("theta.BroadcastRawTransactionAsync",
                   Json{{"tx_bytes", ToHex(rpc.Send(0, rpc.account(1).address, kEther, 3))}})
            .contains("hash"));
}

TEST_CASE("theta.BroadcastRawEthTransaction takes Ethereum txs only, under their Ethereum hash",
          "[node][thetarpc]") {
  RpcFixture rpc;
  ledger::EthTx tx;
  tx.type = ledger::EthTx::Type::kDynamicFee;
  tx.chain_id = uint256(rpc.chain.chain().eth_chain_id());
  tx.max_fee_per_gas = tx.max_priority_fee_per_gas = uint256(4'000'000'000'000ULL);
  tx.gas_limit = 21'000;
  tx.to = rpc.account(1).address;
  tx.value = kEther;
  ledger::SignEthTx(tx, rpc.account(0).key);
  const Bytes raw = ledger::EncodeEthTx(tx);
  const std::string hash = ToHex(Keccak256(raw).view());
  CHECK(rpc.Result("theta.BroadcastRawEthTransactionAsync",
                   Json{{"tx_bytes", ToHex(raw, false)}}) == Json{{"hash", hash}});
  CHECK(rpc.Result("theta.GetPendingTransactions")["tx_hashes"] == Json::array({hash}));
  rpc.chain.CommitPending();
  const Json again = rpc.Result("theta.BroadcastRawEthTransaction", Json{{"tx_bytes", ToHex(raw)}});
  CHECK(again["hash"] == hash);
  CHECK(again["block"]["Height"] == 1);
  CHECK(rpc.Result("theta.GetTransaction", Json{{"hash", hash}})["status"] == "finalized");

  // A Theta tx is not one: a clear refusal naming the other method.
  const Bytes theta_tx = rpc.Send(0, rpc.account(1).address, kEther, 2);
  for (const char* method :
       {"theta.BroadcastRawEthTransaction", "theta.BroadcastRawEthTransactionAsync"}) {
    const Json error = rpc.Error(method, Json{{"tx_bytes", ToHex(theta_tx)}});
    CHECK(error["code"] == net::kRpcInvalidParams);
    CHECK_THAT(error["message"].get<std::string>(),
               Catch::Contains("not an Ethereum transaction") &&
                   Catch::Contains("theta.BroadcastRawTransaction"));
  }
  CHECK(rpc.chain.chain().PendingCount() == 0);
}

}  // namespace
}  // namespace theta::node::testing
