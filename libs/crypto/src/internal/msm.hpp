// Multi-scalar multiplication Σ k_i·P_i for small public scalars (signer multiplicities) by
// Pippenger's bucket method, generic over the curve.
//
// With a window of c bits, each window sorts the points into the bucket of their digit and sums
// every bucket at once by batched affine addition (batch_affine.hpp: about six multiplications per
// point instead of a mixed Jacobian addition's eleven), then combines the buckets with the
// running-sum trick Σ j·B_j = Σ_j (B_top + … + B_j) (2·2^c additions), with c doublings between
// windows. The buckets of a window are summed together (SumAffineGroupsTogether), so even buckets
// of a few points share inversions. c minimizes an operation count estimate and is capped by the
// scalars' bit length: 10-bit multiplicities over 10,000 keys take a single window of 1,024
// buckets, over 1,000 keys two windows of 32. Variable time: public data only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "internal/batch_affine.hpp"
#include "internal/curve.hpp"

namespace theta::crypto::internal {

// Σ scalars[i]·get(i) for i < scalars.size(); get(i) returns the i-th point (affine).
template <class Curve, class Get>
JacobianPoint<Curve> MultiScalarMulOf(const Get& get, std::span<const uint64_t> scalars) {
  using Point = JacobianPoint<Curve>;
  const size_t n = scalars.size();
  uint64_t all = 0;
  for (size_t i = 0; i < n; ++i)
    all |= scalars[i];
  if (all == 0) return Point::Infinity();
  const int bits = 64 - __builtin_clzll(all);
  // The window with the least estimated cost, in field multiplications: per window, about six per
  // point for the batched bucket sums and 27 per bucket for the running sums (a mixed and a full
  // Jacobian addition).
  int c = 1;
  uint64_t best = UINT64_MAX;
  for (int w = 1; w <= std::min(bits, 16); ++w) {
    const uint64_t b = uint64_t{1} << w;
    const uint64_t cost =
        static_cast<uint64_t>((bits + w - 1) / w) * (6 * (n > b ? n - b : 0) + 27 * b);
    if (cost < best) {
      best = cost;
      c = w;
    }
  }
  const int windows = (bits + c - 1) / c;
  const size_t buckets = size_t{1} << c;
  const uint64_t mask = buckets - 1;
  Point acc = Point::Infinity();
  std::vector<size_t> sizes(buckets), offsets(buckets);
  // The points grouped by digit: a buffer kept per thread, because with 10,000 keys (a megabyte) a
  // fresh one per call costs more in page faults than the batched additions save.
  thread_local std::vector<AffinePoint<Curve>> sorted;
  for (int w = windows - 1; w >= 0; --w) {
    for (int i = 0; i < c; ++i)
      acc = acc.Double();
    // Counting sort of the points by digit (bucket 0 is dropped).
    std::fill(sizes.begin(), sizes.end(), 0);
    for (size_t i = 0; i < n; ++i)
      ++sizes[(scalars[i] >> (w * c)) & mask];
    sizes[0] = 0;
    size_t total = 0;
    for (size_t j = 1; j < buckets; ++j) {
      offsets[j] = total;
      total += sizes[j];
    }
    sorted.resize(total);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t digit = (scalars[i] >> (w * c)) & mask;
      if (digit != 0) sorted[offsets[digit]++] = get(i);
    }
    // Bucket j ≥ 1 is group j − 1; all buckets share each round's inversion.
    const GroupSums<Curve> sums =
        SumAffineGroupsTogether<Curve>(sorted, std::span<const size_t>(sizes).subspan(1));
    Point running = Point::Infinity(), total_sum = Point::Infinity();
    for (size_t j = buckets - 1; j >= 1; --j) {
      running = running.AddAffine(sums.affine[j - 1]) + sums.rest[j - 1];
      total_sum = total_sum + running;
    }
    acc = acc + total_sum;
  }
  return acc;
}

template <class Curve>
JacobianPoint<Curve> MultiScalarMul(std::span<const AffinePoint<Curve>> points,
                                    std::span<const uint64_t> scalars) {
  return MultiScalarMulOf<Curve>([&](size_t i) { return points[i]; },
                                 scalars.first(std::min(points.size(), scalars.size())));
}

}  // namespace theta::crypto::internal
