// 256-bit unsigned integers: the EVM word.
//
// A uint256 is a plain value of four 64-bit limbs, least significant first (limb(0) holds bits
// 0..63). Every bit pattern is a valid value, so there is no invariant beyond that: the type is
// trivially copyable, never allocates and never throws. Arithmetic wraps modulo 2^256 like the
// EVM's ADD, SUB, MUL and EXP. Division and remainder by zero yield 0, as the Yellow Paper defines
// DIV, MOD, SDIV, SMOD, ADDMOD and MULMOD, instead of trapping; a caller that must reject a zero
// divisor checks first. The signed operations (Sdiv, Smod, Slt, Sgt, Sar, SignExtend) read the same
// bits as two's complement. A uint256 is a value: distinct objects may be used from any threads;
// one object that is written needs outside synchronization, like an int.
//
// Hot operations (add, sub, mul, compare, shifts, division by a 64-bit divisor) are inline here;
// the general division, the modular operations, Exp and the text forms live in uint256.cpp.
//
// Outside forms: FromBigEndian / ToBigEndian (32-byte words; ToBigEndianTrimmed is RLP's minimal
// integer), FromHex / ToHex (JSON-RPC quantities) and FromDecimal / ToDecimal (amounts). The
// parsers return InvalidArgument whose message names the input and the broken rule; they never
// abort.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <compare>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

namespace uint256_internal {
__extension__ typedef unsigned __int128 Uint128;  // NOLINT: the compiler's 64x64->128 product
}  // namespace uint256_internal

class uint256 {  // NOLINT(readability-identifier-naming): lower case like absl::uint128
 public:
  // Zero.
  constexpr uint256() noexcept = default;
  // Implicit on purpose: every uint64_t is a uint256, and EVM code mixes the two freely.
  constexpr uint256(uint64_t value) noexcept : limbs_{value, 0, 0, 0} {}  // NOLINT

  // The value l0 + l1*2^64 + l2*2^128 + l3*2^192.
  static constexpr uint256 FromLimbs(uint64_t l0, uint64_t l1, uint64_t l2, uint64_t l3) noexcept {
    uint256 r;
    r.limbs_ = {l0, l1, l2, l3};
    return r;
  }
  // 2^256 - 1 (all bits set; -1 as a signed word).
  static constexpr uint256 Max() noexcept { return FromLimbs(~0ULL, ~0ULL, ~0ULL, ~0ULL); }

  // --- Byte and text forms -------------------------------------------------------------------

  // Reads up to 32 big-endian bytes (fewer are left-padded with zeros, as PUSHn and CALLDATALOAD
  // do). More than 32 bytes is InvalidArgument. The empty view is 0.
  static absl::StatusOr<uint256> FromBigEndian(ByteView bytes);
  // Like FromBigEndian, for callers that already bounded the length (the interpreter's PUSH).
  // Precondition: bytes.size() <= 32 (asserted in debug builds).
  static uint256 LoadBigEndian(ByteView bytes) noexcept;
  // Reads a 32-byte big-endian word (a storage slot or key). Cannot fail.
  static uint256 FromWord(const Hash32& word) noexcept;
  // The 32-byte big-endian form (MSTORE, SSTORE, hashing).
  [[nodiscard]] Hash32 ToBigEndian() const noexcept;
  // The shortest big-endian form: no leading zero bytes, and 0 is the empty string. This is the
  // payload of an RLP-encoded integer.
  [[nodiscard]] Bytes ToBigEndianTrimmed() const;

  // Parses "0x" followed by 1 to 64 hex digits of either case; leading zeros are allowed
  // ("0x00ff"). InvalidArgument on a missing prefix, no digits, more than 64 digits or a non-hex
  // character (the message gives its position).
  static absl::StatusOr<uint256> FromHex(std::string_view text);
  // Like FromHex, but also rejects leading zeros ("0x0" is the only form of 0): the strict
  // JSON-RPC QUANTITY encoding.
  static absl::StatusOr<uint256> FromHexQuantity(std::string_view text);
  // The JSON-RPC QUANTITY form: "0x", then lower-case digits without leading zeros ("0x0", "0x1a").
  [[nodiscard]] std::string ToHex() const;

  // Parses decimal digits only (no sign, space or separator); leading zeros are allowed.
  // InvalidArgument when empty, on a non-digit (with its position) or when above 2^256 - 1.
  static absl::StatusOr<uint256> FromDecimal(std::string_view text);
  // Decimal digits without leading zeros ("0" for zero).
  [[nodiscard]] std::string ToDecimal() const;

