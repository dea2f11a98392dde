// A prime field Fp in Montgomery form over N 64-bit limbs, generic over the modulus.
//
// `Fp<Params>` holds a·R mod p (R = 2^(64N)), always fully reduced (< p), so equality is limb
// equality. `Params` supplies only `kLimbs` and `kModulus` (little-endian limbs); every derived
// constant (−p⁻¹ mod 2^64, R mod p, R² mod p, the exponents of inversion and square root) is
// computed at compile time from the modulus, so there is one hex constant per field to check
// against its spec.
//
// Constant time: add, sub, neg, mul, square, equality and the fixed-exponent powers (Inverse, Sqrt)
// have no branch or memory access that depends on the values; only the limb count and the public
// exponents shape the control flow. The multiplication needs one spare bit in the top limb
// (p < 2^(64N−1) − 2^(64N−64)), which BN254 and BLS12-381 both leave.
//
// Speed: multiplication and squaring are fully unrolled operand scanning on 64×64→128-bit products,
// each row's low and high halves in two carry chains (AddRow); add/sub use the add-with-carry
// intrinsics at run time
// (plain arithmetic in constant evaluation); the extension fields can reduce lazily through
// MulWide/Redc when 4p < R. No assembly.
//
// Values are plain data: thread-safe to read, never allocate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "internal/limbs.hpp"

namespace theta::crypto::internal {

// base^e for any field type with Square() and operator*, for a public exponent e: left-to-right
// sliding windows of up to five bits over the odd powers base, base³, …, base³¹ (for a 381-bit
// exponent about 75 multiplications instead of about 190 for square-and-multiply). The sequence
// of operations and table indices depends on e only, so it is constant time in base.
template <class F, size_t M>
constexpr F PowPublic(const F& base, const Limbs<M>& e) {
  constexpr size_t kWindow = 5;
  const size_t bits = limbs::BitLength(e);
  if (bits <= 64) {  // small exponents: the table would cost more than it saves
    F result = F::One();
    for (size_t i = bits; i-- > 0;) {
      result = result.Square();
      if (limbs::Bit(e, i)) result = result * base;
    }
    return result;
  }
  std::array<F, size_t{1} << (kWindow - 1)> odd;  // odd[k] = base^(2k + 1)
  odd[0] = base;
  const F square = base.Square();
  for (size_t k = 1; k < odd.size(); ++k)
    odd[k] = odd[k - 1] * square;
  F result = F::One();
  bool started = false;
  for (size_t i = bits; i > 0;) {
    if (!limbs::Bit(e, i - 1)) {
      result = result.Square();
      --i;
      continue;
    }
    // The window e[j .. i−1]: at most kWindow bits, ending in a one.
    size_t j = i > kWindow ? i - kWindow : 0;
    while (!limbs::Bit(e, j))
      ++j;
    size_t value = 0;
    for (size_t b = i; b-- > j;)
      value = (value << 1) | (limbs::Bit(e, b) ? 1 : 0);
    if (started) {
      for (size_t b = j; b < i; ++b)
        result = result.Square();
      result = result * odd[value >> 1];
    } else {
      result = odd[value >> 1];
      started = true;
    }
    i = j;
  }
  return result;
}

template <class Params>
class Fp {
 public:
  static constexpr size_t kLimbs = Params::kLimbs;
  static constexpr size_t kBytes = 8 * kLimbs;
  using Raw = Limbs<kLimbs>;
  static constexpr Raw kModulus = Params::kModulus;

  static_assert(kModulus[0] % 2 == 1, "the modulus must be odd");
  static_assert(kModulus[kLimbs - 1] < (~uint64_t{0} >> 1) - 1,
                "the no-carry Montgomery multiplication needs a spare top bit");

 private:
  // −p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct low bits).
  static constexpr uint64_t ComputeInv() {
    uint64_t inv = 1;
    for (int i = 0; i < 7; ++i)
      inv *= 2 - kModulus[0] * inv;
    return ~inv + 1;
  }
  // 2^(64N·power) mod p by repeated doubling.
  static constexpr Raw ComputeRPower(int power) {
    Raw r{};
    r[0] = 1;
    for (size_t i = 0; i < 64 * kLimbs * static_cast<size_t>(power); ++i) {
      r = limbs::DoubleMod(r, kModulus);
    }
    return r;
  }

