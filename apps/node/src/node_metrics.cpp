// The node's Prometheus metrics (served on the native RPC port's /metrics).
#include "node_impl.hpp"

namespace theta::node {

void NodeImpl::SetUpMetrics() {
  metrics_ = std::make_shared<net::MetricsRegistry>();
  metrics_->GetGauge("theta_height", "Height of the last committed block").Set(chain_->Height());
  metrics_->GetGauge("theta_finalized_height", "Last checkpoint finalized by guardians").Set(0);
  metrics_->GetGauge("theta_mempool_size", "Transactions waiting in the mempool").Set(0);
  metrics_->GetGauge("theta_peers", "Connected peers").Set(0);
  metrics_->GetGauge("theta_consensus_round", "Current consensus round (validators)").Set(0);
  metrics_->GetGauge("theta_txs_per_second", "Committed transactions per second, last 10 s").Set(0);
  metrics_->GetGauge("theta_consensus_wal_bytes", "Size of the consensus WAL (validators)").Set(0);
  metrics_->GetGauge("theta_consensus_epoch", "Current consensus epoch (validators)").Set(0);
  metrics_->GetGauge("theta_consensus_committee_size", "Validators in this epoch's committee")
      .Set(0);
  metrics_
      ->GetGauge("theta_consensus_own_stake",
                 "This validator's stake in this epoch's committee, in whole THETA (0: not in "
                 "it)")
      .Set(0);
  metrics_->GetGauge("theta_eth_filters", "Polled filters installed on the Ethereum RPC").Set(0);
  metrics_->GetGauge("theta_eth_subscriptions", "eth_subscribe subscriptions (WebSocket)").Set(0);
  metrics_->GetCounter("theta_txs_committed_total", "Transactions committed");
  metrics_->GetCounter("theta_blocks_committed_total", "Blocks committed");
  metrics_->GetHistogram("theta_block_commit_latency_seconds",
                         "From a block's proposal timestamp to its commit on this node");
  metrics_->GetHistogram("theta_consensus_vote_latency_seconds",
                         "From a block's proposal timestamp to this validator's vote for it");
}

void NodeImpl::UpdateMetrics(const CommitEvent& event) {
  const uint64_t now = NowMs();
  metrics_->GetGauge("theta_height", "").Set(static_cast<double>(event.block->height));
  metrics_->GetCounter("theta_txs_committed_total", "").Increment(event.block->txs.size());
  metrics_->GetCounter("theta_blocks_committed_total", "").Increment();
  if (wal_)  // commits run on the core thread, which also drives the WAL
    metrics_->GetGauge("theta_consensus_wal_bytes", "")
        .Set(static_cast<double>(wal_->size_bytes()));
  if (now > event.block->timestamp_ms)
    metrics_->GetHistogram("theta_block_commit_latency_seconds", "")
        .Observe(static_cast<double>(now - event.block->timestamp_ms) / 1000.0);
  std::lock_guard<std::mutex> lock(status_mu_);
  recent_commits_.emplace_back(now, event.block->txs.size());
  size_t txs = 0;
  while (!recent_commits_.empty() && recent_commits_.front().first + 10'000 < now)
    recent_commits_.pop_front();
  for (const auto& [at, count] : recent_commits_)
    txs += count;
  metrics_->GetGauge("theta_txs_per_second", "").Set(static_cast<double>(txs) / 10.0);
}

void NodeImpl::RefreshGauges() {
  const NodeStatus s = Status();
  metrics_->GetGauge("theta_finalized_height", "").Set(static_cast<double>(s.finalized_height));
  metrics_->GetGauge("theta_mempool_size", "").Set(static_cast<double>(s.mempool));
  metrics_->GetGauge("theta_peers", "").Set(static_cast<double>(s.peers));
  metrics_->GetGauge("theta_consensus_round", "").Set(static_cast<double>(s.consensus_round));
  if (rpc_.eth) {  // set up before the first tick; its counts are thread-safe
    metrics_->GetGauge("theta_eth_filters", "").Set(static_cast<double>(rpc_.eth->FilterCount()));
    metrics_->GetGauge("theta_eth_subscriptions", "")
        .Set(static_cast<double>(rpc_.eth->SubscriptionCount()));
  }
  if (!consensus_) return;  // RefreshGauges runs on the core thread, which owns the Node
  const consensus::ValidatorSet& committee = consensus_->committee().validators;
  const std::optional<consensus::ValidatorIndex> self = consensus_->self();
  metrics_->GetGauge("theta_consensus_epoch", "").Set(static_cast<double>(consensus_->epoch()));
  metrics_->GetGauge("theta_consensus_committee_size", "")
      .Set(static_cast<double>(committee.size()));
  metrics_->GetGauge("theta_consensus_own_stake", "")
      .Set(self ? static_cast<double>(committee.at(*self).stake) : 0.0);
}

}  // namespace theta::node