  // --- Limbs and predicates ------------------------------------------------------------------

  // Limb i (0 = least significant). Precondition: i < 4.
  [[nodiscard]] constexpr uint64_t limb(size_t i) const noexcept { return limbs_[i]; }
  [[nodiscard]] constexpr const std::array<uint64_t, 4>& limbs() const noexcept { return limbs_; }
  // The limbs for writing in place: a hot loop that stores a result limb by limb into an existing
  // word (the EVM interpreter's stack) avoids building a temporary and copying it.
  [[nodiscard]] constexpr std::array<uint64_t, 4>& mutable_limbs() noexcept { return limbs_; }
  [[nodiscard]] constexpr bool IsZero() const noexcept {
    return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0;
  }
  // Whether the value is below 2^64 (then limb(0) is the whole value).
  [[nodiscard]] constexpr bool FitsUint64() const noexcept {
    return (limbs_[1] | limbs_[2] | limbs_[3]) == 0;
  }
  // Bit 255: the sign of the value read as two's complement.
  [[nodiscard]] constexpr bool IsNegative() const noexcept { return (limbs_[3] >> 63) != 0; }
  constexpr explicit operator bool() const noexcept { return !IsZero(); }

  // --- Arithmetic (wrapping modulo 2^256) ----------------------------------------------------

  [[nodiscard]] friend constexpr uint256 operator+(const uint256& a, const uint256& b) noexcept {
    uint256 r;
    bool carry = false;
    for (size_t i = 0; i < 4; ++i)
      r.limbs_[i] = AddWithCarry(a.limbs_[i], b.limbs_[i], carry);
    return r;
  }
  [[nodiscard]] friend constexpr uint256 operator-(const uint256& a, const uint256& b) noexcept {
    uint256 r;
    bool borrow = false;
    for (size_t i = 0; i < 4; ++i)
      r.limbs_[i] = SubWithBorrow(a.limbs_[i], b.limbs_[i], borrow);
    return r;
  }
  [[nodiscard]] friend constexpr uint256 operator-(const uint256& a) noexcept {
    return uint256{} - a;
  }

  // Schoolbook product truncated to 256 bits: the six partial products that reach limb 3 from
  // below need their high halves, the four that land on limb 3 need only their low halves.
  [[nodiscard]] friend constexpr uint256 operator*(const uint256& a, const uint256& b) noexcept {
    using uint256_internal::Uint128;
    uint256 r;
    for (size_t j = 0; j < 4; ++j) {
      uint64_t carry = 0;
      for (size_t i = 0; i + j < 3; ++i) {
        const Uint128 t = Uint128{a.limbs_[i]} * b.limbs_[j] + r.limbs_[i + j] + carry;
        r.limbs_[i + j] = static_cast<uint64_t>(t);
        carry = static_cast<uint64_t>(t >> 64);
      }
      r.limbs_[3] += a.limbs_[3 - j] * b.limbs_[j] + carry;
    }
    return r;
  }

  // operator/ and operator% follow the class: they need the division helpers.

  // --- Bitwise and shifts --------------------------------------------------------------------

  [[nodiscard]] friend constexpr uint256 operator&(const uint256& a, const uint256& b) noexcept {
    return FromLimbs(a.limbs_[0] & b.limbs_[0], a.limbs_[1] & b.limbs_[1],
                     a.limbs_[2] & b.limbs_[2], a.limbs_[3] & b.limbs_[3]);
  }
  [[nodiscard]] friend constexpr uint256 operator|(const uint256& a, const uint256& b) noexcept {
    return FromLimbs(a.limbs_[0] | b.limbs_[0], a.limbs_[1] | b.limbs_[1],
                     a.limbs_[2] | b.limbs_[2], a.limbs_[3] | b.limbs_[3]);
  }
  [[nodiscard]] friend constexpr uint256 operator^(const uint256& a, const uint256& b) noexcept {
    return FromLimbs(a.limbs_[0] ^ b.limbs_[0], a.limbs_[1] ^ b.limbs_[1],
                     a.limbs_[2] ^ b.limbs_[2], a.limbs_[3] ^ b.limbs_[3]);
  }
  [[nodiscard]] friend constexpr uint256 operator~(const uint256& a) noexcept {
    return FromLimbs(~a.limbs_[0], ~a.limbs_[1], ~a.limbs_[2], ~a.limbs_[3]);
  }

