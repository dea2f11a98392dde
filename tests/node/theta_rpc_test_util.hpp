// A TestChain with the theta.* methods registered on a dispatcher, and helpers that call them as a
// client would (a JSON-RPC request text in, the parsed response out) and sign transactions.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "node_test_util.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/net/rpc_server.hpp"
#include "theta/node/theta_rpc.hpp"

namespace theta::node::testing {

using Json = net::Json;

inline const uint256 kEther = uint256(1'000'000'000'000'000'000ULL);
inline const uint256 kSendFee = uint256(300'000'000'000'000'000ULL);  // 2 accounts × 0.15 TFUEL
inline const uint256 kGasPrice = uint256(4'000'000'000'000ULL);       // the minimum from 2021

struct RpcFixture {
  explicit RpcFixture(ThetaRpcOptions options = {}, size_t accounts = 4) : chain(accounts) {
    if (!options.now_seconds) options.now_seconds = [] { return int64_t{1'750'000'000}; };
    REQUIRE(RegisterThetaRpc(dispatcher, chain.chain(), std::move(options)).ok());
  }

  // The whole response object of one call.
  Json Call(const std::string& method, const Json& params = Json::object()) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", params}};
    auto text = dispatcher.Handle(request.dump(), net::RpcContext{});
    REQUIRE(text.has_value());
    return Json::parse(*text);
  }
  // The result; fails the test on an error answer.
  Json Result(const std::string& method, const Json& params = Json::object()) {
    Json response = Call(method, params);
    INFO(method << " -> " << response.dump());
    REQUIRE(response.contains("result"));
    return response["result"];
  }
  // The error object; fails the test on a result.
  Json Error(const std::string& method, const Json& params = Json::object()) {
    Json response = Call(method, params);
    INFO(method << " -> " << response.dump());
    REQUIRE(response.contains("error"));
    return response["error"];
  }

  const DevAccount& account(size_t i) const { return chain.accounts().at(i); }

  // A signed SendTx of `tfuel` wei from account `from` to `to`.
  Bytes Send(size_t from, const Address& to, const uint256& tfuel, uint64_t sequence) {
    ledger::Tx tx = ledger::SendTx{
        ledger::Coins::TFuel(kSendFee),
        {ledger::TxInput{
            account(from).address, ledger::Coins::TFuel(tfuel + kSendFee), sequence, {}}},
        {ledger::TxOutput{to, ledger::Coins::TFuel(tfuel)}}};
    REQUIRE(ledger::SignTx(tx, chain.chain().chain_id(), account(from).key).ok());
    return ledger::EncodeTx(tx);
  }

  // A signed SmartContractTx from account `from` (a creation when `to` is zero).
  Bytes Contract(size_t from, const Address& to, Bytes data, uint64_t sequence) {
    ledger::Tx tx =
        ledger::SmartContractTx{ledger::TxInput{account(from).address, {}, sequence, {}},
                                ledger::TxOutput{to, {}}, 200'000, kGasPrice, std::move(data)};
    REQUIRE(ledger::SignTx(tx, chain.chain().chain_id(), account(from).key).ok());
    return ledger::EncodeTx(tx);
  }

  TestChain chain;
  net::RpcDispatcher dispatcher;
};

// A TestChain served over HTTP on 127.0.0.1 (an ephemeral port) by two io_context threads (a
// waiting broadcast holds one).
class ServedChain {
 public:
  ServedChain() : guard_(io_.get_executor()) {
    auto dispatcher = std::make_shared<net::RpcDispatcher>();
    REQUIRE(RegisterThetaRpc(*dispatcher, chain_.chain()).ok());
    server_ = std::make_unique<net::RpcServer>(io_, dispatcher);
    REQUIRE(server_->Start().ok());
    for (auto& thread : threads_)
      thread = std::thread([this] { io_.run(); });
  }
  ~ServedChain() {
    server_->Stop();
    guard_.reset();
    io_.stop();
    for (auto& thread : threads_)
      thread.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/rpc"; }
  TestChain& chain() { return chain_; }

 private:
  TestChain chain_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::unique_ptr<net::RpcServer> server_;
  std::thread threads_[2];
};

// Commits the mempool as one block as soon as it holds a tx, as consensus would while a client
// waits for its broadcast; gives up after `patience`. Sets `committed` when it commits.
inline std::thread CommitWhenPending(
    TestChain& chain, std::atomic<bool>& committed,
    std::chrono::milliseconds patience = std::chrono::seconds(20)) {
  return std::thread([&chain, &committed, patience] {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (chain.chain().PendingCount() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (chain.chain().PendingCount() == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the caller is waiting by now
    chain.CommitPending();
    committed = true;
  });
}

}  // namespace theta::node::testing
