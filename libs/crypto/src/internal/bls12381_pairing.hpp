// The optimal ate pairing on BLS12-381: a Miller loop over |x| = 0xd201000000010000 followed by a
// conjugation (x is negative), and the final exponentiation f^((p¹² − 1)/r).
//
// The twist is M-type: the untwisting map is (x, y) ↦ (x/w², y/w³). The line through T (on the
// twist) with slope λ' evaluated at P = (xp, yp) is, in E's coordinates, yp − λ'·xp/w + (λ'·x_T −
// y_T)/w³; multiplied by w³ (w³ lies in the subfield Fp4, which the final exponentiation sends to
// 1) it becomes (λ'·x_T − y_T) − λ'·xp·w² + yp·w³, the sparse Fp12 element ((a, b, 0), (0, c, 0)).
// The projective step formulas (Costello, Lange, Naehrig 2010, as in bn254_pairing.hpp) scale all
// three by the same Fp2 factor, which the final exponentiation removes too.
//
// Variable time: pairing inputs (public keys, signatures, hashed messages) are public.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "internal/bls12381_curve.hpp"

namespace theta::crypto::internal {

// A line value a + b·w² + c·w³ = ((a, b, 0), (0, c, 0)).
struct Bls12381Line {
  Bls12381Fp2 a, b, c;
};

// (c0 + c1·v + c2·v²)·(b0 + b1·v): five Fp2 multiplications.
inline Bls12381Fp6 Bls12381MulBy01(const Bls12381Fp6& x, const Bls12381Fp2& b0,
                                   const Bls12381Fp2& b1) {
  const Bls12381Fp2 v0 = x.c0 * b0;
  const Bls12381Fp2 v1 = x.c1 * b1;
  return {v0 + (x.c2 * b1).MulByXi(), (x.c0 + x.c1) * (b0 + b1) - v0 - v1, v1 + x.c2 * b0};
}

// f·line with line = A + B·w, A = (a, b, 0), B = c·v: Karatsuba over w with the sparse factors,
// thirteen Fp2 multiplications instead of eighteen. Every coefficient reduced: the reference of
// Bls12381MulByLine in tests.
inline Bls12381Fp12 Bls12381MulByLineReference(const Bls12381Fp12& f, const Bls12381Line& l) {
  const Bls12381Fp6 fa = Bls12381MulBy01(f.c0, l.a, l.b);
  const Bls12381Fp6 fb = f.c1.MulByFp2(l.c).MulByV();
  const Bls12381Fp6 sum = Bls12381MulBy01(f.c0 + f.c1, l.a, l.b + l.c);
  return {fa + fb.MulByV(), sum - fa - fb};
}

// Bls12381MulBy01 with its five Fp2 products kept double-width (see Fp2::Wide).
inline Bls12381Fp6::Wide Bls12381MulBy01Wide(const Bls12381Fp6& x, const Bls12381Fp2& b0,
                                             const Bls12381Fp2& b1) {
  using F2 = Bls12381Fp2;
  const F2::Wide v0 = F2::MulWide(x.c0, b0);
  const F2::Wide v1 = F2::MulWide(x.c1, b1);
  const F2::Wide t01 = F2::MulWide(x.c0 + x.c1, b0 + b1);
  return {F2::AddWide(v0, F2::MulByXiWide(F2::MulWide(x.c2, b1))),
          F2::SubWide(F2::SubWide(t01, v0), v1), F2::AddWide(v1, F2::MulWide(x.c2, b0))};
}

// The same thirteen products as the reference, lazily reduced: the sums of products run double-
// width and each of the twelve base-field coefficients of f·line is reduced once (26 otherwise).
inline Bls12381Fp12 Bls12381MulByLine(const Bls12381Fp12& f, const Bls12381Line& l) {
  using F6 = Bls12381Fp6;
  const F6::Wide fa = Bls12381MulBy01Wide(f.c0, l.a, l.b);
  const F6::Wide fb =
      F6::MulByVWide({Bls12381Fp2::MulWide(f.c1.c0, l.c), Bls12381Fp2::MulWide(f.c1.c1, l.c),
                      Bls12381Fp2::MulWide(f.c1.c2, l.c)});  // f.c1·c·v
  const F6::Wide sum = Bls12381MulBy01Wide(f.c0 + f.c1, l.a, l.b + l.c);
  return {F6::Redc(F6::AddWide(fa, F6::MulByVWide(fb))),
          F6::Redc(F6::SubWide(F6::SubWide(sum, fa), fb))};
}

struct Bls12381G2Homogeneous {
  Bls12381Fp2 x, y, z;  // (x/z, y/z) on the twist
};

// T ← 2T and the tangent at T evaluated at P, scaled by 2·y·z: λ'·x_T − y_T becomes y² − 3b'z²,
// λ'·xp becomes 3x²·xp, yp becomes 2yz·yp. The squarings y², z², (y + z)², g² and e² are kept
// double-width where only sums follow: h = (y + z)² − y² − z² and y' = g² − 3e² are each reduced
// once (two Fp2 reductions fewer than Bls12381DoublingStepReference, the same products).
inline Bls12381Line Bls12381DoublingStep(Bls12381G2Homogeneous& t, const Bls12381G1Affine& p) {
  using F2 = Bls12381Fp2;
  const F2 a = (t.x * t.y).Halve();
  const F2::Wide b_wide = F2::SquareWide(t.y);
  const F2::Wide c_wide = F2::SquareWide(t.z);
  const F2 b = F2::Redc(b_wide);
  const F2 c = F2::Redc(c_wide);
  const F2 e = Bls12381G2Curve::MulByB3(c);
  const F2 f = MulBySmall<3>(e);
  const F2 g = (b + f).Halve();
  const F2 h = F2::Redc(F2::SubWide(F2::SubWide(F2::SquareWide(t.y + t.z), b_wide), c_wide));
  const F2 x_sq = t.x.Square();
  const F2::Wide e_sq = F2::SquareWide(e);
  t.x = a * (b - f);
  t.y = F2::Redc(F2::SubWide(F2::SquareWide(g), F2::AddWide(F2::AddWide(e_sq, e_sq), e_sq)));
  t.z = b * h;
  return {b - e, -MulBySmall<3>(x_sq).MulByBase(p.x), h.MulByBase(p.y)};
}

// The doubling step with every Fp2 operation reduced: the reference of Bls12381DoublingStep.
inline Bls12381Line Bls12381DoublingStepReference(Bls12381G2Homogeneous& t,
                                                  const Bls12381G1Affine& p) {
  using F2 = Bls12381Fp2;
  const F2 a = (t.x * t.y).Halve();
  const F2 b = t.y.Square();
  const F2 c = t.z.Square();
  const F2 e = Bls12381G2Curve::MulByB3(c);
  const F2 f = MulBySmall<3>(e);
  const F2 g = (b + f).Halve();
  const F2 h = (t.y + t.z).Square() - (b + c);  // 2yz
  const F2 x_sq = t.x.Square();
  t.x = a * (b - f);
  t.y = g.Square() - MulBySmall<3>(e.Square());
  t.z = b * h;
  return {b - e, -MulBySmall<3>(x_sq).MulByBase(p.x), h.MulByBase(p.y)};
}

// T ← T + Q (Q affine) and the line through them at P, scaled by λ = x_T − x_Q·z_T.
inline Bls12381Line Bls12381AdditionStep(Bls12381G2Homogeneous& t, const Bls12381G2Affine& q,
                                         const Bls12381G1Affine& p) {
  using F2 = Bls12381Fp2;
  const F2 theta = t.y - q.y * t.z;
  const F2 lambda = t.x - q.x * t.z;
  const F2 c = theta.Square();
  const F2 d = lambda.Square();
  const F2 e = lambda * d;
  const F2 f = t.z * c;
  const F2 g = t.x * d;
  const F2 h = e + f - g - g;
  const F2 y_e = t.y * e;
  t.x = lambda * h;
  t.y = theta * (g - h) - y_e;
  t.z = t.z * e;
  return {theta * q.x - lambda * q.y, -theta.MulByBase(p.x), lambda.MulByBase(p.y)};
}

struct Bls12381PairInput {
  Bls12381G1Affine p;
  Bls12381G2Affine q;
};

inline constexpr size_t kBls12381MillerBatch = 16;

// The Miller loop f_{|x|,Q}(P) of at most kBls12381MillerBatch pairs, sharing the squarings of f.
inline Bls12381Fp12 Bls12381MillerLoopBatch(std::span<const Bls12381PairInput> pairs) {
  std::array<Bls12381G2Homogeneous, kBls12381MillerBatch> t;
  std::array<size_t, kBls12381MillerBatch> active{};
  size_t n = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].p.infinity || pairs[i].q.infinity) continue;
    active[n] = i;
    t[n] = {pairs[i].q.x, pairs[i].q.y, Bls12381Fp2::One()};
    ++n;
  }
  Bls12381Fp12 f = Bls12381Fp12::One();
  if (n == 0) return f;
  for (int bit = 62; bit >= 0; --bit) {  // bit 63 is the leading one: T starts at Q
    if (bit != 62) f = f.Square();
    for (size_t j = 0; j < n; ++j) {
      const Bls12381PairInput& in = pairs[active[j]];
      f = Bls12381MulByLine(f, Bls12381DoublingStep(t[j], in.p));
      if ((kBls12381X >> bit) & 1) f = Bls12381MulByLine(f, Bls12381AdditionStep(t[j], in.q, in.p));
    }
  }
  return f;
}

