// Multi-scalar multiplication Σ k_i·P_i for small public scalars (signer multiplicities) by
// Pippenger's bucket method, generic over the curve.
//
// With a window of c bits, each window costs one mixed addition per point (into the bucket of its
// digit) plus 2·2^c bucket additions for the running-sum trick Σ j·B_j = Σ_j (B_top + … + B_j), and
// c doublings between windows. c grows with log2(n) and is capped by the scalars' bit length, so
// 10-bit multiplicities over 10,000 keys take a single window. Variable time: public data only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "internal/curve.hpp"

namespace theta::crypto::internal {

template <class Curve>
JacobianPoint<Curve> MultiScalarMul(std::span<const AffinePoint<Curve>> points,
                                    std::span<const uint64_t> scalars) {
  using Point = JacobianPoint<Curve>;
  const size_t n = std::min(points.size(), scalars.size());
  uint64_t all = 0;
  for (size_t i = 0; i < n; ++i)
    all |= scalars[i];
  if (all == 0) return Point::Infinity();
  const int bits = 64 - __builtin_clzll(all);
  const int log_n = n < 2 ? 1 : 64 - __builtin_clzll(static_cast<uint64_t>(n));
  const int c = std::clamp(log_n - 3, 1, std::min(bits, 16));
  const int windows = (bits + c - 1) / c;
  std::vector<Point> buckets(size_t{1} << c);
  Point acc = Point::Infinity();
  for (int w = windows - 1; w >= 0; --w) {
    for (int i = 0; i < c; ++i)
      acc = acc.Double();
    std::fill(buckets.begin(), buckets.end(), Point::Infinity());
    const uint64_t mask = (uint64_t{1} << c) - 1;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t digit = (scalars[i] >> (w * c)) & mask;
      if (digit != 0) buckets[digit] = buckets[digit].AddAffine(points[i]);
    }
    Point running = Point::Infinity(), total = Point::Infinity();
    for (size_t j = buckets.size() - 1; j >= 1; --j) {
      running = running + buckets[j];
      total = total + running;
    }
    acc = acc + total;
  }
  return acc;
}

}  // namespace theta::crypto::internal
