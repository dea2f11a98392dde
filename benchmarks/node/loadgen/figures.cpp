// A phase's figures (LoadRun::Figures): committed tx/s after the warm-up, submit-to-commit latency
// percentiles, blocks, a per-second timeline, and what the generator itself cost.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "run.hpp"

namespace theta::loadgen {
namespace {

using Json = nlohmann::json;

// The p-th quantile (0..1) of `sorted` latencies when `missing` more are infinite (never
// committed): null when it falls among those.
Json Quantile(const std::vector<double>& sorted, size_t missing, double p) {
  const size_t n = sorted.size() + missing;
  if (n == 0) return nullptr;
  const size_t index = static_cast<size_t>(std::ceil(p * static_cast<double>(n))) - (p > 0 ? 1 : 0);
  if (index >= sorted.size()) return nullptr;
  return sorted[index];
}

Json LatencySummary(std::vector<double> ms, size_t missing) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double x : ms)
    sum += x;
  return Json{{"count", ms.size()},
              {"uncommitted", missing},
              {"p50", Quantile(ms, missing, 0.50)},
              {"p90", Quantile(ms, missing, 0.90)},
              {"p95", Quantile(ms, missing, 0.95)},
              {"p99", Quantile(ms, missing, 0.99)},
              {"max", missing > 0 || ms.empty() ? Json() : Json(ms.back())},
              {"mean", ms.empty() ? Json() : Json(sum / static_cast<double>(ms.size()))}};
}

}  // namespace

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Latencies of the transactions first submitted in [from, to), with a per-second timeline from
// `from`; writes the CSV when asked.
Json LoadRun::Latencies(const PhaseSpec& spec, int64_t from, int64_t to) const {
  const size_t seconds = static_cast<size_t>(std::ceil(static_cast<double>(to - from) / 1e6));
  std::vector<std::vector<double>> per_second(seconds);
  std::vector<size_t> missing_per_second(seconds, 0);
  std::vector<double> all;
  std::vector<std::pair<double, double>> samples;
  size_t missing = 0;
  for (size_t k = 0; k < submit_us_.size(); ++k) {
    if (submit_us_[k] < from || submit_us_[k] >= to) continue;
    const size_t second = static_cast<size_t>((submit_us_[k] - from) / 1'000'000);
    if (commit_us_[k] < 0) {
      ++missing;
      ++missing_per_second[second];
      continue;
    }
    const double ms = static_cast<double>(commit_us_[k] - submit_us_[k]) / 1e3;
    all.push_back(ms);
    per_second[second].push_back(ms);
    samples.emplace_back(static_cast<double>(submit_us_[k] - from) / 1e6, ms);
  }
  Json timeline = Json::array();
  for (size_t s = 0; s < seconds; ++s) {
    Json point = LatencySummary(per_second[s], missing_per_second[s]);
    timeline.push_back({{"t", s},
                        {"p50", point["p50"]},
                        {"p99", point["p99"]},
                        {"submitted", per_second[s].size() + missing_per_second[s]}});
  }
  if (!options_.csv_prefix.empty()) {
    std::ofstream csv(absl::StrCat(options_.csv_prefix, phases_run_, "-", spec.kind, ".csv"));
    csv << "submit_s,latency_ms\n";
    const size_t step =
        std::max<size_t>(1, samples.size() / std::max<size_t>(1, options_.latency_samples));
    for (size_t i = 0; i < samples.size(); i += step)
      csv << samples[i].first << ',' << samples[i].second << '\n';
  }
  return Json{{"summary", LatencySummary(std::move(all), missing)}, {"timeline", timeline}};
}

