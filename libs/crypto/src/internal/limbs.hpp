// Multi-limb integer helpers under the prime fields (fp.hpp): limb arrays, compile-time hex
// parsing, the add-with-carry chain steps, and plain-number arithmetic for constants and exponents.
// Constant time where the field code relies on it (the carry steps); the `limbs` namespace's
// comparisons are for public numbers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace theta::crypto::internal {

__extension__ typedef unsigned __int128 u128;

// Forces inlining of the small field operations (add, sub, neg, halve and their carry chains): GCC
// otherwise keeps them out of line, and the call overhead then dominates the tower arithmetic.
#define THETA_CRYPTO_INLINE [[gnu::always_inline]] inline  // GCC and clang both have it

template <size_t N>
using Limbs = std::array<uint64_t, N>;

// Parses big-endian hex digits (no prefix) into little-endian limbs at compile time; a digit that
// is not hex or a number too long for N limbs makes the constant expression ill-formed.
template <size_t N>
constexpr Limbs<N> HexLimbs(std::string_view hex) {
  Limbs<N> out{};
  size_t bit = 0;
  for (size_t i = hex.size(); i-- > 0;) {
    const char c = hex[i];
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      throw "HexLimbs: not a hex digit";
    }
    if (bit / 64 >= N) throw "HexLimbs: number too long";
    out[bit / 64] |= digit << (bit % 64);
    bit += 4;
  }
  return out;
}

// One step of a carry chain: *out = a + b + carry_in, returns the carry out (0 or 1). At run time
// on x86-64 this is the adc intrinsic, so a chain of them compiles to one add/adc sequence (GCC
// does not see that through unsigned __int128 arithmetic); in constant evaluation it is plain
// arithmetic.
THETA_CRYPTO_INLINE constexpr uint64_t AddCarry(uint64_t a, uint64_t b, uint64_t carry_in,
                                                uint64_t* out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r;
    const uint64_t c = _addcarry_u64(static_cast<unsigned char>(carry_in), a, b, &r);
    *out = r;
    return c;
  }
#endif
  const u128 t = static_cast<u128>(a) + b + carry_in;
  *out = static_cast<uint64_t>(t);
  return static_cast<uint64_t>(t >> 64);
}

// *out = a − b − borrow_in, returns the borrow out (0 or 1).
THETA_CRYPTO_INLINE constexpr uint64_t SubBorrow(uint64_t a, uint64_t b, uint64_t borrow_in,
                                                 uint64_t* out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r;
    const uint64_t c = _subborrow_u64(static_cast<unsigned char>(borrow_in), a, b, &r);
    *out = r;
    return c;
  }
#endif
  const u128 t = static_cast<u128>(a) - b - borrow_in;
  *out = static_cast<uint64_t>(t);
  return static_cast<uint64_t>(t >> 64) & 1;
}

// a && b without a branch (both are already computed; && might compile to a jump).
constexpr bool And(bool a, bool b) {
  return (static_cast<unsigned>(a) & static_cast<unsigned>(b)) != 0;
}

// Limb helpers over plain numbers, used for the compile-time constants and exponents.
namespace limbs {

template <size_t N>
constexpr bool GreaterOrEqual(const Limbs<N>& a, const Limbs<N>& b) {
  for (size_t i = N; i-- > 0;) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

// a − b mod 2^(64N); returns the borrow.
template <size_t N>
THETA_CRYPTO_INLINE constexpr uint64_t Sub(Limbs<N>& a, const Limbs<N>& b) {
  uint64_t borrow = 0;
  for (size_t i = 0; i < N; ++i)
    borrow = SubBorrow(a[i], b[i], borrow, &a[i]);
  return borrow;
}

template <size_t N>
constexpr Limbs<N> AddSmall(Limbs<N> a, uint64_t small) {
  for (size_t i = 0; i < N && small != 0; ++i) {
    a[i] += small;
    small = a[i] < small ? 1 : 0;
  }
  return a;
}

template <size_t N>
constexpr Limbs<N> SubSmall(Limbs<N> a, uint64_t small) {
  for (size_t i = 0; i < N && small != 0; ++i) {
    const uint64_t before = a[i];
    a[i] -= small;
    small = before < small ? 1 : 0;
  }
  return a;
}

// a·k mod 2^(64N) for a small k (the caller knows it does not overflow).
template <size_t N>
constexpr Limbs<N> MulSmall(const Limbs<N>& a, uint64_t k) {
  Limbs<N> out{};
  u128 carry = 0;
  for (size_t i = 0; i < N; ++i) {
    const u128 t = static_cast<u128>(a[i]) * k + carry;
    out[i] = static_cast<uint64_t>(t);
    carry = t >> 64;
  }
  return out;
}

// a / d for a small divisor d; the remainder is dropped.
template <size_t N>
constexpr Limbs<N> DivSmall(const Limbs<N>& a, uint64_t d) {
  Limbs<N> q{};
  u128 rem = 0;
  for (size_t i = N; i-- > 0;) {
    const u128 cur = (rem << 64) | a[i];
    q[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  return q;
}

template <size_t N>
constexpr uint64_t ModSmall(const Limbs<N>& a, uint64_t d) {
  u128 rem = 0;
  for (size_t i = N; i-- > 0;)
    rem = ((rem << 64) | a[i]) % d;
  return static_cast<uint64_t>(rem);
}

// 2a mod m for a < m < 2^(64N).
template <size_t N>
constexpr Limbs<N> DoubleMod(const Limbs<N>& a, const Limbs<N>& m) {
  Limbs<N> r{};
  const uint64_t top = a[N - 1] >> 63;
  for (size_t i = N; i-- > 0;)
    r[i] = (a[i] << 1) | (i > 0 ? a[i - 1] >> 63 : 0);
  if (top != 0 || GreaterOrEqual(r, m)) Sub(r, m);
  return r;
}

template <size_t N>
constexpr size_t BitLength(const Limbs<N>& a) {
  for (size_t i = N; i-- > 0;) {
    if (a[i] != 0) return 64 * i + 64 - static_cast<size_t>(__builtin_clzll(a[i]));
  }
  return 0;
}

template <size_t N>
constexpr bool Bit(const Limbs<N>& a, size_t i) {
  return ((a[i / 64] >> (i % 64)) & 1) != 0;
}

}  // namespace limbs

}  // namespace theta::crypto::internal
