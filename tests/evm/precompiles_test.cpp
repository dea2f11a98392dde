#include "theta/evm/precompiles.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"

namespace theta::evm {
namespace {

Address Precompile(uint8_t n) {
  Address a;
  a[19] = n;
  return a;
}

TEST_CASE("precompile set grows with Cancun's point evaluation", "[evm]") {
  CHECK(IsPrecompile(Precompile(9), Revision::kIstanbul));
  CHECK_FALSE(IsPrecompile(Precompile(10), Revision::kShanghai));
  CHECK(IsPrecompile(Precompile(10), Revision::kCancun));
  CHECK_FALSE(IsPrecompile(Precompile(0), Revision::kCancun));
}

TEST_CASE("sha256 and identity precompiles charge per word", "[evm]") {
  const Bytes input = {'a', 'b', 'c'};
  const ExecutionResult sha = RunPrecompile(Precompile(2), Revision::kCancun, input, 100);
  REQUIRE(sha.status == StatusCode::kSuccess);
  CHECK(sha.gas_left == 100 - 72);
  CHECK(ToHex(sha.output) == Sha256(input).ToHex());
  const ExecutionResult id = RunPrecompile(Precompile(4), Revision::kCancun, input, 18);
  CHECK(id.output == input);
  CHECK(id.gas_left == 0);
  CHECK(RunPrecompile(Precompile(4), Revision::kCancun, input, 17).status == StatusCode::kOutOfGas);
}

TEST_CASE("modexp computes 3^5 mod 7 with EIP-2565 and EIP-198 prices", "[evm]") {
  Bytes input(96 + 3, 0);
  input[31] = 1;  // base length
  input[63] = 1;  // exponent length
  input[95] = 1;  // modulus length
  input[96] = 3;
  input[97] = 5;
  input[98] = 7;
  const ExecutionResult r = RunPrecompile(Precompile(5), Revision::kCancun, input, 1000);
  REQUIRE(r.status == StatusCode::kSuccess);
  CHECK(r.output == Bytes{5});  // 243 mod 7
  CHECK(r.gas_left == 800);     // the EIP-2565 minimum of 200
  const ExecutionResult old = RunPrecompile(Precompile(5), Revision::kIstanbul, input, 1000);
  CHECK(old.gas_left == 1000 - 1 * 2 / 20);  // EIP-198: 1^2 * (bitlen(5) - 1) / 20 = 0
}

TEST_CASE("blake2f compresses abc as EIP-152's test vector 5", "[evm]") {
  // EIP-152 vector 5: BLAKE2b-512("abc") in one compression of 12 rounds.
  const uint64_t iv[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
                          0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                          0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
  Bytes input(213, 0);
  input[3] = 12;
  for (int i = 0; i < 8; ++i) {
    const uint64_t h = i == 0 ? iv[0] ^ 0x01010040 : iv[i];
    for (int j = 0; j < 8; ++j)
      input[4 + 8 * i + j] = static_cast<uint8_t>(h >> (8 * j));
  }
  input[68] = 'a';
  input[69] = 'b';
  input[70] = 'c';
  input[196] = 3;  // t0: bytes compressed so far
  input[212] = 1;  // final block
  const ExecutionResult r = RunPrecompile(Precompile(9), Revision::kCancun, input, 12);
  REQUIRE(r.status == StatusCode::kSuccess);
  CHECK(ToHex(r.output) ==
        "0xba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5d"
        "e4533cc9518d38aa8dbf1925ab92386edd4009923");
  input[212] = 2;
  CHECK(RunPrecompile(Precompile(9), Revision::kCancun, input, 12).status ==
        StatusCode::kPrecompileFailure);
}

TEST_CASE("ecrecover returns nothing for a v other than 27 or 28", "[evm]") {
  Bytes input(128, 0);
  input[63] = 29;
  const ExecutionResult r = RunPrecompile(Precompile(1), Revision::kCancun, input, 3000);
  CHECK(r.status == StatusCode::kSuccess);
  CHECK(r.output.empty());
}

TEST_CASE("bn254 precompiles run on theta-crypto with EIP-1108 prices", "[evm]") {
  // ECMUL of the generator (1, 2) by 2 gives 2G (EIP-196 encoding: x ‖ y, 32 bytes each).
  Bytes mul_input(96, 0);
  mul_input[31] = 1;
  mul_input[63] = 2;
  mul_input[95] = 2;
  const ExecutionResult mul = RunPrecompile(Precompile(7), Revision::kCancun, mul_input, 7000);
  REQUIRE(mul.status == StatusCode::kSuccess);
  CHECK(mul.gas_left == 1000);
  CHECK(ToHex(mul.output) ==
        "0x030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4");

  // ECADD of G and G agrees with ECMUL by 2; an empty input is infinity plus infinity.
  Bytes add_input(128, 0);
  add_input[31] = 1;
  add_input[63] = 2;
  add_input[95] = 1;
  add_input[127] = 2;
  const ExecutionResult add = RunPrecompile(Precompile(6), Revision::kCancun, add_input, 150);
  REQUIRE(add.status == StatusCode::kSuccess);
  CHECK(add.output == mul.output);
  CHECK(add.gas_left == 0);
  CHECK(RunPrecompile(Precompile(6), Revision::kCancun, {}, 150).output == Bytes(64, 0));

  // ECPAIRING of nothing holds: 45,000 base gas and a 32-byte 1.
  const ExecutionResult pairing = RunPrecompile(Precompile(8), Revision::kCancun, {}, 45000);
  REQUIRE(pairing.status == StatusCode::kSuccess);
  CHECK(pairing.output.size() == 32);
  CHECK(pairing.output[31] == 1);

  // A point off the curve fails the call and consumes all gas; too little gas is out of gas.
  Bytes off_curve = add_input;
  off_curve[63] = 3;
  const ExecutionResult bad = RunPrecompile(Precompile(6), Revision::kCancun, off_curve, 1000);
  CHECK(bad.status != StatusCode::kSuccess);
  CHECK(bad.gas_left == 0);
  CHECK(RunPrecompile(Precompile(6), Revision::kCancun, {}, 149).status == StatusCode::kOutOfGas);
}

}  // namespace
}  // namespace theta::evm
