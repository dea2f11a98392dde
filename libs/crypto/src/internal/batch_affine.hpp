// Sums of many affine points by batched affine addition, generic over the curve.
//
// The points come in groups (contiguous ranges, e.g. Pippenger's buckets) and each group is summed
// as a tree: every round pairs up the points of each group and adds each pair in affine
// coordinates, λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2, y3 = λ(x1 − x3) − y1, with all the
// round's denominators inverted at once by Montgomery's trick (one inversion and three
// multiplications per pair). That is about six multiplications per addition against eleven for a
// mixed Jacobian addition. Pairs with x1 = x2 (a doubling or a point and its negative) go to the
// group's Jacobian remainder instead; once a round has too few pairs to pay for its inversion, the
// rest is added in Jacobian coordinates.
//
// Variable time: public data only (public keys, signatures).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "internal/curve.hpp"

namespace theta::crypto::internal {

// Below this many pairs in a round, one inversion costs more than the multiplications it saves.
inline constexpr size_t kBatchAffineMinPairs = 32;

// Returns one sum per group: group g holds the next sizes[g] points of `points` (which is
// consumed as scratch space). Points at infinity are allowed.
template <class Curve>
std::vector<JacobianPoint<Curve>> SumAffineGroups(std::vector<AffinePoint<Curve>> points,
                                                  std::vector<size_t> sizes) {
  using F = typename Curve::Field;
  using Affine = AffinePoint<Curve>;
  using Point = JacobianPoint<Curve>;
  std::vector<Point> sums(sizes.size(), Point::Infinity());
  std::vector<F> denominators, prefix;
  for (;;) {
    size_t pairs = 0;
    for (size_t size : sizes)
      pairs += size / 2;
    if (pairs < kBatchAffineMinPairs) break;
    // Denominators of every pair; exceptional pairs are settled in Jacobian form and get 1.
    denominators.assign(pairs, F::One());
    std::vector<bool> exceptional(pairs, false);
    size_t start = 0, pair = 0;
    for (size_t g = 0; g < sizes.size(); ++g) {
      for (size_t i = 0; i + 1 < sizes[g]; i += 2, ++pair) {
        const Affine& p = points[start + i];
        const Affine& q = points[start + i + 1];
        if (p.infinity || q.infinity || p.x == q.x) {
          sums[g] = sums[g].AddAffine(p).AddAffine(q);
          exceptional[pair] = true;
        } else {
          denominators[pair] = q.x - p.x;
        }
      }
      start += sizes[g];
    }
    // Montgomery's trick: prefix products, one inversion, then walk back.
    prefix.resize(pairs);
    F running = F::One();
    for (size_t i = 0; i < pairs; ++i) {
      prefix[i] = running;
      running = running * denominators[i];
    }
    F inverse = running.InverseVartime();
    for (size_t i = pairs; i-- > 0;) {
      const F d_inv = inverse * prefix[i];
      inverse = inverse * denominators[i];
      denominators[i] = d_inv;
    }
    // The sums, written compactly over the front of `points` (each write lands at or before the
    // pair it comes from), then each group's odd point out.
    size_t read = 0, write = 0;
    pair = 0;
    for (size_t g = 0; g < sizes.size(); ++g) {
      const size_t size = sizes[g];
      size_t kept = 0;
      for (size_t i = 0; i + 1 < size; i += 2, ++pair) {
        if (exceptional[pair]) continue;
        const Affine p = points[read + i];
        const Affine q = points[read + i + 1];
        const F lambda = (q.y - p.y) * denominators[pair];
        const F x = lambda.Square() - p.x - q.x;
        points[write++] = Affine::Of(x, lambda * (p.x - x) - p.y);
        ++kept;
      }
      if (size % 2 == 1) {
        points[write++] = points[read + size - 1];
        ++kept;
      }
      read += size;
      sizes[g] = kept;
    }
  }
  size_t start = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    for (size_t i = 0; i < sizes[g]; ++i)
      sums[g] = sums[g].AddAffine(points[start + i]);
    start += sizes[g];
  }
  return sums;
}

// Σ points, by SumAffineGroups with one group.
template <class Curve>
JacobianPoint<Curve> SumAffine(std::vector<AffinePoint<Curve>> points) {
  const size_t n = points.size();
  return SumAffineGroups<Curve>(std::move(points), {n})[0];
}

}  // namespace theta::crypto::internal
