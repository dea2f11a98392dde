// The interpreter's hottest word operations, written for the code the compiler emits.
//
// theta::uint256's portable operators are correct everywhere but GCC turns their carry loops into
// setc/movzx chains, its defaulted == into a memcmp call and its variable shifts into loops with
// a runtime trip count. These versions give the same results (the unit tests compare them with the
// uint256 operators on random and edge values) with add/adc, sub/sbb and straight-line shifts.
// Values in, value out; no state. Private to theta-evm.
#pragma once

#include <cstdint>

#include "theta/core/uint256.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace theta::evm::internal {

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

// a < b, unsigned: the borrow out of a - b.
[[nodiscard]] inline bool Lt(const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
  unsigned long long r;  // NOLINT(google-runtime-int)
  unsigned char c = _subborrow_u64(0, a.limb(0), b.limb(0), &r);
  c = _subborrow_u64(c, a.limb(1), b.limb(1), &r);
  c = _subborrow_u64(c, a.limb(2), b.limb(2), &r);
  c = _subborrow_u64(c, a.limb(3), b.limb(3), &r);
  return c != 0;
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
