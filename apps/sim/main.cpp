// theta-sim: run the deterministic consensus simulator over many seeds, or measure one setup.
//
//   theta-sim --seeds=N --first_seed=S --validators=V [--guardians=G] [--faults=all|none|LIST]
//             [--checkpoint_interval=K] [--real_crypto] [--fault_probability=P] [--verbose]
//             [--no_wal_compaction]   (nodes compact their WAL every few commits by default)
//             [--epoch_length=L]      (blocks per epoch; default: from the seed, 0 or 1-8)
//
// Prints one line per failing seed and, last, one summary line. Exits 1 if any seed violated an
// invariant (the summary names the first such seed: rerun with --first_seed=S --seeds=1 to replay
// it), 2 on bad flags.
//
//   theta-sim --measure --validators=V --guardians=G [--latency=lan|wan|heavytail|range]
//             [--byzantine=F] [--seed=S] [--checkpoints=K] [--checkpoint_interval=I]
//             [--round_ms=R] [--no_aggregation] [--json]
//
// Measurement mode (measure.cpp): one seed on a clean network with a fraction F of Byzantine
// guardians and of silent validators (at most f); the first K checkpoints are finalized by the
// guardians with real BLS. Prints one line of figures, a JSON object with --json (the same
// seed and flags print the same object). Exits 1 on a violation or an unfinished checkpoint.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "measure.hpp"
#include "theta/consensus/sim.hpp"

namespace {

struct Flags {
  uint64_t seeds = 100;
  uint64_t first_seed = 1;
  int validators = 4;
  int guardians = 0;
  uint64_t checkpoint_interval = 5;
  std::string faults = "all";
  double fault_probability = 0.6;
  bool real_crypto = false;
  bool verbose = false;
  bool trace = false;
  bool compact_wal = true;
  int64_t epoch_length = -1;  // from the seed
  theta_sim::MeasureFlags measure;
};

bool ParseUint(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(c - '0');
  }
  *out = v;
  return true;
}

