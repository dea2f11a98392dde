#include "theta/core/uint256.hpp"

#include <ostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace theta {
namespace uint256_internal {
namespace {

// Number of limbs below the highest non-zero one (0 for a zero value).
size_t SignificantLimbs(const uint64_t* x, size_t n) noexcept {
  while (n > 0 && x[n - 1] == 0)
    --n;
  return n;
}

// x[0..K) <<= shift into out[0..K], out[K] receiving the bits shifted out. 0 <= shift < 64. A
// fixed count, so the loop unrolls into straight-line shifts.
template <size_t K>
void ShiftLeftInto(const uint64_t (&x)[K], int shift, uint64_t* out) noexcept {
  out[K] = (x[K - 1] >> 1) >> (63 - shift);
  for (size_t i = K - 1; i > 0; --i)
    out[i] = (x[i] << shift) | ((x[i - 1] >> 1) >> (63 - shift));
  out[0] = x[0] << shift;
}

// Subtracts qhat * v[0..n) from u[0..n]; returns whether the result went negative (then qhat was
// one too large and the caller adds v back).
bool MultiplySubtract(uint64_t* u, const uint64_t* v, size_t n, uint64_t qhat) noexcept {
  uint64_t mul_carry = 0;
  bool borrow = false;
  for (size_t i = 0; i < n; ++i) {
    const Uint128 p = Uint128{qhat} * v[i] + mul_carry;
    mul_carry = static_cast<uint64_t>(p >> 64);
    const uint64_t lo = static_cast<uint64_t>(p);
    const uint64_t d = u[i] - lo;
    const uint64_t t = d - static_cast<uint64_t>(borrow);
    borrow = (u[i] < lo) | (d < static_cast<uint64_t>(borrow));
    u[i] = t;
  }
  const uint64_t d = u[n] - mul_carry;
  const uint64_t t = d - static_cast<uint64_t>(borrow);
  const bool negative = (u[n] < mul_carry) | (d < static_cast<uint64_t>(borrow));
  u[n] = t;
  return negative;
}

// u[0..n] += v[0..n), the final carry out of u[n] discarded (it cancels the earlier borrow).
void AddBack(uint64_t* u, const uint64_t* v, size_t n) noexcept {
  bool carry = false;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t s = u[i] + v[i];
    const uint64_t t = s + static_cast<uint64_t>(carry);
    carry = (s < u[i]) | (t < s);
    u[i] = t;
  }
  u[n] += static_cast<uint64_t>(carry);
}

// A normalized two-limb divisor (d1 has its top bit set) with its 3-by-2 reciprocal
// v = floor((2^192 - 1) / (d1 * 2^64 + d0)) - 2^64 (Möller-Granlund, algorithm 6).
struct Divisor2 {
  uint64_t d1;
  uint64_t d0;
  uint64_t v;

  Divisor2(uint64_t hi, uint64_t lo) noexcept : d1(hi), d0(lo), v(Reciprocal(hi)) {
    // Start from d1's 2-by-1 reciprocal and lower it while v * d overshoots 2^192.
    uint64_t p = d1 * v + d0;
    if (p < d0) {
      --v;
      if (p >= d1) {
        --v;
        p -= d1;
      }
      p -= d1;
    }
    const Uint128 t = Uint128{v} * d0;
    const uint64_t t1 = static_cast<uint64_t>(t >> 64);
    const uint64_t t0 = static_cast<uint64_t>(t);
    p += t1;
    if (p < t1) {
      --v;
      if (p > d1 || (p == d1 && t0 >= d0)) --v;
    }
  }

  // Divides (u2, u1, u0) by (d1, d0), Möller-Granlund algorithm 5: one reciprocal multiply and at
  // most two corrections. Precondition: (u2, u1) < (d1, d0). Returns the quotient limb; the
  // two-limb remainder goes to (r1, r0).
  uint64_t DivRem3By2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t& r1,
                      uint64_t& r0) const noexcept {
    Uint128 q = Uint128{v} * u2;
    q += (Uint128{u2} << 64) | u1;
    uint64_t q1 = static_cast<uint64_t>(q >> 64);
    const uint64_t q0 = static_cast<uint64_t>(q);
    const uint64_t rr1 = u1 - q1 * d1;
    const Uint128 d = (Uint128{d1} << 64) | d0;
    Uint128 r = ((Uint128{rr1} << 64) | u0) - Uint128{d0} * q1 - d;
    ++q1;
    if (static_cast<uint64_t>(r >> 64) >= q0) {
      --q1;
      r += d;
    }
    if (r >= d) [[unlikely]] {
      ++q1;
      r -= d;
    }
    r1 = static_cast<uint64_t>(r >> 64);
    r0 = static_cast<uint64_t>(r);
    return q1;
  }
};

