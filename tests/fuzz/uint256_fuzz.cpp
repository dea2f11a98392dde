// libFuzzer target for theta::uint256.
//
// The input is read twice. As text, it goes to every parser (FromHex, FromHexQuantity,
// FromDecimal): none may crash, an accepted text must really be of its form (no false accept), and
// what was parsed must print and re-parse to the same value. As numbers, bytes [0, 32) and [32, 64)
// are the big-endian operands a and b and byte 64 selects the operation (short inputs are
// zero-padded); each operation is checked against algebraic identities or a slow reference that
// shares no code with the fast path, so a wrong result aborts even when nothing crashes.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "theta/core/uint256.hpp"

namespace theta {
namespace {

#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "uint256_fuzz: check failed: %s (line %d)\n", #cond, __LINE__); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
// `digits` without its leading zeros ("0" stays "0").
std::string_view StripZeros(std::string_view digits) {
  while (digits.size() > 1 && digits[0] == '0')
    digits.remove_prefix(1);
  return digits;
}

void CheckText(std::string_view text) {
  if (auto v = uint256::FromDecimal(text); v.ok()) {
    FUZZ_CHECK(!text.empty());
    for (char c : text)
      FUZZ_CHECK(IsDigit(c));
    FUZZ_CHECK(v->ToDecimal() == StripZeros(text));
  }
  const bool prefixed = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (auto v = uint256::FromHex(text); v.ok()) {
    FUZZ_CHECK(prefixed && text.size() > 2 && text.size() <= 66);
    for (char c : text.substr(2))
      FUZZ_CHECK(IsHexDigit(c));
    FUZZ_CHECK(v->ToHex() == "0x" + std::string(StripZeros(Lower(text.substr(2)))));
    auto again = uint256::FromHexQuantity(v->ToHex());
    FUZZ_CHECK(again.ok() && *again == *v);
  }
  if (auto v = uint256::FromHexQuantity(text); v.ok()) {
    FUZZ_CHECK(v->ToHex() == Lower(text));  // the quantity form is unique up to case
  }
}

// a * b by shift-and-add: a reference that uses no limb multiplication.
uint256 SlowMul(const uint256& a, const uint256& b) {
  uint256 r;
  for (unsigned i = 0; i < 256; ++i) {
    if (((b >> i) & 1) == 1) r += a << i;
  }
  return r;
}

// (a * b) mod m by double-and-add with AddMod (m != 0): no 512-bit product involved.
uint256 SlowMulMod(const uint256& a, const uint256& b, const uint256& m) {
  const uint256 x = a % m;
  uint256 r;
  for (unsigned i = BitLength(b); i-- > 0;) {
    r = AddMod(r, r, m);
    if (((b >> i) & 1) == 1) r = AddMod(r, x, m);
  }
  return r;
}

void CheckArithmetic(const uint256& a, const uint256& b, uint8_t selector) {
  const unsigned shift = selector;  // 0..255, and selector ^ 0x100 below for >= 256
  switch (selector % 8) {
    case 0: {  // add, sub, negation
      FUZZ_CHECK((a + b) - b == a);
      FUZZ_CHECK(a + b == b + a);
      FUZZ_CHECK(a - b == -(b - a));
      FUZZ_CHECK(a + ~a == uint256::Max());
      FUZZ_CHECK((a + b < a) == (b > uint256::Max() - a));  // carry out iff it overflows
      break;
    }
    case 1:  // mul
      FUZZ_CHECK(a * b == SlowMul(a, b));
      FUZZ_CHECK(a * (b + 1) == a * b + a);
      break;
    case 2: {  // unsigned division
      const DivModResult qr = DivMod(a, b);
      FUZZ_CHECK(qr.quotient == a / b && qr.remainder == a % b);
      if (b.IsZero()) {
        FUZZ_CHECK(qr.quotient == 0 && qr.remainder == 0);
      } else {
        FUZZ_CHECK(qr.quotient * b + qr.remainder == a);
        FUZZ_CHECK(qr.remainder < b);
        // No overflow in q * b: the quotient is not too large by a multiple of 2^256 / b.
        FUZZ_CHECK(qr.quotient.IsZero() || uint256::Max() / qr.quotient >= b);
      }
      break;
    }
    case 3: {  // signed division
      const uint256 q = Sdiv(a, b);
      const uint256 r = Smod(a, b);
      if (b.IsZero()) {
        FUZZ_CHECK(q == 0 && r == 0);
      } else {
        FUZZ_CHECK(q * b + r == a);   // holds modulo 2^256 even for -2^255 / -1
        FUZZ_CHECK(Abs(r) < Abs(b));  // magnitudes as unsigned: |-2^255| is 2^255
        FUZZ_CHECK(r.IsZero() || r.IsNegative() == a.IsNegative());
      }
      break;
    }
    case 4: {  // addmod and mulmod; the modulus is derived from the operands
      const uint256 m = (selector & 0x80) ? a ^ b : (b >> (selector >> 3));
      if (m.IsZero()) {
        FUZZ_CHECK(AddMod(a, b, m) == 0 && MulMod(a, b, m) == 0);
        break;
      }
      const uint256 x = a % m, y = b % m;
      const uint256 s = x + y;
      FUZZ_CHECK(AddMod(a, b, m) == ((s < x || s >= m) ? s - m : s));
      FUZZ_CHECK(MulMod(a, b, m) == SlowMulMod(a, b, m));
      break;
    }
    case 5: {  // exp: a^(e1 + e2) == a^e1 * a^e2, and one square-and-multiply step
      const uint256 e1 = b >> 1;
      FUZZ_CHECK(Exp(a, b) == Exp(a, e1) * Exp(a, b - e1));
      FUZZ_CHECK(Exp(a, b) == Exp(a, e1) * Exp(a, e1) * (((b & 1) == 1) ? a : uint256{1}));
      break;
    }
    case 6: {  // shifts
      const uint256 low_mask = uint256::Max() >> shift;
      FUZZ_CHECK(((a << shift) >> shift) == (a & low_mask));
      FUZZ_CHECK((a >> shift) == (a / (uint256{1} << shift)));
      FUZZ_CHECK(Sar(a, shift) == ((a >> shift) | (a.IsNegative() ? ~low_mask : uint256{})));
      FUZZ_CHECK((a << (shift + 256)) == 0 && (a >> b) == (b < 256 ? a >> b.limb(0) : 0));
      FUZZ_CHECK(Sar(a, uint256::Max()) == (a.IsNegative() ? uint256::Max() : 0));
      break;
    }
    default: {  // bytes, BYTE, SIGNEXTEND, comparisons
      const Hash32 word = a.ToBigEndian();
      FUZZ_CHECK(uint256::FromWord(word) == a);
      FUZZ_CHECK(uint256::LoadBigEndian(a.ToBigEndianTrimmed()) == a);
      FUZZ_CHECK(a.ToBigEndianTrimmed().size() == (BitLength(a) + 7) / 8);
      const unsigned i = shift % 32;
      FUZZ_CHECK(Byte(i, a) == word[i]);
      const unsigned k = shift % 31;
      const uint256 ext = SignExtend(k, a);
      FUZZ_CHECK(Sar(ext << (248 - 8 * k), 248 - 8 * k) == ext);  // a sign-extended value
      const uint256 kept = (uint256{1} << (8 * k + 8)) - 1;       // bytes 0..k stay as they were
      FUZZ_CHECK((ext & kept) == (a & kept));
      FUZZ_CHECK(Slt(a, b) == (a.IsNegative() != b.IsNegative() ? a.IsNegative() : a < b));
      break;
    }
  }
}

}  // namespace
}  // namespace theta

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  theta::CheckText(std::string_view(reinterpret_cast<const char*>(data), size));
  uint8_t buf[65] = {};
  std::memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
  const theta::uint256 a = theta::uint256::LoadBigEndian({buf, 32});
  const theta::uint256 b = theta::uint256::LoadBigEndian({buf + 32, 32});
  theta::CheckArithmetic(a, b, buf[64]);
  return 0;
}
