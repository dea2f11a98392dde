// The dispatch loop. Simple instructions are written inline here; the rest live in
// instructions.cpp.
#include "theta/evm/interpreter.hpp"

#include <memory>

#include "internal/frame.hpp"
#include "internal/instructions.hpp"
#include "internal/op_table.hpp"

#if !defined(__GNUC__)
#error "theta-evm's interpreter dispatches by computed goto (GCC or clang)"
#endif

// Computed goto (labels as values) is a GNU extension; it is the point of this file.
#pragma GCC diagnostic ignored "-Wpedantic"

namespace theta::evm {

namespace {

using internal::Frame;
using internal::kOpTables;
using internal::OpInfo;

// PUSHn's immediate. The code is padded with 33 zero bytes, so 32 bytes can always be read after
// the opcode; the immediate is the top N of them.
template <size_t N>
inline uint256 LoadPush(const uint8_t* p) noexcept {
  uint64_t w[4];
  std::memcpy(w, p, 32);
  const uint256 full = uint256::FromLimbs(__builtin_bswap64(w[3]), __builtin_bswap64(w[2]),
                                          __builtin_bswap64(w[1]), __builtin_bswap64(w[0]));
  if constexpr (N == 32) {
    return full;
  } else {
    return full >> ((32 - N) * 8);
  }
}

inline uint256 LoadWord(const uint8_t* p) noexcept {
  return LoadPush<32>(p);
}

inline void StoreWord(uint8_t* p, const uint256& v) noexcept {
  const uint64_t w[4] = {__builtin_bswap64(v.limb(3)), __builtin_bswap64(v.limb(2)),
                         __builtin_bswap64(v.limb(1)), __builtin_bswap64(v.limb(0))};
  std::memcpy(p, w, 32);
}

// Runs the frame to its end; returns the final status and leaves gas and output in `f`.
StatusCode Run(Frame& f, uint256* stack_base) noexcept {
  static void* const kLabels[256] = {
#include "internal/labels.inc"
  };
  const OpInfo* const table = kOpTables[static_cast<size_t>(f.rev)].data();
  const uint8_t* const code = f.analysis.padded_code();
  const uint8_t* pc = code;
  uint256* sp = stack_base;
  int64_t gas = f.gas;
  StatusCode status = StatusCode::kSuccess;

  // Every instruction's preconditions are checked here, once, from the table.
#define DISPATCH()                                                         \
  do {                                                                     \
    const OpInfo info = table[*pc];                                        \
    const ptrdiff_t height = sp - stack_base;                              \
    if (info.gas < 0) [[unlikely]] {                                       \
      status = StatusCode::kUndefinedInstruction;                          \
      goto L_END;                                                          \
    }                                                                      \
    if (height < info.stack_req) [[unlikely]] {                            \
      status = StatusCode::kStackUnderflow;                                \
      goto L_END;                                                          \
    }                                                                      \
    if (height + info.stack_change > internal::kStackLimit) [[unlikely]] { \
      status = StatusCode::kStackOverflow;                                 \
      goto L_END;                                                          \
    }                                                                      \
    if ((gas -= info.gas) < 0) [[unlikely]] {                              \
      status = StatusCode::kOutOfGas;                                      \
      goto L_END;                                                          \
    }                                                                      \
    goto* kLabels[*pc];                                                    \
  } while (0)
#define NEXT() \
  ++pc;        \
  DISPATCH()
#define BINARY(expr)           \
  {                            \
    const uint256& a = sp[-1]; \
    const uint256& b = sp[-2]; \
    sp[-2] = (expr);           \
    --sp;                      \
    NEXT();                    \
  }
// Runs an out-of-line instruction and moves the stack by `change` words.
#define CALL_OP(call, change)                        \
  {                                                  \
    status = internal::call;                         \
    if (status != StatusCode::kSuccess) [[unlikely]] \
      goto L_END;                                    \
    sp += (change);                                  \
    NEXT();                                          \
  }
#define PUSH_VALUE(v) \
  {                   \
    *sp++ = (v);      \
    NEXT();           \
  }

  DISPATCH();

L_STOP:
  goto L_END;
L_ADD:
  BINARY(a + b)
L_MUL:
  BINARY(a * b)
L_SUB:
  BINARY(a - b)
L_DIV:
  BINARY(a / b)
L_SDIV:
  BINARY(Sdiv(a, b))
L_MOD:
  BINARY(a % b)
L_SMOD:
  BINARY(Smod(a, b))
L_ADDMOD:
  sp[-3] = AddMod(sp[-1], sp[-2], sp[-3]);
  sp -= 2;
  NEXT();
L_MULMOD:
  sp[-3] = MulMod(sp[-1], sp[-2], sp[-3]);
  sp -= 2;
  NEXT();
L_EXP:
  CALL_OP(OpExp(f, gas, sp), -1)
L_SIGNEXTEND:
  BINARY(SignExtend(a, b))
L_LT:
  BINARY(a < b ? 1 : 0)
L_GT:
  BINARY(a > b ? 1 : 0)
L_SLT:
  BINARY(Slt(a, b) ? 1 : 0)
L_SGT:
  BINARY(Sgt(a, b) ? 1 : 0)
L_EQ:
  BINARY(a == b ? 1 : 0)
L_ISZERO:
  sp[-1] = sp[-1].IsZero() ? 1 : 0;
  NEXT();
L_AND:
  BINARY(a & b)
L_OR:
  BINARY(a | b)
L_XOR:
  BINARY(a ^ b)
L_NOT:
  sp[-1] = ~sp[-1];
  NEXT();
L_BYTE:
  BINARY(Byte(a, b))
L_SHL:
  BINARY(b << a)
L_SHR:
  BINARY(b >> a)
L_SAR:
  BINARY(Sar(b, a))
L_KECCAK256:
  CALL_OP(OpKeccak256(f, gas, sp), -1)
L_ADDRESS:
  PUSH_VALUE(internal::AddressToWord(f.msg.recipient))
L_BALANCE:
  CALL_OP(OpBalance(f, gas, sp), 0)
L_ORIGIN:
  PUSH_VALUE(internal::AddressToWord(f.tx().origin))
L_CALLER:
  PUSH_VALUE(internal::AddressToWord(f.msg.sender))
L_CALLVALUE:
  PUSH_VALUE(f.msg.value)
L_CALLDATALOAD : {
  const uint256& offset = sp[-1];
  const ByteView input = f.msg.input;
  if (!offset.FitsUint64() || offset.limb(0) >= input.size()) {
    sp[-1] = 0;
  } else {
    uint8_t word[32] = {};
    const size_t n = std::min<size_t>(32, input.size() - offset.limb(0));
    std::memcpy(word, input.data() + offset.limb(0), n);
    sp[-1] = LoadWord(word);
  }
  NEXT();
}
L_CALLDATASIZE:
  PUSH_VALUE(uint256{f.msg.input.size()})
L_CALLDATACOPY:
  CALL_OP(OpCallDataCopy(f, gas, sp), -3)
L_CODESIZE:
  PUSH_VALUE(uint256{f.analysis.code_size()})
L_CODECOPY:
  CALL_OP(OpCodeCopy(f, gas, sp), -3)
L_GASPRICE:
  PUSH_VALUE(f.tx().gas_price)
L_EXTCODESIZE:
  CALL_OP(OpExtCodeSize(f, gas, sp), 0)
L_EXTCODECOPY:
  CALL_OP(OpExtCodeCopy(f, gas, sp), -4)
L_RETURNDATASIZE:
  PUSH_VALUE(uint256{f.return_data.size()})
L_RETURNDATACOPY:
  CALL_OP(OpReturnDataCopy(f, gas, sp), -3)
L_EXTCODEHASH:
  CALL_OP(OpExtCodeHash(f, gas, sp), 0)
L_BLOCKHASH:
  CALL_OP(OpBlockHash(f, gas, sp), 0)
L_COINBASE:
  PUSH_VALUE(internal::AddressToWord(f.tx().coinbase))
L_TIMESTAMP:
  PUSH_VALUE(uint256{static_cast<uint64_t>(f.tx().timestamp)})
L_NUMBER:
  PUSH_VALUE(uint256{static_cast<uint64_t>(f.tx().number)})
L_PREVRANDAO:
  PUSH_VALUE(uint256::FromWord(f.tx().prev_randao))
L_GASLIMIT:
  PUSH_VALUE(uint256{static_cast<uint64_t>(f.tx().gas_limit)})
L_CHAINID:
  PUSH_VALUE(f.tx().chain_id)
L_SELFBALANCE:
  PUSH_VALUE(f.host.GetBalance(f.msg.recipient))
L_BASEFEE:
  PUSH_VALUE(f.tx().base_fee)
L_BLOBHASH : {
  const auto& hashes = f.tx().blob_hashes;
  const uint256& index = sp[-1];
  sp[-1] = index < uint256{hashes.size()} ? uint256::FromWord(hashes[index.limb(0)]) : uint256{};
  NEXT();
}
L_BLOBBASEFEE:
  PUSH_VALUE(f.tx().blob_base_fee)
L_POP:
  --sp;
  NEXT();
L_MLOAD : {
  uint256& offset = sp[-1];
  if (!internal::ExpandMemory(f, gas, offset, 32)) {
    status = StatusCode::kOutOfGas;
    goto L_END;
  }
  offset = LoadWord(f.memory.data() + offset.limb(0));
  NEXT();
}
L_MSTORE : {
  const uint256& offset = sp[-1];
  if (!internal::ExpandMemory(f, gas, offset, 32)) {
    status = StatusCode::kOutOfGas;
    goto L_END;
  }
  StoreWord(f.memory.data() + offset.limb(0), sp[-2]);
  sp -= 2;
  NEXT();
}
L_MSTORE8 : {
  const uint256& offset = sp[-1];
  if (!internal::ExpandMemory(f, gas, offset, 1)) {
    status = StatusCode::kOutOfGas;
    goto L_END;
  }
  f.memory[offset.limb(0)] = static_cast<uint8_t>(sp[-2].limb(0));
  sp -= 2;
  NEXT();
}
L_SLOAD:
  CALL_OP(OpSload(f, gas, sp), 0)
L_SSTORE:
  CALL_OP(OpSstore(f, gas, sp), -2)
L_JUMP : {
  const uint256& dest = sp[-1];
  if (!dest.FitsUint64() || !f.analysis.IsJumpdest(dest.limb(0))) [[unlikely]] {
    status = StatusCode::kBadJumpDestination;
    goto L_END;
  }
  pc = code + dest.limb(0);
  --sp;
  DISPATCH();
}
L_JUMPI : {
  if (sp[-2].IsZero()) {
    sp -= 2;
    NEXT();
  }
  const uint256& dest = sp[-1];
  if (!dest.FitsUint64() || !f.analysis.IsJumpdest(dest.limb(0))) [[unlikely]] {
    status = StatusCode::kBadJumpDestination;
    goto L_END;
  }
  pc = code + dest.limb(0);
  sp -= 2;
  DISPATCH();
}
L_PC:
  PUSH_VALUE(uint256{static_cast<uint64_t>(pc - code)})
L_MSIZE:
  PUSH_VALUE(uint256{f.memory.size()})
L_GAS:
  PUSH_VALUE(uint256{static_cast<uint64_t>(gas)})
L_JUMPDEST:
  NEXT();
L_TLOAD:
  CALL_OP(OpTload(f, gas, sp), 0)
L_TSTORE:
  CALL_OP(OpTstore(f, gas, sp), -2)
L_MCOPY:
  CALL_OP(OpMcopy(f, gas, sp), -3)
L_PUSH0:
  PUSH_VALUE(uint256{})

#define PUSH_N(n)                           \
  L_PUSH##n : * sp++ = LoadPush<n>(pc + 1); \
  pc += (n);                                \
  NEXT();
L_PUSH1:
  *sp++ = uint256{pc[1]};
  pc += 1;
  NEXT();
  PUSH_N(2)
  PUSH_N(3) PUSH_N(4) PUSH_N(5) PUSH_N(6) PUSH_N(7) PUSH_N(8) PUSH_N(9) PUSH_N(10) PUSH_N(11)
      PUSH_N(12) PUSH_N(13) PUSH_N(14) PUSH_N(15) PUSH_N(16) PUSH_N(17) PUSH_N(18) PUSH_N(19)
          PUSH_N(20) PUSH_N(21) PUSH_N(22) PUSH_N(23) PUSH_N(24) PUSH_N(25) PUSH_N(26) PUSH_N(27)
              PUSH_N(28) PUSH_N(29) PUSH_N(30) PUSH_N(31) PUSH_N(32)

#define DUP_N(n)              \
  L_DUP##n : * sp = sp[-(n)]; \
  ++sp;                       \
  NEXT();
                  DUP_N(1) DUP_N(2) DUP_N(3) DUP_N(4) DUP_N(5) DUP_N(6) DUP_N(7) DUP_N(8) DUP_N(9)
                      DUP_N(10) DUP_N(11) DUP_N(12) DUP_N(13) DUP_N(14) DUP_N(15) DUP_N(16)

#define SWAP_N(n)                              \
  L_SWAP##n : std::swap(sp[-1], sp[-1 - (n)]); \
  NEXT();
                          SWAP_N(1) SWAP_N(2) SWAP_N(3) SWAP_N(4) SWAP_N(5) SWAP_N(6) SWAP_N(7)
                              SWAP_N(8) SWAP_N(9) SWAP_N(10) SWAP_N(11) SWAP_N(12) SWAP_N(13)
                                  SWAP_N(14) SWAP_N(15) SWAP_N(16)

                                      L_LOG0 : CALL_OP(OpLog(f, gas, sp, 0), -2) L_LOG1
      : CALL_OP(OpLog(f, gas, sp, 1), -3) L_LOG2 : CALL_OP(OpLog(f, gas, sp, 2), -4) L_LOG3
      : CALL_OP(OpLog(f, gas, sp, 3), -5) L_LOG4 : CALL_OP(OpLog(f, gas, sp, 4), -6) L_CREATE
      : CALL_OP(OpCreate(f, gas, sp, CallKind::kCreate), -2) L_CALL
      : CALL_OP(OpCall(f, gas, sp, CallKind::kCall), -6) L_CALLCODE
      : CALL_OP(OpCall(f, gas, sp, CallKind::kCallCode), -6) L_RETURN
      : status = internal::OpReturn(f, gas, sp);
  goto L_END;
L_DELEGATECALL:
  CALL_OP(OpCall(f, gas, sp, CallKind::kDelegateCall), -5)
L_CREATE2:
  CALL_OP(OpCreate(f, gas, sp, CallKind::kCreate2), -3)
L_STATICCALL:
  CALL_OP(OpCall(f, gas, sp, CallKind::kStaticCall), -5)
L_REVERT:
  status = internal::OpReturn(f, gas, sp);
  if (status == StatusCode::kSuccess) status = StatusCode::kRevert;
  goto L_END;
L_INVALID:
  status = StatusCode::kInvalidInstruction;
  goto L_END;
L_SELFDESTRUCT:
  status = internal::OpSelfdestruct(f, gas, sp);
  goto L_END;
L_UNDEFINED:
  status = StatusCode::kUndefinedInstruction;
  goto L_END;

L_END:
  f.gas = gas;
  return status;

#undef DISPATCH
#undef NEXT
#undef BINARY
#undef CALL_OP
#undef PUSH_VALUE
#undef PUSH_N
#undef DUP_N
#undef SWAP_N
}

}  // namespace

ExecutionResult Execute(Host& host, Revision rev, const Message& msg,
                        const CodeAnalysis& analysis) noexcept {
  // One allocation per frame for the whole stack; nothing on the instruction path allocates
  // except memory growth, which gas pays for first.
  auto stack = std::make_unique_for_overwrite<uint256[]>(internal::kStackLimit);
  Frame f(host, rev, msg, analysis);
  f.gas = msg.gas;
  const StatusCode status = Run(f, stack.get());
  ExecutionResult result;
  result.status = status;
  if (status == StatusCode::kSuccess || status == StatusCode::kRevert) {
    result.gas_left = f.gas;
    if (f.output_size > 0) {
      const uint8_t* out = f.memory.data() + f.output_offset;
      result.output.assign(out, out + f.output_size);
    }
    if (status == StatusCode::kSuccess) result.gas_refund = f.refund;
  }
  return result;
}

ExecutionResult ExecuteCode(Host& host, Revision rev, const Message& msg, ByteView code) {
  const CodeAnalysis analysis(code);
  return Execute(host, rev, msg, analysis);
}

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
