// The optimal ate pairing on BN254: Miller loop over 6u + 2 (in non-adjacent form) with the two
// Frobenius-twisted additions at the end, and the final exponentiation f^((p¹² − 1)/r).
//
// The loop keeps T on the twist in homogeneous projective coordinates and evaluates each line at P
// directly into a sparse Fp12 element. With the untwisting map (x, y) ↦ (x·w², y·w³), the line
// through T with slope λ' (on the twist) evaluated at P = (xp, yp) is yp − λ'·xp·w + (λ'·x_T −
// y_T)·w³; the formulas below scale it by a factor in Fp2, which the final exponentiation removes.
//
// Variable time: inputs of the EVM precompile are public.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "internal/bn254_curve.hpp"

namespace theta::crypto::internal {

// A line value c0 + c1·w + c3·w³, i.e. the Fp12 element ((c0, 0, 0), (c1, c3, 0)).
struct Bn254Line {
  Bn254Fp2 c0, c1, c3;
};

// (c0 + c1·v + c2·v²)·(b0 + b1·v): five Fp2 multiplications.
inline Bn254Fp6 MulBy01(const Bn254Fp6& a, const Bn254Fp2& b0, const Bn254Fp2& b1) {
  const Bn254Fp2 v0 = a.c0 * b0;
  const Bn254Fp2 v1 = a.c1 * b1;
  return {v0 + (a.c2 * b1).MulByXi(), (a.c0 + a.c1) * (b0 + b1) - v0 - v1, v1 + a.c2 * b0};
}

// f·line with line = A + B·w, A = (c0, 0, 0), B = (c1, c3, 0): thirteen Fp2 multiplications
// instead of eighteen.
inline Bn254Fp12 MulByLine(const Bn254Fp12& f, const Bn254Line& l) {
  const Bn254Fp6 a = f.c0.MulByFp2(l.c0);
  const Bn254Fp6 b = MulBy01(f.c1, l.c1, l.c3);
  const Bn254Fp6 sum = MulBy01(f.c0 + f.c1, l.c0 + l.c1, l.c3);
  return {a + b.MulByV(), sum - a - b};
}

struct Bn254G2Homogeneous {
  Bn254Fp2 x, y, z;  // (x/z, y/z) on the twist
};

// T ← 2T and the tangent line at T evaluated at P (Costello, Lange, Naehrig, "Faster pairing
// computations on curves with high-degree twists", 2010, §5 with a = 0).
inline Bn254Line DoublingStep(Bn254G2Homogeneous& t, const Bn254G1Affine& p) {
  const Bn254Fp2 a = (t.x * t.y).Halve();
  const Bn254Fp2 b = t.y.Square();
  const Bn254Fp2 c = t.z.Square();
  const Bn254Fp2 e = MulBySmall<3>(c * Bn254G2Curve::B());
  const Bn254Fp2 f = MulBySmall<3>(e);
  const Bn254Fp2 g = (b + f).Halve();
  const Bn254Fp2 h = (t.y + t.z).Square() - (b + c);  // 2yz
  const Bn254Fp2 x_sq = t.x.Square();
  t.x = a * (b - f);
  t.y = g.Square() - MulBySmall<3>(e.Square());
  t.z = b * h;
  return {h.MulByBase(p.y), -MulBySmall<3>(x_sq).MulByBase(p.x), b - e};
}

// T ← T + Q (Q affine) and the line through T and Q evaluated at P (same paper, mixed addition).
inline Bn254Line AdditionStep(Bn254G2Homogeneous& t, const Bn254G2Affine& q,
                              const Bn254G1Affine& p) {
  const Bn254Fp2 theta = t.y - q.y * t.z;
  const Bn254Fp2 lambda = t.x - q.x * t.z;
  const Bn254Fp2 c = theta.Square();
  const Bn254Fp2 d = lambda.Square();
  const Bn254Fp2 e = lambda * d;
  const Bn254Fp2 f = t.z * c;
  const Bn254Fp2 g = t.x * d;
  const Bn254Fp2 h = e + f - g - g;
  const Bn254Fp2 y_e = t.y * e;
  t.x = lambda * h;
  t.y = theta * (g - h) - y_e;
  t.z = t.z * e;
  return {lambda.MulByBase(p.y), -theta.MulByBase(p.x), theta * q.x - lambda * q.y};
}

// A number's non-adjacent form (digits −1, 0, 1, no two adjacent non-zero), least significant
// first, computed at compile time: fewer additions in a double-and-add loop.
struct Naf {
  std::array<int8_t, 70> digits{};
  size_t size = 0;
};
consteval Naf ComputeNaf(u128 k) {
  Naf naf;
  while (k != 0) {
    int8_t d = 0;
    if (k & 1) {
      d = (k & 3) == 3 ? -1 : 1;
      k = d == 1 ? k - 1 : k + 1;
    }
    naf.digits[naf.size++] = d;
    k >>= 1;
  }
  return naf;
}
inline constexpr Naf kBn254LoopNaf = ComputeNaf(static_cast<u128>(kBn254U) * 6 + 2);
inline constexpr Naf kBn254UNaf = ComputeNaf(kBn254U);

struct Bn254PairInput {
  Bn254G1Affine p;
  Bn254G2Affine q;
};

// Pairs per shared loop: the running points T live on the stack.
inline constexpr size_t kBn254MillerBatch = 16;

// The Miller loop of at most kBn254MillerBatch pairs, sharing the squarings of f.
inline Bn254Fp12 Bn254MillerLoopBatch(std::span<const Bn254PairInput> pairs) {
  constexpr size_t kMaxPairs = kBn254MillerBatch;
  std::array<Bn254G2Homogeneous, kMaxPairs> t;
  Bn254Fp12 f = Bn254Fp12::One();
  std::array<size_t, kMaxPairs> active{};
  size_t n = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].p.infinity || pairs[i].q.infinity) continue;
    active[n] = i;
    t[n] = {pairs[i].q.x, pairs[i].q.y, Bn254Fp2::One()};
    ++n;
  }
  if (n == 0) return f;
  for (size_t bit = kBn254LoopNaf.size - 1; bit-- > 0;) {
    f = f.Square();
    for (size_t j = 0; j < n; ++j) {
      const Bn254PairInput& in = pairs[active[j]];
      f = MulByLine(f, DoublingStep(t[j], in.p));
      const int8_t d = kBn254LoopNaf.digits[bit];
      if (d == 1) f = MulByLine(f, AdditionStep(t[j], in.q, in.p));
      if (d == -1) f = MulByLine(f, AdditionStep(t[j], -in.q, in.p));
    }
  }
  for (size_t j = 0; j < n; ++j) {
    const Bn254PairInput& in = pairs[active[j]];
    const Bn254G2Affine q1 = Bn254TwistFrobenius<1>(in.q);
    const Bn254G2Affine q2 = -Bn254TwistFrobenius<2>(in.q);
    f = MulByLine(f, AdditionStep(t[j], q1, in.p));
    f = MulByLine(f, AdditionStep(t[j], q2, in.p));
  }
  return f;
}

