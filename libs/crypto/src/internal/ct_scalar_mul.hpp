// Constant-time scalar multiplication for secret scalars (BLS key generation and signing), generic
// over a short Weierstrass curve y² = x³ + b.
//
// The points are homogeneous projective (X : Y : Z), identity (0 : 1 : 0), and every addition —
// doublings included — uses the complete formulas of Renes, Costello, Batina, "Complete addition
// formulas for prime order elliptic curves" (EUROCRYPT 2016), Algorithm 7 (a = 0): one fixed
// sequence of field operations valid for P + Q, P + P, P + O and P + (−P) alike, as long as the
// group has no point of order 2 (true of the odd-order subgroups these run in). The multiplication
// is a fixed 4-bit window over all 256 scalar bits: 64 windows of four doublings and one addition
// of a table entry chosen by a lookup that reads all sixteen entries and keeps one through masks.
// The field operations are themselves branch-free (fp.hpp), so neither branches nor memory
// addresses depend on the scalar.
#pragma once

#include <array>
#include <cstdint>

#include "internal/curve.hpp"
#include "internal/fp_tower.hpp"

namespace theta::crypto::internal {

// dst = src where mask is all ones, unchanged where it is zero.
template <class Params>
constexpr void CtAssign(Fp<Params>& dst, const Fp<Params>& src, uint64_t mask) {
  dst = Fp<Params>::Select(mask, dst, src);
}
template <class Tower>
constexpr void CtAssign(Fp2<Tower>& dst, const Fp2<Tower>& src, uint64_t mask) {
  CtAssign(dst.c0, src.c0, mask);
  CtAssign(dst.c1, src.c1, mask);
}

// 3b·a: through the curve's MulByB3 where it has one (a few additions for a small b, instead of a
// field multiplication), else by the constant. Branch-free either way.
template <class Curve>
constexpr typename Curve::Field MulByB3(const typename Curve::Field& a) {
  if constexpr (requires { Curve::MulByB3(a); }) {
    return Curve::MulByB3(a);
  } else {
    return MulBySmall<3>(Curve::B()) * a;
  }
}

template <class Curve>
struct ProjectivePoint {
  using F = typename Curve::Field;
  F x = F::Zero(), y = F::One(), z = F::Zero();

  static constexpr ProjectivePoint Identity() { return {}; }
  static constexpr ProjectivePoint From(const AffinePoint<Curve>& p) {
    if (p.infinity) return Identity();  // public: whether the input is infinity
    return {p.x, p.y, F::One()};
  }

  // RCB16 Algorithm 7 (complete addition, a = 0, b3 = 3b): 12M + 2 multiplications by b3.
  constexpr ProjectivePoint operator+(const ProjectivePoint& q) const {
    F t0 = x * q.x;
    F t1 = y * q.y;
    F t2 = z * q.z;
    F t3 = (x + y) * (q.x + q.y) - (t0 + t1);  // x1y2 + x2y1
    F t4 = (y + z) * (q.y + q.z) - (t1 + t2);  // y1z2 + y2z1
    F y3 = (x + z) * (q.x + q.z) - (t0 + t2);  // x1z2 + x2z1
    t0 = MulBySmall<3>(t0);
    t2 = MulByB3<Curve>(t2);
    F z3 = t1 + t2;
    t1 = t1 - t2;
    y3 = MulByB3<Curve>(y3);
    ProjectivePoint r;
    r.x = t3 * t1 - t4 * y3;
    r.y = y3 * t0 + t1 * z3;
    r.z = z3 * t4 + t0 * t3;
    return r;
  }
  // RCB16 Algorithm 9 (exception-free doubling, a = 0): 6M + 2S, valid for the identity too.
  constexpr ProjectivePoint Double() const {
    F t0 = y.Square();
    F z3 = MulBySmall<8>(t0);
    F t1 = y * z;
    F t2 = MulByB3<Curve>(z.Square());
    ProjectivePoint r;
    r.x = t2 * z3;
    F y3 = t0 + t2;
    r.z = t1 * z3;
    t2 = MulBySmall<3>(t2);
    t0 = t0 - t2;
    r.y = t0 * y3 + r.x;
    r.x = (t0 * (x * y)).Double();
    return r;
  }

  // Affine form through a constant-time inversion, without a branch: the identity (z = 0) has
  // inverse 0 and comes out as infinity with zero coordinates.
  constexpr AffinePoint<Curve> ToAffine() const {
    const F zinv = z.Inverse();
    AffinePoint<Curve> r;
    r.x = x * zinv;
    r.y = y * zinv;
    r.infinity = z.IsZero();
    return r;
  }
};

// k·P for a secret 256-bit scalar k (little-endian limbs) in constant time; P is public.
template <class Curve>
AffinePoint<Curve> ScalarMulConstantTime(const AffinePoint<Curve>& p, const Limbs<4>& k) {
  using Point = ProjectivePoint<Curve>;
  std::array<Point, 16> table;  // table[i] = i·P
  table[0] = Point::Identity();
  table[1] = Point::From(p);
  for (size_t i = 2; i < table.size(); ++i)
    table[i] = table[i - 1] + table[1];
  Point acc = Point::Identity();
  for (int window = 63; window >= 0; --window) {
    for (int i = 0; i < 4; ++i)
      acc = acc.Double();
    const uint64_t digit = (k[static_cast<size_t>(window) / 16] >> (4 * (window % 16))) & 0xf;
    Point chosen;
    for (uint64_t i = 0; i < table.size(); ++i) {
      // All ones iff i == digit, computed without a comparison: (i ^ digit) − 1 underflows only
      // for zero.
      const uint64_t mask = 0 - (((i ^ digit) - 1) >> 63);
      CtAssign(chosen.x, table[i].x, mask);
      CtAssign(chosen.y, table[i].y, mask);
      CtAssign(chosen.z, table[i].z, mask);
    }
    acc = acc + chosen;
  }
  return acc.ToAffine();
}

}  // namespace theta::crypto::internal
