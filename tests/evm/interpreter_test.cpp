#include "theta/evm/interpreter.hpp"

#include <catch2/catch.hpp>

#include "theta/evm/state.hpp"

namespace theta::evm {
namespace {

Bytes Code(std::string_view hex) {
  return ParseHex(hex).value();
}

// Runs `code` as the code of a fresh account with `gas`, under `rev`, through the in-memory host.
ExecutionResult Run(std::string_view hex, int64_t gas = 1'000'000,
                    Revision rev = Revision::kCancun) {
  State state;
  Address contract;
  contract[19] = 0xcc;
  state.GetOrCreate(contract).SetCode(Code(hex));
  AnalysisCache cache;
  StateHost host(state, rev, TxContext{}, cache);
  Message msg;
  msg.gas = gas;
  msg.recipient = msg.code_address = contract;
  return host.Call(msg);
}

uint256 OutputWord(const ExecutionResult& r) {
  REQUIRE(r.output.size() == 32);
  return uint256::LoadBigEndian(r.output);
}

TEST_CASE("interpreter adds two numbers and charges exact gas", "[evm]") {
  // PUSH1 1 PUSH1 2 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  const ExecutionResult r = Run("0x600160020160005260206000f3", 100);
  REQUIRE(r.status == StatusCode::kSuccess);
  CHECK(OutputWord(r) == 3);
  // 3 pushes of operands + ADD (3) + PUSH (3) + MSTORE (3 + 3 for one memory word) + 2 pushes.
  CHECK(r.gas_left == 100 - (3 + 3 + 3 + 3 + 6 + 3 + 3));
}

TEST_CASE("interpreter runs out of gas one unit short", "[evm]") {
  const ExecutionResult r = Run("0x600160020160005260206000f3", 23);
  CHECK(r.status == StatusCode::kOutOfGas);
  CHECK(r.gas_left == 0);
}

TEST_CASE("interpreter reports stack underflow and overflow", "[evm]") {
  CHECK(Run("0x01").status == StatusCode::kStackUnderflow);
  // JUMPDEST PUSH0 PUSH1 0 JUMP: pushes one word per loop until the stack is full.
  CHECK(Run("0x5b5f600056", 10'000'000).status == StatusCode::kStackOverflow);
}

TEST_CASE("interpreter rejects a jump into push data", "[evm]") {
  // PUSH1 3 JUMP PUSH1 0x5b: offset 3 is a 0x5b byte inside PUSH1's immediate.
  CHECK(Run("0x600356605b").status == StatusCode::kBadJumpDestination);
  // PUSH1 3 JUMP JUMPDEST STOP jumps fine.
  CHECK(Run("0x6003565b00").status == StatusCode::kSuccess);
}

TEST_CASE("interpreter selects opcodes by revision", "[evm]") {
  CHECK(Run("0x5f00", 100, Revision::kShanghai).status == StatusCode::kSuccess);
  CHECK(Run("0x5f00", 100, Revision::kLondon).status == StatusCode::kUndefinedInstruction);
  CHECK(Run("0x4800", 100, Revision::kBerlin).status == StatusCode::kUndefinedInstruction);
  CHECK(Run("0x5e00", 100, Revision::kShanghai).status == StatusCode::kUndefinedInstruction);
}

TEST_CASE("interpreter charges quadratic memory expansion", "[evm]") {
  // PUSH2 0x03e0 MLOAD: memory grows to 1024 bytes = 32 words: 3*32 + 32*32/512 = 98.
  const ExecutionResult r = Run("0x6103e05100", 1000);
  REQUIRE(r.status == StatusCode::kSuccess);
  CHECK(r.gas_left == 1000 - 3 - 3 - 98);
  // An offset near 2^64 cannot be paid for and must not be allocated.
  CHECK(Run("0x67ffffffffffffffff5100").status == StatusCode::kOutOfGas);
}

TEST_CASE("interpreter computes signed division and exponentiation", "[evm]") {
  // -6 / 2 = -3: PUSH1 2 PUSH1 6 PUSH1 0 SUB SDIV
  const ExecutionResult r = Run("0x600260066000030560005260206000f3");
  CHECK(OutputWord(r) == uint256{0} - 3);
  // 2 ** 10 with EXP's 50 gas per exponent byte.
  const ExecutionResult e = Run("0x600a60020a60005260206000f3", 1000);
  CHECK(OutputWord(e) == 1024);
  CHECK(e.gas_left == 1000 - (3 + 3 + 10 + 50) - (3 + 6) - (3 + 3));
}

TEST_CASE("revert keeps the gas left and the output", "[evm]") {
  // PUSH1 0x2a PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT
  const ExecutionResult r = Run("0x602a60005260206000fd", 100);
  CHECK(r.status == StatusCode::kRevert);
  CHECK(OutputWord(r) == 42);
  CHECK(r.gas_left > 0);
}

TEST_CASE("sstore pays EIP-2929 cold access and EIP-2200 set cost", "[evm]") {
  // PUSH1 1 PUSH1 0 SSTORE: cold slot (2100) + 0 -> 1 (20000) + two pushes.
  const ExecutionResult r = Run("0x600160005500", 30000);
  REQUIRE(r.status == StatusCode::kSuccess);
  CHECK(r.gas_left == 30000 - 6 - 2100 - 20000);
  // With only the call stipend left, SSTORE fails (EIP-2200).
  CHECK(Run("0x600160005500", 2306).status == StatusCode::kOutOfGas);
}

TEST_CASE("code analysis marks only real jump destinations", "[evm]") {
  const Bytes code = Code("0x5b605b5b");
  const CodeAnalysis a(code);
  CHECK(a.IsJumpdest(0));
  CHECK_FALSE(a.IsJumpdest(2));  // inside PUSH1's immediate
  CHECK(a.IsJumpdest(3));
  CHECK_FALSE(a.IsJumpdest(4));  // past the end
  CHECK(a.padded_code()[code.size() + CodeAnalysis::kPadding - 1] == 0);
}

TEST_CASE("analysis cache returns the same analysis for the same hash", "[evm]") {
  AnalysisCache cache;
  const Bytes code = Code("0x6001");
  Hash32 h;
  h[0] = 1;
  const auto a = cache.Get(h, code);
  const auto b = cache.Get(h, code);
  CHECK(a.get() == b.get());
  CHECK(cache.size() == 1);
}

}  // namespace
}  // namespace theta::evm