 public:
  static constexpr uint64_t kInv = ComputeInv();
  static constexpr Raw kR = ComputeRPower(1);
  static constexpr Raw kR2 = ComputeRPower(2);
  static constexpr Raw kR3 = ComputeRPower(3);

  constexpr Fp() = default;  // zero

  static constexpr Fp Zero() { return Fp(); }
  static constexpr Fp One() { return FromMontgomery(kR); }
  static constexpr Fp FromMontgomery(const Raw& m) {
    Fp f;
    f.v_ = m;
    return f;
  }
  // The field element of a number below p (callers guarantee the range).
  static constexpr Fp FromCanonical(const Raw& a) { return FromMontgomery(MontMul(a, kR2)); }
  static constexpr Fp FromUint(uint64_t a) {
    Raw r{};
    r[0] = a;
    return FromCanonical(r);
  }
  // Parses a big-endian number of exactly kBytes bytes; false (and *out untouched) if it is ≥ p.
  static constexpr bool FromBytes(std::span<const uint8_t, kBytes> bytes, Fp* out) {
    Raw a{};
    for (size_t i = 0; i < kBytes; ++i) {
      a[kLimbs - 1 - i / 8] |= static_cast<uint64_t>(bytes[i]) << (8 * (7 - i % 8));
    }
    Raw t = a;
    if (limbs::Sub(t, kModulus) == 0) return false;  // a − p did not borrow: a ≥ p
    *out = FromCanonical(a);
    return true;
  }

  constexpr Raw ToCanonical() const {
    Raw one{};
    one[0] = 1;
    return MontMul(v_, one);
  }
  constexpr void ToBytes(std::span<uint8_t, kBytes> out) const {
    const Raw a = ToCanonical();
    for (size_t i = 0; i < kBytes; ++i) {
      out[i] = static_cast<uint8_t>(a[kLimbs - 1 - i / 8] >> (8 * (7 - i % 8)));
    }
  }
  constexpr const Raw& montgomery() const { return v_; }

  constexpr bool IsZero() const {
    uint64_t acc = 0;
    for (uint64_t limb : v_)
      acc |= limb;
    return acc == 0;
  }
  friend constexpr bool operator==(const Fp& a, const Fp& b) {
    uint64_t acc = 0;
    for (size_t i = 0; i < kLimbs; ++i)
      acc |= a.v_[i] ^ b.v_[i];
    return acc == 0;
  }

  THETA_CRYPTO_INLINE friend constexpr Fp operator+(const Fp& a, const Fp& b) {
    Raw s{};
    uint64_t carry = 0;  // no carry out: a + b < 2p < 2^(64N)
    for (size_t i = 0; i < kLimbs; ++i)
      carry = AddCarry(a.v_[i], b.v_[i], carry, &s[i]);
    return FromMontgomery(ReduceOnce(s));
  }
  THETA_CRYPTO_INLINE friend constexpr Fp operator-(const Fp& a, const Fp& b) {
    Raw d = a.v_;
    const uint64_t mask = ~limbs::Sub(d, b.v_) + 1;  // all ones iff a < b
    uint64_t carry = 0;
    for (size_t i = 0; i < kLimbs; ++i)
      carry = AddCarry(d[i], kModulus[i] & mask, carry, &d[i]);
    return FromMontgomery(d);
  }
  THETA_CRYPTO_INLINE constexpr Fp operator-() const {
    uint64_t nonzero = 0;
    for (uint64_t limb : v_)
      nonzero |= limb;
    const uint64_t mask = 0 - ((nonzero | (0 - nonzero)) >> 63);  // 0 iff a == 0, else all ones
    Raw d = kModulus;
    limbs::Sub(d, v_);
    for (uint64_t& limb : d)
      limb &= mask;
    return FromMontgomery(d);
  }
  friend constexpr Fp operator*(const Fp& a, const Fp& b) {
    return FromMontgomery(MontMul(a.v_, b.v_));
  }
  constexpr Fp& operator+=(const Fp& b) { return *this = *this + b; }
  constexpr Fp& operator-=(const Fp& b) { return *this = *this - b; }
  constexpr Fp& operator*=(const Fp& b) { return *this = *this * b; }