Json LoadRun::Figures(const PhaseSpec& spec, double rate, int64_t t0, int64_t t_end, uint64_t h0,
                      uint64_t h1) {
  const int64_t warm =
      t0 + static_cast<int64_t>(std::min(options_.warmup_s, spec.seconds / 2) * 1e6);
  const double window_s = static_cast<double>(t_end - warm) / 1e6;
  std::lock_guard<std::mutex> lock(heights_mu_);
  uint64_t committed = 0, blocks = 0, max_txs = 0;
  std::vector<double> intervals;
  int64_t previous = -1;
  std::vector<uint64_t> committed_per_second(static_cast<size_t>(spec.seconds) + 1, 0);
  for (uint64_t h = h0 + 1; h <= h1 && h < height_us_.size(); ++h) {
    const int64_t at = height_us_[h];
    if (at >= t0 && at < t_end)
      committed_per_second[std::min(committed_per_second.size() - 1,
                                    static_cast<size_t>((at - t0) / 1'000'000))] += height_txs_[h];
    if (at < warm || at >= t_end) continue;
    committed += height_txs_[h];
    ++blocks;
    max_txs = std::max<uint64_t>(max_txs, height_txs_[h]);
    if (previous >= 0) intervals.push_back(static_cast<double>(at - previous) / 1e3);
    previous = at;
  }
  std::sort(intervals.begin(), intervals.end());
  double interval_sum = 0;
  for (double x : intervals)
    interval_sum += x;
  Json latency = Latencies(spec, warm, t_end);
  Json timeline = Json::array();
  for (size_t s = 0; s + 1 < committed_per_second.size(); ++s) {
    timeline.push_back({{"t", s}, {"committed", committed_per_second[s]}});
  }
  const size_t warm_s = static_cast<size_t>((warm - t0) / 1'000'000);
  for (const Json& point : latency["timeline"]) {
    const size_t s = point["t"].get<size_t>() + warm_s;
    if (s < timeline.size()) {
      timeline[s]["submitted"] = point["submitted"];
      timeline[s]["p50_ms"] = point["p50"];
      timeline[s]["p99_ms"] = point["p99"];
    }
  }
  int64_t lag_max = 0;
  double lag_sum = 0;
  uint64_t lag_n = 0;
  for (const auto& sender : senders_) {
    lag_max = std::max(lag_max, sender->lag_max_us);
    lag_sum += sender->lag_sum_us;
    lag_n += sender->lag_n;
  }
  const double wall = static_cast<double>(t_end - t0) / 1e6;
  Json figures = {
      {"kind", spec.kind},
      {"offered_tps", rate > 0 ? Json(rate) : Json(nullptr)},
      {"seconds", spec.seconds},
      {"warmup_s", static_cast<double>(warm - t0) / 1e6},
      {"window_s", window_s},
      {"committed_in_window", committed},
      {"committed_tps", window_s > 0 ? static_cast<double>(committed) / window_s : 0},
      {"submitted_tps", latency["summary"]["count"].get<double>() / window_s +
                            latency["summary"]["uncommitted"].get<double>() / window_s},
      {"latency_ms", latency["summary"]},
      {"blocks",
       {{"count", blocks},
        {"heights", {h0 + 1, h1}},
        {"interval_ms_mean",
         intervals.empty() ? Json() : Json(interval_sum / static_cast<double>(intervals.size()))},
        {"interval_ms_p50", intervals.empty() ? Json() : Json(intervals[intervals.size() / 2])},
        {"txs_mean", blocks ? static_cast<double>(committed) / static_cast<double>(blocks) : 0.0},
        {"txs_max", max_txs}}},
      {"mempool_max", mempool_max_.load()},
      {"retried", counters_.retried - retried_at_start_},
      {"failed", counters_.failed - failed_at_start_},
      {"transport_errors", counters_.transport_errors - transport_at_start_},
      {"first_error", first_error_},
      {"generator",
       {{"cpu_cores", cpu_in_phase_ / wall},
        {"lag_ms_max", static_cast<double>(lag_max) / 1e3},
        {"lag_ms_mean", lag_n ? lag_sum / static_cast<double>(lag_n) / 1e3 : 0.0},
        {"ran_out_of_signed_txs", ran_out_.load()}}},
      {"timeline", timeline}};
  return figures;
}

}  // namespace theta::loadgen