  // Logical shifts; a count of 256 or more gives 0 (EVM SHL and SHR).
  [[nodiscard]] friend constexpr uint256 operator<<(const uint256& a, uint64_t n) noexcept {
    if (n >= 256) return {};
    const size_t words = n / 64;
    const unsigned bits = n % 64;
    uint256 r;
    for (size_t i = words; i < 4; ++i) {
      const uint64_t lower = i > words ? a.limbs_[i - words - 1] : 0;
      // (x >> 1) >> (63 - bits) is x >> (64 - bits) without the undefined shift by 64 when bits is
      // 0.
      r.limbs_[i] = (a.limbs_[i - words] << bits) | ((lower >> 1) >> (63 - bits));
    }
    return r;
  }
  [[nodiscard]] friend constexpr uint256 operator>>(const uint256& a, uint64_t n) noexcept {
    if (n >= 256) return {};
    const size_t words = n / 64;
    const unsigned bits = n % 64;
    uint256 r;
    for (size_t i = 0; i + words < 4; ++i) {
      const uint64_t upper = i + words + 1 < 4 ? a.limbs_[i + words + 1] : 0;
      r.limbs_[i] = (a.limbs_[i + words] >> bits) | ((upper << 1) << (63 - bits));
    }
    return r;
  }
  [[nodiscard]] friend constexpr uint256 operator<<(const uint256& a, const uint256& n) noexcept {
    return n.FitsUint64() ? a << n.limbs_[0] : uint256{};
  }
  [[nodiscard]] friend constexpr uint256 operator>>(const uint256& a, const uint256& n) noexcept {
    return n.FitsUint64() ? a >> n.limbs_[0] : uint256{};
  }

  // --- Comparison ----------------------------------------------------------------------------

  friend constexpr bool operator==(const uint256&, const uint256&) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(const uint256& a, const uint256& b) noexcept {
    for (size_t i = 4; i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) {
        return a.limbs_[i] < b.limbs_[i] ? std::strong_ordering::less
                                         : std::strong_ordering::greater;
      }
    }
    return std::strong_ordering::equal;
  }

  // --- Compound assignment -------------------------------------------------------------------

  constexpr uint256& operator+=(const uint256& b) noexcept { return *this = *this + b; }
  constexpr uint256& operator-=(const uint256& b) noexcept { return *this = *this - b; }
  constexpr uint256& operator*=(const uint256& b) noexcept { return *this = *this * b; }
  uint256& operator/=(const uint256& b) noexcept;  // defined below with operator/
  uint256& operator%=(const uint256& b) noexcept;
  constexpr uint256& operator&=(const uint256& b) noexcept { return *this = *this & b; }
  constexpr uint256& operator|=(const uint256& b) noexcept { return *this = *this | b; }
  constexpr uint256& operator^=(const uint256& b) noexcept { return *this = *this ^ b; }
  constexpr uint256& operator<<=(uint64_t n) noexcept { return *this = *this << n; }
  constexpr uint256& operator>>=(uint64_t n) noexcept { return *this = *this >> n; }

  template <typename H>
  friend H AbslHashValue(H h, const uint256& v) {
    return H::combine(std::move(h), v.limbs_[0], v.limbs_[1], v.limbs_[2], v.limbs_[3]);
  }

 private:
  // a + b + carry; carry becomes the carry out. Written so that compilers emit add/adc.
  static constexpr uint64_t AddWithCarry(uint64_t a, uint64_t b, bool& carry) noexcept {
    const uint64_t s = a + b;
    const uint64_t t = s + static_cast<uint64_t>(carry);
    carry = (s < a) | (t < s);
    return t;
  }
  // a - b - borrow; borrow becomes the borrow out.
  static constexpr uint64_t SubWithBorrow(uint64_t a, uint64_t b, bool& borrow) noexcept {
    const uint64_t d = a - b;
    const uint64_t t = d - static_cast<uint64_t>(borrow);
    borrow = (a < b) | (d < static_cast<uint64_t>(borrow));
    return t;
  }

  std::array<uint64_t, 4> limbs_{};
};

static_assert(sizeof(uint256) == 32);
static_assert(std::is_trivially_copyable_v<uint256>);

// Quotient and remainder of one division.
struct DivModResult {
  uint256 quotient;
  uint256 remainder;
};

