// The names of execution status codes (declared in host.hpp), for messages and the state-test tool.
#include "theta/evm/host.hpp"

namespace theta::evm {

const char* StatusCodeName(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kSuccess:
      return "success";
    case StatusCode::kRevert:
      return "revert";
    case StatusCode::kOutOfGas:
      return "out of gas";
    case StatusCode::kInvalidInstruction:
      return "invalid instruction";
    case StatusCode::kUndefinedInstruction:
      return "undefined instruction";
    case StatusCode::kStackOverflow:
      return "stack overflow";
    case StatusCode::kStackUnderflow:
      return "stack underflow";
    case StatusCode::kBadJumpDestination:
      return "bad jump destination";
    case StatusCode::kInvalidMemoryAccess:
      return "invalid memory access";
    case StatusCode::kStaticModeViolation:
      return "static mode violation";
    case StatusCode::kPrecompileFailure:
      return "precompile failure";
    case StatusCode::kContractValidationFailure:
      return "contract validation failure";
    case StatusCode::kArgumentOutOfRange:
      return "argument out of range";
    case StatusCode::kNotAvailable:
      return "not available in this build";
    case StatusCode::kInternalError:
      return "internal error";
  }
  return "unknown";
}

}  // namespace theta::evm
