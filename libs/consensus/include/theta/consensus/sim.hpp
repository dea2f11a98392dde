// A deterministic simulator of a validator committee (and optionally guardians) in one process.
//
// Virtual time, one seeded RNG, one event queue: a run is a pure function of (seed, options), so
// any failure replays exactly from its seed. The real Node and WalStorage run unmodified; the
// simulator supplies the Transport, Clock, WalFile and Application, and injects faults through
// them:
//   network   drop, duplicate, delay (reordering follows), partitions that are symmetric, one-way
//             or flapping;
//   nodes     crash at any event and restart from the WAL (unsynced bytes lost, the last write
//             torn at a random byte), clock skew (timers run 0.7-1.4x fast or slow);
//   byzantine up to f = (n-1)/3 validators: Twins (two live nodes sharing one key, which
//             equivocate naturally) and disks that lose fsyncs (so a restarted node forgets votes).
// After the fault phase everything heals. An oracle watches every commit as it happens:
//   agreement  one block per height across all nodes, each node's commits extend its previous one;
//   validity   every committed payload is one the application would accept;
//   certified  each committed block comes with a QC that verifies with > 2/3 of the stake under
//              the oracle's own quorum rule (whatever rule the nodes were built with);
//   evidence   equivocation evidence verifies and never accuses an honest validator;
//   epochs     each committed block's certificate is of its height's epoch and verifies with
//              that epoch's stakes;
//   liveness   after healing, every honest node commits new blocks within `liveness_bound_ms`.
// With guardians, checkpoints are finalized by the guardian protocol (guardian.hpp) with real BLS
// and the oracle adds: one finalized hash per checkpoint height, every certificate verifies with >
// 2/3 of guardian stake, and every committed checkpoint is finalized by every honest guardian.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace theta::consensus::sim {

struct FaultSet {
  bool drop = false;
  bool duplicate = false;
  bool delay = false;          // wide random delays (always some jitter otherwise)
  bool partition = false;      // symmetric, one-way and flapping
  bool crash = false;          // crash/restart with torn WAL tails
  bool skew = false;           // clock skew
  bool twins = false;          // one faulty validator runs twice with one key
  bool lost_fsync = false;     // one faulty validator's disk acknowledges fsyncs it drops
  bool bad_guardians = false;  // silent, invalid, inflated and replaying guardians

  static FaultSet All();
  static FaultSet None() { return {}; }
  // "all", "none", or a comma list of: drop, dup, delay, partition, crash, skew, twins, lostfsync,
  // badguardians. InvalidArgument naming an unknown word.
  static absl::StatusOr<FaultSet> Parse(const std::string& text);
  std::string ToString() const;
};

// How long a message takes, per message, in virtual milliseconds.
enum class Latency {
  kRange,      // uniform in [min_delay_ms, max_delay_ms] (the fault-finding default, 5-60 ms)
  kLan,        // uniform 1-5 ms
  kWan,        // uniform 50-150 ms
  kHeavyTail,  // 20 ms + Pareto(scale 30 ms, shape 1.5), capped at 10 s: median ~68 ms, p99 ~0.7 s
};
// "range", "lan", "wan" or "heavytail"; InvalidArgument otherwise.
absl::StatusOr<Latency> ParseLatency(const std::string& text);
std::string LatencyName(Latency latency);