// Prints the hex quantity form (for test failure messages and logs).
std::ostream& operator<<(std::ostream& os, const uint256& value);

namespace uint256_internal {

// Knuth's algorithm D for a divisor of two or more limbs (uint256.cpp). Kept out of line on
// purpose: it is large, and inlining it into every DIV site would crowd the interpreter's hot loop.
DivModResult DivModMultiLimb(const uint256& u, const uint256& v) noexcept;

// floor((2^128 - 1) / d) - 2^64 for a normalized d (top bit set): the reciprocal of Möller and
// Granlund, "Improved division by invariant integers" (IEEE Trans. Computers, 2011).
inline uint64_t Reciprocal(uint64_t d) noexcept {
  assert(d >> 63);
#if defined(__x86_64__)
  // One hardware divide: (~d * 2^64 + 2^64 - 1) / d, whose quotient fits because ~d < d.
  uint64_t q;
  uint64_t r;
  asm("divq %[d]" : "=a"(q), "=d"(r) : "a"(~0ULL), "d"(~d), [d] "r"(d));
  return q;
#else
  return static_cast<uint64_t>(~(Uint128{d} << 64) / d);
#endif
}

// Divides the two-limb (hi, lo) by the normalized d with its reciprocal v (Möller-Granlund
// algorithm 4): two multiplications instead of a hardware divide. Precondition: hi < d.
// Returns the quotient; `rem` receives the remainder.
inline uint64_t DivRem2By1(uint64_t hi, uint64_t lo, uint64_t d, uint64_t v,
                           uint64_t& rem) noexcept {
  Uint128 q = Uint128{v} * hi;
  q += (Uint128{hi} << 64) | lo;
  uint64_t q1 = static_cast<uint64_t>(q >> 64) + 1;
  const uint64_t q0 = static_cast<uint64_t>(q);
  uint64_t r = lo - q1 * d;
  if (r > q0) {
    --q1;
    r += d;
  }
  if (r >= d) [[unlikely]] {
    ++q1;
    r -= d;
  }
  rem = r;
  return q1;
}

// Divides the `n` limbs of u (least significant first) by a non-zero 64-bit d, writing n quotient
// limbs to q (which may alias u). Returns the remainder.
inline uint64_t DivRemBy64(const uint64_t* u, size_t n, uint64_t d, uint64_t* q) noexcept {
  const int shift = std::countl_zero(d);
  const uint64_t dn = d << shift;
  const uint64_t v = Reciprocal(dn);
  // The dividend is normalized on the fly: limb i contributes its bits shifted left by `shift`.
  uint64_t r = (u[n - 1] >> 1) >> (63 - shift);
  for (size_t i = n; i-- > 0;) {
    const uint64_t below = i > 0 ? u[i - 1] : 0;
    const uint64_t lo = (u[i] << shift) | ((below >> 1) >> (63 - shift));
    q[i] = DivRem2By1(r, lo, dn, v, r);
  }
  return r >> shift;
}

}  // namespace uint256_internal

// Quotient and remainder in one pass; both 0 when b is 0.
[[nodiscard]] inline DivModResult DivMod(const uint256& a, const uint256& b) noexcept {
  if (b.FitsUint64()) [[likely]] {
    const uint64_t d = b.limb(0);
    if (d == 0) return {};
    if (a.FitsUint64()) return {a.limb(0) / d, a.limb(0) % d};
    std::array<uint64_t, 4> q = a.limbs();
    const uint64_t r = uint256_internal::DivRemBy64(q.data(), 4, d, q.data());
    return {uint256::FromLimbs(q[0], q[1], q[2], q[3]), r};
  }
  if (a < b) return {0, a};
  return uint256_internal::DivModMultiLimb(a, b);
}

// Unsigned quotient and remainder; both are 0 when the divisor is 0 (EVM DIV and MOD).
[[nodiscard]] inline uint256 operator/(const uint256& a, const uint256& b) noexcept {
  return DivMod(a, b).quotient;
}
[[nodiscard]] inline uint256 operator%(const uint256& a, const uint256& b) noexcept {
  return DivMod(a, b).remainder;
}
inline uint256& uint256::operator/=(const uint256& b) noexcept {
  return *this = *this / b;
}
inline uint256& uint256::operator%=(const uint256& b) noexcept {
  return *this = *this % b;
}

