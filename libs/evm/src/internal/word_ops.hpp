// The interpreter's hottest word operations, written for the code the compiler emits.
//
// theta::uint256's portable operators are correct everywhere but GCC turns their carry loops into
// setc/movzx chains, its defaulted == into a memcmp call and its variable shifts into loops with
// a runtime trip count. These versions give the same results (the unit tests compare them with the
// uint256 operators on random and edge values) with add/adc, sub/sbb and straight-line shifts.
// Values in, value out; no state. Private to theta-evm.
#pragma once

#include <array>
#include <cstdint>

#include "theta/core/uint256.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace theta::evm::internal {

// dst = src, limb by limb through general registers. Arithmetic results reach the stack as four
// 8-byte stores; a plain word copy compiles to 16-byte vector loads, and a vector load of bytes
// that narrower stores are still writing cannot be forwarded from the store buffer: it waits for
// them to retire (in structarray_alloc a third of the run was spent so in DUP). The empty asm
// keeps the limbs in general registers so that every load matches one earlier store.
inline void CopyWord(uint256& dst, const uint256& src) noexcept {
  uint64_t l0 = src.limb(0), l1 = src.limb(1), l2 = src.limb(2), l3 = src.limb(3);
  asm("" : "+r"(l0), "+r"(l1), "+r"(l2), "+r"(l3));
  std::array<uint64_t, 4>& d = dst.mutable_limbs();
  d[0] = l0, d[1] = l1, d[2] = l2, d[3] = l3;
}

// out = v through general registers (see CopyWord): for results that the compiler would otherwise
// assemble in a vector register or a stack temporary and store 16 bytes at a time.
inline void SetWord(uint256& out, const uint256& v) noexcept {
  CopyWord(out, v);
}

// Exchanges a and b the same way (see CopyWord).
inline void SwapWords(uint256& a, uint256& b) noexcept {
  uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);
  uint64_t b0 = b.limb(0), b1 = b.limb(1), b2 = b.limb(2), b3 = b.limb(3);
  asm("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));
  std::array<uint64_t, 4>& x = a.mutable_limbs();
  std::array<uint64_t, 4>& y = b.mutable_limbs();
  x[0] = b0, x[1] = b1, x[2] = b2, x[3] = b3;
  y[0] = a0, y[1] = a1, y[2] = a2, y[3] = a3;
}

// a + b modulo 2^256.
[[nodiscard]] inline uint256 Add(const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  unsigned long long r0, r1, r2, r3;  // NOLINT(google-runtime-int): the intrinsic's type
  unsigned char c = _addcarry_u64(0, a.limb(0), b.limb(0), &r0);
  c = _addcarry_u64(c, a.limb(1), b.limb(1), &r1);
  c = _addcarry_u64(c, a.limb(2), b.limb(2), &r2);
  _addcarry_u64(c, a.limb(3), b.limb(3), &r3);
  return uint256::FromLimbs(r0, r1, r2, r3);
#else
  return a + b;
#endif
}

// a - b modulo 2^256.
[[nodiscard]] inline uint256 Sub(const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  unsigned long long r0, r1, r2, r3;  // NOLINT(google-runtime-int)
  unsigned char c = _subborrow_u64(0, a.limb(0), b.limb(0), &r0);
  c = _subborrow_u64(c, a.limb(1), b.limb(1), &r1);
  c = _subborrow_u64(c, a.limb(2), b.limb(2), &r2);
  _subborrow_u64(c, a.limb(3), b.limb(3), &r3);
  return uint256::FromLimbs(r0, r1, r2, r3);
#else
  return a - b;
#endif
}

// out = a + b and out = a - b modulo 2^256, stored limb by limb; out may be a or b. The carry
// chain is written in assembly: with the intrinsics, GCC keeps each limb's result in a stack slot
// before storing it, doubling the instruction's work.
inline void AddTo(uint256& out, const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  uint64_t r0 = a.limb(0), r1 = a.limb(1), r2 = a.limb(2), r3 = a.limb(3);
  asm("addq %[b0], %[r0]\n\t"
      "adcq %[b1], %[r1]\n\t"
      "adcq %[b2], %[r2]\n\t"
      "adcq %[b3], %[r3]"
      : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3)
      : [b0] "rm"(b.limb(0)), [b1] "rm"(b.limb(1)), [b2] "rm"(b.limb(2)), [b3] "rm"(b.limb(3))
      : "cc");
  std::array<uint64_t, 4>& r = out.mutable_limbs();
  r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