// ∏ f_{x,Q_i}(P_i) over all pairs: the loops over |x| in batches, conjugated at the end because x
// is negative (f_{−|x|} = 1/f_{|x|} up to a vertical line, and 1/f equals f̄ after the easy part of
// the final exponentiation). Pairs with a point at infinity contribute 1.
inline Bls12381Fp12 Bls12381MillerLoop(std::span<const Bls12381PairInput> pairs) {
  Bls12381Fp12 f = Bls12381Fp12::One();
  for (size_t i = 0; i < pairs.size(); i += kBls12381MillerBatch) {
    const Bls12381Fp12 batch =
        Bls12381MillerLoopBatch(pairs.subspan(i, std::min(kBls12381MillerBatch, pairs.size() - i)));
    f = i == 0 ? batch : f * batch;
  }
  return f.Conjugate();
}

// f^x (x negative) for f in the cyclotomic subgroup: f^|x| by cyclotomic squarings, conjugated.
inline Bls12381Fp12 Bls12381ExpByX(const Bls12381Fp12& f) {
  Bls12381Fp12 r = f;
  for (int bit = 62; bit >= 0; --bit) {
    r = r.CyclotomicSquare();
    if ((kBls12381X >> bit) & 1) r = r * f;
  }
  return r.Conjugate();
}

