// The extension tower of a pairing-friendly curve: Fp2 = Fp[u]/(u² − β), Fp6 = Fp2[v]/(v³ − ξ),
// Fp12 = Fp6[w]/(w² − v), generic over the base field and the non-residues.
//
// `Tower` supplies `Fp` (the base field), `kBeta` (a small signed integer, u² = β) and `kXi0`
// (ξ = kXi0 + u). BN254 uses β = −1, ξ = 9 + u; BLS12-381 uses β = −1, ξ = 1 + u. With β = −1 the
// multiplications by β are negations, chosen at compile time, so the generic code costs no speed.
//
// Frobenius coefficients γ_{k,j} = ξ^(j(p^k − 1)/6) are computed at compile time from p and ξ (w^6
// = ξ, so (w^j)^(p^k) = w^j·γ_{k,j}); tests check Frobenius against x^p.
//
// Every operation is branch-free on the values (it inherits that from Fp), except Inverse's use of
// a fixed public exponent. Plain data: thread-safe to read.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "internal/fp.hpp"

namespace theta::crypto::internal {

// k·a for a small compile-time constant k, by doubling and adding (cheaper than a multiplication).
template <uint64_t k, class F>
constexpr F MulBySmall(const F& a) {
  static_assert(k > 0);
  F result = a;
  for (int bit = 62 - __builtin_clzll(k); bit >= 0; --bit) {
    result = result + result;
    if ((k >> bit) & 1) result = result + a;
  }
  return result;
}

template <class Tower>
struct Fp2 {
  using Base = typename Tower::Fp;
  Base c0, c1;  // c0 + c1·u

  static constexpr Fp2 Zero() { return {}; }
  static constexpr Fp2 One() { return {Base::One(), Base::Zero()}; }

  static constexpr Base MulByBeta(const Base& a) {
    constexpr int64_t beta = Tower::kBeta;
    static_assert(beta != 0);
    if constexpr (beta == -1) {
      return -a;
    } else if constexpr (beta < 0) {
      return -MulBySmall<static_cast<uint64_t>(-beta)>(a);
    } else {
      return MulBySmall<static_cast<uint64_t>(beta)>(a);
    }
  }

