// BN254 groups, pairing and the EIP-196/197 precompile API. Known vectors come from go-ethereum's
// core/vm/testdata/precompiles (bn256Add.json, bn256ScalarMul.json, bn256Pairing.json), copied into
// tests/data/crypto with their source named in each file.
#include "theta/crypto/bn254.hpp"

#include <gmp.h>

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "internal/bn254_pairing.hpp"
#include "support/test_data.hpp"

namespace theta::crypto {
namespace {

using namespace internal;  // NOLINT: the test reaches the internal layer throughout

Bytes Hex(const std::string& digits) {
  auto bytes = ParseHexDigits(digits);
  REQUIRE(bytes.ok());
  return *bytes;
}

Limbs<4> RandomScalar(std::mt19937_64& rng) {
  Limbs<4> k{};
  for (uint64_t& limb : k)
    limb = rng();
  k[3] >>= 3;  // below 2^253 < r
  return k;
}

Bn254Fp12 Pairing(const Bn254G1Affine& p, const Bn254G2Affine& q) {
  const std::array<Bn254PairInput, 1> pair{{{p, q}}};
  return Bn254FinalExponentiation(Bn254MillerLoop(pair));
}

TEST_CASE("bn254 generators lie on their curves and have order r", "[bn254]") {
  const Bn254G1Affine g1 = Bn254G1Generator();
  const Bn254G2Affine g2 = Bn254G2Generator();
  CHECK(Bn254G2Curve::B().MulByXi() == Bn254Fp2{Bn254Fp::FromUint(3), Bn254Fp::Zero()});
  CHECK(g1.IsOnCurve());
  CHECK(g2.IsOnCurve());
  CHECK(Bn254G1::From(g1).ScalarMulPublic(Bn254FrParams::kModulus).IsInfinity());
  CHECK(Bn254G2InSubgroup(g2));
  CHECK_FALSE(
      Bn254G1::From(g1).ScalarMulPublic(limbs::SubSmall(Bn254FrParams::kModulus, 1)).IsInfinity());
}

TEST_CASE("bn254 group law agrees between add, double and scalar multiplication", "[bn254]") {
  std::mt19937_64 rng(0xb254);
  const Bn254G2 g2 = Bn254G2::From(Bn254G2Generator());
  const Bn254G1 g1 = Bn254G1::From(Bn254G1Generator());
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    const Limbs<4> a = RandomScalar(rng), b = RandomScalar(rng);
    Limbs<4> sum{};
    u128 carry = 0;
    for (size_t j = 0; j < 4; ++j) {
      carry += static_cast<u128>(a[j]) + b[j];
      sum[j] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
    CHECK(g1.ScalarMulPublic(a) + g1.ScalarMulPublic(b) == g1.ScalarMulPublic(sum));
    CHECK(g2.ScalarMulPublic(a) + g2.ScalarMulPublic(b) == g2.ScalarMulPublic(sum));
    const Bn254G1 p = g1.ScalarMulPublic(a);
    CHECK(p + p == p.Double());
    CHECK(p.AddAffine(p.ToAffine()) == p.Double());
    CHECK((p + -p).IsInfinity());
    CHECK(p.ToAffine().IsOnCurve());
    CHECK(g2.ScalarMulPublic(a).ToAffine().IsOnCurve());
  }
}

TEST_CASE("bn254 fast G2 subgroup test agrees with multiplication by r", "[bn254]") {
  std::mt19937_64 rng(0x5c);
  const Bn254G2 g2 = Bn254G2::From(Bn254G2Generator());
  for (int i = 0; i < 4; ++i) {
    const Bn254G2Affine in_g2 = g2.ScalarMulPublic(RandomScalar(rng)).ToAffine();
    CHECK(Bn254G2InSubgroup(in_g2));
    CHECK(Bn254G2InSubgroupByOrder(in_g2));
  }
  // Points of the twist outside G2: x = 1, 2, ... with a root in Fp2 for x³ + b.
  int found = 0;
  for (uint64_t x = 1; found < 6; ++x) {
    const Bn254Fp2 xx{Bn254Fp::FromUint(x), Bn254Fp::FromUint(x + 7)};
    const Bn254Fp2 rhs = xx.Square() * xx + Bn254G2Curve::B();
    const Bn254Fp norm = rhs.c0.Square() + rhs.c1.Square();
    Bn254Fp root, c;
    if (!norm.Sqrt(&root)) continue;
    if (!((rhs.c0 + root).Halve()).Sqrt(&c) && !((rhs.c0 - root).Halve()).Sqrt(&c)) continue;
    const Bn254G2Affine q = Bn254G2Affine::Of(xx, {c, rhs.c1 * c.Double().Inverse()});
    REQUIRE(q.IsOnCurve());
    ++found;
    CAPTURE(x);
    CHECK(Bn254G2InSubgroup(q) == Bn254G2InSubgroupByOrder(q));
    CHECK_FALSE(Bn254G2InSubgroup(q));
    // Clearing the cofactor (2p − r) lands in G2, and both tests then accept.
    Limbs<4> cofactor = Bn254FpParams::kModulus;
    cofactor = limbs::DoubleMod(cofactor, Limbs<4>{~0ULL, ~0ULL, ~0ULL, ~0ULL});  // 2p < 2^255
    limbs::Sub(cofactor, Bn254FrParams::kModulus);
    const Bn254G2Affine cleared = Bn254G2::From(q).ScalarMulPublic(cofactor).ToAffine();
    CHECK(Bn254G2InSubgroup(cleared));
    CHECK(Bn254G2InSubgroupByOrder(cleared));
  }
}

TEST_CASE("bn254 twist frobenius maps G2 to itself as multiplication by p", "[bn254]") {
  const Bn254G2Affine q = Bn254G2Generator();
  const Bn254G2Affine q1 = Bn254TwistFrobenius<1>(q);
  CHECK(q1.IsOnCurve());
  // On G2, π acts as multiplication by p mod r.
  Limbs<4> p_mod_r = Bn254FpParams::kModulus;
  limbs::Sub(p_mod_r, Bn254FrParams::kModulus);
  CHECK(Bn254G2::From(q1) == Bn254G2::From(q).ScalarMulPublic(p_mod_r));
  CHECK(Bn254G2::From(Bn254TwistFrobenius<2>(q)) == Bn254G2::From(Bn254TwistFrobenius<1>(q1)));
}

TEST_CASE("bn254 final exponentiation equals raising to (p^12 - 1)/r", "[bn254]") {
  // Hard part exponent (p⁴ − p² + 1)/r from GMP.
  mpz_t p, r, e;
  mpz_inits(p, r, e, nullptr);
  mpz_import(p, 4, -1, 8, 0, 0, Bn254FpParams::kModulus.data());
  mpz_import(r, 4, -1, 8, 0, 0, Bn254FrParams::kModulus.data());
  mpz_t p2;
  mpz_init(p2);
  mpz_mul(p2, p, p);
  mpz_mul(e, p2, p2);
  mpz_sub(e, e, p2);
  mpz_add_ui(e, e, 1);
  REQUIRE(mpz_divisible_p(e, r));
  mpz_divexact(e, e, r);
  Limbs<16> hard{};
  size_t count = 0;
  mpz_export(hard.data(), &count, -1, 8, 0, 0, e);
  REQUIRE(count <= 16);
  mpz_clears(p, r, e, p2, nullptr);

  const std::array<Bn254PairInput, 1> pair{{{Bn254G1Generator(), Bn254G2Generator()}}};
  const Bn254Fp12 f = Bn254MillerLoop(pair);
  Bn254Fp12 easy = f.Conjugate() * f.Inverse();
  easy = easy.Frobenius<2>() * easy;
  const Bn254Fp12 want = PowPublic(easy, hard);
  CHECK(Bn254FinalExponentiation(f) == want);
  // In the cyclotomic subgroup the Granger–Scott squaring agrees with the generic one, and x^u too.
  CHECK(easy.CyclotomicSquare() == easy.Square());
  CHECK(want.CyclotomicSquare() == want.Square());
  CHECK(Bn254ExpByU(easy) == PowPublic(easy, Limbs<1>{kBn254U}));
  CHECK_FALSE(want.IsOne());
}

TEST_CASE("bn254 pairing is bilinear and non-degenerate", "[bn254]") {
  std::mt19937_64 rng(0xb11e);
  const Bn254G1 g1 = Bn254G1::From(Bn254G1Generator());
  const Bn254G2 g2 = Bn254G2::From(Bn254G2Generator());
  const Bn254Fp12 base = Pairing(Bn254G1Generator(), Bn254G2Generator());
  CHECK_FALSE(base.IsOne());
  CHECK(PowPublic(base, Bn254FrParams::kModulus).IsOne());  // lands in the order-r subgroup
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const Limbs<4> a = RandomScalar(rng), b = RandomScalar(rng);
    const Bn254Fr ab = Bn254Fr::FromCanonical(a) * Bn254Fr::FromCanonical(b);
    const Bn254Fp12 lhs =
        Pairing(g1.ScalarMulPublic(a).ToAffine(), g2.ScalarMulPublic(b).ToAffine());
    CHECK(lhs == PowPublic(base, ab.ToCanonical()));
  }
}

std::string ResultHex(const std::array<uint8_t, 64>& out) {
  return ToHex(out, false);
}

TEST_CASE("bn254 add matches go-ethereum's bn256Add vectors", "[bn254]") {
  const auto doc = testing::LoadJson(testing::RepoTestDataDir() / "crypto" / "bn254_add.json");
  for (const auto& v : doc["vectors"]) {
    CAPTURE(v["Name"].get<std::string>());
    auto out = Bn254Add(Hex(v["Input"]));
    REQUIRE(out.ok());
    CHECK(ResultHex(*out) == v["Expected"].get<std::string>());
  }
}

TEST_CASE("bn254 mul matches go-ethereum's bn256ScalarMul vectors", "[bn254]") {
  const auto doc = testing::LoadJson(testing::RepoTestDataDir() / "crypto" / "bn254_mul.json");
  for (const auto& v : doc["vectors"]) {
    CAPTURE(v["Name"].get<std::string>());
    auto out = Bn254Mul(Hex(v["Input"]));
    REQUIRE(out.ok());
    CHECK(ResultHex(*out) == v["Expected"].get<std::string>());
  }
}

TEST_CASE("bn254 pairing check matches go-ethereum's bn256Pairing vectors", "[bn254]") {
  const auto doc = testing::LoadJson(testing::RepoTestDataDir() / "crypto" / "bn254_pairing.json");
  for (const auto& v : doc["vectors"]) {
    CAPTURE(v["Name"].get<std::string>());
    auto out = Bn254PairingCheck(Hex(v["Input"]));
    REQUIRE(out.ok());
    CHECK(*out == (v["Expected"].get<std::string>().back() == '1'));
  }
}

// EIP-197's generators, encoded: P1 = (1, 2) and P2 as (x_im, x_re, y_im, y_re).
constexpr char kG1Hex[] =
    "0000000000000000000000000000000000000000000000000000000000000001"
    "0000000000000000000000000000000000000000000000000000000000000002";
constexpr char kG2Hex[] =
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
constexpr char kPHex[] = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

void CheckRejected(const absl::Status& status, const std::string& fragment) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains(fragment));
}

