// eth_subscribe / eth_unsubscribe over WebSocket (geth's pub-sub): "newHeads" sends each
// committed block's header, "logs" each matching log of it, "newPendingTransactions" the hash of
// each tx the mempool admits, as {"jsonrpc": "2.0", "method": "eth_subscription", "params":
// {"subscription": id, "result": ...}}.
#include <random>

#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::node {

namespace eth {

std::string UnguessableId(uint64_t& salt, uint64_t& counter) {
  if (salt == 0) salt = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  uint8_t seed[16];
  for (int i = 0; i < 8; ++i) {
    seed[i] = static_cast<uint8_t>(salt >> (8 * i));
    seed[8 + i] = static_cast<uint8_t>(counter >> (8 * i));
  }
  ++counter;
  // Ids are unguessable, as geth's: a client cannot address another's subscription anyway (ids
  // are checked against the connection), but it need not learn how many others there are.
  return ToHex(ByteView(Keccak256(ByteView(seed, sizeof(seed))).view()).subspan(0, 16));
}

}  // namespace eth

std::string EthSubscriptions::NewId() {
  return eth::UnguessableId(salt_, next_);
}

absl::StatusOr<std::string> EthSubscriptions::Add(std::shared_ptr<net::RpcNotifier> notifier,
                                                  Kind kind, eth::LogFilter filter) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t mine = 0;
  for (const auto& [id, sub] : subs_)
    mine += sub.notifier == notifier;
  if (mine >= max_per_client_)
    return absl::ResourceExhaustedError(
        absl::StrCat("at most ", max_per_client_, " subscriptions per connection"));
  std::string id = NewId();
  if (kind == Kind::kNewPendingTxs) pending_subs_.fetch_add(1);
  subs_[id] = Subscription{std::move(notifier), kind, std::move(filter)};
  return id;
}

bool EthSubscriptions::Remove(const std::string& id, const net::RpcNotifier* notifier) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end() || it->second.notifier.get() != notifier) return false;
  if (it->second.kind == Kind::kNewPendingTxs) pending_subs_.fetch_sub(1);
  subs_.erase(it);
  return true;
}

size_t EthSubscriptions::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subs_.size();
}

bool EthSubscriptions::Send(const std::string& id, Subscription& sub, eth::Json result) {
  return sub.notifier->Notify(net::MakeRpcNotification(
      "eth_subscription", {{"subscription", id}, {"result", std::move(result)}}));
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
    if (open && sub.kind == Kind::kNewHeads) {
      if (!header) header = eth::HeaderJson(block, receipts);
      open = Send(it->first, sub, *header);
    } else if (open && sub.kind == Kind::kLogs) {
      uint64_t log_index = 0;
      for (uint32_t i = 0; i < receipts.size() && open; ++i) {
        for (const evm::Log& log : receipts[i].receipt.logs) {
          if (open && eth::Matches(sub.filter, log))
            open =
                Send(it->first, sub, eth::LogJson(log, block, i, receipts[i].tx_hash, log_index));
          ++log_index;
        }
      }
    }
    if (open) {
      ++it;
      continue;
    }
    if (sub.kind == Kind::kNewPendingTxs) pending_subs_.fetch_sub(1);
    it = subs_.erase(it);  // its connection has closed
  }
}

void EthSubscriptions::OnNewTxs(std::span<const Hash32> hashes) {
  if (pending_subs_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, sub] : subs_) {
    if (sub.kind != Kind::kNewPendingTxs) continue;
    for (const Hash32& hash : hashes)
      if (!Send(id, sub, eth::HashHex(hash))) break;  // closed: dropped at the next block
  }
}

namespace eth {

absl::Status RegisterSubscriptions(const Registrar& add,
                                   const std::shared_ptr<EthSubscriptions>& subscriptions) {
  std::weak_ptr<EthSubscriptions> weak = subscriptions;
  THETA_ETH_ADD(
      add("eth_subscribe",
          [weak](const Json& params, const net::RpcContext& ctx) -> absl::StatusOr<Json> {
            if (ctx.notifier == nullptr)
              return net::RpcErrorStatus(kEthServerError,
                                         "notifications not supported: subscribe over WebSocket");
            THETA_ASSIGN_OR_RETURN(Json kind, Param(params, 0));
            THETA_ASSIGN_OR_RETURN(Json filter_param, Param(params, 1));
            if (!kind.is_string())
              return absl::InvalidArgumentError(
                  "subscription: expected \"newHeads\", \"logs\" or \"newPendingTransactions\"");
            const std::string name = kind.get<std::string>();
            LogFilter filter;
            EthSubscriptions::Kind what = EthSubscriptions::Kind::kNewHeads;
            if (name == "logs") {
              what = EthSubscriptions::Kind::kLogs;
              THETA_ASSIGN_OR_RETURN(filter, ParseLogFilter(filter_param));
            } else if (name == "newPendingTransactions") {
              what = EthSubscriptions::Kind::kNewPendingTxs;
              // geth's optional `true` asks for whole txs; this node sends their hashes only.
              if (!filter_param.is_null() && filter_param != false)
                return absl::InvalidArgumentError(
                    "newPendingTransactions: only hashes are sent (omit the second param or pass "
                    "false)");
            } else if (name != "newHeads") {
              return absl::InvalidArgumentError(absl::StrCat(
                  "subscription: \"", name,
                  "\" is not supported (newHeads, logs and newPendingTransactions are)"));
            }
            std::shared_ptr<EthSubscriptions> subs = weak.lock();
            if (subs == nullptr) return absl::UnavailableError("the Ethereum RPC is shutting down");
            absl::StatusOr<std::string> id = subs->Add(ctx.notifier, what, std::move(filter));
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