  constexpr bool IsZero() const { return And(c0.IsZero(), c1.IsZero()); }
  friend constexpr bool operator==(const Fp2& a, const Fp2& b) {
    return And(a.c0 == b.c0, a.c1 == b.c1);
  }
  THETA_CRYPTO_INLINE friend constexpr Fp2 operator+(const Fp2& a, const Fp2& b) {
    return {a.c0 + b.c0, a.c1 + b.c1};
  }
  THETA_CRYPTO_INLINE friend constexpr Fp2 operator-(const Fp2& a, const Fp2& b) {
    return {a.c0 - b.c0, a.c1 - b.c1};
  }
  THETA_CRYPTO_INLINE constexpr Fp2 operator-() const { return {-c0, -c1}; }
  // Karatsuba: three base multiplications. With β = −1 they are done double-width and reduced twice
  // instead of three times (lazy reduction): c0 = REDC(a0b0 − a1b1), c1 = REDC((a0+a1)(b0+b1) −
  // a0b0 − a1b1), every intermediate below p·R.
  friend constexpr Fp2 operator*(const Fp2& a, const Fp2& b) {
    if constexpr (Tower::kBeta == -1 && Base::kLazyReductionOk) {
      const auto v0 = Base::MulWide(a.c0.montgomery(), b.c0.montgomery());
      const auto v1 = Base::MulWide(a.c1.montgomery(), b.c1.montgomery());
      const auto v2 = Base::MulWide(Base::AddUnreduced(a.c0, a.c1), Base::AddUnreduced(b.c0, b.c1));
      // v2 ≥ v0 + v1 as integers, so the second subtraction never wraps.
      return {Base::Redc(Base::SubWide(v0, v1)),
              Base::Redc(Base::SubWide(Base::SubWide(v2, v0), v1))};
    }
    const Base v0 = a.c0 * b.c0;
    const Base v1 = a.c1 * b.c1;
    return {v0 + MulByBeta(v1), (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  }
  constexpr Fp2 Square() const {
    const Base t = c0 * c1;
    if constexpr (Tower::kBeta == -1) {  // (c0 + c1)(c0 − c1): two multiplications
      return {(c0 + c1) * (c0 - c1), t + t};
    } else {
      return {c0.Square() + MulByBeta(c1.Square()), t + t};
    }
  }
  THETA_CRYPTO_INLINE constexpr Fp2 Double() const { return {c0 + c0, c1 + c1}; }
  THETA_CRYPTO_INLINE constexpr Fp2 Halve() const { return {c0.Halve(), c1.Halve()}; }
  constexpr Fp2 MulByBase(const Base& s) const { return {c0 * s, c1 * s}; }
  // a·ξ with ξ = kXi0 + u: (kXi0·c0 + β·c1) + (c0 + kXi0·c1)·u.
  constexpr Fp2 MulByXi() const {
    return {MulBySmall<Tower::kXi0>(c0) + MulByBeta(c1), c0 + MulBySmall<Tower::kXi0>(c1)};
  }
  // The p-power Frobenius of Fp2 is conjugation (u^p = −u since β is not a square).
  THETA_CRYPTO_INLINE constexpr Fp2 Conjugate() const { return {c0, -c1}; }
  // (c0 − c1·u) / (c0² − β·c1²); the inverse of zero is zero.
  constexpr Fp2 Inverse() const {
    const Base norm = c0.Square() - MulByBeta(c1.Square());
    const Base inv = norm.Inverse();
    return {c0 * inv, -(c1 * inv)};
  }
  // As Inverse, through Base::InverseVartime: for public data only.
  constexpr Fp2 InverseVartime() const {
    const Base inv = (c0.Square() - MulByBeta(c1.Square())).InverseVartime();
    return {c0 * inv, -(c1 * inv)};
  }

  // Lazy reduction across the tower (Fp6 and Fp12 products reduce each output coefficient once):
  // an unreduced Fp2 value is a pair of double-width numbers in [0, p·R), added and subtracted
  // modulo p·R (which Redc maps to 0), so any chain of sums and differences stays in Redc's range.
  // Enabled for u² = −1, ξ = 1 + u (BLS12-381), where ξ·(c0 + c1·u) = (c0 − c1) + (c0 + c1)·u
  // costs one wide sum and one wide difference.
  static constexpr bool kLazyTowerOk =
      Tower::kBeta == -1 && Tower::kXi0 == 1 && Base::kLazyReductionOk;
  struct Wide {
    typename Base::Wide c0, c1;
  };
  // a·b unreduced, both inputs reduced: c0 = a0b0 − a1b1 (mod p·R), c1 = (a0 + a1)(b0 + b1) −
  // a0b0 − a1b1 = a0b1 + a1b0 < 2p², never negative.
  static constexpr Wide MulWide(const Fp2& a, const Fp2& b) {
    const auto v0 = Base::MulWide(a.c0.montgomery(), b.c0.montgomery());
    const auto v1 = Base::MulWide(a.c1.montgomery(), b.c1.montgomery());
    const auto v2 = Base::MulWide(Base::AddUnreduced(a.c0, a.c1), Base::AddUnreduced(b.c0, b.c1));
    return {Base::SubWide(v0, v1), Base::SubWidePlain(Base::SubWidePlain(v2, v0), v1)};
  }
  // a² unreduced for u² = −1: c0 = (a0 + a1)(a0 − a1), c1 = 2a0·a1, each one product of an
  // unreduced sum (< 2p) and a reduced element, so both lie in [0, 2p²) ⊂ [0, p·R) (4p < R).
  static constexpr bool kLazySquareOk = Tower::kBeta == -1 && Base::kLazyReductionOk;
  THETA_CRYPTO_INLINE static constexpr Wide SquareWide(const Fp2& a) requires(kLazySquareOk) {
    return {Base::MulWide(Base::Sum(a.c0, a.c1), (a.c0 - a.c1).montgomery()),
            Base::MulWide(Base::Sum(a.c0, a.c0), a.c1.montgomery())};
  }
  THETA_CRYPTO_INLINE static constexpr Wide AddWide(const Wide& a, const Wide& b) {
    return {Base::AddWide(a.c0, b.c0), Base::AddWide(a.c1, b.c1)};
  }
  THETA_CRYPTO_INLINE static constexpr Wide SubWide(const Wide& a, const Wide& b) {
    return {Base::SubWide(a.c0, b.c0), Base::SubWide(a.c1, b.c1)};
  }
  static constexpr Wide MulByXiWide(const Wide& a) requires(kLazyTowerOk) {
    return {Base::SubWide(a.c0, a.c1), Base::AddWide(a.c0, a.c1)};
  }
  static constexpr Fp2 Redc(const Wide& a) { return {Base::Redc(a.c0), Base::Redc(a.c1)}; }

  constexpr Fp2& operator+=(const Fp2& b) { return *this = *this + b; }
  constexpr Fp2& operator-=(const Fp2& b) { return *this = *this - b; }
  constexpr Fp2& operator*=(const Fp2& b) { return *this = *this * b; }
};

// The Frobenius coefficients as each tower writes them: [k − 1][j − 1] = γ_{k,j} as (c0, c1) hex.
using FrobeniusHexTable = std::array<std::array<std::array<std::string_view, 2>, 5>, 3>;

// γ_{k,j} = ξ^(j(p^k − 1)/6) for k = 1, 2, 3 and j = 0..5 (row 0 is k = 0: all ones), from the
// tower's hex table. They are not derived by constant evaluation because the exponentiations exceed
// clang's constexpr step limit; ComputeFrobeniusCoefficients derives them (at run time, in tests)
// instead.
template <class Tower>
struct FrobeniusCoefficients {
  using F2 = Fp2<Tower>;
  using Base = typename Tower::Fp;
  static_assert(limbs::ModSmall(Base::kModulus, 6) == 1, "the sextic tower needs p ≡ 1 (mod 6)");

  static constexpr std::array<std::array<F2, 6>, 4> FromHex() {
    std::array<std::array<F2, 6>, 4> g{};
    for (size_t j = 0; j < 6; ++j)
      g[0][j] = F2::One();
    for (size_t k = 1; k < 4; ++k) {
      g[k][0] = F2::One();
      for (size_t j = 1; j < 6; ++j) {
        const auto& hex = Tower::kFrobeniusHex[k - 1][j - 1];
        g[k][j] = {Base::FromCanonical(HexLimbs<Base::kLimbs>(hex[0])),
                   Base::FromCanonical(HexLimbs<Base::kLimbs>(hex[1]))};
      }
    }
    return g;
  }
  static constexpr std::array<std::array<F2, 6>, 4> kGamma = FromHex();
};

// The same table derived from p and ξ: γ_{1,j} = ξ^(j(p−1)/6), γ_{2,j} = γ_{1,j}^(p+1) =
// γ_{1,j}·γ̄_{1,j} (it lies in Fp), γ_{3,j} = γ_{1,j}^(p²+p+1) = γ_{2,j}·γ_{1,j}.
template <class Tower>
constexpr std::array<std::array<Fp2<Tower>, 6>, 4> ComputeFrobeniusCoefficients() {
  using F2 = Fp2<Tower>;
  std::array<std::array<F2, 6>, 4> g{};
  const auto sixth = limbs::DivSmall(limbs::SubSmall(Tower::Fp::kModulus, 1), 6);
  const F2 base = PowPublic(F2::One().MulByXi(), sixth);  // ξ^((p−1)/6)
  F2 power = F2::One();
  for (size_t j = 0; j < 6; ++j) {
    g[0][j] = F2::One();
    g[1][j] = power;
    g[2][j] = power * power.Conjugate();
    g[3][j] = g[2][j] * power;
    power = power * base;
  }
  return g;
}

template <class Tower>
struct Fp6 {
  using F2 = Fp2<Tower>;
  F2 c0, c1, c2;  // c0 + c1·v + c2·v²

  static constexpr Fp6 Zero() { return {}; }
  static constexpr Fp6 One() { return {F2::One(), F2::Zero(), F2::Zero()}; }

  constexpr bool IsZero() const { return And(And(c0.IsZero(), c1.IsZero()), c2.IsZero()); }
  friend constexpr bool operator==(const Fp6& a, const Fp6& b) {
    return And(And(a.c0 == b.c0, a.c1 == b.c1), a.c2 == b.c2);
  }
  friend constexpr Fp6 operator+(const Fp6& a, const Fp6& b) {
    return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
  }
  friend constexpr Fp6 operator-(const Fp6& a, const Fp6& b) {
    return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
  }
  constexpr Fp6 operator-() const { return {-c0, -c1, -c2}; }
  // Karatsuba over the three coefficients: six Fp2 multiplications (Devegili, Ó hÉigeartaigh,
  // Scott, Dahab, "Multiplication and squaring on pairing-friendly fields", 2006).
  friend constexpr Fp6 operator*(const Fp6& a, const Fp6& b) {
    if constexpr (F2::kLazyTowerOk) {
      return Redc(MulWide(a, b));
    } else {
      return MulReference(a, b);
    }
  }
  // The same product with every Fp2 coefficient reduced (the lazy path's reference in tests).
  static constexpr Fp6 MulReference(const Fp6& a, const Fp6& b) {
    const F2 v0 = a.c0 * b.c0;
    const F2 v1 = a.c1 * b.c1;
    const F2 v2 = a.c2 * b.c2;
    return {v0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2).MulByXi(),
            (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + v2.MulByXi(),
            (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1};
  }
  // Chung–Hasan SQR2 (same paper): two squarings and two multiplications of Fp2 fewer than Mul.
  constexpr Fp6 Square() const {
    const F2 s0 = c0.Square();
    const F2 s1 = (c0 * c1).Double();
    const F2 s2 = (c0 - c1 + c2).Square();
    const F2 s3 = (c1 * c2).Double();
    const F2 s4 = c2.Square();
    return {s0 + s3.MulByXi(), s1 + s4.MulByXi(), s1 + s2 + s3 - s0 - s4};
  }
  // Unreduced Fp6 values (Fp2::Wide coefficients), for the lazy Fp12 products.
  struct Wide {
    typename F2::Wide c0, c1, c2;
  };
  // The Karatsuba product above with its six Fp2 products kept double-width: the sums and
  // differences run modulo p·R and each of the six output coefficients is reduced once (twelve
  // reductions instead of twenty-four).
  // (A member template, like MulByVWide, so that the explicit instantiation of a tower without lazy
  // reduction (BN254) does not instantiate it: clang 14 instantiates constrained non-template
  // members there regardless of their constraint.)
  template <class T = F2>
  static constexpr Wide MulWide(const Fp6& a, const Fp6& b) requires(T::kLazyTowerOk) {
    const auto v0 = F2::MulWide(a.c0, b.c0);
    const auto v1 = F2::MulWide(a.c1, b.c1);
    const auto v2 = F2::MulWide(a.c2, b.c2);
    const auto t12 = F2::MulWide(a.c1 + a.c2, b.c1 + b.c2);
    const auto t01 = F2::MulWide(a.c0 + a.c1, b.c0 + b.c1);
    const auto t02 = F2::MulWide(a.c0 + a.c2, b.c0 + b.c2);
    return {F2::AddWide(v0, F2::MulByXiWide(F2::SubWide(F2::SubWide(t12, v1), v2))),
            F2::AddWide(F2::SubWide(F2::SubWide(t01, v0), v1), F2::MulByXiWide(v2)),
            F2::AddWide(F2::SubWide(F2::SubWide(t02, v0), v2), v1)};
  }
  static constexpr Wide AddWide(const Wide& a, const Wide& b) {
    return {F2::AddWide(a.c0, b.c0), F2::AddWide(a.c1, b.c1), F2::AddWide(a.c2, b.c2)};
  }
  static constexpr Wide SubWide(const Wide& a, const Wide& b) {
    return {F2::SubWide(a.c0, b.c0), F2::SubWide(a.c1, b.c1), F2::SubWide(a.c2, b.c2)};
  }
  // a·v, unreduced.
  template <class T = F2>
  static constexpr Wide MulByVWide(const Wide& a) requires(T::kLazyTowerOk) {
    return {F2::MulByXiWide(a.c2), a.c0, a.c1};
  }
  static constexpr Fp6 Redc(const Wide& a) {
    return {F2::Redc(a.c0), F2::Redc(a.c1), F2::Redc(a.c2)};
  }

  constexpr Fp6 MulByFp2(const F2& s) const { return {c0 * s, c1 * s, c2 * s}; }
  // a·v = ξ·c2 + c0·v + c1·v².
  constexpr Fp6 MulByV() const { return {c2.MulByXi(), c0, c1}; }
  constexpr Fp6 Inverse() const { return InverseWith<false>(); }
  // As Inverse, through Fp2::InverseVartime: for public data only.
  constexpr Fp6 InverseVartime() const { return InverseWith<true>(); }
  template <bool kVartime>
  constexpr Fp6 InverseWith() const {
    const F2 a = c0.Square() - (c1 * c2).MulByXi();
    const F2 b = c2.Square().MulByXi() - c0 * c1;
    const F2 c = c1.Square() - c0 * c2;
    const F2 norm = c0 * a + ((c2 * b) + (c1 * c)).MulByXi();
    const F2 inv = kVartime ? norm.InverseVartime() : norm.Inverse();
    return {a * inv, b * inv, c * inv};
  }
};

template <class Tower>
struct Fp12 {
  using F2 = Fp2<Tower>;
  using F6 = Fp6<Tower>;
  F6 c0, c1;  // c0 + c1·w

  static constexpr Fp12 Zero() { return {}; }
  static constexpr Fp12 One() { return {F6::One(), F6::Zero()}; }

  constexpr bool IsZero() const { return And(c0.IsZero(), c1.IsZero()); }
  constexpr bool IsOne() const { return *this == One(); }
  friend constexpr bool operator==(const Fp12& a, const Fp12& b) {
    return And(a.c0 == b.c0, a.c1 == b.c1);
  }
  friend constexpr Fp12 operator+(const Fp12& a, const Fp12& b) {
    return {a.c0 + b.c0, a.c1 + b.c1};
  }
  friend constexpr Fp12 operator-(const Fp12& a, const Fp12& b) {
    return {a.c0 - b.c0, a.c1 - b.c1};
  }
  // Karatsuba over w: three Fp6 products. On the lazy tower they stay double-width and each of
  // the twelve base-field coefficients of the result is reduced once (36 reductions otherwise).
  friend constexpr Fp12 operator*(const Fp12& a, const Fp12& b) {
    if constexpr (F2::kLazyTowerOk) {
      const auto v0 = F6::MulWide(a.c0, b.c0);
      const auto v1 = F6::MulWide(a.c1, b.c1);
      const auto t = F6::MulWide(a.c0 + a.c1, b.c0 + b.c1);
      return {F6::Redc(F6::AddWide(v0, F6::MulByVWide(v1))),
              F6::Redc(F6::SubWide(F6::SubWide(t, v0), v1))};
    } else {
      return MulReference(a, b);
    }
  }
  // Complex squaring: two Fp6 multiplications, lazily reduced as in operator* where possible.
  constexpr Fp12 Square() const {
    if constexpr (F2::kLazyTowerOk) {
      const auto ab = F6::MulWide(c0, c1);
      const auto t = F6::MulWide(c0 + c1, c0 + c1.MulByV());
      return {F6::Redc(F6::SubWide(F6::SubWide(t, ab), F6::MulByVWide(ab))),
              F6::Redc(F6::AddWide(ab, ab))};
    } else {
      return SquareReference();
    }
  }
  // The products with every Fp6 coefficient reduced (the lazy paths' references in tests).
  static constexpr Fp12 MulReference(const Fp12& a, const Fp12& b) {
    const F6 v0 = F6::MulReference(a.c0, b.c0);
    const F6 v1 = F6::MulReference(a.c1, b.c1);
    return {v0 + v1.MulByV(), F6::MulReference(a.c0 + a.c1, b.c0 + b.c1) - v0 - v1};
  }
  constexpr Fp12 SquareReference() const {
    const F6 ab = F6::MulReference(c0, c1);
    const F6 c = F6::MulReference(c0 + c1, c0 + c1.MulByV()) - ab - ab.MulByV();
    return {c, ab + ab};
  }
  constexpr Fp12& operator*=(const Fp12& b) { return *this = *this * b; }

  // The square of an element of the cyclotomic subgroup (which f lands in after the easy part of
  // the final exponentiation), Granger and Scott, "Faster squaring in the cyclotomic subgroup of
  // sixth degree extensions" (PKC 2010): viewing f = A + B·w + C·w² over Fp4 = Fp2[t]/(t² − ξ) with
  // t = w³, f² = (3A² − 2Ā) + (3t·C² + 2B̄)·w + (3B² − 2C̄)·w². Nine Fp2 squarings instead of twelve
  // multiplications. Wrong (not just slow) outside the cyclotomic subgroup.
  constexpr Fp12 CyclotomicSquare() const {
    // A = a0 + a3·t, B = a1 + a4·t, C = a2 + a5·t, where a_i is the coefficient of w^i.
    const F2 &a0 = c0.c0, &a2 = c0.c1, &a4 = c0.c2, &a1 = c1.c0, &a3 = c1.c1, &a5 = c1.c2;
    auto fp4_square = [](const F2& x, const F2& y, F2* re, F2* im) {
      if constexpr (kFp4SquareLazyOk) {
        Fp4SquareLazy(x, y, re, im);
      } else {
        const F2 x2 = x.Square(), y2 = y.Square();
        *re = x2 + y2.MulByXi();
        *im = (x + y).Square() - x2 - y2;  // 2xy
      }
    };
    F2 a_re, a_im, b_re, b_im, c_re, c_im;
    fp4_square(a0, a3, &a_re, &a_im);
    fp4_square(a1, a4, &b_re, &b_im);
    fp4_square(a2, a5, &c_re, &c_im);
    auto three_minus_two = [](const F2& x, const F2& y) { return MulBySmall<3>(x) - y.Double(); };
    auto three_plus_two = [](const F2& x, const F2& y) { return MulBySmall<3>(x) + y.Double(); };
    return {
        {three_minus_two(a_re, a0), three_minus_two(b_re, a2), three_minus_two(c_re, a4)},
        {three_plus_two(c_im.MulByXi(), a1), three_plus_two(a_im, a3), three_plus_two(b_im, a5)}};
  }
  // (x + y·t)² in Fp4 = Fp2[t]/(t² − ξ) for u² = −1 and ξ = 1 + u (BLS12-381), with lazy
  // reduction: re = x² + ξy², im = 2xy = (x + y)² − x² − y². Each Fp2 square (c0 + c1·u)² =
  // (c0 + c1)(c0 − c1) + 2c0c1·u is two double-width products (below 2p² each, as one factor is
  // an unreduced sum below 2p), and the four outputs are sums of three of them plus a multiple of
  // p² that keeps differences non-negative, all below 6p² < p·R (p < R/8 here): six products and
  // four reductions instead of six full multiplications.
  // Fp4SquareLazy's conditions: u² = −1, ξ = 1 + u, and p < R/8 (so that 6p² < p·R).
  static constexpr bool kFp4SquareLazyOk =
      Tower::kBeta == -1 && Tower::kXi0 == 1 &&
      Tower::Fp::kModulus[Tower::Fp::kLimbs - 1] < (uint64_t{1} << 61);
  static constexpr void Fp4SquareLazy(const F2& x, const F2& y, F2* re, F2* im) {
    using B = typename F2::Base;
    const F2 s = x + y;
    auto square_wide = [](const F2& a, typename B::Wide* re_part, typename B::Wide* im_part) {
      *re_part = B::MulWide(B::Sum(a.c0, a.c1), (a.c0 - a.c1).montgomery());
      *im_part = B::MulWide(B::Sum(a.c0, a.c0), a.c1.montgomery());
    };
    typename B::Wide x0, x1, y0, y1, s0, s1;
    square_wide(x, &x0, &x1);
    square_wide(y, &y0, &y1);
    square_wide(s, &s0, &s1);
    constexpr auto k2 = B::template kMultipleOfPSquared<2>;
    constexpr auto k4 = B::template kMultipleOfPSquared<4>;
    // ξy² = (y0 − y1) + (y0 + y1)·u.
    re->c0 = B::Redc(B::SubWidePlain(B::AddWidePlain(B::AddWidePlain(x0, y0), k2), y1));
    re->c1 = B::Redc(B::AddWidePlain(B::AddWidePlain(x1, y0), y1));
    im->c0 = B::Redc(B::SubWidePlain(B::SubWidePlain(B::AddWidePlain(s0, k4), x0), y0));
    im->c1 = B::Redc(B::SubWidePlain(B::SubWidePlain(B::AddWidePlain(s1, k4), x1), y1));
  }

  // f^(p^6): w^(p^6) = −w. In the cyclotomic subgroup (after the easy part of the final
  // exponentiation) it is the inverse.
  constexpr Fp12 Conjugate() const { return {c0, -c1}; }
  constexpr Fp12 Inverse() const {
    const F6 t = (c0.Square() - c1.Square().MulByV()).Inverse();
    return {c0 * t, -(c1 * t)};
  }
  // As Inverse, through a variable-time base-field inversion: for public data only (pairings).
  constexpr Fp12 InverseVartime() const {
    const F6 t = (c0.Square() - c1.Square().MulByV()).InverseVartime();
    return {c0 * t, -(c1 * t)};
  }

  // f^(p^k) for k = 1, 2, 3: each Fp2 coefficient of w^j (v^i·w^b is w^(2i+b)) is raised to p^k
  // (conjugated when k is odd) and multiplied by γ_{k,j}.
  template <int k>
  constexpr Fp12 Frobenius() const {
    static_assert(k >= 1 && k <= 3);
    auto map = [](const F2& x, size_t j) {
      const F2 y = (k % 2 == 1) ? x.Conjugate() : x;
      return j == 0 ? y : y * FrobeniusCoefficients<Tower>::kGamma[k][j];
    };
    return {{map(c0.c0, 0), map(c0.c1, 2), map(c0.c2, 4)},
            {map(c1.c0, 1), map(c1.c1, 3), map(c1.c2, 5)}};
  }
};

}  // namespace theta::crypto::internal
