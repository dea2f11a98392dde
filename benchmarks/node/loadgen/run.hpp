// The load generator's timed phases against a running devnet.
//
// One sender thread per node (keep-alive connection, JSON-RPC batches of theta.
// BroadcastRawTransactionAsync); every sender's transactions go to the same node, so its sequence
// chain arrives in order. An observer thread polls one node's /metrics (every poll_ms) and records
// when each height appears there: that is the commit time of the block and of every transaction in
// it. After each phase the committed blocks are read back (theta.GetBlockByHeight) and their
// transaction hashes matched to ours, giving each transaction its submit-to-commit latency.
//
// Phase kinds:
//   max   as fast as the node takes them, with at most `window` submitted but not yet committed
//         (a bounded backlog); committed tx/s over the phase after its warm-up is the throughput
//   rate  open loop at a fixed rate (transactions are due on a schedule, whatever the node does)
//   half  open loop at half the committed rate of the last max phase
// Transactions refused because a mempool is full are sent again (their latency counts from the
// first try); other refusals are counted as failed.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "http.hpp"
#include "nlohmann/json.hpp"
#include "txset.hpp"

namespace theta::loadgen {

struct PhaseSpec {
  std::string kind;  // "max", "rate" or "half"
  double rate = 0;   // tx/s for "rate"
  double seconds = 0;
};
// "max:300,half:120,rate:1500:60". InvalidArgument naming the bad part.
absl::StatusOr<std::vector<PhaseSpec>> ParsePhases(std::string_view spec);

struct RunOptions {
  double warmup_s = 5;     // excluded from a phase's figures (the pipeline filling)
  size_t window = 12000;   // max phases: submitted but uncommitted transactions
  double max_rate = 8000;  // max phases: transactions signed ahead = max_rate × seconds
  size_t batch = 100;      // requests per HTTP body (the node's batch limit)
  unsigned sign_threads = 2;
  double progress_s = 5;  // a progress line on stderr this often
  double drain_s = 60;    // after a phase, wait this long at most for its backlog to commit
  int poll_ms = 5;
  size_t observer = 0;              // the node whose commits are observed
  size_t latency_samples = 200000;  // per-tx latencies written for a phase (CDF), at most
  std::string csv_prefix;           // when set: <prefix><phase>-<kind>.csv, submit time and latency
};

// CPU seconds this process has used (user + system).
double ProcessCpuSeconds();

class LoadRun {
 public:
  LoadRun(const Devnet& devnet, TxSet& txs, RunOptions options);
  ~LoadRun();

  // Starts the observer; fails when the observer node's /metrics cannot be read.
  absl::Status Start();
  // Runs one phase at `rate` (0 for a max phase) and returns its figures as JSON.
  absl::StatusOr<nlohmann::json> RunPhase(const PhaseSpec& spec, double rate);

 private:
  struct Sender {
    Sender(size_t index, uint16_t port) : node(index), conn("127.0.0.1", std::to_string(port)) {}
    size_t node;
    HttpConnection conn;
    size_t cursor = 0;         // the next new transaction of this sender (k ≡ node mod senders)
    std::deque<size_t> retry;  // refused for a full mempool: sent again first
    int64_t lag_max_us = 0;    // open loop: how late the generator sent a due transaction
    double lag_sum_us = 0;
    uint64_t lag_n = 0;
  };
  struct Counters {
    std::atomic<uint64_t> submitted{0};
    std::atomic<uint64_t> retried{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> duplicate{0};
    std::atomic<uint64_t> transport_errors{0};
  };

  int64_t NowUs() const;
  void Observe();
  void SendLoop(Sender& sender, double rate, int64_t t0, int64_t t_end);
  void SendBatch(Sender& sender, const std::vector<size_t>& batch);
  uint64_t Committed() const { return committed_.load() - committed_base_; }
  absl::Status EnsureSigned(size_t count);
  void Progress(const std::string& name, int64_t t0, int64_t t_end);
  absl::Status Drain();
  absl::Status ReadBlocks(uint64_t from, uint64_t to);
  nlohmann::json Latencies(const PhaseSpec& spec, int64_t from, int64_t to) const;
  nlohmann::json Figures(const PhaseSpec& spec, double rate, int64_t t0, int64_t t_end, uint64_t h0,
                         uint64_t h1);

  const Devnet& devnet_;
  TxSet& txs_;
  RunOptions options_;
  std::vector<std::unique_ptr<Sender>> senders_;
  const std::chrono::steady_clock::time_point epoch_;

  // Per transaction: first submit time, commit time (µs since epoch_; -1: not yet).
  std::vector<int64_t> submit_us_;
  std::vector<int64_t> commit_us_;
  absl::flat_hash_map<Hash32, uint32_t> index_;
  // Per height: when the observer first saw it committed (-1: before the run).
  std::vector<int64_t> height_us_;
  std::vector<uint32_t> height_txs_;
  std::mutex heights_mu_;

  Counters counters_;
  std::atomic<uint64_t> height_{0};
  std::atomic<uint64_t> committed_{0};
  uint64_t committed_base_ = 0;
  std::atomic<uint64_t> mempool_{0};
  std::atomic<uint64_t> mempool_max_{0};
  std::atomic<bool> running_{false};
  std::atomic<bool> ran_out_{false};
  std::thread observer_;
  std::mutex error_mu_;
  std::string first_error_;
  uint64_t retried_at_start_ = 0, failed_at_start_ = 0, transport_at_start_ = 0;
  int phases_run_ = 0;
  double cpu_at_start_ = 0;
  double cpu_in_phase_ = 0;  // this process's CPU seconds when the phase started
};

}  // namespace theta::loadgen