TEST_CASE("bn254 add and mul reject coordinates not below p and points off the curve", "[bn254]") {
  const std::string g1 = kG1Hex;
  // x = p: not below the modulus (even though p ≡ 0 would be "on the curve" with y = ±√3).
  CheckRejected(Bn254Add(Hex(std::string(kPHex) + g1.substr(64) + g1)).status(),
                "G1 x coordinate 0x30644e72");
  CheckRejected(Bn254Add(Hex(g1 + g1.substr(0, 64) + kPHex)).status(), "G1 y coordinate");
  // (1, 3) is not on y² = x³ + 3.
  const std::string off = g1.substr(0, 64) + std::string(63, '0') + "3";
  CheckRejected(Bn254Add(Hex(off + g1)).status(), "is not on the curve");
  CheckRejected(Bn254Mul(Hex(off + std::string(63, '0') + "2")).status(), "is not on the curve");
  // (0, 0) is infinity but (0, 1) is an invalid point.
  CheckRejected(Bn254Add(Hex(std::string(127, '0') + "1")).status(), "is not on the curve");
}

TEST_CASE("bn254 mul of a valid point by the group order is infinity and by one is the point",
          "[bn254]") {
  const std::string g1 = kG1Hex;
  auto by_r =
      Bn254Mul(Hex(g1 + "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"));
  REQUIRE(by_r.ok());
  CHECK(ResultHex(*by_r) == std::string(128, '0'));
  auto by_one = Bn254Mul(Hex(g1 + std::string(63, '0') + "1"));
  REQUIRE(by_one.ok());
  CHECK(ResultHex(*by_one) == g1);
  auto by_zero = Bn254Mul(Hex(g1));  // scalar padded with zeros
  REQUIRE(by_zero.ok());
  CHECK(ResultHex(*by_zero) == std::string(128, '0'));
}