// un[0..k) -= qhat * v[0..k); returns what the product and the borrows take from the limb above
// (at most 2^64 - 1: the product's top limb is below 2^64 - 1 and one borrow is added).
template <size_t K>
uint64_t SubtractProduct(uint64_t* un, const uint64_t* v, uint64_t qhat) noexcept {
  uint64_t carry = 0;
  for (size_t i = 0; i < K; ++i) {
    const Uint128 p = Uint128{qhat} * v[i] + carry;
    const uint64_t lo = static_cast<uint64_t>(p);
    carry = static_cast<uint64_t>(p >> 64) + (un[i] < lo);
    un[i] -= lo;
  }
  return carry;
}

// un[0..k) += v[0..k), the carry out discarded (it cancels the wrap of a negative remainder).
template <size_t K>
void AddBackFixed(uint64_t* un, const uint64_t* v) noexcept {
  bool carry = false;
  for (size_t i = 0; i < K; ++i) {
    const uint64_t s = un[i] + v[i];
    const uint64_t t = s + static_cast<uint64_t>(carry);
    carry = (s < un[i]) | (t < s);
    un[i] = t;
  }
}

// The quotient digits of the normalized un[0..m] by the normalized N-limb vn (N >= 3), from digit
// m - N down; un keeps the remainder in its low N limbs. Each digit comes from the top three limbs
// of the window over the divisor's top two (d) by the 3-by-2 reciprocal division, whose two-limb
// remainder already accounts for d; only the lower N - 2 divisor limbs are multiplied and
// subtracted, and the borrow out of them decides the rare correction (step D6, add back).
template <size_t N>
void DivideDigits(uint64_t* un, size_t m, const uint64_t* vn, const Divisor2& d,
                  uint64_t* q) noexcept {
  for (size_t j = m - N + 1; j-- > 0;) {
    uint64_t* w = un + j;  // the window w[0..N]; w[1..N] < vn holds (Knuth's invariant)
    const uint64_t u2 = w[N];
    const uint64_t u1 = w[N - 1];
    uint64_t qhat;
    if (u2 == d.d1 && u1 == d.d0) [[unlikely]] {
      // The 3-by-2 division's precondition fails. The digit is then exactly 2^64 - 1 (the window
      // is at least (d1, d0) * 2^(64(N-1)) and below the divisor times 2^64); the check below
      // only guards that argument.
      qhat = ~0ULL;
      if (MultiplySubtract(w, vn, N, qhat)) {
        --qhat;
        AddBack(w, vn, N);
      }
    } else {
      uint64_t r1;
      uint64_t r0;
      qhat = d.DivRem3By2(u2, u1, w[N - 2], r1, r0);
      const uint64_t taken = SubtractProduct<N - 2>(w, vn, qhat);
      const bool borrow0 = r0 < taken;
      r0 -= taken;
      const bool borrow1 = r1 < static_cast<uint64_t>(borrow0);
      r1 -= static_cast<uint64_t>(borrow0);
      w[N - 2] = r0;
      w[N - 1] = r1;
      if (borrow1) [[unlikely]] {
        --qhat;
        AddBackFixed<N>(w, vn);
      }
    }
    w[N] = 0;
    if (q != nullptr) q[j] = qhat;
  }
}

// Knuth, TAOCP vol. 2, 4.3.1, algorithm D. u has m significant limbs, v has n >= 2 with
// v[n-1] != 0, and m >= n; both are zero above those limbs (fixed sizes, so that the normalizing
// shifts are straight-line code). Writes m - n + 1 quotient limbs to q (unless null) and n
// remainder limbs to r. The 3-by-2 estimate of each digit is exact or one too large, so the add
// back runs with probability about 2/2^64. A two-limb divisor needs no multiply-subtract at all.
void KnuthDivide(const uint64_t (&u)[8], size_t m, const uint64_t (&v)[4], size_t n, uint64_t* q,
                 uint64_t* r) noexcept {
  const int shift = std::countl_zero(v[n - 1]);
  uint64_t vn[5];
  uint64_t un[9];
  ShiftLeftInto(v, shift, vn);  // vn[n] is 0: v's top limb has `shift` leading zeros
  ShiftLeftInto(u, shift, un);
  const Divisor2 d(vn[n - 1], vn[n - 2]);
  // A leading quotient digit of 0 (the top window below the divisor, as for the product of two
  // reduced operands in MULMOD) is skipped: the next window then starts one limb lower.
  size_t top = m;
  if (un[m] == 0 && m > n) {
    size_t i = n;
    while (i-- > 0 && un[m - n + i] == vn[i]) {
    }
    if (i < n && un[m - n + i] < vn[i]) {
      if (q != nullptr) q[m - n] = 0;
      --top;
    }
  }
  if (n == 2) {
    // un[top] < d (it is below 2^shift <= d1, or the skipped window's top), so the running
    // remainder starts valid.
    uint64_t r1 = un[top];
    uint64_t r0 = un[top - 1];
    for (size_t j = top - 1; j-- > 0;) {
      const uint64_t digit = d.DivRem3By2(r1, r0, un[j], r1, r0);
      if (q != nullptr) q[j] = digit;
    }
    un[0] = r0;
    un[1] = r1;
    un[2] = 0;
  } else if (n == 3) {
    DivideDigits<3>(un, top, vn, d, q);
  } else {
    DivideDigits<4>(un, top, vn, d, q);
  }
  for (size_t i = 0; i < n; ++i) {
    r[i] = (un[i] >> shift) | ((un[i + 1] << 1) << (63 - shift));
  }
}

