// Constant-time k·Q on BLS12-381's G2 for a secret scalar k (BLS signing), through the ψ
// endomorphism (Galbraith, Lin, Scott, "Endomorphisms for faster elliptic curve cryptography on a
// large class of curves", 2009).
//
// On G2, ψ acts as multiplication by x = −|x| (bls12381_curve.hpp), so |x|·Q = −ψ(Q). Writing k <
// r < |x|⁴ in base |x|, k = d0 + d1·|x| + d2·|x|² + d3·|x|³ with 64-bit digits, gives k·Q = d0·Q +
// d1·(−ψ(Q)) + d2·ψ²(Q) + d3·(−ψ³(Q)): one 64-bit joint multiplication of four points (64 doublings
// and 64 additions of a subset sum) instead of a 256-bit one (256 doublings).
//
// Constant time: the digits come from a branch-free division by the public constant |x|
// (Möller and Granlund, "Improved division by invariant integers", IEEE TC 2011, Algorithm 4, with
// its two corrections done by masks); the joint multiplication uses the complete formulas of
// ct_scalar_mul.hpp and reads all sixteen table entries at each step. Q is public.
#pragma once

#include <array>
#include <cstdint>

#include "internal/bls12381_curve.hpp"
#include "internal/ct_scalar_mul.hpp"

namespace theta::crypto::internal {

// (u1·2^64 + u0) / d for the normalized divisor d = |x| (top bit set) and u1 < d: returns the
// quotient, *rem the remainder. No branch and no division instruction.
inline uint64_t Bls12381DivByX(uint64_t u1, uint64_t u0, uint64_t* rem) {
  constexpr uint64_t d = kBls12381X;
  static_assert(d >> 63 == 1, "the divisor must be normalized");
  // v = ⌊(2^128 − 1)/d⌋ − 2^64, the reciprocal of Möller–Granlund.
  constexpr uint64_t v = static_cast<uint64_t>(~u128{0} / d);
  const u128 q = static_cast<u128>(v) * u1 + ((static_cast<u128>(u1) << 64) | u0);
  uint64_t q1 = static_cast<uint64_t>(q >> 64) + 1;
  const uint64_t q0 = static_cast<uint64_t>(q);
  uint64_t r = u0 - q1 * d;
  // r > q0 (mod 2^64 comparison): the estimate was one too large.
  uint64_t unused;
  const uint64_t too_large = 0 - SubBorrow(q0, r, 0, &unused);
  q1 -= too_large & 1;
  r += too_large & d;
  // r ≥ d: one too small (rare).
  const uint64_t too_small = SubBorrow(r, d, 0, &unused) - 1;  // all ones iff no borrow
  q1 += too_small & 1;
  r -= too_small & d;
  *rem = r;
  return q1;
}

// The digits of k < r in base |x|, least significant first.
inline std::array<uint64_t, 4> Bls12381DigitsBaseX(const Limbs<4>& k) {
  std::array<uint64_t, 4> digits{};
  Limbs<4> n = k;
  for (size_t round = 0; round < 3; ++round) {
    uint64_t rem = 0;
    for (size_t i = 4; i-- > 0;)
      n[i] = Bls12381DivByX(rem, n[i], &rem);
    digits[round] = rem;
  }
  digits[3] = n[0];  // k < |x|⁴, so the last quotient is a single digit
  return digits;
}

// k·Q for a secret k < r and a public Q in G2, in constant time.
inline Bls12381G2Affine Bls12381G2ScalarMulConstantTime(const Bls12381G2Affine& q,
                                                        const Limbs<4>& k) {
  using Point = ProjectivePoint<Bls12381G2Curve>;
  const std::array<uint64_t, 4> digits = Bls12381DigitsBaseX(k);
  const Bls12381G2Affine psi1 = Bls12381PsiMap(q);
  const Bls12381G2Affine psi2 = Bls12381PsiMap(psi1);
  const std::array<Point, 4> base = {Point::From(q), Point::From(-psi1), Point::From(psi2),
                                     Point::From(-Bls12381PsiMap(psi2))};
  std::array<Point, 16> table;  // table[s] = Σ base[i] over the bits i of s
  table[0] = Point::Identity();
  for (size_t s = 1; s < table.size(); ++s) {
    const size_t low = static_cast<size_t>(__builtin_ctzll(s));
    table[s] = table[s & (s - 1)] + base[low];
  }
  Point acc = Point::Identity();
  for (int bit = 63; bit >= 0; --bit) {
    acc = acc.Double();
    uint64_t index = 0;
    for (size_t i = 0; i < 4; ++i)
      index |= ((digits[i] >> bit) & 1) << i;
    Point chosen;
    for (uint64_t s = 0; s < table.size(); ++s) {
      const uint64_t mask = 0 - (((s ^ index) - 1) >> 63);  // all ones iff s == index
      CtAssign(chosen.x, table[s].x, mask);
      CtAssign(chosen.y, table[s].y, mask);
      CtAssign(chosen.z, table[s].z, mask);
    }
    acc = acc + chosen;
  }
  return acc.ToAffine();
}

}  // namespace theta::crypto::internal