TEST_CASE("bn254 pairing check rejects bad lengths, bad coordinates and G2 points outside G2",
          "[bn254]") {
  const std::string g1 = kG1Hex, g2 = kG2Hex;
  CheckRejected(Bn254PairingCheck(Hex(g1 + g2 + "00")).status(),
                "length 193 is not a multiple of 192");
  CheckRejected(Bn254PairingCheck(Hex(g1)).status(), "length 64");
  // A G2 coordinate equal to p.
  CheckRejected(Bn254PairingCheck(Hex(g1 + kPHex + g2.substr(64))).status(), "G2 x_im coordinate");
  CheckRejected(Bn254PairingCheck(Hex(g1 + g2.substr(0, 192) + kPHex)).status(),
                "G2 y_re coordinate");
  // Swapping the real and imaginary parts leaves the twist.
  const std::string swapped =
      g2.substr(64, 64) + g2.substr(0, 64) + g2.substr(192, 64) + g2.substr(128, 64);
  CheckRejected(Bn254PairingCheck(Hex(g1 + swapped)).status(), "is not on the twist");
  // A point on the twist but outside the order-r subgroup: find one by trying x = 1, 2, ...
  Bn254G2Affine q;
  for (uint64_t x = 1;; ++x) {
    const Bn254Fp2 xx{Bn254Fp::FromUint(x), Bn254Fp::Zero()};
    const Bn254Fp2 rhs = xx.Square() * xx + Bn254G2Curve::B();
    // y² = rhs has a root in Fp2 iff rhs^((p²−1)/2) = 1; use the norm: a square in Fp2 iff its norm
    // is a square in Fp.
    const Bn254Fp norm = rhs.c0.Square() + rhs.c1.Square();
    Bn254Fp root;
    if (!norm.Sqrt(&root)) continue;
    // √(a + bi) = c + di with c² = (a + √n)/2 (or (a − √n)/2), d = b/(2c).
    constexpr Bn254Fp kHalf = Bn254Fp::Half();
    Bn254Fp c;
    if (!((rhs.c0 + root) * kHalf).Sqrt(&c) && !((rhs.c0 - root) * kHalf).Sqrt(&c)) continue;
    const Bn254Fp2 y{c, rhs.c1 * (c + c).Inverse()};
    q = Bn254G2Affine::Of(xx, y);
    REQUIRE(q.IsOnCurve());
    break;
  }
  REQUIRE_FALSE(Bn254G2InSubgroup(q));
  REQUIRE_FALSE(Bn254G2InSubgroupByOrder(q));
  std::array<uint8_t, 128> enc{};
  q.x.c1.ToBytes(std::span<uint8_t, 32>(enc.data(), 32));
  q.x.c0.ToBytes(std::span<uint8_t, 32>(enc.data() + 32, 32));
  q.y.c1.ToBytes(std::span<uint8_t, 32>(enc.data() + 64, 32));
  q.y.c0.ToBytes(std::span<uint8_t, 32>(enc.data() + 96, 32));
  CheckRejected(Bn254PairingCheck(Hex(g1 + ToHex(enc, false))).status(),
                "not in the order-r subgroup");
}

