// A small chain behind theta-net's real RpcServer, serving the theta.* methods the wallet uses
// (GetStatus, GetAccount, BroadcastRawTransaction[Async], GetTransaction) with the Go node's JSON
// shapes. It decodes every broadcast transaction with theta-ledger, checks the signer's signature
// against the chain ID, the sequence and the balance, and applies sends, so the wallet's online
// commands are tested against real bytes over real HTTP. It is not the ledger's executor: the
// devnet end-to-end tests with theta-node (issue 7) replace it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/net/rpc_server.hpp"

namespace theta::wallet::testing {

class FakeChain {
 public:
  explicit FakeChain(std::string chain_id = "privatenet");
  ~FakeChain();
  FakeChain(const FakeChain&) = delete;
  FakeChain& operator=(const FakeChain&) = delete;

  std::string url() const;
  void Fund(const Address& address, const ledger::Coins& coins);
  ledger::Coins Balance(const Address& address) const;
  uint64_t Sequence(const Address& address) const;
  // Raw transactions accepted so far, in order.
  std::vector<Bytes> accepted() const;

 private:
  struct Account {
    ledger::Coins balance;
    uint64_t sequence = 0;
  };
  absl::StatusOr<nlohmann::json> Broadcast(const nlohmann::json& params);

  std::string chain_id_;
  mutable std::mutex mu_;
  std::map<Address, Account> accounts_;
  std::map<std::string, uint64_t> tx_heights_;
  std::vector<Bytes> accepted_;
  uint64_t height_ = 1;

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::unique_ptr<net::RpcServer> server_;
  std::thread thread_;
};

}  // namespace theta::wallet::testing
