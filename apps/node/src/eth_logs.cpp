// eth_getLogs and the log filters it shares with eth_subscribe("logs") and eth_newFilter. A query
// asks the ledger's logs index which blocks of its range may hold a matching log (each block's
// logs bloom; blocks without logs are not in it) and reads only those blocks' receipts. Ranges are
// still capped (EthRpcOptions::max_log_blocks), and the cap is a clear error, not a silent cut.
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {
namespace {

// Infura's and geth's code for a query whose result is too large.
constexpr int kLimitExceeded = -32005;

absl::StatusOr<std::vector<Hash32>> ParseTopicAlternatives(const Json& value, size_t position) {
  const std::string what = absl::StrCat("topics[", position, "]");
  std::vector<Hash32> alternatives;
  if (value.is_null()) return alternatives;  // any
  if (value.is_string()) {
    THETA_ASSIGN_OR_RETURN(Hash32 topic, ParseHash(value, what));
    alternatives.push_back(topic);
    return alternatives;
  }
  if (!value.is_array())
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": expected null, a topic or an array of topics"));
  for (const Json& item : value) {
    // As geth: a null among the alternatives matches anything.
    if (item.is_null()) return std::vector<Hash32>{};
    THETA_ASSIGN_OR_RETURN(Hash32 topic, ParseHash(item, what));
    alternatives.push_back(topic);
  }
  return alternatives;
}

struct Range {
  uint64_t from = 0;
  uint64_t to = 0;
  std::optional<Hash32> block_hash;
};

absl::StatusOr<Range> ParseRange(const ChainService& chain, const Json& filter) {
  Range range;
  auto present = [&filter](const char* key) {
    return filter.contains(key) && !filter[key].is_null();
  };
  if (present("blockHash")) {
    if (present("fromBlock") || present("toBlock"))
      return absl::InvalidArgumentError(
          "filter: blockHash cannot be combined with fromBlock or toBlock");
    THETA_ASSIGN_OR_RETURN(range.block_hash, ParseHash(filter["blockHash"], "blockHash"));
    return range;
  }
  const uint64_t head = chain.Height();
  THETA_ASSIGN_OR_RETURN(range.from,
                         ResolveBlock(chain, filter.value("fromBlock", Json()), "fromBlock"));
  THETA_ASSIGN_OR_RETURN(range.to, ResolveBlock(chain, filter.value("toBlock", Json()), "toBlock"));
  range.to = std::min(range.to, head);  // as geth: a range past the head ends at the head
  if (present("fromBlock") && present("toBlock") && range.from > range.to && range.from <= head)
    return absl::InvalidArgumentError(
        absl::StrCat("filter: fromBlock ", range.from, " is after toBlock ", range.to));
  return range;
}

}  // namespace

absl::StatusOr<LogFilter> ParseLogFilter(const Json& filter) {
  LogFilter out;
  if (filter.is_null()) return out;
  if (!filter.is_object())
    return absl::InvalidArgumentError(
        absl::StrCat("filter: expected an object, got ", filter.dump()));
  const Json address = filter.value("address", Json());
  if (address.is_string()) {
    THETA_ASSIGN_OR_RETURN(Address a, ParseAddr(address, "address"));
    out.addresses.push_back(a);
  } else if (address.is_array()) {
    for (const Json& item : address) {
      THETA_ASSIGN_OR_RETURN(Address a, ParseAddr(item, "address"));
      out.addresses.push_back(a);
    }
  } else if (!address.is_null()) {
    return absl::InvalidArgumentError("filter: address must be an address or an array of them");
  }
  const Json topics = filter.value("topics", Json());
  if (topics.is_array()) {
    if (topics.size() > 4)
      return absl::InvalidArgumentError(
          absl::StrCat("filter: ", topics.size(), " topic positions; a log has at most 4"));
    for (size_t i = 0; i < topics.size(); ++i) {
      THETA_ASSIGN_OR_RETURN(std::vector<Hash32> alternatives,
                             ParseTopicAlternatives(topics[i], i));
      out.topics.push_back(std::move(alternatives));
    }
  } else if (!topics.is_null()) {
    return absl::InvalidArgumentError("filter: topics must be an array");
  }
  return out;
}