TEST_CASE("bn254 pairing check treats infinity as the neutral pair", "[bn254]") {
  const std::string g1 = kG1Hex, g2 = kG2Hex;
  auto with_zero_g1 = Bn254PairingCheck(Hex(std::string(128, '0') + g2));
  REQUIRE(with_zero_g1.ok());
  CHECK(*with_zero_g1);
  auto with_zero_g2 = Bn254PairingCheck(Hex(g1 + std::string(256, '0')));
  REQUIRE(with_zero_g2.ok());
  CHECK(*with_zero_g2);
  // e(P, Q)·e(−P, Q) = 1 but e(P, Q)·e(P, Q) ≠ 1.
  auto neg = Bn254Mul(Hex(g1 + "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000"));
  REQUIRE(neg.ok());
  auto cancel = Bn254PairingCheck(Hex(g1 + g2 + ResultHex(*neg) + g2));
  REQUIRE(cancel.ok());
  CHECK(*cancel);
  auto twice = Bn254PairingCheck(Hex(g1 + g2 + g1 + g2));
  REQUIRE(twice.ok());
  CHECK_FALSE(*twice);
}

TEST_CASE("bn254 pairing check multiplies more pairs than one Miller loop batch holds", "[bn254]") {
  // 9 cancelling couples = 18 pairs, beyond the loop's batch of 16; then one couple spoiled.
  const std::string g1 = kG1Hex, g2 = kG2Hex;
  auto neg = Bn254Mul(Hex(g1 + "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000"));
  REQUIRE(neg.ok());
  std::string input;
  for (int i = 0; i < 9; ++i)
    input += g1 + g2 + ResultHex(*neg) + g2;
  auto holds = Bn254PairingCheck(Hex(input));
  REQUIRE(holds.ok());
  CHECK(*holds);
  input.replace(input.size() - 384, 128, g1);  // the last pair's −P1 becomes P1
  auto spoiled = Bn254PairingCheck(Hex(input));
  REQUIRE(spoiled.ok());
  CHECK_FALSE(*spoiled);
}

}  // namespace
}  // namespace theta::crypto