bool Parse(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string_view key = arg.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : arg.substr(eq + 1);
    uint64_t n = 0;
    if (key == "--seeds" && ParseUint(value, &n)) {
      flags->seeds = n;
    } else if (key == "--first_seed" && ParseUint(value, &n)) {
      flags->first_seed = n;
    } else if (key == "--validators" && ParseUint(value, &n) && n >= 1 && n <= 64) {
      flags->validators = int(n);
    } else if (key == "--guardians" && ParseUint(value, &n) && n <= 100000) {
      flags->guardians = int(n);
    } else if (key == "--checkpoint_interval" && ParseUint(value, &n) && n >= 1) {
      flags->checkpoint_interval = n;
    } else if (key == "--epoch_length" && ParseUint(value, &n) && n <= 1'000'000) {
      flags->epoch_length = int64_t(n);
    } else if (key == "--faults" && !value.empty()) {
      flags->faults = std::string(value);
    } else if (key == "--fault_probability" && !value.empty()) {
      char* end = nullptr;
      const std::string text(value);
      flags->fault_probability = std::strtod(text.c_str(), &end);
      if (*end != '\0' || flags->fault_probability < 0 || flags->fault_probability > 1)
        return false;
    } else if (theta_sim::ParseMeasureFlag(key, value, &flags->measure)) {
      // consumed
    } else if (arg == "--real_crypto") {
      flags->real_crypto = true;
    } else if (arg == "--trace") {
      flags->trace = true;
    } else if (arg == "--no_wal_compaction") {
      flags->compact_wal = false;
    } else if (arg == "--verbose") {
      flags->verbose = true;
    } else {
      std::fprintf(stderr, "theta-sim: bad argument '%s'\n", argv[i]);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!Parse(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: theta-sim --seeds=N --first_seed=S --validators=V [--guardians=G] "
                 "[--faults=all|none|drop,dup,delay,partition,crash,skew,twins,lostfsync,"
                 "badguardians] [--checkpoint_interval=K] [--fault_probability=P] "
                 "[--real_crypto] [--no_wal_compaction] [--epoch_length=L] [--verbose]\n"
                 "       theta-sim --measure --validators=V --guardians=G "
                 "[--latency=lan|wan|heavytail|range] [--byzantine=F] [--seed=S] "
                 "[--checkpoints=K] [--checkpoint_interval=I] [--round_ms=R] "
                 "[--no_aggregation] [--json]\n");
    return 2;
  }
  if (flags.measure.on) {
    return theta_sim::Measure(flags.measure, flags.validators, flags.guardians,
                              flags.checkpoint_interval);
  }
  auto faults = theta::consensus::sim::FaultSet::Parse(flags.faults);
  if (!faults.ok()) {
    std::fprintf(stderr, "theta-sim: %s\n", std::string(faults.status().message()).c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  uint64_t failures = 0, first_failure = 0, events = 0, messages = 0, max_height = 0;
  for (uint64_t s = flags.first_seed; s < flags.first_seed + flags.seeds; ++s) {
    theta::consensus::sim::Options options;
    options.seed = s;
    options.validators = flags.validators;
    options.guardians = flags.guardians;
    options.checkpoint_interval = flags.checkpoint_interval;
    options.faults = *faults;
    options.fault_probability = flags.fault_probability;
    options.real_crypto = flags.real_crypto;
    options.trace = flags.trace;
    options.compact_wal = flags.compact_wal;
    options.epoch_length = flags.epoch_length;
    const theta::consensus::sim::Result r = theta::consensus::sim::Run(options);
    events += r.events;
    messages += r.messages;
    max_height = std::max(max_height, r.max_committed_height);
    if (flags.verbose) {
      std::printf(
          "seed %llu: %s faults=%s epoch_length=%llu epoch=%llu epoch_proofs=%llu "
          "height=%llu events=%llu virtual_ms=%llu evidence=%llu "
          "checkpoints_final=%llu guardian_rounds_max=%llu guardian_msg_bytes_max=%llu\n",
          (unsigned long long)s, r.ok ? "ok" : "VIOLATION", r.faults.c_str(),
          (unsigned long long)r.epoch_length, (unsigned long long)r.max_epoch,
          (unsigned long long)r.epoch_proofs_accepted, (unsigned long long)r.max_committed_height,
          (unsigned long long)r.events, (unsigned long long)r.virtual_ms,
          (unsigned long long)r.evidence, (unsigned long long)r.checkpoints_finalized,
          (unsigned long long)r.max_guardian_rounds,
          (unsigned long long)r.max_guardian_message_bytes);
    }
    if (!r.ok) {
      if (failures++ == 0) first_failure = s;
      std::printf("seed %llu (faults=%s): %s\n", (unsigned long long)s, r.faults.c_str(),
                  r.violation.c_str());
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures > 0) {
    std::printf(
        "theta-sim: FAILED %llu of %llu seeds; replay with --first_seed=%llu --seeds=1 "
        "--validators=%d --guardians=%d --faults=%s%s%s (%.1f s)\n",
        (unsigned long long)failures, (unsigned long long)flags.seeds,
        (unsigned long long)first_failure, flags.validators, flags.guardians, flags.faults.c_str(),
        flags.compact_wal ? "" : " --no_wal_compaction",
        flags.epoch_length < 0 ? ""
                               : (" --epoch_length=" + std::to_string(flags.epoch_length)).c_str(),
        seconds);
    return 1;
  }
  std::printf(
      "theta-sim: ok, %llu seeds from %llu, %d validators, %d guardians, faults=%s, "
      "%llu events, %llu messages, max height %llu, %.1f s (%.0f events/s)\n",
      (unsigned long long)flags.seeds, (unsigned long long)flags.first_seed, flags.validators,
      flags.guardians, flags.faults.c_str(), (unsigned long long)events,
      (unsigned long long)messages, (unsigned long long)max_height, seconds,
      seconds > 0 ? double(events) / seconds : 0.0);
  return 0;
}
