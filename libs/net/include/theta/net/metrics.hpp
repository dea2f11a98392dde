// A small metrics registry (counters, gauges, histograms) rendered in the Prometheus text
// exposition format (version 0.0.4) for the RPC server's /metrics endpoint.
//
// Any library or app feeds it: it asks the registry once for a metric by name (and optional
// constant labels) and keeps the returned reference; updates are lock-free atomics. Metric names
// and label names are the caller's constants: a malformed name, or one name used for two metric
// types, is a programming error (asserts). Metrics live as long as the registry. All methods are
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace theta::net {

using MetricLabels = std::map<std::string, std::string>;

// A value that only goes up (events, bytes).
class Counter {
 public:
  // `amount` must not be negative (asserts).
  void Increment(double amount = 1);
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down (height, peers, mempool size).
class Gauge {
 public:
  void Set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into cumulative buckets (upper bounds, ascending) plus their sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value) noexcept;

  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  // Observations <= upper_bounds()[i] (cumulative, as Prometheus reports them); the last entry, at
  // index upper_bounds().size(), is the total count.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

// Seconds-scale latency buckets from 1 ms to 10 s.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  // The metric with this name and labels, created on first use. `help` is kept from the first call.
  Counter& GetCounter(std::string_view name, std::string_view help,
                      const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  // `upper_bounds` must ascend; it is used only when the histogram is created.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds = DefaultLatencyBuckets(),
                          const MetricLabels& labels = {});

  // Every metric, families in name order, in the Prometheus text format.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // keyed by rendered labels
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace theta::net
