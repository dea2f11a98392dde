// RegisterEthRpc (eth_rpc.hpp) and the methods about the node and its fees: eth_chainId,
// net_version, web3_clientVersion, eth_syncing, eth_accounts, net_listening, net_peerCount,
// eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory.
#include "theta/node/eth_rpc.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "eth_filters.hpp"
#include "eth_internal.hpp"
#include "theta/core/status.hpp"

namespace theta::node {
namespace eth {
namespace {

constexpr uint64_t kMaxFeeHistoryBlocks = 1024;

uint256 MinimumGasPrice() {
  return ledger::MinimumGasPrice(ledger::kAllForksHeight);
}

absl::StatusOr<uint64_t> ParseBlockCount(const Json& value) {
  // geth takes a hex quantity or a plain number here.
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  return ParseU64(value, "blockCount");
}

absl::StatusOr<std::vector<double>> ParsePercentiles(const Json& value) {
  std::vector<double> out;
  if (value.is_null()) return out;
  if (!value.is_array())
    return absl::InvalidArgumentError("rewardPercentiles: expected an array of numbers");
  for (const Json& p : value) {
    if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 100 ||
        (!out.empty() && p.get<double>() < out.back()))
      return absl::InvalidArgumentError(
          "rewardPercentiles: numbers from 0 to 100 in increasing order");
    out.push_back(p.get<double>());
  }
  return out;
}

// The gas prices a block's txs paid at the given percentiles of its gas used (geth's rule).
absl::StatusOr<Json> Rewards(const BlockRecord& block,
                             const std::vector<ledger::StoredReceipt>& receipts,
                             const std::vector<double>& percentiles) {
  std::vector<std::pair<uint256, uint64_t>> paid;  // price, gas used
  uint64_t total = 0;
  for (size_t i = 0; i < block.txs.size() && i < receipts.size(); ++i) {
    THETA_ASSIGN_OR_RETURN(TxView tx, ViewTx(block.txs[i]));
    paid.emplace_back(tx.gas_price, receipts[i].receipt.gas_used);
    total += receipts[i].receipt.gas_used;
  }
  std::sort(paid.begin(), paid.end());
  Json out = Json::array();
  for (double p : percentiles) {
    if (total == 0) {
      out.push_back("0x0");
      continue;
    }
    const double threshold = static_cast<double>(total) * p / 100.0;
    uint64_t sum = 0;
    size_t i = 0;
    for (; i + 1 < paid.size(); ++i) {
      sum += paid[i].second;
      if (static_cast<double>(sum) >= threshold) break;
    }
    out.push_back(Quantity(paid[i].first));
  }
  return out;
}

net::RpcHandler FeeHistory(ChainService& chain) {
  return [&chain](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
    THETA_ASSIGN_OR_RETURN(Json count_param, Param(params, 0));
    THETA_ASSIGN_OR_RETURN(Json newest_param, Param(params, 1));
    THETA_ASSIGN_OR_RETURN(Json percentile_param, Param(params, 2));
    THETA_ASSIGN_OR_RETURN(uint64_t count, ParseBlockCount(count_param));
    if (newest_param.is_null()) return absl::InvalidArgumentError("newestBlock: missing");
    THETA_ASSIGN_OR_RETURN(uint64_t newest, ResolveStateBlock(chain, newest_param));
    THETA_ASSIGN_OR_RETURN(std::vector<double> percentiles, ParsePercentiles(percentile_param));
    count = std::min({count, kMaxFeeHistoryBlocks, newest + 1});
    const uint64_t oldest = newest + 1 - count;
    Json base_fees = Json::array(), ratios = Json::array(), rewards = Json::array();
    const double limit = static_cast<double>(ledger::MaximumGasLimit(ledger::kAllForksHeight));
    for (uint64_t h = oldest; h < oldest + count; ++h) {
      THETA_ASSIGN_OR_RETURN(BlockRecord block, chain.BlockAt(h));
      THETA_ASSIGN_OR_RETURN(std::vector<ledger::StoredReceipt> receipts,
                             BlockReceipts(chain, block));
      uint64_t used = 0;
      for (const ledger::StoredReceipt& r : receipts)
        used += r.receipt.gas_used;
      base_fees.push_back("0x0");
      ratios.push_back(static_cast<double>(used) / limit);
      if (!percentiles.empty()) {
        THETA_ASSIGN_OR_RETURN(Json reward, Rewards(block, receipts, percentiles));
        rewards.push_back(std::move(reward));
      }
    }
    base_fees.push_back("0x0");  // the next block's
    Json out = {{"oldestBlock", Quantity(oldest)},
                {"baseFeePerGas", std::move(base_fees)},
                {"gasUsedRatio", std::move(ratios)}};
    if (!percentiles.empty()) out["reward"] = std::move(rewards);
    return out;
  };
}

template <typename F>
net::RpcHandler Constant(F value) {
  return [value](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> { return value(); };
}

}  // namespace

absl::Status RegisterInfo(const Registrar& add, ChainService& chain, const EthRpcOptions& options) {
  const uint64_t chain_id = chain.eth_chain_id();
  THETA_ETH_ADD(add("eth_chainId", Constant([chain_id] { return Json(Quantity(chain_id)); })));
  THETA_RETURN_IF_ERROR(
      add("net_version", Constant([chain_id] { return Json(absl::StrCat(chain_id)); })));
  const std::string version = options.client_version;
  THETA_ETH_ADD(add("web3_clientVersion", Constant([version] { return Json(version); })));
  THETA_ETH_ADD(add("eth_accounts", Constant([] { return Json::array(); })));
  THETA_ETH_ADD(add("net_listening", Constant([] { return Json(true); })));
  std::function<size_t()> peers = options.peer_count;
  THETA_ETH_ADD(add("net_peerCount",
                    Constant([peers] { return Json(Quantity(uint64_t{peers ? peers() : 0})); })));
  std::function<bool()> syncing = options.syncing;
  THETA_ETH_ADD(
      add("eth_syncing", Constant([syncing, &chain]() -> Json {
            if (!syncing || !syncing()) return false;
            // Only what this node knows: the head it has reached.
            const std::string head = Quantity(chain.Height());
            return {{"startingBlock", "0x0"}, {"currentBlock", head}, {"highestBlock", head}};
          })));
  // Theta burns every fee and has no tip: the minimum gas price is the price (docs/node.md).
  THETA_RETURN_IF_ERROR(
      add("eth_gasPrice", Constant([] { return Json(Quantity(MinimumGasPrice())); })));
  THETA_ETH_ADD(
      add("eth_maxPriorityFeePerGas", Constant([] { return Json(Quantity(MinimumGasPrice())); })));
  return add("eth_feeHistory", FeeHistory(chain));
}

}  // namespace eth

EthRpc::~EthRpc() {
  if (chain_ == nullptr) return;
  chain_->Unsubscribe(subscriber_id_);
  chain_->UnsubscribeNewTxs(tx_subscriber_id_);
}

size_t EthRpc::SubscriptionCount() const {
  return subscriptions_->Count();
}

size_t EthRpc::FilterCount() const {
  return filters_->Count();
}

absl::StatusOr<std::unique_ptr<EthRpc>> RegisterEthRpc(net::RpcDispatcher& dispatcher,
                                                       ChainService& chain, EthRpcOptions options) {
  std::unique_ptr<EthRpc> rpc(new EthRpc());
  rpc->subscriptions_ = std::make_shared<EthSubscriptions>(options.max_subscriptions_per_client);
  rpc->filters_ = std::make_shared<EthFilters>(
      chain, EthFilterLimits{options.max_filters, options.filter_timeout, options.max_log_blocks,
                             options.max_logs});
  const eth::Registrar add = [&dispatcher](std::string_view name, net::RpcHandler handler) {
    return dispatcher.Register(name, std::move(handler));
  };
  THETA_RETURN_IF_ERROR(eth::RegisterInfo(add, chain, options));
  THETA_RETURN_IF_ERROR(eth::RegisterBlocks(add, chain));
  THETA_RETURN_IF_ERROR(eth::RegisterTxs(add, chain));
  THETA_RETURN_IF_ERROR(eth::RegisterCalls(add, chain));
  THETA_RETURN_IF_ERROR(eth::RegisterLogs(add, chain, options));
  THETA_RETURN_IF_ERROR(eth::RegisterSubscriptions(add, rpc->subscriptions_));
  THETA_RETURN_IF_ERROR(eth::RegisterFilters(add, rpc->filters_));
  std::weak_ptr<EthSubscriptions> weak = rpc->subscriptions_;
  rpc->subscriber_id_ = chain.Subscribe([weak](const CommitEvent& event) {
    if (std::shared_ptr<EthSubscriptions> subs = weak.lock()) subs->OnCommit(event);
  });
  std::weak_ptr<EthFilters> weak_filters = rpc->filters_;
  rpc->tx_subscriber_id_ =
      chain.SubscribeNewTxs([weak, weak_filters](std::span<const Hash32> hashes) {
        if (std::shared_ptr<EthSubscriptions> subs = weak.lock()) subs->OnNewTxs(hashes);
        if (std::shared_ptr<EthFilters> filters = weak_filters.lock()) filters->OnNewTxs(hashes);
      });
  rpc->chain_ = &chain;
  return rpc;
}

}  // namespace theta::node