// f^(3(p¹² − 1)/r). The easy part f^((p⁶ − 1)(p² + 1)) lands in the cyclotomic subgroup; the hard
// part uses 3(p⁴ − p² + 1)/r = (x − 1)²·(x + p)·(x² + p² − 1) + 3 (Hayashida, Hayasaka, Teruya,
// "Efficient final exponentiation via cyclotomic structure for pairings over families of elliptic
// curves", ePrint 2020/875). Raising to 3 times the usual exponent is still a non-degenerate
// bilinear pairing (3 is prime to r), and a pairing check e(...) = 1 is unaffected.
inline Bls12381Fp12 Bls12381FinalExponentiation(const Bls12381Fp12& f) {
  Bls12381Fp12 m = f.Conjugate() * f.InverseVartime();          // f^(p⁶ − 1), public input
  m = m.Frobenius<2>() * m;                                     // ^(p² + 1)
  const Bls12381Fp12 a0 = Bls12381ExpByX(m) * m.Conjugate();    // m^(x − 1)
  const Bls12381Fp12 a = Bls12381ExpByX(a0) * a0.Conjugate();   // m^((x − 1)²)
  const Bls12381Fp12 b = Bls12381ExpByX(a) * a.Frobenius<1>();  // a^(x + p)
  const Bls12381Fp12 c =
      Bls12381ExpByX(Bls12381ExpByX(b)) * b.Frobenius<2>() * b.Conjugate();  // b^(x² + p² − 1)
  return c * m.CyclotomicSquare() * m;
}

// e(P, Q) for one pair.
inline Bls12381Fp12 Bls12381Pairing(const Bls12381G1Affine& p, const Bls12381G2Affine& q) {
  const std::array<Bls12381PairInput, 1> pair{{{p, q}}};
  return Bls12381FinalExponentiation(Bls12381MillerLoop(pair));
}

}  // namespace theta::crypto::internal
