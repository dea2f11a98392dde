// Instructions too large or too rare to inline into the dispatch loop. Private to theta-evm.
//
// Common contract: `sp` points one past the top of the stack; the loop has already checked that the
// instruction's operands are present and its results fit, and charged its base gas. Each function
// charges its dynamic gas to `gas`, writes its results over its operands from the bottom-most
// operand up (the loop then moves sp by the instruction's stack change) and returns kSuccess, or
// the status that ends the frame.
#pragma once

#include "internal/frame.hpp"

namespace theta::evm::internal {

StatusCode OpExp(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpKeccak256(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpBalance(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpCallDataCopy(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpCodeCopy(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpExtCodeSize(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpExtCodeCopy(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpReturnDataCopy(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpExtCodeHash(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpBlockHash(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpMcopy(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpSload(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpSstore(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpTload(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpTstore(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpLog(Frame& f, int64_t& gas, uint256* sp, int num_topics) noexcept;
StatusCode OpCall(Frame& f, int64_t& gas, uint256* sp, CallKind kind) noexcept;
StatusCode OpCreate(Frame& f, int64_t& gas, uint256* sp, CallKind kind) noexcept;
// RETURN and REVERT: records the output region; the loop ends the frame with the right status.
StatusCode OpReturn(Frame& f, int64_t& gas, uint256* sp) noexcept;
StatusCode OpSelfdestruct(Frame& f, int64_t& gas, uint256* sp) noexcept;

}  // namespace theta::evm::internal