#else
  out = a + b;
#endif
}

inline void SubTo(uint256& out, const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  uint64_t r0 = a.limb(0), r1 = a.limb(1), r2 = a.limb(2), r3 = a.limb(3);
  asm("subq %[b0], %[r0]\n\t"
      "sbbq %[b1], %[r1]\n\t"
      "sbbq %[b2], %[r2]\n\t"
      "sbbq %[b3], %[r3]"
      : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3)
      : [b0] "rm"(b.limb(0)), [b1] "rm"(b.limb(1)), [b2] "rm"(b.limb(2)), [b3] "rm"(b.limb(3))
      : "cc");
  std::array<uint64_t, 4>& r = out.mutable_limbs();
  r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
#else
  out = a - b;
#endif
}

// out = a * m modulo 2^256 for a 64-bit m: one row of four multiplications instead of the ten of
// a full product. Compiled contracts often multiply by such factors (scales, powers of two used as
// shifts). out may be a.
inline void MulBy64(uint256& out, const uint256& a, uint64_t m) noexcept {
  using Uint128 = uint256_internal::Uint128;
  const Uint128 p0 = Uint128{a.limb(0)} * m;
  const Uint128 p1 = Uint128{a.limb(1)} * m + static_cast<uint64_t>(p0 >> 64);
  const Uint128 p2 = Uint128{a.limb(2)} * m + static_cast<uint64_t>(p1 >> 64);
  const uint64_t r3 = a.limb(3) * m + static_cast<uint64_t>(p2 >> 64);
  std::array<uint64_t, 4>& r = out.mutable_limbs();
  r[0] = static_cast<uint64_t>(p0);
  r[1] = static_cast<uint64_t>(p1);
  r[2] = static_cast<uint64_t>(p2);
  r[3] = r3;
}

// out = a * b modulo 2^256: the ten partial products of the truncated schoolbook product, row by
// row, kept in registers. The generic operator builds its result in a stack temporary and copies
// it out with vector moves, which also stalls the next instruction's loads (see CopyWord).
inline void MulTo(uint256& out, const uint256& a, const uint256& b) noexcept {
  using Uint128 = uint256_internal::Uint128;
  const uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);
  const uint64_t b0 = b.limb(0), b1 = b.limb(1), b2 = b.limb(2), b3 = b.limb(3);
  // Row b0: a * b0 over all four limbs (the top one truncated).
  Uint128 t = Uint128{a0} * b0;
  const uint64_t r0 = static_cast<uint64_t>(t);
  t = Uint128{a1} * b0 + static_cast<uint64_t>(t >> 64);
  uint64_t r1 = static_cast<uint64_t>(t);
  t = Uint128{a2} * b0 + static_cast<uint64_t>(t >> 64);
  uint64_t r2 = static_cast<uint64_t>(t);
  uint64_t r3 = a3 * b0 + static_cast<uint64_t>(t >> 64);
  // Row b1, shifted one limb: each step is at most (2^64-1)^2 + 2 (2^64-1), within 128 bits.
  t = Uint128{a0} * b1 + r1;
  r1 = static_cast<uint64_t>(t);
  t = Uint128{a1} * b1 + r2 + static_cast<uint64_t>(t >> 64);
  r2 = static_cast<uint64_t>(t);
  r3 += a2 * b1 + static_cast<uint64_t>(t >> 64);
  // Row b2, shifted two limbs.
  t = Uint128{a0} * b2 + r2;
  r2 = static_cast<uint64_t>(t);
  r3 += a1 * b2 + static_cast<uint64_t>(t >> 64);
  // Row b3 reaches only the top limb.
  r3 += a0 * b3;
  std::array<uint64_t, 4>& r = out.mutable_limbs();
  r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
}