bool Matches(const LogFilter& filter, const evm::Log& log) {
  if (!filter.addresses.empty() && std::find(filter.addresses.begin(), filter.addresses.end(),
                                             log.address) == filter.addresses.end())
    return false;
  if (filter.topics.size() > log.topics.size()) {
    // A position the log does not have matches only a wildcard.
    for (size_t i = log.topics.size(); i < filter.topics.size(); ++i)
      if (!filter.topics[i].empty()) return false;
  }
  for (size_t i = 0; i < filter.topics.size() && i < log.topics.size(); ++i) {
    const std::vector<Hash32>& any = filter.topics[i];
    if (!any.empty() && std::find(any.begin(), any.end(), log.topics[i]) == any.end()) return false;
  }
  return true;
}

bool MayMatch(const LogFilter& filter, const Bloom& bloom) {
  auto any_in = [&bloom](const auto& items) {
    return std::any_of(items.begin(), items.end(), [&bloom](const auto& item) {
      return ledger::BloomMayContain(bloom, item.view());
    });
  };
  if (!filter.addresses.empty() && !any_in(filter.addresses)) return false;
  for (const std::vector<Hash32>& alternatives : filter.topics)
    if (!alternatives.empty() && !any_in(alternatives)) return false;
  return true;
}

absl::StatusOr<std::vector<uint64_t>> CandidateBlocks(const ChainService& chain,
                                                      const LogFilter& match, uint64_t from,
                                                      uint64_t to) {
  return chain.BlocksWithLogs(from, to,
                              [&match](const Bloom& bloom) { return MayMatch(match, bloom); });
}

absl::Status AppendBlockLogs(const ChainService& chain, const BlockRecord& block,
                             const LogFilter& match, Json& out) {
  THETA_ASSIGN_OR_RETURN(std::vector<ledger::StoredReceipt> receipts, BlockReceipts(chain, block));
  uint64_t log_index = 0;
  for (uint32_t i = 0; i < receipts.size(); ++i) {
    for (const evm::Log& log : receipts[i].receipt.logs) {
      if (Matches(match, log)) out.push_back(LogJson(log, block, i, block.tx_hashes[i], log_index));
      ++log_index;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> GetLogs(const ChainService& chain, const Json& filter, uint64_t max_blocks,
                             size_t max_logs) {
  if (!filter.is_object()) return absl::InvalidArgumentError("filter: expected a filter object");
  THETA_ASSIGN_OR_RETURN(LogFilter match, ParseLogFilter(filter));
  THETA_ASSIGN_OR_RETURN(Range range, ParseRange(chain, filter));
  auto too_many = [max_logs] {
    return net::RpcErrorStatus(kLimitExceeded,
                               absl::StrCat("query returned more than ", max_logs,
                                            " results; narrow the range or the filter"));
  };
  Json logs = Json::array();
  if (range.block_hash) {
    absl::StatusOr<BlockRecord> block = chain.BlockByHash(*range.block_hash);
    if (absl::IsNotFound(block.status()))
      return net::RpcErrorStatus(kEthServerError, "unknown block");
    if (!block.ok()) return block.status();
    THETA_RETURN_IF_ERROR(AppendBlockLogs(chain, *block, match, logs));
    if (logs.size() > max_logs) return too_many();
    return logs;
  }
  if (range.from > range.to) return logs;
  if (range.to - range.from >= max_blocks)
    return absl::InvalidArgumentError(absl::StrCat(
        "filter: the range ", range.from, "..", range.to, " spans ", range.to - range.from + 1,
        " blocks; at most ", max_blocks, " per query, split it"));
  THETA_ASSIGN_OR_RETURN(std::vector<uint64_t> heights,
                         CandidateBlocks(chain, match, range.from, range.to));
  for (uint64_t h : heights) {
    THETA_ASSIGN_OR_RETURN(BlockRecord block, chain.BlockAt(h));
    THETA_RETURN_IF_ERROR(AppendBlockLogs(chain, block, match, logs));
    if (logs.size() > max_logs) return too_many();
  }
  return logs;
}

absl::Status RegisterLogs(const Registrar& add, ChainService& chain, const EthRpcOptions& options) {
  const uint64_t max_blocks = options.max_log_blocks;
  const size_t max_logs = options.max_logs;
  return add("eth_getLogs",
             [&chain, max_blocks, max_logs](const Json& params,
                                            const net::RpcContext&) -> absl::StatusOr<Json> {
               THETA_ASSIGN_OR_RETURN(Json filter, Param(params, 0));
               return GetLogs(chain, filter, max_blocks, max_logs);
             });
}

}  // namespace theta::node::eth