// u mod d for a non-zero d; u has at most m significant limbs and is zero above them.
uint256 Reduce(const uint64_t (&u)[8], size_t m, const uint256& d) noexcept {
  const size_t n = SignificantLimbs(d.limbs().data(), 4);
  m = SignificantLimbs(u, m);
  if (m < n) return uint256::FromLimbs(u[0], u[1], u[2], u[3]);
  if (n == 1) {
    uint64_t scratch[8];
    return DivRemBy64(u, m, d.limb(0), scratch);
  }
  const uint64_t v[4] = {d.limb(0), d.limb(1), d.limb(2), d.limb(3)};
  uint64_t r[4] = {};
  KnuthDivide(u, m, v, n, nullptr, r);
  return uint256::FromLimbs(r[0], r[1], r[2], r[3]);
}

// The full 512-bit product a * b into out[0..8).
void MulFull(const uint256& a, const uint256& b, uint64_t* out) noexcept {
  for (size_t i = 0; i < 8; ++i)
    out[i] = 0;
  for (size_t j = 0; j < 4; ++j) {
    uint64_t carry = 0;
    for (size_t i = 0; i < 4; ++i) {
      const Uint128 t = Uint128{a.limb(i)} * b.limb(j) + out[i + j] + carry;
      out[i + j] = static_cast<uint64_t>(t);
      carry = static_cast<uint64_t>(t >> 64);
    }
    out[j + 4] = carry;
  }
}

// x = x * mul + add; returns the limb that overflowed past 2^256 (0 when none did).
uint64_t MulAdd64(std::array<uint64_t, 4>& x, uint64_t mul, uint64_t add) noexcept {
  uint64_t carry = add;
  for (uint64_t& limb : x) {
    const Uint128 t = Uint128{limb} * mul + carry;
    limb = static_cast<uint64_t>(t);
    carry = static_cast<uint64_t>(t >> 64);
  }
  return carry;
}

}  // namespace

DivModResult DivModMultiLimb(const uint256& u, const uint256& v) noexcept {
  const size_t m = SignificantLimbs(u.limbs().data(), 4);
  const size_t n = SignificantLimbs(v.limbs().data(), 4);
  uint64_t q[4] = {};
  uint64_t r[4] = {};
  const uint64_t ux[8] = {u.limb(0), u.limb(1), u.limb(2), u.limb(3), 0, 0, 0, 0};
  const uint64_t vx[4] = {v.limb(0), v.limb(1), v.limb(2), v.limb(3)};
  KnuthDivide(ux, m, vx, n, q, r);
  return {uint256::FromLimbs(q[0], q[1], q[2], q[3]), uint256::FromLimbs(r[0], r[1], r[2], r[3])};
}

}  // namespace uint256_internal

using uint256_internal::Uint128;

uint256 AddMod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.IsZero()) return 0;
  const uint256 sum = a + b;
  const bool carry = sum < a;
  if (a < m && b < m) {
    // The true sum is below 2m, so one conditional subtraction reduces it; with a carry the
    // subtraction's own wrap supplies the missing 2^256.
    return (carry || sum >= m) ? sum - m : sum;
  }
  const uint64_t u[8] = {sum.limb(0),         sum.limb(1), sum.limb(2), sum.limb(3),
                         carry ? 1ULL : 0ULL, 0,           0,           0};
  return uint256_internal::Reduce(u, 5, m);
}

