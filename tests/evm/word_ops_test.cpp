// The interpreter's own word operations (ADD, MUL, SUB, comparisons, shifts) checked against
// theta::uint256's portable operators, through bytecode, on edge values and seeded random ones.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "theta/evm/interpreter.hpp"
#include "theta/evm/state.hpp"

namespace theta::evm {
namespace {

// Runs PUSH32 b PUSH32 a OP, stores the result at 0 and returns it: OP sees a on top, b below.
uint256 RunBinary(uint8_t op, const uint256& a, const uint256& b) {
  Bytes code;
  for (const uint256* v : {&b, &a}) {
    code.push_back(0x7f);
    const Hash32 word = v->ToBigEndian();
    code.insert(code.end(), word.data(), word.data() + word.size());
  }
  const Bytes tail = {op, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
  code.insert(code.end(), tail.begin(), tail.end());
  State state;
  AnalysisCache cache;
  StateHost host(state, Revision::kCancun, TxContext{}, cache);
  Message msg;
  msg.gas = 100'000;
  const ExecutionResult r = ExecuteCode(host, Revision::kCancun, msg, code);
  REQUIRE(r.status == StatusCode::kSuccess);
  REQUIRE(r.output.size() == 32);
  return uint256::LoadBigEndian(r.output);
}

// The result the Yellow Paper defines for OP with a on top of the stack and b below it.
uint256 Expected(uint8_t op, const uint256& a, const uint256& b) {
  switch (op) {
    case 0x01:
      return a + b;
    case 0x02:
      return a * b;
    case 0x03:
      return a - b;
    case 0x04:
      return a / b;
    case 0x05:
      return Sdiv(a, b);
    case 0x06:
      return a % b;
    case 0x07:
      return Smod(a, b);
    case 0x0b:
      return SignExtend(a, b);
    case 0x10:
      return a < b ? 1 : 0;
    case 0x11:
      return a > b ? 1 : 0;
    case 0x12:
      return Slt(a, b) ? 1 : 0;
    case 0x13:
      return Sgt(a, b) ? 1 : 0;
    case 0x14:
      return a == b ? 1 : 0;
    case 0x16:
      return a & b;
    case 0x17:
      return a | b;
    case 0x18:
      return a ^ b;
    case 0x1b:
      return b << a;
    case 0x1c:
      return b >> a;
    case 0x1d:
      return Sar(b, a);
  }
  FAIL("no expectation for opcode " << int{op});
  return 0;
}

std::vector<uint256> EdgeValues() {
  std::vector<uint256> v = {0, 1, 2, 31, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257};
  // SIGNEXTEND's limb boundaries and sign bytes; small and 64-bit negative values for SDIV/SMOD.
  for (const uint64_t x : {7u, 8u, 15u, 16u, 23u, 24u, 30u, 0x80u, 0xffu, 0x8000u, 0x80000000u})
    v.push_back(x);
  v.push_back(uint256::Max() - 4);                                              // -5
  v.push_back(uint256::FromLimbs(0, ~0ULL, ~0ULL, ~0ULL));                      // -2^64
  v.push_back(uint256::FromLimbs(0x8000000000000000ULL, ~0ULL, ~0ULL, ~0ULL));  // -2^63
  v.push_back(uint256::Max());
  v.push_back(uint256::FromLimbs(0, 1, 0, 0));                       // 2^64
  v.push_back(uint256::FromLimbs(~0ULL, 0, 0, 0));                   // 2^64 - 1
  v.push_back(uint256::FromLimbs(0, 0, 0, 1ULL << 63));              // -2^255
  v.push_back(uint256::FromLimbs(~0ULL, ~0ULL, ~0ULL, ~0ULL >> 1));  // 2^255 - 1
  v.push_back(uint256::FromLimbs(0x0123456789abcdefULL, 0xfedcba9876543210ULL,
                                 0x8000000000000001ULL, 0x7fffffffffffffffULL));
  return v;
}

constexpr uint8_t kOps[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0b, 0x10, 0x11,
                            0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1b, 0x1c, 0x1d};

TEST_CASE("interpreter word operations agree with uint256 on edge values", "[evm]") {
  const std::vector<uint256> values = EdgeValues();
  for (const uint8_t op : kOps) {
    for (const uint256& a : values) {
      for (const uint256& b : values) {
        INFO("opcode " << int{op} << " a " << a << " b " << b);
        CHECK(RunBinary(op, a, b) == Expected(op, a, b));
      }
    }
  }
}

TEST_CASE("interpreter word operations agree with uint256 on random values", "[evm]") {
  const uint64_t seed = 20240611;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 300; ++i) {
    const uint256 a = uint256::FromLimbs(rng(), rng(), rng(), rng());
    const uint256 b = uint256::FromLimbs(rng(), rng(), rng(), rng());
    // Shift counts are mostly small in practice; also try every limb boundary region.
    const uint256 count = rng() % 300;
    for (const uint8_t op : kOps) {
      const bool shift = op >= 0x1b || op == 0x0b;  // SIGNEXTEND's byte index is small too
      const uint256& first = shift ? count : a;
      INFO("opcode " << int{op} << " a " << first << " b " << b);
      CHECK(RunBinary(op, first, b) == Expected(op, first, b));
    }
  }
}

// Pushes `stack` (last element on top), runs `op`, then stores every word left on the stack to
// memory from the top down and returns them, top first.
std::vector<uint256> RunOnStack(const std::vector<uint256>& stack, uint8_t op) {
  Bytes code;
  for (const uint256& v : stack) {
    code.push_back(0x7f);
    const Hash32 word = v.ToBigEndian();
    code.insert(code.end(), word.data(), word.data() + word.size());
  }
  code.push_back(op);
  int depth = static_cast<int>(stack.size());
  if (op >= 0x80 && op <= 0x8f) depth += 1;  // DUPn
  if (op == 0x09) depth -= 2;                // MULMOD
  for (int i = 0; i < depth; ++i) {
    code.insert(code.end(), {0x61, static_cast<uint8_t>((32 * i) >> 8),
                             static_cast<uint8_t>(32 * i), 0x52});  // PUSH2 32*i MSTORE
  }
  code.insert(code.end(), {0x61, static_cast<uint8_t>((32 * depth) >> 8),
                           static_cast<uint8_t>(32 * depth), 0x60, 0x00, 0xf3});
  State state;
  AnalysisCache cache;
  StateHost host(state, Revision::kCancun, TxContext{}, cache);
  Message msg;
  msg.gas = 1'000'000;
  const ExecutionResult r = ExecuteCode(host, Revision::kCancun, msg, code);
  REQUIRE(r.status == StatusCode::kSuccess);
  REQUIRE(r.output.size() == 32 * static_cast<size_t>(depth));
  std::vector<uint256> out;
  for (int i = 0; i < depth; ++i)
    out.push_back(uint256::LoadBigEndian({r.output.data() + 32 * i, 32}));
  return out;
}

TEST_CASE("MULMOD by 2^256 - 1 agrees with the general reduction", "[evm]") {
  std::vector<uint256> values = EdgeValues();
  values.push_back(uint256::FromLimbs(0, 0, 1, 0));          // 2^128
  values.push_back(uint256::Max() - 1);                      // 2^256 - 2
  values.push_back(uint256::FromLimbs(~0ULL, ~0ULL, 0, 0));  // 2^128 - 1
  values.push_back(uint256::FromLimbs(1, 0, 1, 0));          // 2^128 + 1
  std::mt19937_64 rng(4242);
  for (int i = 0; i < 40; ++i)
    values.push_back(uint256::FromLimbs(rng(), rng(), rng(), rng()));
  const uint256 m = uint256::Max();
  for (const uint256& a : values) {
    for (const uint256& b : values) {
      INFO("a " << a << " b " << b);
      // MULMOD pops a, b, then the modulus: the stack holds m, b, a (a on top).
      const std::vector<uint256> got = RunOnStack({m, b, a}, 0x09);
      REQUIRE(got.size() == 1);
      CHECK(got[0] == MulMod(a, b, m));
    }
  }
}

TEST_CASE("DUP, SWAP and NOT move and flip whole words", "[evm]") {
  std::mt19937_64 rng(77);
  std::vector<uint256> stack;
  for (int i = 0; i < 17; ++i)
    stack.push_back(uint256::FromLimbs(rng(), rng(), rng(), rng()));
  std::vector<uint256> top_first(stack.rbegin(), stack.rend());
  for (int n = 1; n <= 16; ++n) {
    INFO("n " << n);
    std::vector<uint256> dup = top_first;
    dup.insert(dup.begin(), top_first[n - 1]);
    CHECK(RunOnStack(stack, static_cast<uint8_t>(0x7f + n)) == dup);
    std::vector<uint256> swapped = top_first;
    std::swap(swapped[0], swapped[n]);
    CHECK(RunOnStack(stack, static_cast<uint8_t>(0x8f + n)) == swapped);
  }
  std::vector<uint256> flipped = top_first;
  flipped[0] = ~flipped[0];
  CHECK(RunOnStack(stack, 0x19) == flipped);
}

}  // namespace
}  // namespace theta::evm
