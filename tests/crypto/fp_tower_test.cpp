// The tower Fp2/Fp6/Fp12 over BN254's and BLS12-381's fields: field axioms on random elements and
// Frobenius against exponentiation by p.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>

#include "internal/fields.hpp"

namespace theta::crypto::internal {
namespace {

template <class F>
F RandomFp(std::mt19937_64& rng) {
  typename F::Raw r{};
  for (uint64_t& limb : r)
    limb = rng();
  r[F::kLimbs - 1] >>= 4;  // below 2^(64N − 4); reduce by subtracting p while needed
  while (limbs::GreaterOrEqual(r, F::kModulus))
    limbs::Sub(r, F::kModulus);
  return F::FromCanonical(r);
}

template <class T>
Fp2<T> RandomFp2(std::mt19937_64& rng) {
  return {RandomFp<typename T::Fp>(rng), RandomFp<typename T::Fp>(rng)};
}
template <class T>
Fp6<T> RandomFp6(std::mt19937_64& rng) {
  return {RandomFp2<T>(rng), RandomFp2<T>(rng), RandomFp2<T>(rng)};
}
template <class T>
Fp12<T> RandomFp12(std::mt19937_64& rng) {
  return {RandomFp6<T>(rng), RandomFp6<T>(rng)};
}

template <class F, class Random>
void CheckFieldAxioms(uint64_t seed, int cases, Random random) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < cases; ++i) {
    CAPTURE(seed, i);
    const F a = random(rng), b = random(rng), c = random(rng);
    REQUIRE((a * b) * c == a * (b * c));
    REQUIRE(a * b == b * a);
    REQUIRE(a * (b + c) == a * b + a * c);
    REQUIRE(a.Square() == a * a);
    REQUIRE((a - b) + b == a);
    REQUIRE(a * F::One() == a);
    REQUIRE(a * a.Inverse() == F::One());
  }
}

template <class T>
void CheckTowerAxioms(uint64_t seed) {
  CheckFieldAxioms<Fp2<T>>(seed, 200, RandomFp2<T>);
  CheckFieldAxioms<Fp6<T>>(seed + 1, 100, RandomFp6<T>);
  CheckFieldAxioms<Fp12<T>>(seed + 2, 30, RandomFp12<T>);
}

TEST_CASE("bn254 tower satisfies the field axioms on random elements", "[fp_tower]") {
  CheckTowerAxioms<Bn254Tower>(0x70e1);
}

TEST_CASE("bls12-381 tower satisfies the field axioms on random elements", "[fp_tower]") {
  CheckTowerAxioms<Bls12381Tower>(0x70e2);
}

template <class T>
void CheckFrobenius(uint64_t seed) {
  using F2 = Fp2<T>;
  using F12 = Fp12<T>;
  std::mt19937_64 rng(seed);
  // u² = β and v³ = ξ and w² = v hold by construction of the multiplication; check ξ is not a cube
  // root of unity trick by checking u^p = −u, i.e. β is a non-residue.
  const F2 u{T::Fp::Zero(), T::Fp::One()};
  CHECK(PowPublic(u, T::Fp::kModulus) == -u);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(seed, i);
    const F12 a = RandomFp12<T>(rng);
    const F12 ap = PowPublic(a, T::Fp::kModulus);
    REQUIRE(a.template Frobenius<1>() == ap);
    REQUIRE(a.template Frobenius<2>() == ap.template Frobenius<1>());
    REQUIRE(a.template Frobenius<3>() == ap.template Frobenius<2>());
  }
  // Frobenius fixes Fp and is a ring homomorphism.
  const F12 a = RandomFp12<T>(rng), b = RandomFp12<T>(rng);
  CHECK((a * b).template Frobenius<1>() == a.template Frobenius<1>() * b.template Frobenius<1>());
  CHECK(a.Conjugate() * a.template Frobenius<3>().template Frobenius<3>().Inverse() == F12::One());
}

TEST_CASE("bn254 fp12 frobenius equals raising to p", "[fp_tower]") {
  CheckFrobenius<Bn254Tower>(0xf0b1);
}

TEST_CASE("bls12-381 fp12 frobenius equals raising to p", "[fp_tower]") {
  CheckFrobenius<Bls12381Tower>(0xf0b2);
}

template <class T>
void CheckFrobeniusTable() {
  const auto derived = ComputeFrobeniusCoefficients<T>();
  for (size_t k = 0; k < 4; ++k) {
    for (size_t j = 0; j < 6; ++j) {
      CAPTURE(k, j);
      CHECK(derived[k][j] == FrobeniusCoefficients<T>::kGamma[k][j]);
    }
  }
}

TEST_CASE("frobenius coefficient tables equal xi^(j(p^k-1)/6) derived from p", "[fp_tower]") {
  CheckFrobeniusTable<Bn254Tower>();
  CheckFrobeniusTable<Bls12381Tower>();
  CHECK(Bn254Fp::Half() + Bn254Fp::Half() == Bn254Fp::One());
  CHECK(Bls12381Fp::Half().Double() == Bls12381Fp::One());
}

template <class T>
void CheckFp2AgainstSchoolbook(uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    CAPTURE(seed, i);
    // Include the largest values (p − 1) so the lazy bounds are exercised at their edge.
    Fp2<T> a = RandomFp2<T>(rng), b = RandomFp2<T>(rng);
    if (i % 7 == 0) a.c0 = -T::Fp::One();
    if (i % 5 == 0) b.c1 = -T::Fp::One();
    if (i % 11 == 0) a.c1 = -T::Fp::One();
    const Fp2<T> want{a.c0 * b.c0 - a.c1 * b.c1, a.c0 * b.c1 + a.c1 * b.c0};  // u² = −1
    REQUIRE(a * b == want);
  }
}

TEST_CASE("fp2 lazy-reduced multiplication equals the schoolbook formula", "[fp_tower]") {
  CheckFp2AgainstSchoolbook<Bn254Tower>(0x1a2b);
  CheckFp2AgainstSchoolbook<Bls12381Tower>(0x3c4d);
}

TEST_CASE("fp2 multiplies by xi as by the element kXi0 + u", "[fp_tower]") {
  std::mt19937_64 rng(0x71);
  const Bn254Fp2 xi{Bn254Fp::FromUint(9), Bn254Fp::One()};
  for (int i = 0; i < 100; ++i) {
    const Bn254Fp2 a = RandomFp2<Bn254Tower>(rng);
    REQUIRE(a.MulByXi() == a * xi);
  }
  CHECK(MulBySmall<1>(Bn254Fp::FromUint(5)) == Bn254Fp::FromUint(5));
  CHECK(MulBySmall<9>(Bn254Fp::FromUint(5)) == Bn254Fp::FromUint(45));
}

}  // namespace
}  // namespace theta::crypto::internal