uint256 MulMod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.IsZero()) return 0;
  uint64_t product[8];
  uint256_internal::MulFull(a, b, product);
  return uint256_internal::Reduce(product, 8, m);
}

namespace {

// x * x modulo 2^256. The cross products a_i * a_j (i < j) appear twice, so they are summed once
// and doubled: four full and two low-half products instead of the six and four of operator*.
// This shortens EXP's critical path, which is a chain of 256 squarings.
uint256 Square(const uint256& x) noexcept {
  const uint64_t a0 = x.limb(0), a1 = x.limb(1), a2 = x.limb(2), a3 = x.limb(3);
  const Uint128 p00 = Uint128{a0} * a0;
  const Uint128 p01 = Uint128{a0} * a1;
  const Uint128 p02 = Uint128{a0} * a2;
  const Uint128 p11 = Uint128{a1} * a1;
  // Cross terms at limbs 1..3: a0a1 + a0a2 * 2^64 + (a0a3 + a1a2) * 2^128 (limb offsets from 1).
  const Uint128 mid = (p01 >> 64) + static_cast<uint64_t>(p02);
  const uint64_t c1 = static_cast<uint64_t>(p01);
  const uint64_t c2 = static_cast<uint64_t>(mid);
  const uint64_t c3 =
      static_cast<uint64_t>(mid >> 64) + static_cast<uint64_t>(p02 >> 64) + a0 * a3 + a1 * a2;
  // Doubled cross terms plus the diagonal a0^2 + a1^2 * 2^128.
  const uint256 cross2 =
      uint256::FromLimbs(0, c1 << 1, (c2 << 1) | (c1 >> 63), (c3 << 1) | (c2 >> 63));
  const uint256 diagonal =
      uint256::FromLimbs(static_cast<uint64_t>(p00), static_cast<uint64_t>(p00 >> 64),
                         static_cast<uint64_t>(p11), static_cast<uint64_t>(p11 >> 64));
  return cross2 + diagonal;
}

}  // namespace

uint256 Exp(const uint256& base, const uint256& exponent) noexcept {
  // 2^e is common in compiled contracts (masks, packing); it is a shift.
  if (base == 2) return exponent < 256 ? uint256{1} << exponent.limb(0) : uint256{};
  // Right to left: the multiplications into `result` are off the chain of squarings, so the two
  // overlap in the pipeline.
  uint256 result = 1;
  uint256 power = base;
  const unsigned bits = BitLength(exponent);
  for (unsigned i = 0; i < bits; ++i) {
    // A select instead of a branch: the exponent's bits are data, and a mispredicted branch per
    // bit costs more than the multiplication it skips.
    const uint64_t bit = (exponent.limb(i / 64) >> (i % 64)) & 1;
    const uint256 mask = uint256::FromLimbs(0 - bit, 0 - bit, 0 - bit, 0 - bit);
    result = ((result * power) & mask) | (result & ~mask);
    if (i + 1 < bits) power = Square(power);
  }
  return result;
}

// --- Byte forms ------------------------------------------------------------------------------

uint256 uint256::LoadBigEndian(ByteView bytes) noexcept {
  assert(bytes.size() <= 32);
  std::array<uint64_t, 4> limbs{};
  const size_t n = bytes.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t from_low = n - 1 - i;  // byte position counted from the least significant
    limbs[from_low / 8] |= uint64_t{bytes[i]} << (from_low % 8 * 8);
  }
  return FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

absl::StatusOr<uint256> uint256::FromBigEndian(ByteView bytes) {
  if (bytes.size() > 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("uint256: big-endian input has ", bytes.size(), " bytes, more than 32"));
  }
  return LoadBigEndian(bytes);
}

