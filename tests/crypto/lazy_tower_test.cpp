// The lazily reduced products of the BLS12-381 tower (double-width sums modulo p·R, one reduction
// per output coefficient) against the same products with every coefficient reduced, on random
// elements and on the largest ones (every coefficient p − 1), where the wide bounds are tightest.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>

#include "internal/bls12381_pairing.hpp"
#include "internal/fields.hpp"

namespace theta::crypto::internal {
namespace {

using F = Bls12381Fp;
using F2 = Bls12381Fp2;
using F6 = Bls12381Fp6;
using F12 = Bls12381Fp12;

F RandomFp(std::mt19937_64& rng) {
  F::Raw r{};
  for (uint64_t& limb : r)
    limb = rng();
  r[F::kLimbs - 1] >>= 4;
  while (limbs::GreaterOrEqual(r, F::kModulus))
    limbs::Sub(r, F::kModulus);
  return F::FromCanonical(r);
}

// Every third case takes p − 1 for some coefficients, so products reach their largest values.
F2 RandomFp2(std::mt19937_64& rng) {
  const F max = -F::One();
  const uint64_t pick = rng() % 6;
  return {pick == 0 ? max : RandomFp(rng), pick <= 1 ? max : RandomFp(rng)};
}
F6 RandomFp6(std::mt19937_64& rng) {
  return {RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)};
}
F12 RandomFp12(std::mt19937_64& rng) {
  return {RandomFp6(rng), RandomFp6(rng)};
}

F12 AllMax() {
  const F max = -F::One();
  const F2 m{max, max};
  return {{m, m, m}, {m, m, m}};
}

// p·R − 1 − k, the top of Redc's input range.
F::Wide NearPR(uint64_t k) {
  F::Wide w{};
  for (size_t i = 0; i < F::kLimbs; ++i)
    w[F::kLimbs + i] = F::kModulus[i];
  F::Wide one{};
  one[0] = 1 + k;
  return F::SubWidePlain(w, one);
}

bool BelowPR(const F::Wide& w) {
  F::Raw high{};
  for (size_t i = 0; i < F::kLimbs; ++i)
    high[i] = w[F::kLimbs + i];
  return !limbs::GreaterOrEqual(high, F::kModulus);
}

TEST_CASE("wide sums and differences modulo p R reduce like the field and stay below p R",
          "[fp_tower]") {
  std::mt19937_64 rng(0x1a2f);
  for (int i = 0; i < 5000; ++i) {
    CAPTURE(i);
    const F a = RandomFp(rng), b = RandomFp(rng), c = RandomFp(rng), d = RandomFp(rng);
    // Wide values anywhere in [0, p·R): products, and the extremes p·R − 1 − k and 0.
    F::Wide x = F::MulWide(a.montgomery(), b.montgomery());
    F::Wide y = F::MulWide(c.montgomery(), d.montgomery());
    if (i % 4 == 1) x = NearPR(rng() % 3);
    if (i % 4 == 2) y = NearPR(rng() % 3);
    if (i % 9 == 3) y = F::Wide{};
    const F rx = F::Redc(x), ry = F::Redc(y);
    const F::Wide sum = F::AddWide(x, y), diff = F::SubWide(x, y);
    REQUIRE(BelowPR(sum));
    REQUIRE(BelowPR(diff));
    REQUIRE(F::Redc(sum) == rx + ry);
    REQUIRE(F::Redc(diff) == rx - ry);
  }
}

TEST_CASE("lazy fp6 and fp12 products equal the fully reduced ones", "[fp_tower]") {
  std::mt19937_64 rng(0x6a12);
  for (int i = 0; i < 300; ++i) {
    CAPTURE(i);
    const F12 a = i == 0 ? AllMax() : RandomFp12(rng);
    const F12 b = i < 2 ? AllMax() : RandomFp12(rng);
    REQUIRE(a.c0 * b.c1 == F6::MulReference(a.c0, b.c1));
    REQUIRE(a * b == F12::MulReference(a, b));
    REQUIRE(a.Square() == a.SquareReference());
    REQUIRE(a.Square() == F12::MulReference(a, a));
  }
}

TEST_CASE("lazy sparse line multiplication equals the dense product", "[fp_tower]") {
  std::mt19937_64 rng(0x11fe);
  for (int i = 0; i < 300; ++i) {
    CAPTURE(i);
    const F12 f = i == 0 ? AllMax() : RandomFp12(rng);
    const Bls12381Line line{RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)};
    // a + b·w² + c·w³ = ((a, b, 0), (0, c, 0)).
    const F12 dense{{line.a, line.b, F2::Zero()}, {F2::Zero(), line.c, F2::Zero()}};
    const F12 want = F12::MulReference(f, dense);
    REQUIRE(Bls12381MulByLineReference(f, line) == want);
    REQUIRE(Bls12381MulByLine(f, line) == want);
  }
}

}  // namespace
}  // namespace theta::crypto::internal