  constexpr Fp Square() const { return FromMontgomery(MontSquare(v_)); }
  THETA_CRYPTO_INLINE constexpr Fp Double() const { return *this + *this; }

  // a/2: a or a + p, whichever is even, shifted right (Montgomery form is linear, so this halves
  // the value too). Branch-free; a + p < 2p has no carry out.
  THETA_CRYPTO_INLINE constexpr Fp Halve() const {
    const uint64_t mask = 0 - (v_[0] & 1);
    Raw t{};
    uint64_t carry = 0;
    for (size_t i = 0; i < kLimbs; ++i)
      carry = AddCarry(v_[i], kModulus[i] & mask, carry, &t[i]);
    for (size_t i = 0; i + 1 < kLimbs; ++i)
      t[i] = (t[i] >> 1) | (t[i + 1] << 63);
    t[kLimbs - 1] >>= 1;
    return FromMontgomery(t);
  }

  // 1/2 = (p + 1)/2, without an inversion (cheap enough for constant evaluation).
  static constexpr Fp Half() {
    return FromCanonical(limbs::DivSmall(limbs::AddSmall(kModulus, 1), 2));
  }

  // a⁻¹ by Fermat's little theorem (a^(p−2)); the inverse of zero is zero.
  constexpr Fp Inverse() const { return PowPublic(*this, kInverseExponent); }

  // a⁻¹ by the binary extended Euclidean algorithm: several times faster than Inverse but its
  // running time depends on the value, so only for public data (affine conversion of EVM points).
  // The inverse of zero is zero.
  constexpr Fp InverseVartime() const {
    if (IsZero()) return Zero();
    // Invert the Montgomery representative m = aR as a plain number, then m⁻¹·R³·R⁻¹ = a⁻¹·R.
    // x1 and x2 are plain residues too; Fp's add, sub and halve do not care about the R factor.
    Raw u = v_, v = kModulus;
    Raw one{};
    one[0] = 1;
    Fp x1 = FromMontgomery(one), x2 = Zero();
    auto is_one = [](const Raw& n) {
      uint64_t high = 0;
      for (size_t i = 1; i < kLimbs; ++i)
        high |= n[i];
      return high == 0 && n[0] == 1;
    };
    auto halve = [](Raw& n) {
      for (size_t i = 0; i + 1 < kLimbs; ++i)
        n[i] = (n[i] >> 1) | (n[i + 1] << 63);
      n[kLimbs - 1] >>= 1;
    };
    while (!is_one(u) && !is_one(v)) {
      while ((u[0] & 1) == 0) {
        halve(u);
        x1 = x1.Halve();
      }
      while ((v[0] & 1) == 0) {
        halve(v);
        x2 = x2.Halve();
      }
      if (limbs::GreaterOrEqual(u, v)) {
        limbs::Sub(u, v);
        x1 = x1 - x2;
      } else {
        limbs::Sub(v, u);
        x2 = x2 - x1;
      }
    }
    const Fp& inverse = is_one(u) ? x1 : x2;  // m⁻¹ mod p, as a plain residue
    return FromMontgomery(MontMul(inverse.v_, kR3));
  }

  // A square root for p ≡ 3 (mod 4): a^((p+1)/4). Returns false if a is not a square (then *out
  // holds a meaningless value).
  constexpr bool Sqrt(Fp* out) const requires(kModulus[0] % 4 == 3) {
    *out = PowPublic(*this, kSqrtExponent);
    return out->Square() == *this;
  }

  // Returns a if mask is all zeros, b if it is all ones (no branch on the values).
  static constexpr Fp Select(uint64_t mask, const Fp& a, const Fp& b) {
    Fp r;
    for (size_t i = 0; i < kLimbs; ++i)
      r.v_[i] = a.v_[i] ^ ((a.v_[i] ^ b.v_[i]) & mask);
    return r;
  }

