// Deploys a tiny contract (it returns twice its 32-byte argument) into an in-memory state under
// Cancun rules, calls it with 21 and prints the result and the gas used. Exits non-zero unless the
// contract answers 42.
#include <cstdio>

#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/evm/interpreter.hpp"
#include "theta/evm/state.hpp"

int main() {
  using namespace theta;
  using namespace theta::evm;

  // Runtime: PUSH1 0 CALLDATALOAD PUSH1 2 MUL PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN (14 bytes).
  // Init code: CODECOPY the 14 runtime bytes that follow its own 12 bytes, then RETURN them.
  const auto init_code = ParseHex(
      "0x600e600c600039600e6000f3"
      "600035600202600052602060"
      "00f3");
  const auto user_address = ParseAddress("0x00000000000000000000000000000000000000aa");
  if (!init_code.ok() || !user_address.ok()) return 1;
  const Address user = *user_address;

  State state;
  AnalysisCache cache;
  state.GetOrCreate(user).balance = uint256(1'000'000);
  TxContext context;
  context.origin = user;
  StateHost host(state, Revision::kCancun, context, cache);

  Message create;
  create.kind = CallKind::kCreate;
  create.gas = 1'000'000;
  create.sender = user;
  create.input = *init_code;
  const ExecutionResult deployed = host.Call(create);
  if (deployed.status != StatusCode::kSuccess) {
    std::fprintf(stderr, "evm-call: deployment failed\n");
    return 1;
  }

  uint8_t argument[32] = {};
  argument[31] = 21;
  Message call;
  call.gas = 100'000;
  call.sender = user;
  call.recipient = deployed.create_address;
  call.code_address = deployed.create_address;
  call.input = ByteView(argument, sizeof argument);
  const ExecutionResult result = host.Call(call);
  if (result.status != StatusCode::kSuccess || result.output.size() != 32) {
    std::fprintf(stderr, "evm-call: call failed\n");
    return 1;
  }
  std::printf("contract %s\n", deployed.create_address.ToHex().c_str());
  std::printf("output   %s\n", ToHex(result.output).c_str());
  std::printf("gas used %lld\n", static_cast<long long>(call.gas - result.gas_left));
  return result.output[31] == 42 ? 0 : 1;
}
