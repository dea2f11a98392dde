// The simulator's measurement mode (Options::measure_checkpoints): what theta-sim --measure and
// the benchmark harness's consensus suite report.
#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "sim_world.hpp"
#include "theta/consensus/sim.hpp"

namespace theta::consensus {
namespace {

sim::Options Measurement(int guardians, bool aggregation) {
  sim::Options o;
  o.seed = 3;
  o.validators = 4;
  o.guardians = guardians;
  o.checkpoint_interval = 3;
  o.latency = sim::Latency::kWan;
  o.guardian_aggregation = aggregation;
  o.measure_checkpoints = 2;
  o.bad_guardian_fraction = 0;  // (the fault runs' default is 0.3)
  return o;
}

TEST_CASE("sim measure: every checkpoint is final and a rerun is identical", "[consensus][sim]") {
  const sim::Result a = sim::Run(Measurement(16, true));
  INFO(a.violation);
  REQUIRE(a.ok);
  REQUIRE(a.all_final);
  REQUIRE(a.checkpoint_rounds.size() == 2);
  REQUIRE(a.checkpoint_final_ms.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(a.checkpoint_rounds[i] >= 1);
    CHECK(a.checkpoint_final_ms[i] > 0);
  }
  CHECK(a.guardian_rounds.size() == 2 * 16);  // no Byzantine guardians: every pair counted
  CHECK(a.guardian_traffic.messages_mean > 0);
  CHECK(a.guardian_traffic.bytes_max >= a.guardian_traffic.bytes_mean);
  CHECK(a.validator_traffic.bytes_mean > 0);
  CHECK(a.max_committed_height >= 6);

  const sim::Result b = sim::Run(Measurement(16, true));
  CHECK(b.checkpoint_rounds == a.checkpoint_rounds);
  CHECK(b.checkpoint_final_ms == a.checkpoint_final_ms);
  CHECK(b.guardian_rounds == a.guardian_rounds);
  CHECK(b.guardian_traffic.bytes_mean == a.guardian_traffic.bytes_mean);
  CHECK(b.validator_traffic.messages_mean == a.validator_traffic.messages_mean);
  CHECK(b.events == a.events);
  CHECK(b.virtual_ms == a.virtual_ms);
}

TEST_CASE("sim measure: the naive baseline floods more bytes than aggregation",
          "[consensus][sim]") {
  sim::Options o = Measurement(32, true);
  o.measure_checkpoints = 1;
  const sim::Result aggregated = sim::Run(o);
  o.guardian_aggregation = false;
  const sim::Result naive = sim::Run(o);
  INFO(aggregated.violation << " / " << naive.violation);
  REQUIRE(aggregated.ok);
  REQUIRE(naive.ok);
  REQUIRE(naive.all_final);
  REQUIRE(naive.checkpoint_rounds.size() == 1);
  // Every naive guardian forwards ~32 single signatures of ~100 bytes to each neighbour, against
  // one aggregate of a few hundred bytes per round.
  CHECK(naive.guardian_traffic.bytes_mean > 2 * aggregated.guardian_traffic.bytes_mean);
  CHECK(naive.max_guardian_message_bytes > 10 * 100);
}

TEST_CASE("sim measure: Byzantine guardians and silent validators stay under a third",
          "[consensus][sim]") {
  for (bool aggregation : {true, false}) {
    sim::Options o = Measurement(14, aggregation);
    o.validators = 7;
    o.silent_validators = 2;
    o.bad_guardian_fraction = 0.3;
    const sim::Result r = sim::Run(o);
    INFO("aggregation " << aggregation << ": " << r.violation);
    REQUIRE(r.ok);
    REQUIRE(r.all_final);
    CHECK(r.silent_validators >= 1);
    CHECK(r.silent_validators <= 2);
    CHECK(r.faulty_guardians >= 1);
    CHECK(r.faulty_guardians < 5);
    // Only honest guardians are counted.
    CHECK(r.guardian_rounds.size() == 2 * (14 - r.faulty_guardians));
  }
}

TEST_CASE("sim measure: latency models parse and draw in their ranges", "[consensus][sim]") {
  for (const char* name : {"range", "lan", "wan", "heavytail"}) {
    auto latency = sim::ParseLatency(name);
    REQUIRE(latency.ok());
    CHECK(sim::LatencyName(*latency) == name);
  }
  CHECK(!sim::ParseLatency("satellite").ok());

  sim::internal::Rng rng(7);
  std::vector<uint64_t> lan, wan, tail;
  for (int i = 0; i < 2000; ++i) {
    lan.push_back(sim::internal::SampleDelay(rng, sim::Latency::kLan, 0, 0));
    wan.push_back(sim::internal::SampleDelay(rng, sim::Latency::kWan, 0, 0));
    tail.push_back(sim::internal::SampleDelay(rng, sim::Latency::kHeavyTail, 0, 0));
  }
  CHECK(*std::min_element(lan.begin(), lan.end()) >= 1);
  CHECK(*std::max_element(lan.begin(), lan.end()) <= 5);
  CHECK(*std::min_element(wan.begin(), wan.end()) >= 50);
  CHECK(*std::max_element(wan.begin(), wan.end()) <= 150);
  std::sort(tail.begin(), tail.end());
  CHECK(tail.front() >= 50);  // 20 ms + a Pareto tail of scale 30 ms
  CHECK(tail[1000] > 55);     // median ~68 ms
  CHECK(tail[1000] < 85);
  CHECK(tail[1990] > 300);  // p99.5 well past any WAN delay
  CHECK(tail.back() <= 10020);
}

}  // namespace
}  // namespace theta::consensus
