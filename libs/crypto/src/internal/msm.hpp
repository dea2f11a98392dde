// Multi-scalar multiplication Σ k_i·P_i for small public scalars (signer multiplicities) by
// Pippenger's bucket method, generic over the curve.
//
// With a window of c bits, each window sorts the points into the bucket of their digit and sums
// every bucket at once by batched affine addition (batch_affine.hpp: about six multiplications per
// point instead of a mixed Jacobian addition's eleven), then combines the buckets with the
// running-sum trick Σ j·B_j = Σ_j (B_top + … + B_j) (2·2^c additions), with c doublings between
// windows. c grows with log2(n) and is capped by the scalars' bit length, so 10-bit multiplicities
// over 10,000 keys take a single window. Variable time: public data only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "internal/batch_affine.hpp"
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
  const size_t buckets = size_t{1} << c;
  const uint64_t mask = buckets - 1;
  Point acc = Point::Infinity();
  std::vector<size_t> sizes(buckets), offsets(buckets);
  std::vector<uint32_t> order;  // point indices sorted by digit (a small buffer: 4 bytes a point)
  for (int w = windows - 1; w >= 0; --w) {
    for (int i = 0; i < c; ++i)
      acc = acc.Double();
    // Counting sort of the point indices by digit (bucket 0 is dropped).
    std::fill(sizes.begin(), sizes.end(), 0);
    for (size_t i = 0; i < n; ++i)
      ++sizes[(scalars[i] >> (w * c)) & mask];
    sizes[0] = 0;
    size_t total = 0;
    for (size_t j = 1; j < buckets; ++j) {
      offsets[j] = total;
      total += sizes[j];
    }
    order.resize(total);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t digit = (scalars[i] >> (w * c)) & mask;
      if (digit != 0) order[offsets[digit]++] = static_cast<uint32_t>(i);
    }
    // Bucket j ≥ 1 is group j − 1.
    const std::vector<Point> sums = SumAffineGroups<Curve>(
        [&](size_t k) { return points[order[k]]; }, std::span<const size_t>(sizes).subspan(1));
    Point running = Point::Infinity(), total_sum = Point::Infinity();
    for (size_t j = buckets - 1; j >= 1; --j) {
      running = running + sums[j - 1];
      total_sum = total_sum + running;
    }
    acc = acc + total_sum;
  }
  return acc;
}

}  // namespace theta::crypto::internal
