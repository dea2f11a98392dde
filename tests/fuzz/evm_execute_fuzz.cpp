// Random bytecode through the interpreter. Input: byte 0 picks the revision, bytes 1..3 the gas (up
// to 2^24), the rest is the code, which also serves as call data. Invariants beyond "no crash, no
// sanitizer report": the gas left never exceeds the gas given and is never negative; a frame that
// fails for any reason other than REVERT leaves no gas and no output; memory stays within what the
// gas could pay for.
#include <cstdint>
#include <cstdlib>

#include "theta/evm/interpreter.hpp"
#include "theta/evm/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace theta::evm;
  if (size < 4) return 0;
  const auto rev = static_cast<Revision>(data[0] % kNumRevisions);
  const int64_t gas = (int64_t{data[1]} << 16) | (int64_t{data[2]} << 8) | data[3];
  const theta::ByteView code(data + 4, size - 4);

  State state;
  theta::Address contract;
  contract[19] = 0xcc;
  Account& account = state.GetOrCreate(contract);
  account.SetCode(theta::Bytes(code.begin(), code.end()));
  account.balance = 1'000'000;
  AnalysisCache cache;
  StateHost host(state, rev, TxContext{}, cache);
  Message msg;
  msg.gas = gas;
  msg.recipient = msg.code_address = contract;
  msg.input = code;
  const ExecutionResult r = host.Call(msg);
  if (r.gas_left < 0 || r.gas_left > gas) std::abort();
  const bool ok = r.status == StatusCode::kSuccess || r.status == StatusCode::kRevert;
  if (!ok && (r.gas_left != 0 || !r.output.empty())) std::abort();
  // Output comes from memory, and memory of n bytes costs at least 3 * n / 32 gas.
  if (r.output.size() > static_cast<size_t>(gas) * 32 / 3 + 32) std::abort();
  return 0;
}