struct Options {
  uint64_t seed = 1;
  int validators = 4;
  int guardians = 0;
  uint64_t checkpoint_interval = 5;  // guardians finalize every K-th height
  FaultSet faults;
  // Each fault is switched on for a seed with this probability (so seeds mix faults).
  double fault_probability = 0.6;
  uint64_t fault_phase_ms = 4000;      // faults happen in [0, fault_phase_ms), then heal
  uint64_t liveness_bound_ms = 60000;  // after the heal, every honest node commits within this
  uint64_t min_delay_ms = 5;
  uint64_t max_delay_ms = 60;
  uint64_t fixed_delay_ms = 0;  // nonzero: every message takes exactly this long
  uint64_t base_timeout_ms = 1000;
  // Stop once every honest node committed this many heights past the heal point.
  uint64_t target_commits_after_heal = 3;
  uint64_t max_events = 2'000'000;
  bool real_crypto = false;  // secp256k1 validator signatures instead of keyed hashes
  // Nodes compact their WAL every 2–6 commits with an anchor 0–2 blocks deep (fixed per seed and
  // node), so crashes land before, during and after compactions.
  bool compact_wal = true;
  // Committed blocks per epoch; every epoch redraws the validators' stakes (the committee's
  // members stay; a faulty validator keeps under a third of the stake). -1: from the seed (one
  // epoch for a quarter of the seeds, else 1–8 blocks); 0: one epoch; measurement mode: one epoch.
  int64_t epoch_length = -1;
  // Test-only: nodes accept 1/2 quorums; the oracle must object.
  bool broken_quorum_for_testing = false;
  // Test-only: skip the oracle's certificate check, so that a broken quorum must show up as a
  // real fork (an agreement violation) rather than as an undersized QC.
  bool check_certificates = true;
  bool trace = false;                 // print rejected messages to stderr
  Latency latency = Latency::kRange;  // kRange uses min_delay_ms/max_delay_ms
  // Fraction of guardians that misbehave when the bad_guardians fault is drawn (always kept below
  // a third of guardian stake).
  double bad_guardian_fraction = 0.3;
  // Validators that never start (silent Byzantine members); must stay below a third of them.
  int silent_validators = 0;
  // false: the naive baseline, where guardians flood individual signatures instead of
  // aggregates (bytes grow with the guardian count). Real BLS signatures either way.
  bool guardian_aggregation = true;
  uint64_t guardian_round_ms = 1000;
  // Measurement mode when nonzero: no fault phase, the first `measure_checkpoints` checkpoints
  // are handed to the guardians, and the run stops once every honest guardian finalized them
  // (a liveness violation if not within liveness_bound_ms).
  uint64_t measure_checkpoints = 0;
};

// Per-node traffic of one kind of node, over honest nodes.
struct Traffic {
  double messages_mean = 0;
  double bytes_mean = 0;
  uint64_t messages_max = 0;
  uint64_t bytes_max = 0;
};

struct Result {
  uint64_t seed = 0;
  bool ok = true;
  std::string violation;  // the first oracle violation, empty when ok
  uint64_t events = 0;
  uint64_t messages = 0;
  uint64_t virtual_ms = 0;
  uint64_t max_committed_height = 0;
  uint64_t epoch_length = 0;           // as drawn for the seed (0: one epoch)
  uint64_t max_epoch = 0;              // the highest epoch a node reached
  uint64_t epoch_proofs_accepted = 0;  // over all nodes and incarnations
  uint64_t evidence = 0;
  std::vector<uint64_t> commit_latencies_ms;  // proposal timestamp to commit, per honest commit
  // Guardians:
  uint64_t checkpoints_finalized = 0;
  uint64_t guardian_messages = 0;
  uint64_t max_guardian_rounds = 0;
  uint64_t max_guardian_message_bytes = 0;
  std::string faults;  // the faults this seed drew
  // Measurement (filled in every mode; see Options::measure_checkpoints):
  Traffic validator_traffic;  // messages and bytes each validator sent (copies counted)
  Traffic guardian_traffic;
  // Per checkpoint handed to the guardians, in height order: the round counter of its last
  // honest guardian to finalize, and virtual ms from the validators' commit to that moment
  // (0 / 0 for a checkpoint some honest guardian never finalized).
  std::vector<uint32_t> checkpoint_rounds;
  std::vector<uint64_t> checkpoint_final_ms;
  std::vector<uint32_t> guardian_rounds;  // every (honest guardian, checkpoint) pair's round
  bool all_final = false;                 // every handed-out checkpoint final at every guardian
  uint64_t faulty_guardians = 0;
  uint64_t silent_validators = 0;
};

// Runs one seed to completion. Deterministic: equal options give equal results.
Result Run(const Options& options);

// Guardians alone finalizing one checkpoint, for measurements at scale (real BLS throughout).
struct GuardianRunOptions {
  uint64_t seed = 1;
  int guardians = 1000;
  double byzantine =
      0.0;         // fraction of guardians that are faulty (silent, invalid, inflated, replay)
  int peers = 10;  // neighbours each guardian dials
  uint64_t round_ms = 1000;
  uint64_t min_delay_ms = 20;
  uint64_t max_delay_ms = 150;
  uint64_t bound_ms = 60000;  // every honest guardian must be final by then
};

struct GuardianRunResult {
  bool ok = true;
  std::string violation;
  uint32_t max_rounds = 0;  // rounds until the last honest guardian was final
  uint32_t median_rounds = 0;
  double messages_per_guardian = 0;  // mean over honest guardians
  uint64_t max_messages_per_guardian = 0;
  uint64_t max_message_bytes = 0;
  double verifications_per_guardian = 0;
  uint64_t virtual_ms = 0;
};

GuardianRunResult RunGuardians(const GuardianRunOptions& options);

}  // namespace theta::consensus::sim