// out = a & b, a | b, a ^ b and ~a, computed in general registers (see CopyWord): the operands
// were mostly written by 8-byte stores, which 16-byte vector loads cannot take forwarded.
#define THETA_EVM_BITWISE_TO(name, op)                                                        \
  inline void name(uint256& out, const uint256& a, const uint256& b) noexcept {               \
    uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);                  \
    uint64_t b0 = b.limb(0), b1 = b.limb(1), b2 = b.limb(2), b3 = b.limb(3);                  \
    asm("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3)); \
    std::array<uint64_t, 4>& r = out.mutable_limbs();                                         \
    r[0] = a0 op b0, r[1] = a1 op b1, r[2] = a2 op b2, r[3] = a3 op b3;                       \
  }
THETA_EVM_BITWISE_TO(AndTo, &)
THETA_EVM_BITWISE_TO(OrTo, |)
THETA_EVM_BITWISE_TO(XorTo, ^)
#undef THETA_EVM_BITWISE_TO

inline void NotTo(uint256& out, const uint256& a) noexcept {
  uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);
  asm("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3));
  std::array<uint64_t, 4>& r = out.mutable_limbs();
  r[0] = ~a0, r[1] = ~a1, r[2] = ~a2, r[3] = ~a3;
}

// a < b, unsigned: the borrow out of a - b (only the flags are kept; the intrinsics' differences
// would each cost GCC a dead store).
[[nodiscard]] inline bool Lt(const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  uint64_t d1 = a.limb(1), d2 = a.limb(2), d3 = a.limb(3);
  bool borrow;
  asm("cmpq %[b0], %[a0]\n\t"
      "sbbq %[b1], %[d1]\n\t"
      "sbbq %[b2], %[d2]\n\t"
      "sbbq %[b3], %[d3]"
      : [d1] "+&r"(d1), [d2] "+&r"(d2), [d3] "+&r"(d3), "=@ccb"(borrow)
      : [a0] "r"(a.limb(0)), [b0] "rm"(b.limb(0)), [b1] "rm"(b.limb(1)), [b2] "rm"(b.limb(2)),
        [b3] "rm"(b.limb(3)));
  return borrow;
#else
  return a < b;
#endif
}

[[nodiscard]] inline bool Eq(const uint256& a, const uint256& b) noexcept {
  return ((a.limb(0) ^ b.limb(0)) | (a.limb(1) ^ b.limb(1)) | (a.limb(2) ^ b.limb(2)) |
          (a.limb(3) ^ b.limb(3))) == 0;
}

// a < b with both read as two's complement: flipping the sign bits maps signed order onto unsigned.
[[nodiscard]] inline bool SignedLt(const uint256& a, const uint256& b) noexcept {
  constexpr uint64_t kSign = uint64_t{1} << 63;
  return Lt(uint256::FromLimbs(a.limb(0), a.limb(1), a.limb(2), a.limb(3) ^ kSign),
            uint256::FromLimbs(b.limb(0), b.limb(1), b.limb(2), b.limb(3) ^ kSign));
}

// (a * b) mod (2^256 - 1), the MULMOD by not(0) with which Uniswap's FullMath (and code derived
// from it) takes the high half of a 512-bit product. Since 2^256 = 1 modulo 2^256 - 1, the product
// hi * 2^256 + lo reduces to hi + lo with the carry out added back in (the sum then stays at most
// 2^256 - 1), and 2^256 - 1 itself is 0: a few additions instead of a 512-by-256-bit division.
// Out of line: inlined into the dispatch loop, its registers pushed others of the loop onto the
// stack.
[[nodiscard, gnu::noinline]] inline uint256 MulModAllOnes(const uint256& a,
                                                          const uint256& b) noexcept {
  using Uint128 = uint256_internal::Uint128;
  const uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);
  // acc = low half of x * y + acc + carry, carry = its high half (never above 2^128 - 1).
  auto step = [](uint64_t x, uint64_t y, uint64_t& acc, uint64_t& carry) {
    const Uint128 t = Uint128{x} * y + acc + carry;
    acc = static_cast<uint64_t>(t);
    carry = static_cast<uint64_t>(t >> 64);
  };
  uint64_t p[8] = {};
  // One row per limb of b, the 512-bit product accumulated in p: straight-line scalar code.
  auto row = [&](uint64_t bj, uint64_t& q0, uint64_t& q1, uint64_t& q2, uint64_t& q3,
                 uint64_t& q4) {
    uint64_t carry = 0;
    step(a0, bj, q0, carry);
    step(a1, bj, q1, carry);
    step(a2, bj, q2, carry);
    step(a3, bj, q3, carry);
    q4 = carry;
  };
  row(b.limb(0), p[0], p[1], p[2], p[3], p[4]);
  row(b.limb(1), p[1], p[2], p[3], p[4], p[5]);
  row(b.limb(2), p[2], p[3], p[4], p[5], p[6]);
  row(b.limb(3), p[3], p[4], p[5], p[6], p[7]);
  const uint256 lo = uint256::FromLimbs(p[0], p[1], p[2], p[3]);
  const uint256 hi = uint256::FromLimbs(p[4], p[5], p[6], p[7]);
  uint256 sum = Add(lo, hi);
  if (Lt(sum, lo)) sum = Add(sum, 1);  // the carry out: 2^256 = 1
  return Eq(sum, uint256::Max()) ? uint256{} : sum;
}

