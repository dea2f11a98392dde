#include "theta/net/metrics.hpp"

#include <catch2/catch.hpp>
#include <thread>

namespace theta::net {
namespace {

TEST_CASE("metrics render counters and gauges in the Prometheus text format", "[net][metrics]") {
  MetricsRegistry registry;
  registry.GetCounter("theta_txs_total", "Transactions committed.").Increment(3);
  Gauge& height = registry.GetGauge("theta_height", "Latest block height.");
  height.Set(42);
  registry.GetGauge("theta_peers", "Connected peers.", {{"node", "v\"1"}}).Set(3);
  registry.GetCounter("theta_txs_total", "ignored").Increment();
  CHECK(registry.RenderPrometheus() ==
        "# HELP theta_height Latest block height.\n"
        "# TYPE theta_height gauge\n"
        "theta_height 42\n"
        "# HELP theta_peers Connected peers.\n"
        "# TYPE theta_peers gauge\n"
        "theta_peers{node=\"v\\\"1\"} 3\n"
        "# HELP theta_txs_total Transactions committed.\n"
        "# TYPE theta_txs_total counter\n"
        "theta_txs_total 4\n");
}

TEST_CASE("histograms report cumulative buckets, sum and count", "[net][metrics]") {
  MetricsRegistry registry;
  Histogram& latency = registry.GetHistogram("vote_latency_seconds", "Vote latency.", {0.1, 1});
  latency.Observe(0.05);
  latency.Observe(0.1);  // a bound is inclusive
  latency.Observe(0.5);
  latency.Observe(7);
  CHECK(latency.CumulativeCounts() == std::vector<uint64_t>{2, 3, 4});
  CHECK(registry.RenderPrometheus() ==
        "# HELP vote_latency_seconds Vote latency.\n"
        "# TYPE vote_latency_seconds histogram\n"
        "vote_latency_seconds_bucket{le=\"0.1\"} 2\n"
        "vote_latency_seconds_bucket{le=\"1\"} 3\n"
        "vote_latency_seconds_bucket{le=\"+Inf\"} 4\n"
        "vote_latency_seconds_sum 7.65\n"
        "vote_latency_seconds_count 4\n");
}

TEST_CASE("metrics count correctly under concurrent updates", "[net][metrics]") {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Counter& counter = registry.GetCounter("events_total", "Events.");
      for (int i = 0; i < 10000; ++i)
        counter.Increment();
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(registry.GetCounter("events_total", "").value() == 40000);
}

}  // namespace
}  // namespace theta::net