  // Unreduced building blocks for lazy reduction in the extension fields (Fp2 multiplication): a
  // double-width product, its Montgomery reduction, and sums that skip the final subtraction. They
  // need 4p < R so that sums of two elements times sums of two elements stay below p·R.
  static constexpr bool kLazyReductionOk = kModulus[kLimbs - 1] < (uint64_t{1} << 62);
  using Wide = Limbs<2 * kLimbs>;

  // a + b < 2p as plain limbs (no reduction).
  static constexpr Raw AddUnreduced(const Fp& a, const Fp& b) {
    Raw s{};
    uint64_t carry = 0;
    for (size_t i = 0; i < kLimbs; ++i)
      carry = AddCarry(a.v_[i], b.v_[i], carry, &s[i]);
    return s;
  }
  // The full 2N-limb product, row by row (AddRow), fully unrolled.
  static constexpr Wide MulWide(const Raw& a, const Raw& b) {
    Wide t{};
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i)
      AddRow</*kFresh=*/true>(t.data() + i, b[i], a);  // t[i + N] holds nothing yet
    return t;
  }
  // t·R⁻¹ mod p for t < p·R (Montgomery's REDC). With t = H·R + L: (t + m·p)/R = H + (L + m·p)/R,
  // where the second term comes from the row loop of MontMul on L alone (u < p + 1 at the end) and
  // H ≤ p − 1, so the sum is below 2p and one conditional subtraction finishes it.
  static constexpr Fp Redc(const Wide& t) {
    uint64_t u[kLimbs + 1] = {};
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i)
      u[i] = t[i];
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i) {
      AddRow</*kFresh=*/true>(u, u[0] * kInv, kModulus);  // u[N] is zero here
#pragma GCC unroll 16
      for (size_t j = 0; j < kLimbs; ++j)
        u[j] = u[j + 1];
    }
    Raw r{};
    uint64_t carry = 0;
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i)
      carry = AddCarry(u[i], t[kLimbs + i], carry, &r[i]);
    return FromMontgomery(ReduceOnce(r));
  }
  // Plain sums and differences of wide values (no reduction; callers keep them in range), and a
  // wide constant k·p² for keeping differences non-negative.
  static constexpr Wide AddWidePlain(const Wide& a, const Wide& b) {
    Wide s{};
    uint64_t carry = 0;
    for (size_t i = 0; i < 2 * kLimbs; ++i)
      carry = AddCarry(a[i], b[i], carry, &s[i]);
    return s;
  }
  static constexpr Wide SubWidePlain(const Wide& a, const Wide& b) {
    Wide d{};
    uint64_t borrow = 0;
    for (size_t i = 0; i < 2 * kLimbs; ++i)
      borrow = SubBorrow(a[i], b[i], borrow, &d[i]);
    return d;
  }
  template <uint64_t k>
  static constexpr Wide kMultipleOfPSquared = MulWide(kModulus, limbs::MulSmall(kModulus, k));
  // The plain limbs of a + b (< 2p) as an operand of MulWide.
  static constexpr Raw Sum(const Fp& a, const Fp& b) {
    return AddUnreduced(a, b);
  }

  // a − b for wide values below p·R, adding p·R back when it would go negative.
  THETA_CRYPTO_INLINE static constexpr Wide SubWide(const Wide& a, const Wide& b) {
    Wide d{};
    uint64_t borrow = 0;
    for (size_t i = 0; i < 2 * kLimbs; ++i)
      borrow = SubBorrow(a[i], b[i], borrow, &d[i]);
    const uint64_t mask = 0 - borrow;
    uint64_t carry = 0;
    for (size_t i = 0; i < kLimbs; ++i) {
      carry = AddCarry(d[kLimbs + i], kModulus[i] & mask, carry, &d[kLimbs + i]);
    }
    return d;
  }

  // a + b for wide values below p·R, subtracting p·R when the sum reaches it (a + b < 2p·R fits
  // 2N limbs because p·R < 2^(128N − 1)). With SubWide this keeps every lazy intermediate in
  // [0, p·R), the range Redc takes, whatever the chain of sums and differences.
  THETA_CRYPTO_INLINE static constexpr Wide AddWide(const Wide& a, const Wide& b) {
    Wide s{};
    uint64_t carry = 0;
    for (size_t i = 0; i < 2 * kLimbs; ++i)
      carry = AddCarry(a[i], b[i], carry, &s[i]);
    Wide d = s;
    uint64_t borrow = 0;
    for (size_t i = 0; i < kLimbs; ++i)
      borrow = SubBorrow(s[kLimbs + i], kModulus[i], borrow, &d[kLimbs + i]);
    const uint64_t keep_sum = 0 - borrow;  // all ones iff s < p·R
    for (size_t i = kLimbs; i < 2 * kLimbs; ++i)
      d[i] ^= (d[i] ^ s[i]) & keep_sum;
    return d;
  }

  static constexpr Raw kInverseExponent = limbs::SubSmall(kModulus, 2);
  static constexpr Raw kSqrtExponent = limbs::DivSmall(limbs::AddSmall(kModulus, 1), 4);

 private:
  // Subtracts p if s ≥ p, branch-free; s < 2p.
  THETA_CRYPTO_INLINE static constexpr Raw ReduceOnce(const Raw& s) {
    Raw d = s;
    const uint64_t mask = ~limbs::Sub(d, kModulus) + 1;  // all ones iff s < p: keep s
    Raw r{};
    for (size_t i = 0; i < kLimbs; ++i)
      r[i] = d[i] ^ ((d[i] ^ s[i]) & mask);
    return r;
  }

  // t[0..N] += x·b, for callers whose sum fits in N + 1 limbs: the low halves of the N products in
  // one carry chain, then the high halves in a second. Two additions per product (a three-limb
  // column accumulator needs three), and the two chains overlap in the out-of-order core because
  // the flags are renamed. With kFresh, t[N] is not read but set: it holds no value yet.
  template <bool kFresh>
  THETA_CRYPTO_INLINE static constexpr void AddRow(uint64_t* t, uint64_t x, const Raw& b) {
    uint64_t lo[kLimbs] = {}, hi[kLimbs] = {};
#pragma GCC unroll 16
    for (size_t j = 0; j < kLimbs; ++j) {
      const u128 product = static_cast<u128>(x) * b[j];
      lo[j] = static_cast<uint64_t>(product);
      hi[j] = static_cast<uint64_t>(product >> 64);
    }
    uint64_t carry = 0;
#pragma GCC unroll 16
    for (size_t j = 0; j < kLimbs; ++j)
      carry = AddCarry(t[j], lo[j], carry, &t[j]);
    if constexpr (kFresh) {
      t[kLimbs] = carry;
    } else {
      t[kLimbs] += carry;
    }
    carry = 0;
#pragma GCC unroll 16
    for (size_t j = 0; j < kLimbs; ++j)
      carry = AddCarry(t[j + 1], hi[j], carry, &t[j + 1]);
  }

  // a·b·R⁻¹ mod p by operand scanning with the reduction interleaved (CIOS; Koç, Acar, Kaliski,
  // "Analyzing and comparing Montgomery multiplication algorithms", 1996): row i adds a·b_i, then
  // m·p with m chosen to clear the low limb, then shifts down one limb. With a, b < p and the spare
  // top bit, t < 2p between rows and t + a·b_i + m·p < 2^(64(N+1)), so N + 1 limbs hold it and the
  // rows' last carries are zero; the result needs one conditional subtraction.
  static constexpr Raw MontMul(const Raw& a, const Raw& b) {
    uint64_t t[kLimbs + 1] = {};
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i) {
      AddRow</*kFresh=*/true>(t, b[i], a);  // t[N] is a stale copy after the shift
      AddRow</*kFresh=*/false>(t, t[0] * kInv, kModulus);
#pragma GCC unroll 16
      for (size_t j = 0; j < kLimbs; ++j)
        t[j] = t[j + 1];
    }
    Raw r{};
#pragma GCC unroll 16
    for (size_t i = 0; i < kLimbs; ++i)
      r[i] = t[i];
    return ReduceOnce(r);
  }

  // a²·R⁻¹ mod p.
  static constexpr Raw MontSquare(const Raw& a) {
    return MontMul(a, a);
  }

  Raw v_{};
};

}  // namespace theta::crypto::internal
