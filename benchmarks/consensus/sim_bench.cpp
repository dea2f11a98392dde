// Consensus measurements in the deterministic simulator: guardian finalization at scale with real
// BLS, validator commit latency in virtual time, and the simulator's own speed. Counters carry the
// protocol numbers; wall time is Google Benchmark's.
//
//   ./build/release/benchmarks/consensus/theta_consensus_bench --benchmark_filter=Guardian
#include <benchmark/benchmark.h>

#include <algorithm>

#include "theta/consensus/sim.hpp"

namespace {

namespace sim = theta::consensus::sim;

// Args: guardians, Byzantine percent.
void BM_GuardianFinalize(benchmark::State& state) {
  sim::GuardianRunOptions options;
  options.guardians = int(state.range(0));
  options.byzantine = double(state.range(1)) / 100.0;
  sim::GuardianRunResult r;
  for (auto _ : state) {
    r = sim::RunGuardians(options);
    if (!r.ok) state.SkipWithError(r.violation.c_str());
  }
  state.counters["rounds_max"] = r.max_rounds;
  state.counters["rounds_p50"] = r.median_rounds;
  state.counters["msgs_per_guardian"] = r.messages_per_guardian;
  state.counters["msgs_per_guardian_max"] = double(r.max_messages_per_guardian);
  state.counters["msg_bytes_max"] = double(r.max_message_bytes);
  state.counters["verifications_per_guardian"] = r.verifications_per_guardian;
  state.counters["virtual_ms"] = double(r.virtual_ms);
}
BENCHMARK(BM_GuardianFinalize)
    ->Args({100, 0})
    ->Args({100, 30})
    ->Args({1000, 0})
    ->Args({1000, 30})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

// Args: validators. Fixed 50 ms one-way delay, no faults.
void BM_ValidatorCommitLatency(benchmark::State& state) {
  sim::Result r;
  for (auto _ : state) {
    sim::Options options;
    options.seed = 1;
    options.validators = int(state.range(0));
    options.fixed_delay_ms = 50;
    options.fault_phase_ms = 20000;
    r = sim::Run(options);
    if (!r.ok) state.SkipWithError(r.violation.c_str());
  }
  std::vector<uint64_t> l = r.commit_latencies_ms;
  std::sort(l.begin(), l.end());
  if (!l.empty()) {
    state.counters["p50_ms"] = double(l[l.size() / 2]);
    state.counters["p99_ms"] = double(l[l.size() * 99 / 100]);
  }
  state.counters["blocks"] = double(r.max_committed_height);
  state.counters["blocks_per_s_virtual"] =
      double(r.max_committed_height) * 1000.0 / double(r.virtual_ms);
}
BENCHMARK(BM_ValidatorCommitLatency)->Arg(4)->Arg(7)->Arg(31)->Unit(benchmark::kMillisecond);

// Simulator throughput over random-fault seeds. Args: validators.
void BM_SimulatorEvents(benchmark::State& state) {
  uint64_t events = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    sim::Options options;
    options.seed = seed++;
    options.validators = int(state.range(0));
    options.faults = sim::FaultSet::All();
    const sim::Result r = sim::Run(options);
    if (!r.ok) state.SkipWithError(r.violation.c_str());
    events += r.events;
  }
  state.counters["events_per_s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatorEvents)->Arg(4)->Arg(7)->Unit(benchmark::kMillisecond);

}  // namespace
