// EthFilters (eth_filters.hpp) and the eth_*Filter* methods on top of it.
#include "eth_filters.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

using eth::Json;

// A filter's fromBlock/toBlock: a number bounds the heights it reports, a tag or nothing does not
// (every block it sees is after the install, so "latest" and "pending" mean "no bound").
absl::StatusOr<std::optional<uint64_t>> ParseBound(const Json& value, std::string_view what) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) {
    const std::string& tag = value.get_ref<const std::string&>();
    if (tag == "latest" || tag == "pending" || tag == "safe" || tag == "finalized")
      return std::nullopt;
    if (tag == "earliest") return uint64_t{0};
  }
  THETA_ASSIGN_OR_RETURN(uint64_t height, eth::ParseU64(value, what));
  return height;
}

absl::Status FilterNotFound() {
  return net::RpcErrorStatus(eth::kEthServerError, "filter not found");
}

}  // namespace

EthFilters::EthFilters(const ChainService& chain, EthFilterLimits limits)
    : chain_(chain), limits_(limits) {}

absl::StatusOr<std::string> EthFilters::AddLogFilter(const Json& criteria) {
  auto filter = std::make_shared<Filter>();
  filter->kind = Kind::kLogs;
  if (criteria.is_object() && criteria.contains("blockHash") && !criteria["blockHash"].is_null())
    return absl::InvalidArgumentError(
        "filter: blockHash is for eth_getLogs; a filter reports blocks committed after it");
  THETA_ASSIGN_OR_RETURN(filter->match, eth::ParseLogFilter(criteria));
  if (criteria.is_object()) {
    THETA_ASSIGN_OR_RETURN(filter->from,
                           ParseBound(criteria.value("fromBlock", Json()), "fromBlock"));
    THETA_ASSIGN_OR_RETURN(filter->to, ParseBound(criteria.value("toBlock", Json()), "toBlock"));
    filter->criteria = criteria;
  } else {
    filter->criteria = Json::object();
  }
  if (filter->from && filter->to && *filter->from > *filter->to)
    return absl::InvalidArgumentError(
        absl::StrCat("filter: fromBlock ", *filter->from, " is after toBlock ", *filter->to));
  return Install(std::move(filter));
}

absl::StatusOr<std::string> EthFilters::AddBlockFilter() {
  return Install(std::make_shared<Filter>());
}

absl::StatusOr<std::string> EthFilters::AddPendingTxFilter() {
  auto filter = std::make_shared<Filter>();
  filter->kind = Kind::kPendingTxs;
  return Install(std::move(filter));
}

void EthFilters::OnNewTxs(std::span<const Hash32> hashes) {
  if (pending_count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::shared_ptr<Filter>& filter : pending_) {
    std::lock_guard<std::mutex> filter_lock(filter->mu);
    filter->pending.insert(filter->pending.end(), hashes.begin(), hashes.end());
    // A client that polls too rarely misses the oldest: the buffer stays bounded.
    while (filter->pending.size() > limits_.max_logs)
      filter->pending.pop_front();
  }
}

absl::StatusOr<std::string> EthFilters::Install(std::shared_ptr<Filter> filter) {
  const auto now = std::chrono::steady_clock::now();
  filter->last_poll = now;
  filter->next = chain_.Height() + 1;
  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(now, filters_.size() >= limits_.max_filters);
  if (filters_.size() >= limits_.max_filters)
    return net::RpcErrorStatus(
        eth::kEthServerError,
        absl::StrCat("too many filters (", limits_.max_filters,
                     " installed); uninstall unused ones or wait for them to expire"));
  std::string id = NewIdLocked();
  if (filter->kind == Kind::kPendingTxs) {
    pending_.push_back(filter);
    pending_count_.store(pending_.size());
  }
  filters_.emplace(id, std::move(filter));
  return id;
}

std::string EthFilters::NewIdLocked() {
  return eth::UnguessableId(salt_, next_id_);
}

void EthFilters::EraseLocked(std::map<std::string, std::shared_ptr<Filter>>::iterator it) {
  if (it->second->kind == Kind::kPendingTxs) {
    std::erase(pending_, it->second);
    pending_count_.store(pending_.size());
  }
  filters_.erase(it);
}

