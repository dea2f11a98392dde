// The EVM interpreter: executes one call frame of analysed code against a Host.
//
// Execute runs `analysis` for `msg` under the rules of `rev` and returns how the frame ended, with
// the gas left, the refund counter and the output. It charges exactly the gas of the Yellow Paper
// as amended up to `rev` (memory expansion, EIP-2929 warm/cold, EIP-2200/3529 SSTORE, the 63/64
// rule), enforces the 1024-word stack and the 1024 call depth, and never throws, aborts or
// allocates memory that was not paid for in gas, whatever the code, input and gas. Nested calls go
// through host.Call(), which typically calls Execute again (recursion depth is bounded by the call
// depth).
//
// Design (after evmone's baseline interpreter): analysis (padded code, jump-destination bitmap) is
// separate and cached by the host; the loop dispatches by computed goto; each instruction's stack
// bounds and base gas are checked from a per-revision table before it runs, so the instruction
// bodies touch only the stack; the stack is a fixed array with a pointer, allocated once per frame.
//
// Thread-safety: Execute keeps no state between calls; concurrent calls need distinct hosts.
#pragma once

#include "theta/evm/analysis.hpp"
#include "theta/evm/host.hpp"
#include "theta/evm/revision.hpp"

namespace theta::evm {

// Longest chain of nested calls (the transaction's frame is depth 0).
inline constexpr int32_t kMaxCallDepth = 1024;
// EIP-170: the largest code a creation may deposit.
inline constexpr size_t kMaxCodeSize = 0x6000;
// EIP-3860 (Shanghai): the largest init code.
inline constexpr size_t kMaxInitcodeSize = 2 * kMaxCodeSize;

[[nodiscard]] ExecutionResult Execute(Host& host, Revision rev, const Message& msg,
                                      const CodeAnalysis& analysis) noexcept;

// Convenience for one-off code: analyses `code` and executes it.
[[nodiscard]] ExecutionResult ExecuteCode(Host& host, Revision rev, const Message& msg,
                                          ByteView code);

}  // namespace theta::evm
