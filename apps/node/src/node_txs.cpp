// Transaction relay (channel 1, see node.hpp): transactions a node admits itself are gathered for a
// few milliseconds and gossiped as one batch, so a busy network sends one message per batch rather
// than one per transaction; batches from peers are verified off the network thread, in parallel.
#include <chrono>

#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/rlp.hpp"

namespace theta::node {
namespace {

constexpr size_t kMaxBatchTxs = 2000;
constexpr size_t kMaxBatchBytes = 2 << 20;
constexpr auto kBatchDelay = std::chrono::milliseconds(5);

}  // namespace

Bytes EncodeTxBatch(const std::vector<Bytes>& txs) {
  RlpWriter w;
  w.BeginList();
  for (const Bytes& tx : txs)
    w.AddBytes(tx);
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<std::vector<Bytes>> DecodeTxBatch(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return item.status();
  absl::StatusOr<std::vector<RlpItem>> list = RlpListItems(*item);
  if (!list.ok()) return absl::InvalidArgumentError("tx batch: not a list");
  if (list->empty() || list->size() > kMaxBatchTxs)
    return absl::InvalidArgumentError("tx batch: empty or too many transactions");
  std::vector<Bytes> txs;
  txs.reserve(list->size());
  for (const RlpItem& tx : *list) {
    absl::StatusOr<ByteView> raw = RlpBytes(tx);
    if (!raw.ok() || raw->empty()) return absl::InvalidArgumentError("tx batch: bad transaction");
    txs.emplace_back(raw->begin(), raw->end());
  }
  return txs;
}

// Any thread: a transaction this node admitted (RPC) waits for the next batch.
void NodeImpl::QueueTxForGossip(ByteView raw) {
  bool first = false, full = false;
  {
    std::lock_guard<std::mutex> lock(outbox_mu_);
    first = outbox_.empty();
    outbox_.emplace_back(raw.begin(), raw.end());
    outbox_bytes_ += raw.size();
    full = outbox_.size() >= kMaxBatchTxs || outbox_bytes_ >= kMaxBatchBytes;
  }
  if (full) {
    boost::asio::post(net_io_, [this] { FlushTxs(); });
  } else if (first) {
    auto timer = std::make_shared<boost::asio::steady_timer>(net_io_, kBatchDelay);
    timer->async_wait([this, timer](const boost::system::error_code& error) {
      if (!error) FlushTxs();
    });
  }
}

void NodeImpl::FlushTxs() {
  std::vector<Bytes> batch;
  {
    std::lock_guard<std::mutex> lock(outbox_mu_);
    batch.swap(outbox_);
    outbox_bytes_ = 0;
  }
  if (!batch.empty() && tx_gossip_) tx_gossip_->Publish(EncodeTxBatch(batch));
}

// Network thread: decode (a malformed batch is the sender's fault), then verify elsewhere.
absl::Status NodeImpl::OnTxBatch(const net::NodeId& from, ByteView item) {
  absl::StatusOr<std::vector<Bytes>> txs = DecodeTxBatch(item);
  if (!txs.ok()) return txs.status();
  boost::asio::post(admit_io_, [this, from, txs = *std::move(txs)] {
    std::vector<absl::StatusOr<Hash32>> results = chain_->mempool().AddBatch(txs);
    size_t added = 0, invalid = 0;
    for (const auto& result : results) {
      if (result.ok()) ++added;
      if (absl::IsInvalidArgument(result.status())) ++invalid;
    }
    if (invalid > 0 && host_) host_->Penalize(from, 10, "invalid transactions in a batch");
    if (added > 0) OnNewTx();
  });
  return absl::OkStatus();
}

}  // namespace theta::node
