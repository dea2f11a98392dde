// BLS12-381 groups (draft-irtf-cfrg-pairing-friendly-curves, §4.2.1 "BLS12_381"):
// G1 ⊂ E(Fp): y² = x³ + 4, and G2 ⊂ E'(Fp2): y² = x³ + 4(1 + u), the M-type sextic twist with
// ξ = 1 + u. Both groups have prime order r and both curves have a cofactor, so decoding a point
// needs a subgroup check. The arithmetic is the generic layer of curve.hpp.
//
// Everything here treats its input as public (variable time); the constant-time scalar
// multiplication for secrets lives with the signature code.
#pragma once

#include <cstdint>

#include "internal/curve.hpp"
#include "internal/fields.hpp"

namespace theta::crypto::internal {

// The group order r (same source): a 255-bit prime.
struct Bls12381FrParams {
  static constexpr size_t kLimbs = 4;
  static constexpr Limbs<4> kModulus =
      HexLimbs<4>("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
};
using Bls12381Fr = Fp<Bls12381FrParams>;

struct Bls12381G1Curve {
  using Field = Bls12381Fp;
  static constexpr Field B() { return Field::FromUint(4); }
  static constexpr Field MulByB3(const Field& a) { return MulBySmall<12>(a); }  // 3b = 12
};

struct Bls12381G2Curve {
  using Field = Bls12381Fp2;
  static constexpr Field B() { return {Bls12381Fp::FromUint(4), Bls12381Fp::FromUint(4)}; }
  // b = 4ξ with ξ = 1 + u (the tower's ξ), so 3b·a = 12·(ξa): additions only.
  static constexpr Field MulByB3(const Field& a) { return MulBySmall<12>(a.MulByXi()); }
};

using Bls12381G1Affine = AffinePoint<Bls12381G1Curve>;
using Bls12381G1 = JacobianPoint<Bls12381G1Curve>;
using Bls12381G2Affine = AffinePoint<Bls12381G2Curve>;
using Bls12381G2 = JacobianPoint<Bls12381G2Curve>;

// |x| for the curve parameter x = −0xd201000000010000 (negative).
inline constexpr uint64_t kBls12381X = 0xd201000000010000;

inline constexpr Bls12381Fp Bls12381FpHex(std::string_view hex) {
  return Bls12381Fp::FromCanonical(HexLimbs<6>(hex));
}

// The generators of the pairing-friendly-curves draft (§4.2.1, "BLS12_381"); x = x0 + x1·u on G2.
inline constexpr Bls12381G1Affine Bls12381G1Generator() {
  return Bls12381G1Affine::Of(
      Bls12381FpHex("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1a"
                    "effb3af00adb22c6bb"),
      Bls12381FpHex("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888a"
                    "e40caa232946c5e7e1"));
}
inline constexpr Bls12381G2Affine Bls12381G2Generator() {
  return Bls12381G2Affine::Of(
      {Bls12381FpHex("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805"
                     "bbefd48056c8c121bdb8"),
       Bls12381FpHex("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf1121394"
                     "5d57e5ac7d055d042b7e")},
      {Bls12381FpHex("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3bac"
                     "a289e193548608b82801"),
       Bls12381FpHex("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec"
                     "1da1aaa9075ff05f79be")});
}

// √a in Fp2 for a = a0 + a1·u with a1 ≠ 0, given γ with γ² = a0² + a1² (the norm of a square is
// a square in Fp). δ = (a0 + γ)/2 and δ' = (a0 − γ)/2 = −a1²/(4δ) differ by the non-square −1 up to
// a square, so exactly one is a square. One exponentiation t = δ^((p−3)/4) tells which and gives
// both a root and its inverse: δt² = ±1. If +1, x0 = δt and x1 = a1/(2x0) = a1·t/2; if −1, x0 =
// a1·t/2 (x0² = −a1²/(4δ) = δ') and x1 = a1/(2x0) = 1/t = −δt. Either way (x0 + x1·u)² = x0² − x1²
// + a1·u = a because 4δ² − a1² = 4a0δ. No inversion. False if γ was not a root of the norm of a
// square. Split in three (δ, the exponentiation, the rest) for hash to G2's batched SSWU map.
inline constexpr Limbs<6> kBls12381InvSqrtExponent =
    limbs::SubSmall(Bls12381Fp::kSqrtExponent, 1);  // (p − 3)/4
inline Bls12381Fp Bls12381Fp2SqrtDelta(const Bls12381Fp2& a, const Bls12381Fp& gamma) {
  return (a.c0 + gamma).Halve();
}
// The root from δ and t = δ^((p−3)/4).
inline bool Bls12381Fp2SqrtFinish(const Bls12381Fp2& a, const Bls12381Fp& delta,
                                  const Bls12381Fp& t, Bls12381Fp2* out) {
  using Fp = Bls12381Fp;
  const Fp delta_t = delta * t;
  const Fp legendre = delta_t * t;
  const Fp half_a1_t = a.c1 * t.Halve();
  if (legendre == Fp::One()) {
    *out = {delta_t, half_a1_t};
  } else {
    *out = {half_a1_t, -delta_t};
  }
  return out->Square() == a;
}
inline bool Bls12381Fp2SqrtWithNormRoot(const Bls12381Fp2& a, const Bls12381Fp& gamma,
                                        Bls12381Fp2* out) {
  const Bls12381Fp delta = Bls12381Fp2SqrtDelta(a, gamma);
  return Bls12381Fp2SqrtFinish(a, delta, PowPublic(delta, kBls12381InvSqrtExponent), out);
}

// A square root in Fp2 for public data (variable time), or false if `a` is not a square: γ = √(a0²
// + a1²) ∈ Fp, then Bls12381Fp2SqrtWithNormRoot. Two exponentiations in Fp, no inversion. The root
// returned is either of the two.
inline bool Bls12381Fp2Sqrt(const Bls12381Fp2& a, Bls12381Fp2* out) {
  using Fp = Bls12381Fp;
  if (a.c1.IsZero()) {
    // s² = ±a0; when s² = −a0, (s·u)² = −s² = a0 (u² = −1).
    const Fp s = PowPublic(a.c0, Fp::kSqrtExponent);
    *out = s.Square() == a.c0 ? Bls12381Fp2{s, Fp::Zero()} : Bls12381Fp2{Fp::Zero(), s};
    return out->Square() == a;
  }
  Fp gamma;
  if (!(a.c0.Square() + a.c1.Square()).Sqrt(&gamma)) return false;
  return Bls12381Fp2SqrtWithNormRoot(a, gamma, out);
}

// ZCash's "lexicographically largest": y > (p − 1)/2 as a number; in Fp2 the imaginary part decides
// unless it is zero.
inline bool Bls12381IsLexLargest(const Bls12381Fp& y) {
  constexpr Limbs<6> kHalf = limbs::DivSmall(Bls12381FpParams::kModulus, 2);  // (p − 1)/2
  const Limbs<6> c = y.ToCanonical();
  return !limbs::GreaterOrEqual(kHalf, c);
}
inline bool Bls12381IsLexLargest(const Bls12381Fp2& y) {
  return y.c1.IsZero() ? Bls12381IsLexLargest(y.c0) : Bls12381IsLexLargest(y.c1);
}

// ψ = untwist ∘ Frobenius ∘ twist on E'. The M-type untwisting map is (x, y) ↦ (x/w², y/w³) (then
// (y/w³)² = (x³ + 4ξ)/ξ = (x/w²)³ + 4 since w⁶ = ξ), and w^p = w·γ_{1,1}, so ψ(x, y) =
// (x̄/γ_{1,2}, ȳ/γ_{1,3}).
struct Bls12381Psi {
  Bls12381Fp2 x_coeff, y_coeff;  // 1/γ_{1,2}, 1/γ_{1,3}
  static const Bls12381Psi& Get() {
    static const Bls12381Psi psi = [] {
      const auto& g = FrobeniusCoefficients<Bls12381Tower>::kGamma[1];
      return Bls12381Psi{g[2].Inverse(), g[3].Inverse()};
    }();
    return psi;
  }
};
inline Bls12381G2Affine Bls12381PsiMap(const Bls12381G2Affine& q) {
  const Bls12381Psi& psi = Bls12381Psi::Get();
  return {q.x.Conjugate() * psi.x_coeff, q.y.Conjugate() * psi.y_coeff, q.infinity};
}
// ψ on Jacobian coordinates: x/z² and y/z³ map through the Frobenius coordinate-wise, so ψ acts on
// (X, Y, Z) as (X̄/γ_{1,2}, Ȳ/γ_{1,3}, Z̄).
inline Bls12381G2 Bls12381PsiMap(const Bls12381G2& q) {
  const Bls12381Psi& psi = Bls12381Psi::Get();
  return {q.x.Conjugate() * psi.x_coeff, q.y.Conjugate() * psi.y_coeff, q.z.Conjugate()};
}

// r·P = O: the definition of subgroup membership, the reference the fast tests are checked against.
template <class Point>
bool Bls12381InSubgroupByOrder(const Point& p) {
  return p.ScalarMulPublic(Bls12381FrParams::kModulus).IsInfinity();
}

// The endomorphism σ(x, y) = (βx, y) of E, β a primitive cube root of unity in Fp. On G1 it acts
// as multiplication by a cube root of unity mod r; of the two choices of β, the one taken here is
// the one for which that root is −x² (checked on the generator when first used, and in tests).
inline const Bls12381Fp& Bls12381Beta() {
  static const Bls12381Fp beta = [] {
    // 2^((p − 1)/3) ≠ 1 because 2 is not a cube mod p; its square is the other root.
    const Bls12381Fp b1 =
        PowPublic(Bls12381Fp::FromUint(2),
                  limbs::DivSmall(limbs::SubSmall(Bls12381FpParams::kModulus, 1), 3));
    const Bls12381G1Affine g = Bls12381G1Generator();
    constexpr Limbs<1> kX = {kBls12381X};
    const Bls12381G1 x2g = Bls12381G1::From(g).ScalarMulPublic(kX).ScalarMulPublic(kX);
    const Bls12381G1 sigma = Bls12381G1::From(Bls12381G1Affine::Of(b1 * g.x, g.y));
    return sigma == -x2g ? b1 : b1.Square();
  }();
  return beta;
}

// G1 membership of a point P on E: σ(P) = [λ]P with λ = −x² (Scott, ePrint 2021/1130, §6). Why
// it suffices: σ² + σ + 1 = 0 on E (β² + β + 1 = 0), so if σ(P) = λP then σ²(P) = λ²P and
// (λ² + λ + 1)P = (x⁴ − x² + 1)P = rP = O; conversely σ acts on G1 as λ. Two 64-bit
// multiplications instead of one 255-bit one; the tests cross-check it against multiplication by r
// inside and outside G1. Public input, variable time.
inline bool Bls12381G1InSubgroup(const Bls12381G1Affine& p) {
  if (p.infinity) return true;
  constexpr Limbs<1> kX = {kBls12381X};
  const Bls12381G1 x2p = Bls12381G1::From(p).ScalarMulPublic(kX).ScalarMulPublic(kX);
  return Bls12381G1::From(Bls12381G1Affine::Of(Bls12381Beta() * p.x, p.y)) == -x2p;
}

// G2 membership of a point Q on E': ψ(Q) = [x]Q with x = −|x| (Scott, "A note on group membership
// tests for G1, G2 and GT on BLS pairing-friendly curves", ePrint 2021/1130, §4). Why: on G2, ψ
// acts as multiplication by p ≡ x (mod r) (r | p − x since p − x = (x − 1)²(x⁴ − x² + 1)/3).
// Conversely if ψ(Q) = [x]Q then, from ψ² − tψ + p = 0 with t = x + 1, (x² − (x + 1)x + p)Q = (p −
// x)Q = O, so the order of Q divides gcd(#E'(Fp2), p − x); the paper shows that gcd is r for
// BLS12-381, and the tests cross-check this test against multiplication by r on points outside G2.
// A 64-bit multiplication instead of a 255-bit one.
inline bool Bls12381G2InSubgroup(const Bls12381G2Affine& q) {
  if (q.infinity) return true;
  constexpr Limbs<1> kX = {kBls12381X};
  return Bls12381G2::From(Bls12381PsiMap(q)) == -Bls12381G2::From(q).ScalarMulPublic(kX);
}

}  // namespace theta::crypto::internal
