// The logs index of the block store (chain.hpp): each block's logs bloom, kept only for blocks
// with logs, so that a log query over many blocks reads one small entry per block with logs
// instead of every block's receipts. And Ethereum's logs bloom itself (logs_bloom.hpp).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "chain_keys.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/chain.hpp"
#include "theta/ledger/logs_bloom.hpp"

namespace theta::ledger {
namespace {

// The byte and bit of the bloom that each of the three byte pairs of keccak256(item) selects.
template <typename Visit>
void ForEachBit(ByteView item, Visit visit) {
  const Hash32 h = Keccak256(item);
  for (size_t i = 0; i < 6; i += 2) {
    const unsigned bit = ((static_cast<unsigned>(h.bytes[i]) << 8) | h.bytes[i + 1]) & 2047u;
    visit(sizeof(LogsBloom) - 1 - bit / 8, static_cast<uint8_t>(1u << (bit % 8)));
  }
}

uint64_t HeightOfKey(ByteView key) {
  uint64_t height = 0;
  for (size_t i = key.size() - 8; i < key.size(); ++i)
    height = (height << 8) | key[i];
  return height;
}

}  // namespace

void BloomAdd(LogsBloom& bloom, ByteView item) {
  ForEachBit(item, [&bloom](size_t byte, uint8_t mask) { bloom[byte] |= mask; });
}

void BloomAddLogs(LogsBloom& bloom, const std::vector<evm::Log>& logs) {
  for (const evm::Log& log : logs) {
    BloomAdd(bloom, log.address.view());
    for (const Hash32& topic : log.topics)
      BloomAdd(bloom, topic.view());
  }
}

bool BloomMayContain(const LogsBloom& bloom, ByteView item) {
  bool all = true;
  ForEachBit(item, [&](size_t byte, uint8_t mask) { all = all && (bloom[byte] & mask) != 0; });
  return all;
}

absl::Status Chain::OpenLogsIndex() {
  const Bytes key(internal::kLogsIndexFromKey.begin(), internal::kLogsIndexFromKey.end());
  absl::StatusOr<Bytes> value = store_->Get(key);
  if (absl::IsNotFound(value.status())) {
    // A store from before the index: the blocks from the next one on are indexed.
    logs_index_from_ = height_ + 1;
    return store_->Put(key, RlpEncodeUint(logs_index_from_));
  }
  if (!value.ok()) return value.status();
  absl::StatusOr<RlpItem> item = DecodeRlp(*value);
  absl::StatusOr<uint64_t> from = item.ok() ? RlpUint64(*item) : item.status();
  if (!from.ok())
    return absl::DataLossError(absl::StrCat("chain: the logs index start is corrupt: ",
                                            std::string(from.status().message())));
  logs_index_from_ = *from;
  return absl::OkStatus();
}

void Chain::IndexLogs(uint64_t height, const std::vector<StoredReceipt>& receipts,
                      WriteBatch& batch) const {
  LogsBloom bloom{};
  bool any = false;
  for (const StoredReceipt& r : receipts) {
    any = any || !r.receipt.logs.empty();
    BloomAddLogs(bloom, r.receipt.logs);
  }
  if (any) batch.Put(internal::ChainHeightKey(internal::kLogsBloomPrefix, height), bloom);
}

absl::StatusOr<std::vector<uint64_t>> Chain::BlocksWithLogs(
    uint64_t from, uint64_t to, const std::function<bool(const LogsBloom&)>& may_match) const {
  std::vector<uint64_t> heights;
  to = std::min(to, height_);
  if (from > to) return heights;
  // Below the index's start nothing is known: every block there is a candidate.
  for (uint64_t h = from; h <= to && h < logs_index_from_; ++h)
    heights.push_back(h);
  const uint64_t first = std::max(from, logs_index_from_);
  if (first > to) return heights;
  std::unique_ptr<KvIterator> it = store_->NewIterator();
  const Bytes last = internal::ChainHeightKey(internal::kLogsBloomPrefix, to);
  auto at_most_last = [&last](ByteView key) {
    return !std::lexicographical_compare(last.begin(), last.end(), key.begin(), key.end());
  };
  for (it->Seek(internal::ChainHeightKey(internal::kLogsBloomPrefix, first));
       it->Valid() && at_most_last(it->key()); it->Next()) {
    const ByteView value = it->value();
    if (value.size() != sizeof(LogsBloom))
      return absl::DataLossError(absl::StrCat("chain: the logs bloom of block ",
                                              HeightOfKey(it->key()), " is corrupt (", value.size(),
                                              " bytes)"));
    LogsBloom bloom;
    std::copy(value.begin(), value.end(), bloom.begin());
    if (may_match(bloom)) heights.push_back(HeightOfKey(it->key()));
  }
  THETA_RETURN_IF_ERROR(it->status());
  return heights;
}

}  // namespace theta::ledger
