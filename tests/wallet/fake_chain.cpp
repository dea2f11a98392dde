#include "fake_chain.hpp"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "theta/wallet/tx_builder.hpp"

namespace theta::wallet::testing {

using Json = nlohmann::json;
using ledger::Coins;

FakeChain::FakeChain(std::string chain_id)
    : chain_id_(std::move(chain_id)), guard_(io_.get_executor()) {
  auto dispatcher = std::make_shared<net::RpcDispatcher>();
  REQUIRE(dispatcher
              ->Register("theta.GetStatus",
                         [this](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> {
                           return Json{{"chain_id", chain_id_},
                                       {"latest_finalized_block_height", std::to_string(height_)}};
                         })
              .ok());
  REQUIRE(
      dispatcher
          ->Register("theta.GetAccount",
                     [this](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                       if (!params.is_object() || !params.contains("address")) {
                         return absl::InvalidArgumentError("address is required");
                       }
                       auto address = ParseAddress(params["address"].get<std::string>());
                       if (!address.ok()) return address.status();
                       std::lock_guard lock(mu_);
                       auto it = accounts_.find(*address);
                       if (it == accounts_.end()) {
                         // The Go node's words for an account it has never seen.
                         return absl::NotFoundError(absl::StrCat(
                             "Account with address ", ToHex(address->view()), " is not found"));
                       }
                       return Json{{"sequence", std::to_string(it->second.sequence)},
                                   {"coins",
                                    {{"thetawei", it->second.balance.theta_wei.ToDecimal()},
                                     {"tfuelwei", it->second.balance.tfuel_wei.ToDecimal()}}},
                                   {"reserved_funds", Json::array()},
                                   {"last_updated_block_height", "0"}};
                     })
          .ok());
  for (const char* method :
       {"theta.BroadcastRawTransaction", "theta.BroadcastRawTransactionAsync"}) {
    REQUIRE(dispatcher
                ->Register(method, [this](const Json& params,
                                          const net::RpcContext&) { return Broadcast(params); })
                .ok());
  }
  REQUIRE(
      dispatcher
          ->Register("theta.GetTransaction",
                     [this](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
                       const std::string hash = params.value("hash", "");
                       std::lock_guard lock(mu_);
                       auto it = tx_heights_.find(hash);
                       if (it == tx_heights_.end()) return Json{{"status", "not_found"}};
                       return Json{{"status", "finalized"},
                                   {"block_height", std::to_string(it->second)},
                                   {"hash", hash}};
                     })
          .ok());
  server_ = std::make_unique<net::RpcServer>(io_, dispatcher);
  REQUIRE(server_->Start().ok());
  thread_ = std::thread([this] { io_.run(); });
}

FakeChain::~FakeChain() {
  server_->Stop();
  guard_.reset();
  io_.stop();
  thread_.join();
}

std::string FakeChain::url() const {
  return absl::StrCat("http://127.0.0.1:", server_->port(), "/rpc");
}

void FakeChain::Fund(const Address& address, const Coins& coins) {
  std::lock_guard lock(mu_);
  accounts_[address].balance = coins;
}

Coins FakeChain::Balance(const Address& address) const {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(address);
  return it == accounts_.end() ? Coins{} : it->second.balance;
}

uint64_t FakeChain::Sequence(const Address& address) const {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(address);
  return it == accounts_.end() ? 0 : it->second.sequence;
}

std::vector<Bytes> FakeChain::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

absl::StatusOr<Json> FakeChain::Broadcast(const Json& params) {
  if (!params.is_object() || !params.contains("tx_bytes") || !params["tx_bytes"].is_string()) {
    return absl::InvalidArgumentError("tx_bytes is required");
  }
  auto raw = ParseHexDigits(params["tx_bytes"].get<std::string>());
  if (!raw.ok()) return raw.status();
  auto tx = ledger::DecodeTx(*raw);
  if (!tx.ok()) return tx.status();
  const Address signer = SignerOf(*tx);
  const ledger::TxInput* input = nullptr;
  std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>)
          input = &t.inputs.front();
        else if constexpr (std::is_same_v<T, ledger::SmartContractTx>)
          input = &t.from;
        else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>)
          input = &t.initiator;
        else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>)
          input = &t.holder;
        else if constexpr (requires { t.source; })
          input = &t.source;
      },
      *tx);
  if (input == nullptr) return absl::InvalidArgumentError("unsupported transaction type");
  absl::Status signature =
      ledger::VerifySignature(ledger::SignBytes(*tx, chain_id_), input->signature, signer);
  if (!signature.ok()) return signature;
  std::lock_guard lock(mu_);
  Account& account = accounts_[signer];
  if (input->sequence != account.sequence + 1) {
    // Worded like the Go node's ValidateInputAdvanced refusal.
    return absl::InvalidArgumentError(absl::StrCat("ValidateInputAdvanced: Got ", input->sequence,
                                                   ", expected ", account.sequence + 1,
                                                   ". (check sequence)"));
  }
  const Coins needed = RequiredFunds(*tx);
  if (!account.balance.IsGte(needed)) {
    return absl::InvalidArgumentError("Insufficient fund: balance is lower than the tx needs");
  }
  account.sequence++;
  account.balance.theta_wei = account.balance.theta_wei - needed.theta_wei;
  account.balance.tfuel_wei = account.balance.tfuel_wei - needed.tfuel_wei;
  if (const auto* send = std::get_if<ledger::SendTx>(&*tx)) {
    for (const ledger::TxOutput& out : send->outputs) {
      Account& to = accounts_[out.address];
      to.balance.theta_wei = to.balance.theta_wei + out.coins.theta_wei;
      to.balance.tfuel_wei = to.balance.tfuel_wei + out.coins.tfuel_wei;
    }
  }
  const std::string hash = ledger::TxHash(*raw).ToHex();
  tx_heights_[hash] = ++height_;
  accepted_.push_back(*raw);
  return Json{{"hash", hash}, {"block", {{"height", std::to_string(height_)}}}};
}

}  // namespace theta::wallet::testing