// The product of the Miller loops f_{6u+2,Q}(P)·l_{T,π(Q)}(P)·l_{T',−π²(Q)}(P) over all pairs, in
// batches of kBn254MillerBatch. Pairs with P or Q at infinity contribute 1.
inline Bn254Fp12 Bn254MillerLoop(std::span<const Bn254PairInput> pairs) {
  Bn254Fp12 f = Bn254Fp12::One();
  for (size_t i = 0; i < pairs.size(); i += kBn254MillerBatch) {
    const Bn254Fp12 batch =
        Bn254MillerLoopBatch(pairs.subspan(i, std::min(kBn254MillerBatch, pairs.size() - i)));
    f = i == 0 ? batch : f * batch;
  }
  return f;
}

// f^u for f in the cyclotomic subgroup: cyclotomic squarings, and conjugation as the inverse for
// the NAF's −1 digits.
inline Bn254Fp12 Bn254ExpByU(const Bn254Fp12& f) {
  const Bn254Fp12 f_inv = f.Conjugate();
  Bn254Fp12 r = f;  // the top digit is 1
  for (size_t i = kBn254UNaf.size - 1; i-- > 0;) {
    r = r.CyclotomicSquare();
    if (kBn254UNaf.digits[i] == 1) r = r * f;
    if (kBn254UNaf.digits[i] == -1) r = r * f_inv;
  }
  return r;
}

// f^((p¹² − 1)/r). Easy part f^((p⁶ − 1)(p² + 1)) lands in the cyclotomic subgroup, where inversion
// is conjugation; the hard part (p⁴ − p² + 1)/r = λ0 + λ1·p + λ2·p² + λ3·p³ follows Scott, Benger,
// Charlemagne, Dominguez Perez, Kachisa, "On the final exponentiation for calculating pairings on
// ordinary elliptic curves" (2009), §5: λ3 = 1, λ2 = 6u² + 1, λ1 = −36u³ − 18u² − 12u + 1,
// λ0 = −36u³ − 30u² − 18u − 2, evaluated as y0·y1²·y2⁶·y3¹²·y4¹⁸·y5³⁰·y6³⁶ with one addition chain.
inline Bn254Fp12 Bn254FinalExponentiation(const Bn254Fp12& f) {
  Bn254Fp12 m = f.Conjugate() * f.InverseVartime();  // f^(p⁶ − 1), public input
  m = m.Frobenius<2>() * m;                          // ^(p² + 1)

  const Bn254Fp12 fx = Bn254ExpByU(m);
  const Bn254Fp12 fx2 = Bn254ExpByU(fx);
  const Bn254Fp12 fx3 = Bn254ExpByU(fx2);

  const Bn254Fp12 y0 = m.Frobenius<1>() * m.Frobenius<2>() * m.Frobenius<3>();
  const Bn254Fp12 y1 = m.Conjugate();
  const Bn254Fp12 y2 = fx2.Frobenius<2>();
  const Bn254Fp12 y3 = fx.Frobenius<1>().Conjugate();
  const Bn254Fp12 y4 = (fx * fx2.Frobenius<1>()).Conjugate();
  const Bn254Fp12 y5 = fx2.Conjugate();
  const Bn254Fp12 y6 = (fx3 * fx3.Frobenius<1>()).Conjugate();

  Bn254Fp12 t0 = y6.CyclotomicSquare() * y4 * y5;
  Bn254Fp12 t1 = y3 * y5 * t0;
  t0 = t0 * y2;
  t1 = (t1.CyclotomicSquare() * t0).CyclotomicSquare();
  t0 = t1 * y1;
  t1 = t1 * y0;
  t0 = t0.CyclotomicSquare();
  return t0 * t1;
}

}  // namespace theta::crypto::internal
