// Points of a short Weierstrass curve y² = x³ + b (a = 0) over any field F, generic over the curve.
//
// `Curve` supplies `using Field = F` and `static constexpr F B()`. `AffinePoint` is what crosses an
// encoding boundary; `JacobianPoint` (x/z², y/z³; z = 0 is the point at infinity) is what
// arithmetic runs on, so that additions need no inversion.
//
// Not constant time: the group law branches on infinity and on equal inputs, and ScalarMulPublic's
// branches follow the scalar's bits. That suits the EVM precompiles, whose inputs are all public; a
// secret scalar (BLS signing) needs a constant-time ladder instead.
#pragma once

#include <array>
#include <cstdint>

#include "internal/fp.hpp"

namespace theta::crypto::internal {

template <class Curve>
struct AffinePoint {
  using F = typename Curve::Field;
  F x, y;
  bool infinity = true;

  static constexpr AffinePoint Infinity() { return {}; }
  static constexpr AffinePoint Of(const F& px, const F& py) { return {px, py, false}; }

  // y² = x³ + b (the point at infinity is on the curve).
  constexpr bool IsOnCurve() const { return infinity || y.Square() == x.Square() * x + Curve::B(); }
  constexpr AffinePoint operator-() const { return {x, -y, infinity}; }
  friend constexpr bool operator==(const AffinePoint& a, const AffinePoint& b) {
    if (a.infinity || b.infinity) return a.infinity == b.infinity;
    return a.x == b.x && a.y == b.y;
  }
};

template <class Curve>
struct JacobianPoint {
  using F = typename Curve::Field;
  using Affine = AffinePoint<Curve>;
  F x = F::One(), y = F::One(), z = F::Zero();

  static constexpr JacobianPoint Infinity() { return {}; }
  static constexpr JacobianPoint From(const Affine& p) {
    if (p.infinity) return Infinity();
    return {p.x, p.y, F::One()};
  }
  constexpr bool IsInfinity() const { return z.IsZero(); }

  // One inversion; the point at infinity maps to Affine::Infinity().
  constexpr Affine ToAffine() const {
    if (IsInfinity()) return Affine::Infinity();
    const F zinv = z.Inverse();
    const F zinv2 = zinv.Square();
    return Affine::Of(x * zinv2, y * zinv2 * zinv);
  }

  constexpr JacobianPoint operator-() const { return {x, -y, z}; }

  // dbl-2009-l (Explicit-Formulas Database, a = 0): 2M + 5S.
  constexpr JacobianPoint Double() const {
    if (IsInfinity()) return *this;
    const F a = x.Square();
    const F b = y.Square();
    const F c = b.Square();
    const F t = (x + b).Square() - a - c;
    const F d = t + t;
    const F e = a + a + a;
    const F f = e.Square();
    JacobianPoint r;
    r.x = f - d - d;
    const F c8 = MulBySmall<8>(c);
    r.y = e * (d - r.x) - c8;
    r.z = (y * z).Double();
    return r;
  }

  // add-2007-bl (Explicit-Formulas Database): 11M + 5S; falls back to Double for equal points.
  constexpr JacobianPoint operator+(const JacobianPoint& q) const {
    if (IsInfinity()) return q;
    if (q.IsInfinity()) return *this;
    const F z1z1 = z.Square();
    const F z2z2 = q.z.Square();
    const F u1 = x * z2z2;
    const F u2 = q.x * z1z1;
    const F s1 = y * q.z * z2z2;
    const F s2 = q.y * z * z1z1;
    const F h = u2 - u1;
    const F s = s2 - s1;
    if (h.IsZero()) return s.IsZero() ? Double() : Infinity();
    const F i = h.Double().Square();
    const F j = h * i;
    const F r = s.Double();
    const F v = u1 * i;
    JacobianPoint out;
    out.x = r.Square() - j - v - v;
    out.y = r * (v - out.x) - (s1 * j).Double();
    out.z = ((z + q.z).Square() - z1z1 - z2z2) * h;
    return out;
  }

  // madd-2007-bl (Explicit-Formulas Database), q affine: 7M + 4S.
  constexpr JacobianPoint AddAffine(const Affine& q) const {
    if (q.infinity) return *this;
    if (IsInfinity()) return From(q);
    const F z1z1 = z.Square();
    const F u2 = q.x * z1z1;
    const F s2 = q.y * z * z1z1;
    const F h = u2 - x;
    const F s = s2 - y;
    if (h.IsZero()) return s.IsZero() ? Double() : Infinity();
    const F hh = h.Square();
    const F i = hh.Double().Double();
    const F j = h * i;
    const F r = s.Double();
    const F v = x * i;
    JacobianPoint out;
    out.x = r.Square() - j - v - v;
    out.y = r * (v - out.x) - (y * j).Double();
    out.z = (z + h).Square() - z1z1 - hh;
    return out;
  }

  // Projective equality: x1·z2² = x2·z1² and y1·z2³ = y2·z1³.
  friend constexpr bool operator==(const JacobianPoint& a, const JacobianPoint& b) {
    if (a.IsInfinity() || b.IsInfinity()) return a.IsInfinity() == b.IsInfinity();
    const F z1z1 = a.z.Square();
    const F z2z2 = b.z.Square();
    return a.x * z2z2 == b.x * z1z1 && a.y * z2z2 * b.z == b.y * z1z1 * a.z;
  }

  // k·P for a public scalar k (little-endian limbs), with a fixed 4-bit window: 15 precomputed
  // multiples, then per nibble four doublings and at most one addition.
  template <size_t M>
  constexpr JacobianPoint ScalarMulPublic(const Limbs<M>& k) const {
    std::array<JacobianPoint, 16> table;
    table[0] = Infinity();
    table[1] = *this;
    for (size_t i = 2; i < 16; ++i)
      table[i] = table[i - 1] + *this;
    JacobianPoint acc = Infinity();
    for (size_t nibble = 16 * M; nibble-- > 0;) {
      if (!acc.IsInfinity()) acc = acc.Double().Double().Double().Double();
      const uint64_t digit = (k[nibble / 16] >> (4 * (nibble % 16))) & 0xf;
      if (digit != 0) acc = acc + table[digit];
    }
    return acc;
  }
};

}  // namespace theta::crypto::internal
