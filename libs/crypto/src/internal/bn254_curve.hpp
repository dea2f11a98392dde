// BN254 (alt_bn128, EIP-196/197) groups: G1 = E(Fp): y² = x³ + 3, and G2 ⊂ E'(Fp2): y² = x³ + 3/ξ,
// the D-type sextic twist with ξ = 9 + u. Both have prime order r; G1 has cofactor 1, the twist
// does not, so G2 membership needs a subgroup check.
#pragma once

#include "internal/curve.hpp"
#include "internal/fields.hpp"

namespace theta::crypto::internal {

struct Bn254G1Curve {
  using Field = Bn254Fp;
  static constexpr Field B() { return Field::FromUint(3); }
};

struct Bn254G2Curve {
  using Field = Bn254Fp2;
  static constexpr Field kB =
      Field{Bn254Fp::FromUint(3), Bn254Fp::Zero()} * Field::One().MulByXi().Inverse();  // 3/ξ
  static constexpr Field B() { return kB; }
};

using Bn254G1Affine = AffinePoint<Bn254G1Curve>;
using Bn254G1 = JacobianPoint<Bn254G1Curve>;
using Bn254G2Affine = AffinePoint<Bn254G2Curve>;
using Bn254G2 = JacobianPoint<Bn254G2Curve>;

// The BN parameter u (EIP-197's curve has p = 36u⁴ + 36u³ + 24u² + 6u + 1).
inline constexpr uint64_t kBn254U = 0x44e992b44a6909f1;

// Generators from EIP-197: P1 = (1, 2) and P2 (x = x_re + x_im·u, y = y_re + y_im·u).
inline constexpr Bn254G1Affine Bn254G1Generator() {
  return Bn254G1Affine::Of(Bn254Fp::FromUint(1), Bn254Fp::FromUint(2));
}
inline constexpr Bn254G2Affine Bn254G2Generator() {
  constexpr auto f = [](const Limbs<4>& a) { return Bn254Fp::FromCanonical(a); };
  return Bn254G2Affine::Of(
      {f(HexLimbs<4>("1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed")),
       f(HexLimbs<4>("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"))},
      {f(HexLimbs<4>("12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")),
       f(HexLimbs<4>("090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"))});
}

// The p-power Frobenius carried over to the twist: untwist (x·w², y·w³), raise to p, twist back.
// Since w^p = w·γ_{1,1}, that is (x̄·γ_{1,2}, ȳ·γ_{1,3}); applying it twice gives (x·γ_{2,2},
// y·γ_{2,3}).
template <int k>
inline constexpr Bn254G2Affine Bn254TwistFrobenius(const Bn254G2Affine& q) {
  const auto& g = FrobeniusCoefficients<Bn254Tower>::kGamma[k];
  const Bn254Fp2 x = (k % 2 == 1) ? q.x.Conjugate() : q.x;
  const Bn254Fp2 y = (k % 2 == 1) ? q.y.Conjugate() : q.y;
  return Bn254G2Affine{x * g[2], y * g[3], q.infinity};
}

// r·Q = O: the definition of G2 membership for a point on the twist. Kept as the reference the
// faster test below is checked against.
inline bool Bn254G2InSubgroupByOrder(const Bn254G2Affine& q) {
  return Bn254G2::From(q).ScalarMulPublic(Bn254FrParams::kModulus).IsInfinity();
}

// G2 membership of a point Q already known to be on the twist: ψ(Q) = [6u²]Q, a 127-bit
// multiplication instead of a 254-bit one (El Housni, Guillevic, Piellard, "Co-factor clearing and
// subgroup membership testing on pairing-friendly curves", 2022). Why it suffices: ψ satisfies ψ² −
// tψ + p = 0 with t = 6u² + 1 (it is the Frobenius conjugated by the twist), so ψ(Q) = λQ with λ =
// 6u² gives (λ² − tλ + p)Q = (p − 6u²)Q = rQ = O; and r² does not divide #E'(Fp2) = r(2p − r), so
// the r-torsion in E'(Fp2) is G2 itself. Conversely ψ acts on G2 as p ≡ 6u² (mod r). Public input:
// variable time.
inline bool Bn254G2InSubgroup(const Bn254G2Affine& q) {
  if (q.infinity) return true;
  constexpr u128 kLambda = static_cast<u128>(kBn254U) * kBn254U * 6;  // 6u² < 2^127
  constexpr Limbs<2> kLambdaLimbs = {static_cast<uint64_t>(kLambda),
                                     static_cast<uint64_t>(kLambda >> 64)};
  return Bn254G2::From(Bn254TwistFrobenius<1>(q)) == Bn254G2::From(q).ScalarMulPublic(kLambdaLimbs);
}

}  // namespace theta::crypto::internal
