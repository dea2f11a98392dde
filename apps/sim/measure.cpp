#include "measure.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace theta_sim {

namespace sim = theta::consensus::sim;

namespace {

template <typename T>
double Median(std::vector<T> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return double(v[v.size() / 2]);
}

// Nearest-rank percentile.
template <typename T>
double Percentile(std::vector<T> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = size_t(std::ceil(p / 100.0 * double(v.size())));
  return double(v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1]);
}

bool ParseNumber(std::string_view text, double* out) {
  if (text.empty()) return false;
  const std::string s(text);
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && std::isfinite(*out);
}

// JSON string escaping for the violation text (ASCII from the simulator).
std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool ParseMeasureFlag(std::string_view key, std::string_view value, MeasureFlags* flags) {
  double x = 0;
  if (key == "--measure" && value.empty()) {
    flags->on = true;
  } else if (key == "--json" && value.empty()) {
    flags->json = true;
  } else if (key == "--no_aggregation" && value.empty()) {
    flags->aggregation = false;
  } else if (key == "--latency") {
    auto latency = sim::ParseLatency(std::string(value));
    if (!latency.ok()) return false;
    flags->latency = *latency;
  } else if (key == "--byzantine" && ParseNumber(value, &x) && x >= 0 && x < 1) {
    flags->byzantine = x;
  } else if (key == "--seed" && ParseNumber(value, &x) && x >= 0 && x == std::floor(x) &&
             x < 1e18) {
    flags->seed = uint64_t(x);
  } else if (key == "--checkpoints" && ParseNumber(value, &x) && x >= 1 && x <= 1000 &&
             x == std::floor(x)) {
    flags->checkpoints = uint64_t(x);
  } else if (key == "--round_ms" && ParseNumber(value, &x) && x >= 10 && x <= 60000 &&
             x == std::floor(x)) {
    flags->round_ms = uint64_t(x);
  } else {
    return false;
  }
  return true;
}

int Measure(const MeasureFlags& flags, int validators, int guardians, uint64_t interval) {
  if (guardians < 1) {
    std::fprintf(stderr, "theta-sim: --measure needs --guardians=G with G >= 1\n");
    return 2;
  }
  sim::Options o;
  o.seed = flags.seed;
  o.validators = validators;
  o.guardians = guardians;
  o.checkpoint_interval = interval;
  o.latency = flags.latency;
  o.bad_guardian_fraction = flags.byzantine;
  o.silent_validators = int(flags.byzantine * validators);
  o.guardian_aggregation = flags.aggregation;
  o.guardian_round_ms = flags.round_ms;
  o.measure_checkpoints = flags.checkpoints;
  o.liveness_bound_ms = 120000 + 20000 * flags.checkpoints * interval / 10;
  o.max_events = UINT64_MAX;  // the deadline bounds the run
  const auto start = std::chrono::steady_clock::now();
  const sim::Result r = sim::Run(o);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const double k = double(flags.checkpoints);
  std::vector<uint64_t> latencies = r.commit_latencies_ms;
  // Wall time is not part of the JSON: the same seed must print the same object.
  char line[4096];
  std::snprintf(
      line, sizeof line,
      "{\"seed\": %llu, \"validators\": %d, \"guardians\": %d, \"latency\": \"%s\", "
      "\"byzantine\": %g, \"aggregation\": %s, \"checkpoints\": %llu, "
      "\"checkpoint_interval\": %llu, \"round_ms\": %llu, \"silent_validators\": %llu, "
      "\"faulty_guardians\": %llu, \"ok\": %s, \"all_final\": %s, "
      "\"finality_rounds\": %g, \"finality_rounds_p99\": %g, "
      "\"finality_rounds_guardian_median\": %g, \"finality_ms\": %g, \"finality_ms_p99\": %g, "
      "\"guardian_msgs_per_node\": %.1f, \"guardian_msgs_per_node_max\": %.1f, "
      "\"guardian_bytes_per_node\": %.0f, \"guardian_bytes_per_node_max\": %.0f, "
      "\"guardian_msg_bytes_max\": %llu, \"validator_msgs_per_node\": %.1f, "
      "\"validator_bytes_per_node\": %.0f, \"committed_blocks\": %llu, "
      "\"commit_latency_p50_ms\": %g, \"commit_latency_p99_ms\": %g, \"virtual_ms\": %llu, "
      "\"events\": %llu, \"violation\": %s}",
      (unsigned long long)flags.seed, validators, guardians,
      sim::LatencyName(flags.latency).c_str(), flags.byzantine,
      flags.aggregation ? "true" : "false", (unsigned long long)flags.checkpoints,
      (unsigned long long)interval, (unsigned long long)flags.round_ms,
      (unsigned long long)r.silent_validators, (unsigned long long)r.faulty_guardians,
      r.ok ? "true" : "false", r.all_final ? "true" : "false", Median(r.checkpoint_rounds),
      Percentile(r.checkpoint_rounds, 99), Median(r.guardian_rounds), Median(r.checkpoint_final_ms),
      Percentile(r.checkpoint_final_ms, 99), r.guardian_traffic.messages_mean / k,
      double(r.guardian_traffic.messages_max) / k, r.guardian_traffic.bytes_mean / k,
      double(r.guardian_traffic.bytes_max) / k, (unsigned long long)r.max_guardian_message_bytes,
      r.validator_traffic.messages_mean, r.validator_traffic.bytes_mean,
      (unsigned long long)r.max_committed_height, Median(latencies), Percentile(latencies, 99),
      (unsigned long long)r.virtual_ms, (unsigned long long)r.events, Quote(r.violation).c_str());
  if (flags.json) {
    std::fprintf(stderr, "theta-sim: measured in %.1f s of wall time\n", wall_s);
    std::printf("%s\n", line);
  } else {
    std::printf("theta-sim measure: %s (%.1f s)\n", line, wall_s);
  }
  return r.ok && r.all_final ? 0 : 1;
}

}  // namespace theta_sim