// SDIV and SMOD: the signed operands' magnitudes are taken in general registers, and a divisor
// and dividend that fit in 64 bits divide there. uint256's Sdiv and Smod build the magnitudes in
// stack temporaries and copy them with vector moves, whose loads wait on the scalar stores just
// made (see CopyWord); fixed-point contracts (snailtracer) divide signed values all the time.
namespace signed_division {

// x = -x modulo 2^256 when `negate`, limb by limb.
inline void NegateIf(bool negate, uint64_t& l0, uint64_t& l1, uint64_t& l2, uint64_t& l3) noexcept {
  if (!negate) return;
  l0 = ~l0, l1 = ~l1, l2 = ~l2, l3 = ~l3;
  const uint64_t c0 = ++l0 == 0;
  l1 += c0;
  const uint64_t c1 = c0 & (l1 == 0);
  l2 += c1;
  l3 += c1 & (l2 == 0);
}

// |a| / |b| or |a| mod |b| beyond 64 bits: out of line, the rare case.
[[gnu::noinline]] inline uint256 WideDivMod(const uint256& a, const uint256& b,
                                            bool remainder) noexcept {
  const DivModResult r = DivMod(a, b);
  return remainder ? r.remainder : r.quotient;
}

// out = a SDIV b (remainder false) or a SMOD b (remainder true); out may alias a or b.
inline void SignedDivTo(uint256& out, const uint256& a, const uint256& b, bool remainder) noexcept {
  uint64_t a0 = a.limb(0), a1 = a.limb(1), a2 = a.limb(2), a3 = a.limb(3);
  uint64_t b0 = b.limb(0), b1 = b.limb(1), b2 = b.limb(2), b3 = b.limb(3);
  const bool a_negative = (a3 >> 63) != 0;
  const bool b_negative = (b3 >> 63) != 0;
  NegateIf(a_negative, a0, a1, a2, a3);
  NegateIf(b_negative, b0, b1, b2, b3);
  // The quotient is negative when the signs differ, the remainder takes the dividend's sign.
  const bool negative = remainder ? a_negative : a_negative != b_negative;
  uint64_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  if ((a1 | a2 | a3 | b1 | b2 | b3) == 0) {
    if (b0 != 0) r0 = remainder ? a0 % b0 : a0 / b0;
  } else {
    const uint256 r = WideDivMod(uint256::FromLimbs(a0, a1, a2, a3),
                                 uint256::FromLimbs(b0, b1, b2, b3), remainder);
    r0 = r.limb(0), r1 = r.limb(1), r2 = r.limb(2), r3 = r.limb(3);
  }
  NegateIf(negative, r0, r1, r2, r3);
  std::array<uint64_t, 4>& d = out.mutable_limbs();
  d[0] = r0, d[1] = r1, d[2] = r2, d[3] = r3;
}

}  // namespace signed_division