void EthFilters::DropExpiredLocked(std::chrono::steady_clock::time_point now, bool force) {
  if (!force && now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  for (auto it = filters_.begin(); it != filters_.end();) {
    // last_poll is written under the table's lock too (Find), so reading it here is safe.
    auto next = std::next(it);
    if (now - it->second->last_poll > limits_.timeout) EraseLocked(it);
    it = next;
  }
}

absl::StatusOr<std::shared_ptr<EthFilters::Filter>> EthFilters::Find(const std::string& id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(now, false);
  auto it = filters_.find(id);
  if (it == filters_.end()) return FilterNotFound();
  if (now - it->second->last_poll > limits_.timeout) {  // expired since the last sweep
    EraseLocked(it);
    return FilterNotFound();
  }
  it->second->last_poll = now;
  return it->second;
}

absl::StatusOr<Json> EthFilters::Changes(const std::string& id) {
  THETA_ASSIGN_OR_RETURN(std::shared_ptr<Filter> filter, Find(id));
  std::lock_guard<std::mutex> lock(filter->mu);
  switch (filter->kind) {
    case Kind::kLogs:
      return LogChanges(*filter);
    case Kind::kBlocks:
      return BlockChanges(*filter);
    case Kind::kPendingTxs:
      return PendingChanges(*filter);
  }
  return absl::InternalError("filter of no known kind");
}

absl::StatusOr<Json> EthFilters::LogChanges(Filter& filter) {
  const uint64_t head = chain_.Height();
  const uint64_t start = std::max(filter.next, filter.from.value_or(0));
  const uint64_t end = std::min(head, filter.to.value_or(head));
  Json logs = Json::array();
  if (start > end) {
    filter.next = std::max(filter.next, head + 1);  // nothing up to the head is in its range
    return logs;
  }
  uint64_t last = std::min(end, start + (std::max<uint64_t>(limits_.max_blocks, 1) - 1));
  THETA_ASSIGN_OR_RETURN(std::vector<uint64_t> heights,
                         eth::CandidateBlocks(chain_, filter.match, start, last));
  for (uint64_t h : heights) {
    THETA_ASSIGN_OR_RETURN(BlockRecord block, chain_.BlockAt(h));
    THETA_RETURN_IF_ERROR(eth::AppendBlockLogs(chain_, block, filter.match, logs));
    if (logs.size() >= limits_.max_logs) {
      last = h;  // the next poll goes on after this block
      break;
    }
  }
  filter.next = last + 1;
  return logs;
}

absl::StatusOr<Json> EthFilters::BlockChanges(Filter& filter) {
  const uint64_t head = chain_.Height();
  Json hashes = Json::array();
  if (filter.next > head) return hashes;
  const uint64_t last =
      std::min(head, filter.next + (std::max<uint64_t>(limits_.max_blocks, 1) - 1));
  for (uint64_t h = filter.next; h <= last; ++h) {
    THETA_ASSIGN_OR_RETURN(BlockRecord block, chain_.BlockAt(h));
    hashes.push_back(eth::HashHex(block.hash));
  }
  filter.next = last + 1;
  return hashes;
}

Json EthFilters::PendingChanges(Filter& filter) {
  Json hashes = Json::array();
  for (const Hash32& hash : filter.pending)
    hashes.push_back(eth::HashHex(hash));
  filter.pending.clear();
  return hashes;
}

absl::StatusOr<Json> EthFilters::Logs(const std::string& id) {
  THETA_ASSIGN_OR_RETURN(std::shared_ptr<Filter> filter, Find(id));
  if (filter->kind != Kind::kLogs) return FilterNotFound();  // geth's answer for the others too
  return eth::GetLogs(chain_, filter->criteria, limits_.max_blocks, limits_.max_logs);
}

bool EthFilters::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = filters_.find(id);
  if (it == filters_.end()) return false;
  EraseLocked(it);
  return true;
}

size_t EthFilters::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return filters_.size();
}

namespace eth {
namespace {

absl::StatusOr<std::string> FilterId(const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json id, Param(params, 0));
  if (!id.is_string()) return absl::InvalidArgumentError("filter id: expected a string");
  return id.get<std::string>();
}

}  // namespace

absl::Status RegisterFilters(const Registrar& add, const std::shared_ptr<EthFilters>& filters) {
  // The handlers may outlive the EthRpc that owns the filters (and the chain they read): they
  // hold them weakly and answer Unavailable once they are gone.
  using Call = std::function<absl::StatusOr<Json>(EthFilters&, const Json& params)>;
  auto handler = [weak = std::weak_ptr<EthFilters>(filters)](Call call) -> net::RpcHandler {
    return [weak, call = std::move(call)](const Json& params,
                                          const net::RpcContext&) -> absl::StatusOr<Json> {
      std::shared_ptr<EthFilters> f = weak.lock();
      if (f == nullptr) return absl::UnavailableError("the Ethereum RPC is shutting down");
      return call(*f, params);
    };
  };
  THETA_ETH_ADD(
      add("eth_newFilter", handler([](EthFilters& f, const Json& params) -> absl::StatusOr<Json> {
            THETA_ASSIGN_OR_RETURN(Json criteria, Param(params, 0));
            if (!criteria.is_object() && !criteria.is_null())
              return absl::InvalidArgumentError("filter: expected a filter object");
            THETA_ASSIGN_OR_RETURN(std::string id, f.AddLogFilter(criteria));
            return id;
          })));
  THETA_ETH_ADD(
      add("eth_newBlockFilter", handler([](EthFilters& f, const Json&) -> absl::StatusOr<Json> {
            THETA_ASSIGN_OR_RETURN(std::string id, f.AddBlockFilter());
            return id;
          })));
  THETA_ETH_ADD(add("eth_newPendingTransactionFilter",
                    handler([](EthFilters& f, const Json&) -> absl::StatusOr<Json> {
                      THETA_ASSIGN_OR_RETURN(std::string id, f.AddPendingTxFilter());
                      return id;
                    })));
  THETA_ETH_ADD(add("eth_getFilterChanges",
                    handler([](EthFilters& f, const Json& params) -> absl::StatusOr<Json> {
                      THETA_ASSIGN_OR_RETURN(std::string id, FilterId(params));
                      return f.Changes(id);
                    })));
  THETA_ETH_ADD(add("eth_getFilterLogs",
                    handler([](EthFilters& f, const Json& params) -> absl::StatusOr<Json> {
                      THETA_ASSIGN_OR_RETURN(std::string id, FilterId(params));
                      return f.Logs(id);
                    })));
  return add("eth_uninstallFilter",
             handler([](EthFilters& f, const Json& params) -> absl::StatusOr<Json> {
               THETA_ASSIGN_OR_RETURN(std::string id, FilterId(params));
               return f.Remove(id);
             }));
}

}  // namespace eth
}  // namespace theta::node
