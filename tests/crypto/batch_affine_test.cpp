// Batched affine summation (internal/batch_affine.hpp) against plain Jacobian sums, with the
// exceptional pairs it must route around: equal points, a point beside its negative, infinity.
#include "internal/batch_affine.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <span>
#include <vector>

#include "internal/bls12381_curve.hpp"

namespace theta::crypto::internal {
namespace {

template <class Curve>
JacobianPoint<Curve> NaiveSum(std::span<const AffinePoint<Curve>> points) {
  JacobianPoint<Curve> sum = JacobianPoint<Curve>::Infinity();
  for (const auto& p : points)
    sum = sum.AddAffine(p);
  return sum;
}

// k·G for k = 1..n, then exceptional neighbours planted at even offsets so that they meet in the
// first round's pairs: (P, P), (P, −P), (∞, P).
template <class Curve>
std::vector<AffinePoint<Curve>> Points(const AffinePoint<Curve>& g, size_t n) {
  std::vector<AffinePoint<Curve>> out;
  JacobianPoint<Curve> p = JacobianPoint<Curve>::Infinity();
  for (size_t i = 0; i < n; ++i) {
    p = p.AddAffine(g);
    out.push_back(p.ToAffine());
  }
  out[11] = out[10];
  out[21] = -out[20];
  out[30] = AffinePoint<Curve>::Infinity();
  return out;
}

TEST_CASE("batched affine sums equal Jacobian sums on G1 with exceptional pairs",
          "[batch_affine]") {
  for (size_t n : {40, 64, 65, 257, 1100}) {
    const auto points = Points<Bls12381G1Curve>(Bls12381G1Generator(), n);
    CHECK(SumAffine<Bls12381G1Curve>([&](size_t i) { return points[i]; }, points.size()) ==
          NaiveSum<Bls12381G1Curve>(points));
  }
}

TEST_CASE("batched affine sums of several groups equal each group's sum", "[batch_affine]") {
  const auto points = Points<Bls12381G1Curve>(Bls12381G1Generator(), 900);
  const std::vector<size_t> sizes = {0, 1, 2, 120, 0, 97, 80, 600};
  const auto sums = SumAffineGroups<Bls12381G1Curve>([&](size_t i) { return points[i]; },
                                                     std::span<const size_t>(sizes));
  REQUIRE(sums.size() == sizes.size());
  size_t start = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    const std::span<const Bls12381G1Affine> group(points.data() + start, sizes[g]);
    CHECK(sums[g] == NaiveSum<Bls12381G1Curve>(group));
    start += sizes[g];
  }
}

TEST_CASE("groups summed together equal each group's sum", "[batch_affine]") {
  // Many small groups (Pippenger's buckets), with the exceptional pairs of Points among them: the
  // shared rounds run while the groups hold at least 32 pairs between them.
  const auto points = Points<Bls12381G1Curve>(Bls12381G1Generator(), 1000);
  std::vector<size_t> sizes;
  for (size_t total = 0, i = 0; total < points.size(); ++i) {
    const size_t size = std::min<size_t>((i * 7) % 11, points.size() - total);
    sizes.push_back(size);
    total += size;
  }
  std::vector<Bls12381G1Affine> scratch = points;
  const auto sums =
      SumAffineGroupsTogether<Bls12381G1Curve>(scratch, std::span<const size_t>(sizes));
  REQUIRE(sums.affine.size() == sizes.size());
  REQUIRE(sums.rest.size() == sizes.size());
  size_t start = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    CAPTURE(g, sizes[g]);
    const std::span<const Bls12381G1Affine> group(points.data() + start, sizes[g]);
    CHECK(sums.rest[g].AddAffine(sums.affine[g]) == NaiveSum<Bls12381G1Curve>(group));
    start += sizes[g];
  }
}

TEST_CASE("batched affine sums equal Jacobian sums on G2", "[batch_affine]") {
  const auto points = Points<Bls12381G2Curve>(Bls12381G2Generator(), 100);
  CHECK(SumAffine<Bls12381G2Curve>([&](size_t i) { return points[i]; }, points.size()) ==
        NaiveSum<Bls12381G2Curve>(points));
}

}  // namespace
}  // namespace theta::crypto::internal