using signed_division::SignedDivTo;

// x = SIGNEXTEND(b, x) in place: byte b of x (0 = least significant) is the sign byte, and its
// sign fills the bytes above it; x is unchanged when b >= 31. Works on the limbs where they lie,
// with scalar loads and stores (uint256's SignExtend builds masks in stack temporaries).
inline void SignExtendInPlace(uint256& x, const uint256& b) noexcept {
  if (!b.FitsUint64() || b.limb(0) >= 31) return;
  const uint64_t e = b.limb(0);
  const size_t word = e / 8;           // the limb holding the sign byte
  const unsigned shift = (e % 8) * 8;  // the sign byte's offset in it
  std::array<uint64_t, 4>& l = x.mutable_limbs();
  const uint64_t byte = l[word] >> shift;
  const uint64_t extended = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(byte)));
  const uint64_t keep = ~(~uint64_t{0} << shift);  // the bits below the sign byte
  l[word] = (l[word] & keep) | (extended << shift);
  const uint64_t fill = static_cast<uint64_t>(static_cast<int64_t>(extended) >> 63);
  for (size_t i = word + 1; i < 4; ++i)
    l[i] = fill;
}

// x << count (EVM SHL); 0 when count >= 256. Whole limbs move first, then the bits within them.
[[nodiscard]] inline uint256 Shl(const uint256& x, const uint256& count) noexcept {
  if (!count.FitsUint64() || count.limb(0) >= 256) return {};
  const uint64_t n = count.limb(0);
  uint64_t l0 = x.limb(0), l1 = x.limb(1), l2 = x.limb(2), l3 = x.limb(3);
  switch (n / 64) {
    case 0:
      break;
    case 1:
      l3 = l2, l2 = l1, l1 = l0, l0 = 0;
      break;
    case 2:
      l3 = l1, l2 = l0, l1 = 0, l0 = 0;
      break;
    default:
      l3 = l0, l2 = 0, l1 = 0, l0 = 0;
      break;
  }
  if (const unsigned b = n % 64; b != 0) {
    l3 = (l3 << b) | (l2 >> (64 - b));
    l2 = (l2 << b) | (l1 >> (64 - b));
    l1 = (l1 << b) | (l0 >> (64 - b));
    l0 <<= b;
  }
  return uint256::FromLimbs(l0, l1, l2, l3);
}

// x >> count, logical (EVM SHR); 0 when count >= 256.
[[nodiscard]] inline uint256 Shr(const uint256& x, const uint256& count) noexcept {
  if (!count.FitsUint64() || count.limb(0) >= 256) return {};
  const uint64_t n = count.limb(0);
  uint64_t l0 = x.limb(0), l1 = x.limb(1), l2 = x.limb(2), l3 = x.limb(3);
  switch (n / 64) {
    case 0:
      break;
    case 1:
      l0 = l1, l1 = l2, l2 = l3, l3 = 0;
      break;
    case 2:
      l0 = l2, l1 = l3, l2 = 0, l3 = 0;
      break;
    default:
      l0 = l3, l1 = 0, l2 = 0, l3 = 0;
      break;
  }
  if (const unsigned b = n % 64; b != 0) {
    l0 = (l0 >> b) | (l1 << (64 - b));
    l1 = (l1 >> b) | (l2 << (64 - b));
    l2 = (l2 >> b) | (l3 << (64 - b));
    l3 >>= b;
  }
  return uint256::FromLimbs(l0, l1, l2, l3);
}

// x >> count, arithmetic (EVM SAR): a negative x shifts in ones, so a count >= 256 gives -1.
[[nodiscard]] inline uint256 Sar(const uint256& x, const uint256& count) noexcept {
  if (!x.IsNegative()) return Shr(x, count);
  return ~Shr(~x, count);
}

}  // namespace theta::evm::internal
