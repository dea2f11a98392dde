// The lazily reduced curve formulas (the G2 Jacobian doubling, the BLS12-381 Miller loop's
// doubling step) against their fully reduced references, coordinate by coordinate, on random
// coordinates (the formulas are polynomials, so points need not be on the curve), on coordinates
// p − 1 where the double-width bounds are tightest, on real points and on the point at infinity;
// and hash to G2's batched SSWU (shared inversion, square roots in lockstep) against the single
// map.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>

#include "internal/bls12381_curve.hpp"
#include "internal/bls12381_hash.hpp"
#include "internal/bls12381_pairing.hpp"
#include "internal/bn254_curve.hpp"
#include "internal/fields.hpp"

namespace theta::crypto::internal {
namespace {

template <class F>
F RandomBase(std::mt19937_64& rng) {
  typename F::Raw r{};
  for (uint64_t& limb : r)
    limb = rng();
  r[F::kLimbs - 1] >>= 2;
  while (limbs::GreaterOrEqual(r, F::kModulus))
    limbs::Sub(r, F::kModulus);
  return F::FromCanonical(r);
}

// One case in three takes p − 1 for a coefficient, so the double-width values reach their maxima.
template <class F2>
F2 RandomExt(std::mt19937_64& rng) {
  using F = typename F2::Base;
  const F max = -F::One();
  const uint64_t pick = rng() % 6;
  return {pick == 0 ? max : RandomBase<F>(rng), pick <= 1 ? max : RandomBase<F>(rng)};
}

template <class Point>
void CheckLazyDoubling(uint64_t seed) {
  using F2 = typename Point::F;
  using F = typename F2::Base;
  std::mt19937_64 rng(seed);
  const F max = -F::One();
  for (int i = 0; i < 2000; ++i) {
    CAPTURE(i);
    Point p{RandomExt<F2>(rng), RandomExt<F2>(rng), RandomExt<F2>(rng)};
    if (i == 0) p = {{max, max}, {max, max}, {max, max}};
    if (i == 1) p.z = F2::Zero();  // infinity in Jacobian coordinates: z stays zero
    const Point want = p.DoubleReference();
    const Point got = p.DoubleLazy();
    REQUIRE(got.x == want.x);
    REQUIRE(got.y == want.y);
    REQUIRE(got.z == want.z);
  }
}

TEST_CASE("lazy g2 doubling equals the reduced formulas on bls12-381 and bn254", "[curve]") {
  CheckLazyDoubling<Bls12381G2>(0xd0b1);
  CheckLazyDoubling<Bn254G2>(0xd0b2);
}

TEST_CASE("g2 doubling of real points and of infinity", "[curve]") {
  REQUIRE(Bls12381G2::Infinity().Double().IsInfinity());
  REQUIRE(Bn254G2::Infinity().Double().IsInfinity());
  const Bls12381G2 g = Bls12381G2::From(Bls12381G2Generator());
  Bls12381G2 p = g, q = g;  // 2^k·G by the lazy and by the reference doubling
  for (int k = 1; k <= 70; ++k) {
    CAPTURE(k);
    p = p.Double();
    q = q.DoubleReference();
    REQUIRE(p.x == q.x);
    REQUIRE(p.y == q.y);
    REQUIRE(p.z == q.z);
    REQUIRE(p.ToAffine().IsOnCurve());
  }
  // 2G + G = 3G through the addition formulas, which do not double.
  const Bls12381G2 two_g = g.Double();
  REQUIRE(two_g + g == two_g.AddAffine(Bls12381G2Generator()));
  REQUIRE(!(two_g == g + g + g));
  REQUIRE(two_g.Double() == two_g + g + g);
}

TEST_CASE("lazy miller doubling step equals the reduced one", "[pairing]") {
  using F2 = Bls12381Fp2;
  std::mt19937_64 rng(0x5eb1);
  const Bls12381Fp max = -Bls12381Fp::One();
  for (int i = 0; i < 2000; ++i) {
    CAPTURE(i);
    Bls12381G2Homogeneous t{RandomExt<F2>(rng), RandomExt<F2>(rng), RandomExt<F2>(rng)};
    if (i == 0) t = {{max, max}, {max, max}, {max, max}};
    const Bls12381G1Affine p = Bls12381G1Affine::Of(RandomBase<Bls12381Fp>(rng),
                                                    i == 0 ? max : RandomBase<Bls12381Fp>(rng));
    Bls12381G2Homogeneous t_ref = t;
    const Bls12381Line got = Bls12381DoublingStep(t, p);
    const Bls12381Line want = Bls12381DoublingStepReference(t_ref, p);
    REQUIRE(t.x == t_ref.x);
    REQUIRE(t.y == t_ref.y);
    REQUIRE(t.z == t_ref.z);
    REQUIRE(got.a == want.a);
    REQUIRE(got.b == want.b);
    REQUIRE(got.c == want.c);
  }
}

TEST_CASE("batched sswu to g2 equals the single map, zero denominators included", "[hash]") {
  using F2 = Bls12381Fp2;
  std::mt19937_64 rng(0x55e1);
  for (int i = 0; i < 60; ++i) {
    CAPTURE(i);
    std::array<F2, 2> u = {RandomExt<F2>(rng), RandomExt<F2>(rng)};
    if (i == 0) u[0] = F2::Zero();  // Z²u⁴ + Zu² = 0: the exceptional x1 = B/(Z·A)
    if (i == 1) u[1] = F2::Zero();
    if (i == 2) u = {F2::Zero(), F2::Zero()};
    if (i == 3) u[1] = u[0];
    const std::array<Bls12381G2, 2> pair = MapToCurveG2JacobianPair(u);
    for (size_t k = 0; k < 2; ++k) {
      const Bls12381G2Affine single = MapToCurveG2(u[k]);
      REQUIRE(single.IsOnCurve());
      REQUIRE(pair[k].ToAffine() == single);
    }
  }
}

}  // namespace
}  // namespace theta::crypto::internal
