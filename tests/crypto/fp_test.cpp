// The generic Montgomery field against GMP: random differential cases (fixed seed) over BN254's p
// (4 limbs) and BLS12-381's p (6 limbs), plus the byte encoding's range check.
#include <gmp.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>

#include "internal/fields.hpp"

namespace theta::crypto::internal {
namespace {

class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  ~Mpz() { mpz_clear(v_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }

 private:
  mpz_t v_;
};

template <size_t N>
void ToMpz(const Limbs<N>& a, Mpz& out) {
  mpz_import(out.get(), N, -1, sizeof(uint64_t), 0, 0, a.data());
}

template <class F>
typename F::Raw Canonical(const F& a) {
  return a.ToCanonical();
}

template <class F>
bool SameAs(const F& a, const Mpz& expected) {
  Mpz got;
  ToMpz(Canonical(a), got);
  return mpz_cmp(got.get(), expected.get()) == 0;
}

// A uniformly random number below p (rejection sampling), and its field element.
template <class F>
F RandomElement(std::mt19937_64& rng, typename F::Raw* raw) {
  for (;;) {
    typename F::Raw r{};
    for (uint64_t& limb : r)
      limb = rng();
    r[F::kLimbs - 1] >>= __builtin_clzll(F::kModulus[F::kLimbs - 1]);
    if (!limbs::GreaterOrEqual(r, F::kModulus)) {
      *raw = r;
      return F::FromCanonical(r);
    }
  }
}

// Edge values first (0, 1, p − 1, p − 2), then random ones.
template <class F>
F CaseElement(std::mt19937_64& rng, int index, typename F::Raw* raw) {
  typename F::Raw r{};
  switch (index) {
    case 0:
      break;
    case 1:
      r[0] = 1;
      break;
    case 2:
      r = limbs::SubSmall(F::kModulus, 1);
      break;
    case 3:
      r = limbs::SubSmall(F::kModulus, 2);
      break;
    default:
      return RandomElement<F>(rng, raw);
  }
  *raw = r;
  return F::FromCanonical(r);
}

template <class F>
void RunDifferential(uint64_t seed, int cases, int inverse_every) {
  std::mt19937_64 rng(seed);
  Mpz p, a_z, b_z, want;
  ToMpz(F::kModulus, p);
  for (int i = 0; i < cases; ++i) {
    typename F::Raw a_raw{}, b_raw{};
    const F a = CaseElement<F>(rng, i % 16 < 4 && i < 64 ? i % 4 : 99, &a_raw);
    const F b = CaseElement<F>(rng, i < 64 ? (i / 4) % 4 : 99, &b_raw);
    ToMpz(a_raw, a_z);
    ToMpz(b_raw, b_z);
    CAPTURE(seed, i);
    REQUIRE(SameAs(a, a_z));  // round trip through Montgomery form

    mpz_add(want.get(), a_z.get(), b_z.get());
    mpz_mod(want.get(), want.get(), p.get());
    REQUIRE(SameAs(a + b, want));
    mpz_sub(want.get(), a_z.get(), b_z.get());
    mpz_mod(want.get(), want.get(), p.get());
    REQUIRE(SameAs(a - b, want));
    mpz_neg(want.get(), a_z.get());
    mpz_mod(want.get(), want.get(), p.get());
    REQUIRE(SameAs(-a, want));
    mpz_mul(want.get(), a_z.get(), b_z.get());
    mpz_mod(want.get(), want.get(), p.get());
    REQUIRE(SameAs(a * b, want));
    mpz_mul(want.get(), a_z.get(), a_z.get());
    mpz_mod(want.get(), want.get(), p.get());
    REQUIRE(SameAs(a.Square(), want));
    REQUIRE((a == b) == (mpz_cmp(a_z.get(), b_z.get()) == 0));
    REQUIRE(a.Halve().Double() == a);
    REQUIRE(a.IsZero() == (mpz_sgn(a_z.get()) == 0));

    if (i % inverse_every == 0 && !a.IsZero()) {
      REQUIRE(mpz_invert(want.get(), a_z.get(), p.get()) != 0);
      REQUIRE(SameAs(a.Inverse(), want));
      REQUIRE(SameAs(a.InverseVartime(), want));
      if constexpr (F::kModulus[0] % 4 == 3) {
        F root;
        const bool is_square = a.Sqrt(&root);
        REQUIRE(is_square == (mpz_legendre(a_z.get(), p.get()) == 1));
        if (is_square) REQUIRE(root.Square() == a);
      }
    }
  }
}

TEST_CASE("bn254 fp agrees with GMP on 100000 random cases", "[fp]") {
  RunDifferential<Bn254Fp>(0x5eed0001, 100000, 50);
}

TEST_CASE("bls12-381 fp agrees with GMP on 100000 random cases", "[fp]") {
  RunDifferential<Bls12381Fp>(0x5eed0002, 100000, 100);
}

TEST_CASE("bn254 fr agrees with GMP on random cases", "[fp]") {
  RunDifferential<Bn254Fr>(0x5eed0003, 10000, 100);
}

TEST_CASE("fp variable-time inverse agrees with GMP on many values", "[fp]") {
  std::mt19937_64 rng(0x1417);
  Mpz p, a_z, want;
  ToMpz(Bn254Fp::kModulus, p);
  for (int i = 0; i < 20000; ++i) {
    CAPTURE(i);
    Bn254Fp::Raw raw{};
    const Bn254Fp a = CaseElement<Bn254Fp>(rng, i < 4 ? i : 99, &raw);
    ToMpz(raw, a_z);
    if (a.IsZero()) {
      REQUIRE(a.InverseVartime().IsZero());
      continue;
    }
    REQUIRE(mpz_invert(want.get(), a_z.get(), p.get()) != 0);
    REQUIRE(SameAs(a.InverseVartime(), want));
  }
  CHECK(Bls12381Fp::FromUint(3).InverseVartime() * Bls12381Fp::FromUint(3) == Bls12381Fp::One());
}

TEST_CASE("fp decodes big-endian bytes and rejects values not below p", "[fp]") {
  std::array<uint8_t, 32> bytes{};
  Bn254Fp f;
  bytes[31] = 7;
  REQUIRE(Bn254Fp::FromBytes(bytes, &f));
  CHECK(f == Bn254Fp::FromUint(7));
  std::array<uint8_t, 32> back{};
  f.ToBytes(back);
  CHECK(back == bytes);

  // p itself and p + 1 are rejected; p − 1 is accepted and encodes back unchanged.
  const auto p = Bn254Fp::kModulus;
  for (size_t i = 0; i < 32; ++i)
    bytes[i] = static_cast<uint8_t>(p[3 - i / 8] >> (8 * (7 - i % 8)));
  CHECK_FALSE(Bn254Fp::FromBytes(bytes, &f));
  bytes[31] += 1;
  CHECK_FALSE(Bn254Fp::FromBytes(bytes, &f));
  bytes[31] -= 2;
  REQUIRE(Bn254Fp::FromBytes(bytes, &f));
  CHECK(f == -Bn254Fp::One());
  f.ToBytes(back);
  CHECK(back == bytes);
  bytes.fill(0xff);
  CHECK_FALSE(Bn254Fp::FromBytes(bytes, &f));
}

TEST_CASE("fp derives its Montgomery constants from the modulus", "[fp]") {
  // −p⁻¹·p ≡ −1 (mod 2^64), and R·R⁻¹: One() is 1 in canonical form.
  STATIC_REQUIRE(Bn254Fp::kInv * Bn254Fp::kModulus[0] == ~uint64_t{0});
  STATIC_REQUIRE(Bls12381Fp::kInv * Bls12381Fp::kModulus[0] == ~uint64_t{0});
  constexpr auto one = Bn254Fp::One().ToCanonical();
  STATIC_REQUIRE(one[0] == 1);
  STATIC_REQUIRE((one[1] | one[2] | one[3]) == 0);
}

}  // namespace
}  // namespace theta::crypto::internal
