// Random inputs and comparisons shared by the compute tests.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace theta::compute::testing {

inline std::vector<float> RandomFloats(size_t count, uint32_t seed, float lo = -1.0f,
                                       float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> values(count);
  for (float& v : values)
    v = dist(rng);
  return values;
}

inline std::vector<uint8_t> RandomBytes(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> values(count);
  for (uint8_t& v : values)
    v = static_cast<uint8_t>(rng());
  return values;
}

// Largest |actual - expected| relative to the largest |expected|: the error measure for fp32
// results whose summation order differs between implementations (per-element ratios blow up near
// zero).
inline double MaxRelativeError(std::span<const float> actual, std::span<const float> expected) {
  REQUIRE(actual.size() == expected.size());
  double max_diff = 0.0;
  double max_ref = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(double(actual[i]) - double(expected[i])));
    max_ref = std::max(max_ref, std::abs(double(expected[i])));
  }
  return max_ref == 0.0 ? max_diff : max_diff / max_ref;
}

inline int MaxByteDifference(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  REQUIRE(a.size() == b.size());
  int worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(int(a[i]) - int(b[i])));
  return worst;
}

}  // namespace theta::compute::testing
