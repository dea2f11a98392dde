// Sums of many affine points by batched affine addition, generic over the curve.
//
// The points come in groups (consecutive runs, e.g. Pippenger's buckets) and each group is summed
// in chunks, each as a tree: every round pairs up the chunk's points and adds each pair in affine
// coordinates, λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2, y3 = λ(x1 − x3) − y1, with all the
// round's denominators inverted at once by Montgomery's trick (one inversion and three
// multiplications per pair). That is about six multiplications per addition against eleven for a
// mixed Jacobian addition. Pairs with x1 = x2 (a doubling or a point and its negative) go to the
// group's Jacobian remainder instead; once a round has too few pairs to pay for its inversion, the
// rest is added in Jacobian coordinates.
//
// Variable time: public data only (public keys, signatures).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "internal/curve.hpp"

namespace theta::crypto::internal {

// Below this many pairs in a round, one inversion costs more than the multiplications it saves.
inline constexpr size_t kBatchAffineMinPairs = 32;
// Points summed per chunk: the scratch buffers stay small (tens of KiB), so they come from the
// heap's free lists instead of fresh pages. With 10,000 keys, fresh megabyte buffers cost more in
// page faults than the batching saved.
inline constexpr size_t kBatchAffineChunk = 512;

// Adds to *sum the tree sum of the chunk's points (consumed as scratch space), with `denominators`
// and `prefix` as scratch too.
template <class Curve>
void SumAffineChunk(std::vector<AffinePoint<Curve>>& points,
                    std::vector<typename Curve::Field>& denominators,
                    std::vector<typename Curve::Field>& prefix, JacobianPoint<Curve>* sum) {
  using F = typename Curve::Field;
  using Affine = AffinePoint<Curve>;
  size_t size = points.size();
  while (size / 2 >= kBatchAffineMinPairs) {
    const size_t pairs = size / 2;
    // Denominators of every pair; exceptional pairs are settled in Jacobian form and get 1.
    denominators.assign(pairs, F::One());
    for (size_t i = 0; i < pairs; ++i) {
      const Affine& p = points[2 * i];
      const Affine& q = points[2 * i + 1];
      if (p.infinity || q.infinity || p.x == q.x) {
        *sum = sum->AddAffine(p).AddAffine(q);
        points[2 * i].infinity = points[2 * i + 1].infinity = true;  // settled
      } else {
        denominators[i] = q.x - p.x;
      }
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
    // Sums written over the front (slot i ≤ 2i, read before written), then the odd point out.
    size_t kept = 0;
    for (size_t i = 0; i < pairs; ++i) {
      const Affine p = points[2 * i];
      const Affine q = points[2 * i + 1];
      if (p.infinity) continue;  // settled above
      const F lambda = (q.y - p.y) * denominators[i];
      const F x = lambda.Square() - p.x - q.x;
      points[kept++] = Affine::Of(x, lambda * (p.x - x) - p.y);
    }
    if (size % 2 == 1) points[kept++] = points[size - 1];
    size = kept;
  }
  for (size_t i = 0; i < size; ++i)
    *sum = sum->AddAffine(points[i]);
}

// One sum per group: group g holds the next sizes[g] points of the sequence get(0), get(1), ….
// Each group is summed in chunks of at most kBatchAffineChunk points. Points at infinity are
// allowed.
template <class Curve, class Get>
std::vector<JacobianPoint<Curve>> SumAffineGroups(const Get& get, std::span<const size_t> sizes) {
  std::vector<JacobianPoint<Curve>> sums(sizes.size(), JacobianPoint<Curve>::Infinity());
  std::vector<AffinePoint<Curve>> chunk;
  std::vector<typename Curve::Field> denominators, prefix;
  chunk.reserve(kBatchAffineChunk);
  size_t next = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    for (size_t done = 0; done < sizes[g];) {
      const size_t take = std::min(kBatchAffineChunk, sizes[g] - done);
      chunk.clear();
      for (size_t i = 0; i < take; ++i)
        chunk.push_back(get(next++));
      SumAffineChunk<Curve>(chunk, denominators, prefix, &sums[g]);
      done += take;
    }
  }
  return sums;
}

// The sum of each group's points, all groups reduced together: each round pairs up the points
// inside every group and adds all the pairs of all the groups with one shared inversion, so that
// many small groups (Pippenger's buckets: 10,000 keys in 1,024 buckets hold about ten points each)
// still get batched affine additions, until every group is down to one point or a round has too few
// pairs. `points` holds the groups one after another (sizes[g] points each) and is consumed as
// scratch space. Group g's sum is affine[g] plus rest[g] (the Jacobian remainder of exceptional
// pairs and of the last, unbatched rounds; usually the point at infinity).
template <class Curve>
struct GroupSums {
  std::vector<AffinePoint<Curve>> affine;
  std::vector<JacobianPoint<Curve>> rest;
};
template <class Curve>
GroupSums<Curve> SumAffineGroupsTogether(std::vector<AffinePoint<Curve>>& points,
                                         std::span<const size_t> sizes) {
  using F = typename Curve::Field;
  using Affine = AffinePoint<Curve>;
  const size_t groups = sizes.size();
  GroupSums<Curve> out{std::vector<Affine>(groups, Affine::Infinity()),
                       std::vector<JacobianPoint<Curve>>(groups, JacobianPoint<Curve>::Infinity())};
  std::vector<size_t> start(groups), size(sizes.begin(), sizes.end());
  size_t pairs = 0;
  for (size_t g = 0, at = 0; g < groups; at += sizes[g], ++g) {
    start[g] = at;
    pairs += size[g] / 2;
  }
  thread_local std::vector<F> denominators, prefix;  // kept per thread, as MSM's point buffer
  while (pairs >= kBatchAffineMinPairs) {
    // Denominators of every pair of every group; exceptional pairs go to the group's remainder.
    denominators.assign(pairs, F::One());
    for (size_t g = 0, k = 0; g < groups; ++g) {
      for (size_t i = 0; i < size[g] / 2; ++i, ++k) {
        Affine& p = points[start[g] + 2 * i];
        Affine& q = points[start[g] + 2 * i + 1];
        if (p.infinity || q.infinity || p.x == q.x) {
          out.rest[g] = out.rest[g].AddAffine(p).AddAffine(q);
          p.infinity = q.infinity = true;  // settled
        } else {
          denominators[k] = q.x - p.x;
        }
      }
    }
    prefix.resize(pairs);
    F running = F::One();
    for (size_t k = 0; k < pairs; ++k) {
      prefix[k] = running;
      running = running * denominators[k];
    }
    F inverse = running.InverseVartime();
    for (size_t k = pairs; k-- > 0;) {
      const F d_inv = inverse * prefix[k];
      inverse = inverse * denominators[k];
      denominators[k] = d_inv;
    }
    // Each group's sums over the front of its range, then its odd point out.
    size_t next_pairs = 0;
    for (size_t g = 0, k = 0; g < groups; ++g) {
      Affine* base = points.data() + start[g];
      size_t kept = 0;
      for (size_t i = 0; i < size[g] / 2; ++i, ++k) {
        const Affine p = base[2 * i];
        const Affine q = base[2 * i + 1];
        if (p.infinity) continue;  // settled above
        const F lambda = (q.y - p.y) * denominators[k];
        const F x = lambda.Square() - p.x - q.x;
        base[kept++] = Affine::Of(x, lambda * (p.x - x) - p.y);
      }
      if (size[g] % 2 == 1) base[kept++] = base[size[g] - 1];
      size[g] = kept;
      next_pairs += kept / 2;
    }
    pairs = next_pairs;
  }
  for (size_t g = 0; g < groups; ++g) {
    if (size[g] == 0) continue;
    out.affine[g] = points[start[g]];
    for (size_t i = 1; i < size[g]; ++i)
      out.rest[g] = out.rest[g].AddAffine(points[start[g] + i]);
  }
  return out;
}

// Σ get(i) for i < n.
template <class Curve, class Get>
JacobianPoint<Curve> SumAffine(const Get& get, size_t n) {
  const size_t sizes[1] = {n};
  return SumAffineGroups<Curve>(get, std::span<const size_t>(sizes))[0];
}

}  // namespace theta::crypto::internal
