// theta::uint256: unit cases with the EVM edge cases, then a differential test against GMP over
// more than a million edge-biased random operands.
#include "theta/core/uint256.hpp"

#include <gmp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <random>
#include <sstream>

namespace theta {
namespace {

constexpr uint256 kMax = uint256::Max();
constexpr uint256 kMinSigned = uint256::FromLimbs(0, 0, 0, 1ULL << 63);  // -2^255
constexpr uint256 kMaxSigned = uint256::FromLimbs(~0ULL, ~0ULL, ~0ULL, ~0ULL >> 1);
constexpr uint256 kMinusOne = kMax;

uint256 Hex(std::string_view text) {
  auto v = uint256::FromHex(text);
  REQUIRE(v.ok());
  return *v;
}

// Compile-time checks: the hot operations are usable in constant expressions.
static_assert(uint256{3} + uint256{4} == uint256{7});
static_assert(uint256{0} - uint256{1} == kMax);
static_assert(kMax * kMax == uint256{1});
static_assert((uint256{1} << 255) == kMinSigned);
static_assert((kMinSigned >> 255) == uint256{1});
static_assert(Slt(kMinSigned, 0) && Sgt(0, kMinSigned));
static_assert(CountLeadingZeros(0) == 256 && BitLength(kMax) == 256);

TEST_CASE("uint256 adds and subtracts modulo 2^256 with carries across limbs", "[uint256]") {
  CHECK(uint256(~0ULL) + 1 == uint256::FromLimbs(0, 1, 0, 0));
  CHECK(kMax + 1 == 0);
  CHECK(kMax + kMax == kMax - 1);
  CHECK(uint256::FromLimbs(0, 0, 0, 1) - 1 == uint256::FromLimbs(~0ULL, ~0ULL, ~0ULL, 0));
  CHECK(uint256(0) - 1 == kMax);
  CHECK(-uint256(1) == kMax);
  CHECK(-uint256(0) == 0);
  uint256 x = 5;
  x += 7;
  x -= 2;
  CHECK(x == 10);
}

TEST_CASE("uint256 multiplies with the product truncated to 256 bits", "[uint256]") {
  const uint256 two64 = uint256::FromLimbs(0, 1, 0, 0);
  CHECK(two64 * two64 == uint256::FromLimbs(0, 0, 1, 0));
  CHECK(two64 * two64 * two64 * two64 == 0);  // 2^256 wraps to 0
  CHECK(kMax * 2 == kMax - 1);
  CHECK(uint256(~0ULL) * uint256(~0ULL) == uint256::FromLimbs(1, ~0ULL - 1, 0, 0));
  CHECK(Hex("0x123456789abcdef0fedcba9876543210") * Hex("0x1000000000000000000000000") ==
        Hex("0x123456789abcdef0fedcba9876543210000000000000000000000000"));
  CHECK(kMinusOne * kMinusOne == 1);
}

TEST_CASE("uint256 division and remainder by zero yield zero as the EVM defines", "[uint256]") {
  CHECK(uint256(7) / 0 == 0);
  CHECK(uint256(7) % 0 == 0);
  CHECK(kMax / 0 == 0);
  CHECK(Sdiv(kMinSigned, 0) == 0);
  CHECK(Smod(kMinSigned, 0) == 0);
  CHECK(AddMod(kMax, kMax, 0) == 0);
  CHECK(MulMod(kMax, kMax, 0) == 0);
}

TEST_CASE("uint256 divides by 64-bit and multi-limb divisors", "[uint256]") {
  CHECK(uint256(100) / 7 == 14);
  CHECK(uint256(100) % 7 == 2);
  CHECK(kMax / 1 == kMax);
  CHECK(kMax % 1 == 0);
  CHECK(kMax / kMax == 1);
  CHECK(kMax % kMax == 0);
  CHECK(uint256(5) / kMax == 0);
  CHECK(uint256(5) % kMax == 5);
  CHECK(kMax / 3 == Hex("0x" + std::string(64, '5')));
  CHECK(kMax / uint256::FromLimbs(0, 1, 0, 0) == uint256::FromLimbs(~0ULL, ~0ULL, ~0ULL, 0));
  CHECK(kMax % uint256::FromLimbs(0, 1, 0, 0) == ~0ULL);
  // A divisor whose top limb equals the dividend's: exercises the saturated quotient estimate.
  const uint256 u = uint256::FromLimbs(0, 0, 0x8000000000000000ULL, 0x7fffffffffffffffULL);
  const uint256 v = uint256::FromLimbs(~0ULL, 0x7fffffffffffffffULL, 0, 0);
  const DivModResult qr = DivMod(u * 3 + 11, v);
  CHECK(qr.quotient * v + qr.remainder == u * 3 + 11);
  CHECK(qr.remainder < v);
  uint256 x = 1000;
  x /= 10;
  x %= 7;
  CHECK(x == 2);
}

TEST_CASE("uint256 signed division follows EVM SDIV and SMOD", "[uint256]") {
  const uint256 minus7 = -uint256(7);
  CHECK(Sdiv(minus7, 2) == -uint256(3));  // rounds toward zero
  CHECK(Sdiv(7, -uint256(2)) == -uint256(3));
  CHECK(Sdiv(minus7, -uint256(2)) == 3);
  CHECK(Smod(minus7, 2) == -uint256(1));  // the sign of the dividend
  CHECK(Smod(7, -uint256(2)) == 1);
  CHECK(Smod(minus7, -uint256(2)) == -uint256(1));
  // The one overflowing case: -2^255 / -1 is -2^255 again (Yellow Paper, SDIV).
  CHECK(Sdiv(kMinSigned, kMinusOne) == kMinSigned);
  CHECK(Smod(kMinSigned, kMinusOne) == 0);
  CHECK(Sdiv(kMinSigned, 1) == kMinSigned);
  CHECK(Sdiv(kMaxSigned, kMinSigned) == 0);
  CHECK(Smod(kMaxSigned, kMinSigned) == kMaxSigned);
  CHECK(Sdiv(kMinSigned, kMinSigned) == 1);
}

TEST_CASE("uint256 ADDMOD and MULMOD reduce the full-width intermediate", "[uint256]") {
  CHECK(AddMod(kMax, 2, 2) == 1);  // 2^256 + 1 is odd, though kMax + 2 wraps to 1
  CHECK(AddMod(kMax, kMax, kMax) == 0);
  CHECK(AddMod(kMax, 1, 10) == 6);  // 2^256 mod 10 = 6
  CHECK(AddMod(3, 4, 5) == 2);
  CHECK(AddMod(kMax - 1, kMax - 1, kMax) == kMax - 2);
  CHECK(MulMod(kMax, kMax, 12) == 9);  // (2^256 - 1)^2 mod 12, with 2^256 = 4 mod 12
  CHECK(MulMod(kMax, kMax, kMax) == 0);
  CHECK(MulMod(kMax, kMax, kMax - 1) == 1);
  CHECK(MulMod(uint256(1) << 255, 2, kMax) == 1);  // 2^256 = 1 mod 2^256 - 1
  CHECK(MulMod(5, 6, 7) == 2);
  // 2^256 mod (2^200 + 1): 2^200 is -1 there, so 2^256 is -2^56.
  CHECK(MulMod(uint256(1) << 128, uint256(1) << 128, (uint256(1) << 200) + 1) ==
        (uint256(1) << 200) + 1 - (uint256(1) << 56));
}

TEST_CASE("uint256 exponentiation wraps modulo 2^256", "[uint256]") {
  CHECK(Exp(0, 0) == 1);
  CHECK(Exp(0, 5) == 0);
  CHECK(Exp(2, 255) == kMinSigned);
  CHECK(Exp(2, 256) == 0);
  CHECK(Exp(2, kMax) == 0);
  CHECK(Exp(3, 5) == 243);
  CHECK(Exp(kMax, 2) == 1);
  CHECK(Exp(kMax, 3) == kMax);
  CHECK(Exp(10, 18) == 1'000'000'000'000'000'000ULL);
  uint256 slow = 1;
  for (int i = 0; i < 100; ++i)
    slow *= 7;
  CHECK(Exp(7, 100) == slow);
}

TEST_CASE("uint256 shifts match the EIP-145 vectors", "[uint256]") {
  // Test cases listed in EIP-145 (Bitwise shifting instructions in EVM).
  const uint256 high = kMinSigned;  // 0x8000...0000
  CHECK((uint256(1) << 0) == 1);
  CHECK((uint256(1) << 1) == 2);
  CHECK((uint256(1) << 0xff) == high);
  CHECK((uint256(1) << 0x100) == 0);
  CHECK((uint256(1) << 0x101) == 0);
  CHECK((kMax << 0) == kMax);
  CHECK((kMax << 1) == kMax - 1);
  CHECK((kMax << 0xff) == high);
  CHECK((kMax << 0x100) == 0);
  CHECK((uint256(0) << 1) == 0);
  CHECK((kMaxSigned << 1) == kMax - 1);
  CHECK((uint256(1) >> 0) == 1);
  CHECK((uint256(1) >> 1) == 0);
  CHECK((high >> 1) == uint256(1) << 254);
  CHECK((high >> 0xff) == 1);
  CHECK((high >> 0x100) == 0);
  CHECK((kMax >> 1) == kMaxSigned);
  CHECK((kMax >> 0xff) == 1);
  CHECK((kMax >> uint256(0x100)) == 0);
  CHECK((kMax >> uint256::FromLimbs(0, 1, 0, 0)) == 0);  // a count above 2^64
  CHECK(Sar(1, 0) == 1);
  CHECK(Sar(1, 1) == 0);
  CHECK(Sar(high, 1) == uint256::FromLimbs(0, 0, 0, 0xc000000000000000ULL));
  CHECK(Sar(high, 0xff) == kMax);
  CHECK(Sar(high, 0x100) == kMax);
  CHECK(Sar(high, 0x101) == kMax);
  CHECK(Sar(kMax, 0) == kMax);
  CHECK(Sar(kMax, 1) == kMax);
  CHECK(Sar(kMax, 0x100) == kMax);
  CHECK(Sar(0, 1) == 0);
  CHECK(Sar(uint256(1) << 254, 0xfe) == 1);
  CHECK(Sar(kMaxSigned, 0xf8) == 0x7f);
  CHECK(Sar(kMaxSigned, 0xfe) == 1);
  CHECK(Sar(kMaxSigned, 0xff) == 0);
  CHECK(Sar(kMaxSigned, uint256(0x100)) == 0);
  CHECK(Sar(high, kMax) == kMax);
  // Shifts by a multiple of 64 move whole limbs.
  CHECK((uint256::FromLimbs(1, 2, 3, 4) << 64) == uint256::FromLimbs(0, 1, 2, 3));
  CHECK((uint256::FromLimbs(1, 2, 3, 4) >> 128) == uint256::FromLimbs(3, 4, 0, 0));
}

TEST_CASE("uint256 BYTE and SIGNEXTEND follow the Yellow Paper", "[uint256]") {
  const uint256 x = Hex("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  CHECK(Byte(0, x) == 0x01);
  CHECK(Byte(7, x) == 0x08);
  CHECK(Byte(8, x) == 0x09);
  CHECK(Byte(31, x) == 0x20);
  CHECK(Byte(32, x) == 0);
  CHECK(Byte(kMax, x) == 0);
  CHECK(SignExtend(0, 0xff) == kMax);
  CHECK(SignExtend(0, 0x7f) == 0x7f);
  CHECK(SignExtend(0, 0x1ff) == kMax);  // bits above the sign byte are replaced
  CHECK(SignExtend(1, 0x18000) == Hex("0x" + std::string(60, 'f') + "8000"));
  CHECK(SignExtend(1, 0xff7fff) == 0x7fff);
  CHECK(SignExtend(30, kMaxSigned) == kMax);  // byte 30's top bit is set
  CHECK(SignExtend(31, 0x80) == 0x80);        // b >= 31 leaves x as is
  CHECK(SignExtend(kMax, 0x80) == 0x80);
}

TEST_CASE("uint256 compares unsigned and signed", "[uint256]") {
  CHECK(uint256(1) < uint256(2));
  CHECK(uint256::FromLimbs(0, 0, 0, 1) > uint256::FromLimbs(~0ULL, ~0ULL, ~0ULL, 0));
  CHECK(kMax > kMinSigned);
  CHECK((uint256(3) <=> uint256(3)) == std::strong_ordering::equal);
  CHECK(uint256(3) != uint256(4));
  CHECK(Slt(kMinusOne, 0));
  CHECK(Slt(kMinSigned, kMinusOne));
  CHECK_FALSE(Slt(kMaxSigned, kMinSigned));
  CHECK(Sgt(kMaxSigned, kMinSigned));
  CHECK_FALSE(Sgt(5, 5));
  CHECK_FALSE(Slt(5, 5));
  CHECK(static_cast<bool>(uint256(1)));
  CHECK_FALSE(static_cast<bool>(uint256(0)));
}

TEST_CASE("uint256 bitwise operations and leading zeros", "[uint256]") {
  const uint256 a = uint256::FromLimbs(0xf0, 0xff00, 0, ~0ULL);
  const uint256 b = uint256::FromLimbs(0x0f, 0x0ff0, 1, 0);
  CHECK((a & b) == uint256::FromLimbs(0, 0x0f00, 0, 0));
  CHECK((a | b) == uint256::FromLimbs(0xff, 0xfff0, 1, ~0ULL));
  CHECK((a ^ b) == uint256::FromLimbs(0xff, 0xf0f0, 1, ~0ULL));
  CHECK(~uint256(0) == kMax);
  CHECK(CountLeadingZeros(1) == 255);
  CHECK(CountLeadingZeros(kMinSigned) == 0);
  CHECK(CountLeadingZeros(uint256::FromLimbs(0, 1, 0, 0)) == 191);
  CHECK(BitLength(0) == 0);
  CHECK(BitLength(0xff) == 8);
  CHECK(BitLength(uint256(1) << 200) == 201);
}

TEST_CASE("uint256 reads and writes big-endian bytes", "[uint256]") {
  const Bytes two_bytes = {0x01, 0x02};
  auto v = uint256::FromBigEndian(two_bytes);
  REQUIRE(v.ok());
  CHECK(*v == 0x0102);
  CHECK(*uint256::FromBigEndian(Bytes{}) == 0);
  const Bytes too_long(33, 0);
  auto bad = uint256::FromBigEndian(too_long);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("33 bytes, more than 32"));

  const uint256 x = Hex("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  const Hash32 word = x.ToBigEndian();
  CHECK(word[0] == 0x01);
  CHECK(word[31] == 0x20);
  CHECK(uint256::FromWord(word) == x);
  CHECK(*uint256::FromBigEndian(word) == x);
  CHECK(uint256::LoadBigEndian(word) == x);
  CHECK(uint256(0).ToBigEndianTrimmed().empty());  // RLP encodes 0 as the empty string
  CHECK(uint256(0x0400).ToBigEndianTrimmed() == Bytes{0x04, 0x00});
  CHECK(kMax.ToBigEndianTrimmed() == Bytes(32, 0xff));
}

TEST_CASE("uint256 hex is the JSON-RPC quantity form and parses strictly", "[uint256]") {
  CHECK(uint256(0).ToHex() == "0x0");
  CHECK(uint256(0x1a).ToHex() == "0x1a");
  CHECK(uint256(0x400).ToHex() == "0x400");
  CHECK(kMax.ToHex() == "0x" + std::string(64, 'f'));
  CHECK(Hex("0x00ff") == 0xff);
  CHECK(Hex("0xABCdef") == 0xabcdef);
  CHECK(Hex("0x" + std::string(64, 'f')) == kMax);
  CHECK(*uint256::FromHexQuantity("0x0") == 0);
  CHECK(*uint256::FromHexQuantity("0x1a") == 0x1a);

  const auto error = [](absl::StatusOr<uint256> result) {
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
    return std::string(result.status().message());
  };
  CHECK_THAT(error(uint256::FromHex("ff")), Catch::Contains("lacks the 0x prefix"));
  CHECK_THAT(error(uint256::FromHex("")), Catch::Contains("lacks the 0x prefix"));
  CHECK_THAT(error(uint256::FromHex("0x")), Catch::Contains("has no digits"));
  CHECK_THAT(error(uint256::FromHex("0x1" + std::string(64, '0'))),
             Catch::Contains("65 digits, more than 64"));
  CHECK_THAT(error(uint256::FromHex("0x12g4")),
             Catch::Contains("non-hex character 'g' at position 4"));
  CHECK_THAT(error(uint256::FromHex("0x-1")), Catch::Contains("at position 2"));
  CHECK_THAT(error(uint256::FromHex(std::string_view("0x1\0", 4))),
             Catch::Contains("'\\x00' at position 3"));
  CHECK_THAT(error(uint256::FromHexQuantity("0x01")), Catch::Contains("leading zero"));
  CHECK_THAT(error(uint256::FromHexQuantity("0x00")), Catch::Contains("leading zero"));
}

TEST_CASE("uint256 decimal parses amounts strictly and prints without leading zeros", "[uint256]") {
  const std::string max_text =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  CHECK(uint256(0).ToDecimal() == "0");
  CHECK(uint256(10'000'000'000'000'000'000ULL).ToDecimal() == "10000000000000000000");
  CHECK(kMax.ToDecimal() == max_text);
  CHECK(*uint256::FromDecimal(max_text) == kMax);
  CHECK(*uint256::FromDecimal("0") == 0);
  CHECK(*uint256::FromDecimal("000123") == 123);
  CHECK(*uint256::FromDecimal("1000000000000000000") == Exp(10, 18));  // 1 TFUEL in wei

  const auto error = [](absl::StatusOr<uint256> result) {
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
    return std::string(result.status().message());
  };
  CHECK_THAT(error(uint256::FromDecimal("")), Catch::Contains("is empty"));
  CHECK(error(uint256::FromDecimal("12a")) ==
        "uint256: decimal \"12a\" has a non-digit 'a' at position 2");
  CHECK_THAT(error(uint256::FromDecimal("-1")), Catch::Contains("'-' at position 0"));
  CHECK_THAT(error(uint256::FromDecimal(" 1")), Catch::Contains("position 0"));
  CHECK_THAT(error(uint256::FromDecimal("1e18")), Catch::Contains("'e' at position 1"));
  // 2^256 exactly, and a value that only overflows in its last chunk.
  CHECK_THAT(error(uint256::FromDecimal(
                 "115792089237316195423570985008687907853269984665640564039457584007913129639936")),
             Catch::Contains("exceeds 2^256 - 1"));
  CHECK_THAT(error(uint256::FromDecimal(max_text + "0")), Catch::Contains("exceeds 2^256 - 1"));
  CHECK(uint256::FromDecimal(std::string(200, '0') + "7").value() == 7);
}

// --- Differential test against GMP --------------------------------------------------------------

// An mpz_t that frees itself.
struct Mpz {
  mpz_t z;
  Mpz() { mpz_init(z); }
  ~Mpz() { mpz_clear(z); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
};

// The unsigned value of x.
void Load(mpz_t out, const uint256& x) {
  mpz_import(out, 4, -1, 8, 0, 0, x.limbs().data());
}

// The value of x read as two's complement.
void LoadSigned(mpz_t out, const uint256& x) {
  Load(out, x);
  if (x.IsNegative()) {
    Mpz two256;
    mpz_setbit(two256.z, 256);
    mpz_sub(out, out, two256.z);
  }
}

// z mod 2^256 as a uint256 (z may be negative or wider; it is reduced in place).
uint256 Store(mpz_t z) {
  mpz_fdiv_r_2exp(z, z, 256);
  std::array<uint64_t, 4> limbs{};
  mpz_export(limbs.data(), nullptr, -1, 8, 0, 0, z);
  return uint256::FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

// Operands drawn toward the values where carries, borrows and quotient estimates go wrong.
class OperandSource {
 public:
  explicit OperandSource(uint64_t seed) : rng_(seed) {}

  uint256 Next() {
    switch (rng_() % 8) {
      case 0:
      case 1:
        return Edge();
      case 2:
        return Edge() + (rng_() % 5) - 2;  // a neighbor of an edge value
      case 3:
        return rng_() % 1024;
      case 4:  // repeating limbs make long runs of equal digits in division
        return uint256::FromLimbs(Limb(), Limb(), Limb(), Limb()) >> (rng_() % 256);
      default: {
        const uint256 full = uint256::FromLimbs(rng_(), rng_(), rng_(), rng_());
        return full >> (rng_() % 256);  // a random bit length
      }
    }
  }
  uint64_t Below(uint64_t n) { return rng_() % n; }

 private:
  uint256 Edge() {
    static constexpr uint64_t kM = ~0ULL;
    static const uint256 kEdges[] = {0,
                                     1,
                                     2,
                                     kM,
                                     uint256::FromLimbs(0, 1, 0, 0),
                                     uint256::FromLimbs(1, 1, 0, 0),
                                     uint256::FromLimbs(0, 0, 1, 0),
                                     uint256::FromLimbs(kM, kM, 0, 0),
                                     uint256::FromLimbs(0, 0, 0, 1ULL << 63),
                                     uint256::FromLimbs(kM, kM, kM, kM >> 1),
                                     uint256::Max(),
                                     uint256::FromLimbs(0, 0, 0, 1),
                                     uint256::FromLimbs(kM, kM, kM, 0),
                                     uint256::FromLimbs(0, 1ULL << 63, 0, 1ULL << 63)};
    return kEdges[rng_() % std::size(kEdges)];
  }
  uint64_t Limb() {
    static constexpr uint64_t kLimbs[] = {0, 1, ~0ULL, 1ULL << 63, (1ULL << 63) - 1};
    return kLimbs[rng_() % std::size(kLimbs)];
  }
  std::mt19937_64 rng_;
};

// One differential case: computes an operation both ways on operands from `src` and returns an
// empty string when they agree, else a description of the mismatch.
using DiffCase = std::function<std::string(OperandSource& src)>;

std::string Mismatch(const char* op, std::initializer_list<uint256> args, const uint256& got,
                     const uint256& want) {
  if (got == want) return {};
  std::ostringstream out;
  out << op << "(";
  for (const uint256& a : args)
    out << a << " ";
  out << ") = " << got << ", GMP says " << want;
  return out.str();
}

// Runs `count` cases with a fixed seed; reports the first mismatch with the seed and case index.
void RunDifferential(const char* name, uint64_t seed, int count, const DiffCase& one) {
  OperandSource src(seed);
  int failures = 0;
  std::string first;
  for (int i = 0; i < count; ++i) {
    std::string mismatch = one(src);
    if (!mismatch.empty() && failures++ == 0) first = "case " + std::to_string(i) + ": " + mismatch;
  }
  INFO(name << ": seed 0x" << std::hex << seed << std::dec << ", " << failures << " of " << count
            << " cases differ; " << first);
  CHECK(failures == 0);
}

// The case counts add up to 2,350,000; the six cases take about 7 s together in Debug.
TEST_CASE("uint256 add, sub and mul agree with GMP", "[uint256][gmp]") {
  Mpz a, b, r;
  RunDifferential("add/sub/mul", 0x5eed0001, 600000, [&](OperandSource& src) {
    const uint256 x = src.Next(), y = src.Next();
    Load(a.z, x);
    Load(b.z, y);
    switch (src.Below(3)) {
      case 0:
        mpz_add(r.z, a.z, b.z);
        return Mismatch("add", {x, y}, x + y, Store(r.z));
      case 1:
        mpz_sub(r.z, a.z, b.z);
        return Mismatch("sub", {x, y}, x - y, Store(r.z));
      default:
        mpz_mul(r.z, a.z, b.z);
        return Mismatch("mul", {x, y}, x * y, Store(r.z));
    }
  });
}

TEST_CASE("uint256 div, mod, sdiv and smod agree with GMP", "[uint256][gmp]") {
  Mpz a, b, r;
  RunDifferential("div/mod/sdiv/smod", 0x5eed0002, 800000, [&](OperandSource& src) {
    const uint256 x = src.Next(), y = src.Next();
    const uint64_t op = src.Below(4);
    if (op < 2) {
      Load(a.z, x);
      Load(b.z, y);
    } else {
      LoadSigned(a.z, x);
      LoadSigned(b.z, y);
    }
    if (y.IsZero()) {
      mpz_set_ui(r.z, 0);
    } else if (op % 2 == 0) {
      mpz_tdiv_q(r.z, a.z, b.z);  // truncation toward zero is SDIV's rounding
    } else {
      mpz_tdiv_r(r.z, a.z, b.z);  // the remainder takes the dividend's sign, as SMOD's does
    }
    switch (op) {
      case 0:
        return Mismatch("div", {x, y}, x / y, Store(r.z));
      case 1:
        return Mismatch("mod", {x, y}, x % y, Store(r.z));
      case 2:
        return Mismatch("sdiv", {x, y}, Sdiv(x, y), Store(r.z));
      default:
        return Mismatch("smod", {x, y}, Smod(x, y), Store(r.z));
    }
  });
}

TEST_CASE("uint256 addmod and mulmod agree with GMP", "[uint256][gmp]") {
  Mpz a, b, m, r;
  RunDifferential("addmod/mulmod", 0x5eed0003, 500000, [&](OperandSource& src) {
    const uint256 x = src.Next(), y = src.Next(), n = src.Next();
    Load(a.z, x);
    Load(b.z, y);
    Load(m.z, n);
    const bool add = src.Below(2) == 0;
    if (add) {
      mpz_add(r.z, a.z, b.z);
    } else {
      mpz_mul(r.z, a.z, b.z);
    }
    if (n.IsZero()) {
      mpz_set_ui(r.z, 0);
    } else {
      mpz_mod(r.z, r.z, m.z);
    }
    return add ? Mismatch("addmod", {x, y, n}, AddMod(x, y, n), Store(r.z))
               : Mismatch("mulmod", {x, y, n}, MulMod(x, y, n), Store(r.z));
  });
}

// Operands already reduced modulo n, as in field arithmetic (weierstrudel, BN254 code): the
// product's leading quotient digit is then zero, a case the division skips.
TEST_CASE("uint256 mulmod and addmod of reduced operands agree with GMP", "[uint256][gmp]") {
  Mpz a, b, m, r;
  RunDifferential("reduced mulmod/addmod", 0x5eed0007, 200000, [&](OperandSource& src) {
    const uint256 n = src.Next();
    if (n.IsZero()) return std::string();
    const uint256 x = src.Next() % n, y = src.Next() % n;
    Load(a.z, x);
    Load(b.z, y);
    Load(m.z, n);
    const bool add = src.Below(2) == 0;
    if (add) {
      mpz_add(r.z, a.z, b.z);
    } else {
      mpz_mul(r.z, a.z, b.z);
    }
    mpz_mod(r.z, r.z, m.z);
    return add ? Mismatch("addmod", {x, y, n}, AddMod(x, y, n), Store(r.z))
               : Mismatch("mulmod", {x, y, n}, MulMod(x, y, n), Store(r.z));
  });
}

TEST_CASE("uint256 exp agrees with GMP", "[uint256][gmp]") {
  Mpz a, e, m, r;
  mpz_setbit(m.z, 256);
  RunDifferential("exp", 0x5eed0004, 50000, [&](OperandSource& src) {
    const uint256 x = src.Next(), y = src.Next();
    Load(a.z, x);
    Load(e.z, y);
    mpz_powm(r.z, a.z, e.z, m.z);
    return Mismatch("exp", {x, y}, Exp(x, y), Store(r.z));
  });
}

TEST_CASE("uint256 shl, shr and sar agree with GMP", "[uint256][gmp]") {
  Mpz a, r;
  RunDifferential("shl/shr/sar", 0x5eed0005, 300000, [&](OperandSource& src) {
    const uint256 x = src.Next();
    // Counts around the limb and word boundaries, sometimes far beyond 256.
    const uint256 n = src.Below(8) == 0 ? src.Next() : uint256(src.Below(300));
    const uint64_t count = n.FitsUint64() ? std::min<uint64_t>(n.limb(0), 300) : 300;
    switch (src.Below(3)) {
      case 0:
        Load(a.z, x);
        mpz_mul_2exp(r.z, a.z, count);
        return Mismatch("shl", {x, n}, x << n, Store(r.z));
      case 1:
        Load(a.z, x);
        mpz_fdiv_q_2exp(r.z, a.z, count);
        return Mismatch("shr", {x, n}, x >> n, Store(r.z));
      default:
        LoadSigned(a.z, x);
        mpz_fdiv_q_2exp(r.z, a.z, count);  // floor division is the arithmetic shift
        return Mismatch("sar", {x, n}, Sar(x, n), Store(r.z));
    }
  });
}

TEST_CASE("uint256 decimal and hex text agree with GMP and round-trip", "[uint256][gmp]") {
  Mpz a;
  RunDifferential("decimal/hex", 0x5eed0006, 100000, [&](OperandSource& src) -> std::string {
    const uint256 x = src.Next();
    Load(a.z, x);
    char buf[100];
    const std::string decimal = mpz_get_str(buf, 10, a.z);
    const std::string hex = std::string("0x") + mpz_get_str(buf, 16, a.z);
    if (x.ToDecimal() != decimal) return "ToDecimal(" + hex + ") = " + x.ToDecimal();
    if (x.ToHex() != hex) return "ToHex(" + decimal + ") = " + x.ToHex();
    const auto from_decimal = uint256::FromDecimal(decimal);
    const auto from_hex = uint256::FromHexQuantity(hex);
    if (!from_decimal.ok() || *from_decimal != x) return "FromDecimal(" + decimal + ") differs";
    if (!from_hex.ok() || *from_hex != x) return "FromHexQuantity(" + hex + ") differs";
    const Bytes trimmed = x.ToBigEndianTrimmed();
    if (uint256::LoadBigEndian(trimmed) != x || uint256::FromWord(x.ToBigEndian()) != x) {
      return "big-endian round trip of " + hex + " differs";
    }
    return {};
  });
}

}  // namespace
}  // namespace theta
