// eth_subscribe / eth_unsubscribe over WebSocket (geth's pub-sub): "newHeads" sends each
// committed block's header, "logs" each matching log of it, as {"jsonrpc": "2.0", "method":
// "eth_subscription", "params": {"subscription": id, "result": ...}}.
#include <random>

#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::node {

std::string EthSubscriptions::NewId() {
  if (salt_ == 0) salt_ = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  uint8_t seed[16];
  for (int i = 0; i < 8; ++i) {
    seed[i] = static_cast<uint8_t>(salt_ >> (8 * i));
    seed[8 + i] = static_cast<uint8_t>(next_ >> (8 * i));
  }
  ++next_;
  // Ids are unguessable, as geth's: a client cannot address another's subscription anyway (ids
  // are checked against the connection), but it need not learn how many others there are.
  return ToHex(ByteView(Keccak256(ByteView(seed, sizeof(seed))).view()).subspan(0, 16));
}

absl::StatusOr<std::string> EthSubscriptions::Add(std::shared_ptr<net::RpcNotifier> notifier,
                                                  bool logs, eth::LogFilter filter) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t mine = 0;
  for (const auto& [id, sub] : subs_)
    mine += sub.notifier == notifier;
  if (mine >= max_per_client_)
    return absl::ResourceExhaustedError(
        absl::StrCat("at most ", max_per_client_, " subscriptions per connection"));
  std::string id = NewId();
  subs_[id] = Subscription{std::move(notifier), logs, std::move(filter)};
  return id;
}

bool EthSubscriptions::Remove(const std::string& id, const net::RpcNotifier* notifier) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end() || it->second.notifier.get() != notifier) return false;
  subs_.erase(it);
  return true;
}

size_t EthSubscriptions::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subs_.size();
}

void EthSubscriptions::OnCommit(const CommitEvent& event) {
  if (event.block == nullptr || event.receipts == nullptr) return;
  const BlockRecord& block = *event.block;
  const std::vector<ledger::StoredReceipt>& receipts = *event.receipts;
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<eth::Json> header;  // built once, for the first newHeads subscriber
  for (auto it = subs_.begin(); it != subs_.end();) {
    Subscription& sub = it->second;
    bool open = !sub.notifier->closed();
    auto send = [&](eth::Json result) {
      if (!open) return;
      open = sub.notifier->Notify(net::MakeRpcNotification(
          "eth_subscription", {{"subscription", it->first}, {"result", std::move(result)}}));
    };
    if (!sub.logs) {
      if (!header) header = eth::HeaderJson(block, receipts);
      send(*header);
    } else {
      uint64_t log_index = 0;
      for (uint32_t i = 0; i < receipts.size() && open; ++i) {
        for (const evm::Log& log : receipts[i].receipt.logs) {
          if (eth::Matches(sub.filter, log))
            send(eth::LogJson(log, block, i, receipts[i].tx_hash, log_index));
          ++log_index;
        }
      }
    }
    it = open ? std::next(it) : subs_.erase(it);
  }
}

namespace eth {

absl::Status RegisterSubscriptions(const Registrar& add,
                                   const std::shared_ptr<EthSubscriptions>& subscriptions) {
  std::weak_ptr<EthSubscriptions> weak = subscriptions;
  THETA_ETH_ADD(add(
      "eth_subscribe",
      [weak](const Json& params, const net::RpcContext& ctx) -> absl::StatusOr<Json> {
        if (ctx.notifier == nullptr)
          return net::RpcErrorStatus(kEthServerError,
                                     "notifications not supported: subscribe over WebSocket");
        THETA_ASSIGN_OR_RETURN(Json kind, Param(params, 0));
        THETA_ASSIGN_OR_RETURN(Json filter_param, Param(params, 1));
        if (!kind.is_string())
          return absl::InvalidArgumentError("subscription: expected \"newHeads\" or \"logs\"");
        const std::string name = kind.get<std::string>();
        LogFilter filter;
        if (name == "logs") {
          THETA_ASSIGN_OR_RETURN(filter, ParseLogFilter(filter_param));
        } else if (name != "newHeads") {
          return absl::InvalidArgumentError(absl::StrCat(
              "subscription: \"", name, "\" is not supported (newHeads and logs are)"));
        }
        std::shared_ptr<EthSubscriptions> subs = weak.lock();
        if (subs == nullptr) return absl::UnavailableError("the Ethereum RPC is shutting down");
        absl::StatusOr<std::string> id = subs->Add(ctx.notifier, name == "logs", std::move(filter));
        if (!id.ok())
          return net::RpcErrorStatus(kEthServerError, std::string(id.status().message()));
        return *id;
      }));
  return add("eth_unsubscribe",
             [weak](const Json& params, const net::RpcContext& ctx) -> absl::StatusOr<Json> {
               THETA_ASSIGN_OR_RETURN(Json id, Param(params, 0));
               if (!id.is_string())
                 return absl::InvalidArgumentError("subscription id: expected a string");
               std::shared_ptr<EthSubscriptions> subs = weak.lock();
               if (subs == nullptr) return false;
               return subs->Remove(id.get<std::string>(), ctx.notifier.get());
             });
}

}  // namespace eth
}  // namespace theta::node