uint256 uint256::FromWord(const Hash32& word) noexcept {
  std::array<uint64_t, 4> limbs;
  for (size_t k = 0; k < 4; ++k) {
    uint64_t be;
    std::memcpy(&be, word.data() + 8 * k, 8);
    if constexpr (std::endian::native == std::endian::little) be = __builtin_bswap64(be);
    limbs[3 - k] = be;
  }
  return FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

Hash32 uint256::ToBigEndian() const noexcept {
  Hash32 out;
  for (size_t k = 0; k < 4; ++k) {
    uint64_t be = limbs_[3 - k];
    if constexpr (std::endian::native == std::endian::little) be = __builtin_bswap64(be);
    std::memcpy(out.data() + 8 * k, &be, 8);
  }
  return out;
}

Bytes uint256::ToBigEndianTrimmed() const {
  const Hash32 word = ToBigEndian();
  const size_t skip = CountLeadingZeros(*this) / 8;
  return Bytes(word.bytes.begin() + static_cast<ptrdiff_t>(skip), word.bytes.end());
}

// --- Text forms ------------------------------------------------------------------------------

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Value of one hex digit, or -1.
constexpr int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The input as it appears in an error message: escaped (it may be binary) and cut at 80 bytes.
std::string Quote(std::string_view text) {
  constexpr size_t kMax = 80;
  const std::string_view shown = text.substr(0, kMax);
  return absl::StrCat("\"", absl::CHexEscape(absl::string_view(shown.data(), shown.size())),
                      text.size() > kMax ? "…" : "", "\"");
}

std::string Char(char c) {
  return absl::CHexEscape(absl::string_view(&c, 1));
}

absl::StatusOr<uint256> ParseHex(std::string_view text, bool quantity) {
  const char* kind = quantity ? "uint256: hex quantity " : "uint256: hex ";
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return absl::InvalidArgumentError(absl::StrCat(kind, Quote(text), " lacks the 0x prefix"));
  }
  const std::string_view digits = text.substr(2);
  if (digits.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kind, Quote(text), " has no digits"));
  }
  if (digits.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, Quote(text), " has ", digits.size(), " digits, more than 64"));
  }
  if (quantity && digits.size() > 1 && digits[0] == '0') {
    return absl::InvalidArgumentError(absl::StrCat(kind, Quote(text), " has a leading zero"));
  }
  std::array<uint64_t, 4> limbs{};
  for (size_t i = 0; i < digits.size(); ++i) {
    const int value = HexValue(digits[i]);
    if (value < 0) {
      return absl::InvalidArgumentError(absl::StrCat(kind, Quote(text),
                                                     " has a non-hex character '", Char(digits[i]),
                                                     "' at position ", i + 2));
    }
    const size_t from_low = digits.size() - 1 - i;  // nibble position from the least significant
    limbs[from_low / 16] |= static_cast<uint64_t>(value) << (from_low % 16 * 4);
  }
  return uint256::FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

}  // namespace

absl::StatusOr<uint256> uint256::FromHex(std::string_view text) {
  return ParseHex(text, false);
}

absl::StatusOr<uint256> uint256::FromHexQuantity(std::string_view text) {
  return ParseHex(text, true);
}

std::string uint256::ToHex() const {
  const unsigned bits = BitLength(*this);
  const unsigned nibbles = bits == 0 ? 1 : (bits + 3) / 4;
  std::string out(2 + nibbles, '0');
  out[1] = 'x';
  for (unsigned i = 0; i < nibbles; ++i) {
    out[out.size() - 1 - i] = kHexDigits[(limbs_[i / 16] >> (i % 16 * 4)) & 0xf];
  }
  return out;
}

absl::StatusOr<uint256> uint256::FromDecimal(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("uint256: decimal \"\" is empty");
  // Digits are consumed 19 at a time (10^19 < 2^64), one multiply-add per chunk.
  std::array<uint64_t, 4> limbs{};
  for (size_t start = 0; start < text.size(); start += 19) {
    const size_t len = std::min<size_t>(19, text.size() - start);
    uint64_t chunk = 0;
    uint64_t scale = 1;
    for (size_t i = start; i < start + len; ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') {
        return absl::InvalidArgumentError(absl::StrCat(
            "uint256: decimal ", Quote(text), " has a non-digit '", Char(c), "' at position ", i));
      }
      chunk = chunk * 10 + static_cast<uint64_t>(c - '0');
      scale *= 10;
    }
    if (uint256_internal::MulAdd64(limbs, scale, chunk) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("uint256: decimal ", Quote(text), " exceeds 2^256 - 1"));
    }
  }
  return FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

std::string uint256::ToDecimal() const {
  constexpr uint64_t kChunk = 10'000'000'000'000'000'000ULL;  // 10^19
  char buf[80];                                               // 2^256 - 1 has 78 digits
  size_t pos = sizeof(buf);
  std::array<uint64_t, 4> x = limbs_;
  do {
    uint64_t r = uint256_internal::DivRemBy64(x.data(), 4, kChunk, x.data());
    const bool last = (x[0] | x[1] | x[2] | x[3]) == 0;
    // Inner chunks keep their leading zeros; the most significant one stops at its last digit.
    for (int i = 0; i < 19 && (!last || r != 0 || i == 0); ++i) {
      buf[--pos] = static_cast<char>('0' + r % 10);
      r /= 10;
    }
    if (last) break;
  } while (true);
  return std::string(buf + pos, sizeof(buf) - pos);
}

std::ostream& operator<<(std::ostream& os, const uint256& value) {
  return os << value.ToHex();
}

}  // namespace theta