// The magnitude of x read as two's complement, as an unsigned value (-2^255 gives 2^255).
[[nodiscard]] constexpr uint256 Abs(const uint256& x) noexcept {
  return x.IsNegative() ? -x : x;
}

// EVM SDIV: the quotient of a and b as signed words, rounded toward zero; 0 when b is 0.
// -2^255 / -1 overflows back to -2^255, as the Yellow Paper specifies.
[[nodiscard]] inline uint256 Sdiv(const uint256& a, const uint256& b) noexcept {
  const uint256 q = DivMod(Abs(a), Abs(b)).quotient;
  return a.IsNegative() != b.IsNegative() ? -q : q;
}

// EVM SMOD: the remainder of signed a by signed b, with the sign of a; 0 when b is 0.
[[nodiscard]] inline uint256 Smod(const uint256& a, const uint256& b) noexcept {
  const uint256 r = DivMod(Abs(a), Abs(b)).remainder;
  return a.IsNegative() ? -r : r;
}

// EVM ADDMOD: (a + b) mod m computed without the wrap at 2^256; 0 when m is 0.
[[nodiscard]] uint256 AddMod(const uint256& a, const uint256& b, const uint256& m) noexcept;
// EVM MULMOD: (a * b) mod m over the full 512-bit product; 0 when m is 0.
[[nodiscard]] uint256 MulMod(const uint256& a, const uint256& b, const uint256& m) noexcept;
// EVM EXP: base^exponent modulo 2^256 by square-and-multiply (0^0 is 1).
[[nodiscard]] uint256 Exp(const uint256& base, const uint256& exponent) noexcept;

// Signed comparisons (EVM SLT and SGT): flipping the sign bit maps two's complement order onto
// unsigned order.
[[nodiscard]] constexpr bool Slt(const uint256& a, const uint256& b) noexcept {
  const uint256 sign = uint256::FromLimbs(0, 0, 0, 1ULL << 63);
  return (a ^ sign) < (b ^ sign);
}
[[nodiscard]] constexpr bool Sgt(const uint256& a, const uint256& b) noexcept {
  return Slt(b, a);
}

// EVM SAR: arithmetic right shift of `value` read as signed; a count of 256 or more gives 0 for a
// non-negative value and -1 for a negative one.
[[nodiscard]] constexpr uint256 Sar(const uint256& value, uint64_t shift) noexcept {
  if (!value.IsNegative()) return value >> shift;
  return ~(~value >> shift);
}
[[nodiscard]] constexpr uint256 Sar(const uint256& value, const uint256& shift) noexcept {
  return Sar(value, shift.FitsUint64() ? shift.limb(0) : uint64_t{256});
}

// EVM BYTE: byte `index` of `value` counted from the most significant (index 0); 0 when
// index >= 32.
[[nodiscard]] constexpr uint256 Byte(const uint256& index, const uint256& value) noexcept {
  if (!index.FitsUint64() || index.limb(0) >= 32) return 0;
  const uint64_t from_low = 31 - index.limb(0);
  return (value.limb(from_low / 8) >> (from_low % 8 * 8)) & 0xff;
}

// EVM SIGNEXTEND: treats byte `b` of `x` (0 = least significant) as the sign byte of a
// (b+1)-byte signed integer and extends its sign bit through bit 255; x unchanged when b >= 31.
[[nodiscard]] constexpr uint256 SignExtend(const uint256& b, const uint256& x) noexcept {
  if (!b.FitsUint64() || b.limb(0) >= 31) return x;
  const uint64_t sign_bit = b.limb(0) * 8 + 7;
  const uint256 mask = (uint256{1} << (sign_bit + 1)) - 1;
  return ((x >> sign_bit).limb(0) & 1) ? (x | ~mask) : (x & mask);
}

// Number of leading zero bits: 256 for 0, 0 when bit 255 is set.
[[nodiscard]] constexpr unsigned CountLeadingZeros(const uint256& x) noexcept {
  for (size_t i = 4; i-- > 0;) {
    if (x.limb(i) != 0) {
      return static_cast<unsigned>(64 * (3 - i) + std::countl_zero(x.limb(i)));
    }
  }
  return 256;
}
// Number of significant bits: 0 for 0, 256 when bit 255 is set.
[[nodiscard]] constexpr unsigned BitLength(const uint256& x) noexcept {
  return 256 - CountLeadingZeros(x);
}

}  // namespace theta
