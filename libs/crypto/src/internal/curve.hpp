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

// A field with the double-width squaring and sums of Fp2's lazy reduction (SquareWide, MulWide,
// AddWide, SubWide, Redc).
template <class F>
concept LazySquareField = requires {
  requires F::kLazySquareOk;
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

  // One (variable-time) inversion; the point at infinity maps to Affine::Infinity().
  constexpr Affine ToAffine() const {
    if (IsInfinity()) return Affine::Infinity();
    const F zinv = z.InverseVartime();
    const F zinv2 = zinv.Square();
    return Affine::Of(x * zinv2, y * zinv2 * zinv);
  }

  constexpr JacobianPoint operator-() const { return {x, -y, z}; }

  // dbl-2009-l (Explicit-Formulas Database, a = 0): 2M + 5S; lazily reduced (DoubleLazy) where
  // the field offers double-width squarings (the G2 groups over Fp2 with u² = −1).
  constexpr JacobianPoint Double() const {
    if (IsInfinity()) return *this;
    if constexpr (LazySquareField<F>) {
      return DoubleLazy();
    } else {
      return DoubleReference();
    }
  }

  // The same formulas with the squarings C = B², (X + B)² and F = E² and the product E·(D − X3)
  // kept double-width: 2XB = (X + B)² − A − C is reduced once, X3 = F − 2D reduces F alone, and
  // Y3 = E·(D − X3) − 8C is one reduction of a wide difference. Twelve base-field reductions
  // instead of fourteen, and the same sixteen double-width products; every wide intermediate stays
  // in [0, p·R) (Fp2's SubWide/AddWide run modulo p·R). Equal, coordinate by coordinate, to
  // DoubleReference on any (x, y, z), on the curve or not.
  constexpr JacobianPoint DoubleLazy() const requires(LazySquareField<F>) {
    using W = typename F::Wide;
    const W a_wide = F::SquareWide(x);
    const F a = F::Redc(a_wide);
    const F b = y.Square();
    const W c_wide = F::SquareWide(b);
    const F t = F::Redc(F::SubWide(F::SubWide(F::SquareWide(x + b), a_wide), c_wide));  // 2xb
    const F d = t + t;
    const F e = a + a + a;
    JacobianPoint r;
    r.x = F::Redc(F::SquareWide(e)) - d - d;
    W c8 = F::AddWide(c_wide, c_wide);
    c8 = F::AddWide(c8, c8);
    c8 = F::AddWide(c8, c8);
    r.y = F::Redc(F::SubWide(F::MulWide(e, d - r.x), c8));
    r.z = (y * z).Double();
    return r;
  }

  // dbl-2009-l with every field operation reduced (no infinity check: the formulas send z = 0 to
  // z = 0); the reference of DoubleLazy in tests.
  constexpr JacobianPoint DoubleReference() const {
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
    const F z2z2 = q.z.Square();
    return AddWithZPowers({q.x, q.y, q.z, z2z2, q.z * z2z2});
  }

  // A point with z² and z³ computed once, for adding the same point many times (the sparse
  // double-and-add of ScalarMulPublic): each addition then costs 10M + 4S.
  struct WithZPowers {
    F x, y, z, zz, zzz;
  };
  constexpr WithZPowers PrecomputeZPowers() const {
    const F zz = z.Square();
    return {x, y, z, zz, z * zz};
  }
  constexpr JacobianPoint operator+(const WithZPowers& q) const {
    if (IsInfinity()) return {q.x, q.y, q.z};
    if (q.z.IsZero()) return *this;
    return AddWithZPowers(q);
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

  // add-2007-bl given z2² and z2³ of q; neither point is at infinity.
  constexpr JacobianPoint AddWithZPowers(const WithZPowers& q) const {
    const F& z2z2 = q.zz;
    const F z1z1 = z.Square();
    const F u1 = x * z2z2;
    const F u2 = q.x * z1z1;
    const F s1 = y * q.zzz;
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

  // Projective equality: x1·z2² = x2·z1² and y1·z2³ = y2·z1³.
  friend constexpr bool operator==(const JacobianPoint& a, const JacobianPoint& b) {
    if (a.IsInfinity() || b.IsInfinity()) return a.IsInfinity() == b.IsInfinity();
    const F z1z1 = a.z.Square();
    const F z2z2 = b.z.Square();
    return a.x * z2z2 == b.x * z1z1 && a.y * z2z2 * b.z == b.y * z1z1 * a.z;
  }

  // k·P for a public scalar k (little-endian limbs) by width-5 wNAF: the odd multiples P, 3P, …,
  // 15P are precomputed, and after each doubling at most one signed digit is added (one addition
  // per six bits on average, against one per four for a plain 4-bit window).
  template <size_t M>
  constexpr JacobianPoint ScalarMulPublic(const Limbs<M>& k) const {
    // A sparse scalar (the BLS parameter |x| has six ones in 64 bits) is cheaper by plain
    // double-and-add than with the wNAF table's eight precomputed points.
    size_t weight = 0;
    for (uint64_t limb : k)
      weight += static_cast<size_t>(__builtin_popcountll(limb));
    const size_t bits = limbs::BitLength(k);
    if (weight < 8 + bits / 6) {
      const WithZPowers self = PrecomputeZPowers();
      JacobianPoint acc = Infinity();
      for (size_t i = bits; i-- > 0;) {
        acc = acc.Double();
        if (limbs::Bit(k, i)) acc = acc + self;
      }
      return acc;
    }
    constexpr int kWidth = 5;
    std::array<int8_t, 64 * M + 1> digits{};
    const size_t size = WNaf<kWidth>(k, digits);
    std::array<JacobianPoint, 1 << (kWidth - 2)> odd;  // odd[i] = (2i + 1)·P
    odd[0] = *this;
    const JacobianPoint twice = Double();
    for (size_t i = 1; i < odd.size(); ++i)
      odd[i] = odd[i - 1] + twice;
    JacobianPoint acc = Infinity();
    for (size_t i = size; i-- > 0;) {
      acc = acc.Double();
      const int d = digits[i];
      if (d > 0) acc = acc + odd[static_cast<size_t>(d >> 1)];
      if (d < 0) acc = acc + -odd[static_cast<size_t>((-d) >> 1)];
    }
    return acc;
  }

 private:
  // The width-w non-adjacent form of k, least significant digit first: every non-zero digit is odd
  // and in (−2^(w−1), 2^(w−1)), followed by at least w − 1 zeros. Returns the number of digits.
  template <int w, size_t M>
  static constexpr size_t WNaf(const Limbs<M>& k, std::array<int8_t, 64 * M + 1>& digits) {
    Limbs<M + 1> n{};  // one spare limb: adding back a negative digit may carry past the top
    for (size_t i = 0; i < M; ++i)
      n[i] = k[i];
    size_t size = 0;
    auto is_zero = [&n] {
      uint64_t acc = 0;
      for (uint64_t limb : n)
        acc |= limb;
      return acc == 0;
    };
    while (!is_zero()) {
      int digit = 0;
      if (n[0] & 1) {
        digit = static_cast<int>(n[0] & ((1u << w) - 1));
        if (digit >= (1 << (w - 1))) digit -= 1 << w;
        n = digit > 0 ? limbs::SubSmall(n, static_cast<uint64_t>(digit))
                      : limbs::AddSmall(n, static_cast<uint64_t>(-digit));
      }
      digits[size++] = static_cast<int8_t>(digit);
      for (size_t i = 0; i + 1 < n.size(); ++i)
        n[i] = (n[i] >> 1) | (n[i + 1] << 63);
      n[M] >>= 1;
    }
    return size;
  }
};

}  // namespace theta::crypto::internal
