// Polled filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
// eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter): what ethers v6 uses for contract
// events and "pending" over HTTP, and web3.js for its filters. Theta's adaptor has none (brief
// §5.1).
//
// A log or block filter keeps no buffer: committed blocks are final (no reorgs), so it is a
// cursor, the first height it has not reported. A poll reads the blocks from the cursor to the
// head, at most max_blocks of them (the next poll goes on from there), and stops after the block
// where the logs pass max_logs; a client that polls rarely gets everything, over several polls, and
// the node holds nothing for it meanwhile. A pending-tx filter does buffer the hashes of txs
// admitted to the mempool since its last poll, the newest max_logs of them. As in geth, a filter
// not polled for `timeout` is removed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eth_internal.hpp"

namespace theta::node {

struct EthFilterLimits {
  size_t max_filters = 10'000;  // all clients together
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  uint64_t max_blocks = 10'000;  // per poll (and per eth_getFilterLogs range)
  size_t max_logs = 10'000;      // per poll (and per eth_getFilterLogs result)
};

// Thread-safe; polls of different filters run in parallel, polls of one filter one at a time.
class EthFilters {
 public:
  EthFilters(const ChainService& chain, EthFilterLimits limits);

  // A filter of the logs of blocks committed from now on that match `criteria` (an eth_getLogs
  // object without blockHash; a numeric fromBlock/toBlock bounds the heights it reports).
  absl::StatusOr<std::string> AddLogFilter(const eth::Json& criteria);
  // A filter of the hashes of blocks committed from now on.
  absl::StatusOr<std::string> AddBlockFilter();
  // A filter of the hashes of txs admitted to the mempool from now on (fed by OnNewTxs).
  absl::StatusOr<std::string> AddPendingTxFilter();
  // Hands the hashes of newly admitted txs to every pending-tx filter.
  void OnNewTxs(std::span<const Hash32> hashes);
  // What happened since the last poll (or the install): logs, block hashes or tx hashes.
  absl::StatusOr<eth::Json> Changes(const std::string& id);
  // Every log matching a log filter's criteria, as eth_getLogs answers them now.
  absl::StatusOr<eth::Json> Logs(const std::string& id);
  // Whether `id` was installed (and is no more).
  bool Remove(const std::string& id);
  size_t Count() const;

 private:
  enum class Kind { kLogs, kBlocks, kPendingTxs };
  struct Filter {
    std::mutex mu;  // one poll at a time, so that no block is reported twice
    Kind kind = Kind::kBlocks;
    eth::Json criteria;  // log filters: the object as given, for Logs
    eth::LogFilter match;
    std::optional<uint64_t> from, to;  // numeric bounds of the heights reported
    uint64_t next = 0;                 // the first height not reported yet
    std::deque<Hash32> pending;        // kPendingTxs: admitted since the last poll
    std::chrono::steady_clock::time_point last_poll;
  };
  absl::StatusOr<std::string> Install(std::shared_ptr<Filter> filter);
  // The filter, its deadline pushed back; NotFound (-32000 "filter not found") when unknown or
  // expired.
  absl::StatusOr<std::shared_ptr<Filter>> Find(const std::string& id);
  // Drops the expired filters: at most once a second unless `force`d, so that a poll costs a
  // lookup, not a pass over every client's filters.
  void DropExpiredLocked(std::chrono::steady_clock::time_point now, bool force);
  void EraseLocked(std::map<std::string, std::shared_ptr<Filter>>::iterator it);
  absl::StatusOr<eth::Json> LogChanges(Filter& filter);
  absl::StatusOr<eth::Json> BlockChanges(Filter& filter);
  eth::Json PendingChanges(Filter& filter);
  std::string NewIdLocked();

  const ChainService& chain_;
  const EthFilterLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Filter>> filters_;
  std::vector<std::shared_ptr<Filter>> pending_;  // the kPendingTxs ones, which OnNewTxs feeds
  std::atomic<size_t> pending_count_{0};          // pending_.size(): admission skips the lock at 0
  std::chrono::steady_clock::time_point last_sweep_;
  uint64_t next_id_ = 0;
  uint64_t salt_ = 0;
};

namespace eth {
absl::Status RegisterFilters(const Registrar& add, const std::shared_ptr<EthFilters>& filters);
}  // namespace eth

}  // namespace theta::node
