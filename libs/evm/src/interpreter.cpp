// The dispatch loop. Simple instructions are written inline here; the rest live in
// instructions.cpp.
#include "theta/evm/interpreter.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "internal/frame.hpp"
#include "internal/instructions.hpp"
#include "internal/op_table.hpp"
#include "internal/word_ops.hpp"

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

inline uint64_t LoadBigEndian64(const uint8_t* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return __builtin_bswap64(w);
}

// PUSHn's immediate, the N bytes at p. The code is padded with 33 zero bytes, so 32 bytes can
// always be read after the opcode; each limb is one 8-byte load, and a partial top limb loads 8
// bytes and drops the ones past the immediate.
template <size_t N>
inline uint256 LoadPush(const uint8_t* p) noexcept {
  constexpr size_t kFull = N / 8;
  constexpr size_t kPartial = N % 8;
  uint64_t limbs[4] = {};
  if constexpr (kPartial > 0) limbs[kFull] = LoadBigEndian64(p) >> (64 - 8 * kPartial);
  for (size_t i = 0; i < kFull; ++i)
    limbs[i] = LoadBigEndian64(p + kPartial + 8 * (kFull - 1 - i));
  return uint256::FromLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

inline uint256 LoadWord(const uint8_t* p) noexcept {
  return uint256::FromLimbs(LoadBigEndian64(p + 24), LoadBigEndian64(p + 16),
                            LoadBigEndian64(p + 8), LoadBigEndian64(p));
}

inline void StoreWord(uint8_t* p, const uint256& v) noexcept {
  for (size_t i = 0; i < 4; ++i) {
    const uint64_t w = __builtin_bswap64(v.limb(3 - i));
    std::memcpy(p + 8 * i, &w, 8);
  }
}

// Why the block at `start` failed its stack check on entry with `height` words: walks it as the
// per-instruction checks would, so the status names the first instruction that cannot run (an
// opcode this revision lacks, a missing operand, a full stack). Cold: the frame ends here.
template <Revision R>
[[gnu::cold]] StatusCode BlockFailure(const uint8_t* start, int64_t height) noexcept {
  constexpr const internal::OpTable& kTable = kOpTables[static_cast<size_t>(R)];
  for (const uint8_t* p = start;; ++p) {
    const uint8_t op = *p;
    const OpInfo& info = kTable[op];
    if (info.gas < 0) return StatusCode::kUndefinedInstruction;
    if (height < info.stack_req) return StatusCode::kStackUnderflow;
    height += info.stack_change;
    if (height > internal::kStackLimit) return StatusCode::kStackOverflow;
    // The block's other instructions cannot fail its check; the analysis agrees on where it ends.
    if (op >= 0x60 && op <= 0x7f) p += op - 0x5f;
    const bool ends = op == 0x00 || op == 0x56 || op == 0x57 || op == 0xf3 || op == 0xfd ||
                      op == 0xfe || op == 0xff || p[1] == 0x5b;
    if (ends) return StatusCode::kStackUnderflow;  // unreachable while the analysis is right
  }
}

// Runs the frame to its end; returns the final status and leaves gas and output in `f`.
//
// One instantiation per revision, so that each instruction's table entry (base gas, stack bounds,
// whether it exists) is a compile-time constant and its checks compile to a compare with an
// immediate. The local `gas` never has its address taken: out-of-line code gets the count through
// f.gas (SYNC_GAS/LOAD_GAS), which lets the compiler keep it in a register across stack writes.
template <Revision R>
StatusCode Run(Frame& f, uint256* const stack_base) noexcept {
  static void* const kLabels[256] = {
#include "internal/labels.inc"
  };
  static constexpr const internal::OpTable& kTable = kOpTables[static_cast<size_t>(R)];
  const uint8_t* const code = f.analysis.padded_code();
  const CodeAnalysis::BlockStack* const blocks = f.analysis.block_stack();
  const uint8_t* pc = code;
  uint256* sp = stack_base;
  int64_t gas = f.gas;

#define DISPATCH() goto* kLabels[*pc]
#define NEXT() \
  ++pc;        \
  DISPATCH()
  // The stack check of the basic block starting at pc (see CodeAnalysis::BlockStack): after it,
  // every instruction of the block finds its operands and has room for its results.
#define ENTER_BLOCK()                                                                      \
  do {                                                                                     \
    const CodeAnalysis::BlockStack b_ = blocks[pc - code];                                 \
    const auto height_ = static_cast<uint64_t>(reinterpret_cast<const char*>(sp) -         \
                                               reinterpret_cast<const char*>(stack_base)); \
    if (height_ - b_.min_bytes > b_.span_bytes) [[unlikely]]                               \
      goto L_STACK_ERROR;                                                                  \
  } while (0)
  // The preconditions of opcode `op` from the revision's table: it exists and its base gas is
  // paid. The stack was checked for the whole block on entry.
#define CHECK(op)                              \
  do {                                         \
    constexpr OpInfo kInfo = kTable[op];       \
    if constexpr (kInfo.gas < 0) {             \
      goto L_UNDEFINED;                        \
    } else if constexpr (kInfo.gas > 0) {      \
      if ((gas -= kInfo.gas) < 0) [[unlikely]] \
        goto L_OUT_OF_GAS;                     \
    }                                          \
  } while (0)
#define SYNC_GAS() f.gas = gas
#define LOAD_GAS() gas = f.gas
#define BINARY(op, expr)               \
  {                                    \
    CHECK(op);                         \
    const uint256& a = sp[-1];         \
    const uint256& b = sp[-2];         \
    internal::SetWord(sp[-2], (expr)); \
    --sp;                              \
    NEXT();                            \
  }
  // Runs an out-of-line instruction and moves the stack by `change` words.
#define CALL_OP(op, call, change)                     \
  {                                                   \
    CHECK(op);                                        \
    SYNC_GAS();                                       \
    const StatusCode status_ = internal::call;        \
    if (status_ != StatusCode::kSuccess) [[unlikely]] \
      return status_;                                 \
    LOAD_GAS();                                       \
    sp += (change);                                   \
    NEXT();                                           \
  }
#define PUSH_VALUE(op, v)          \
  {                                \
    CHECK(op);                     \
    internal::SetWord(*sp++, (v)); \
    NEXT();                        \
  }
  // Makes [offset, offset + len) addressable for a constant len; offset is a uint256.
#define ENSURE_MEMORY(offset, len)                                                      \
  do {                                                                                  \
    if (!(offset).FitsUint64() || (offset).limb(0) > internal::kMaxMemory) [[unlikely]] \
      goto L_OUT_OF_GAS;                                                                \
    const uint64_t end_ = (offset).limb(0) + (len);                                     \
    if (end_ > f.memory.size()) {                                                       \
      gas = internal::ChargeAndGrowMemory(f, gas, end_);                                \
      if (gas < 0) goto L_OUT_OF_GAS;                                                   \
    }                                                                                   \
  } while (0)

  ENTER_BLOCK();
  DISPATCH();

L_STOP:
  f.gas = gas;
  return StatusCode::kSuccess;
L_ADD:
  CHECK(0x01);
  internal::AddTo(sp[-2], sp[-1], sp[-2]);
  --sp;
  NEXT();
L_MUL:
  CHECK(0x02);
  // Only the top operand is tested: a second test costs more on contracts whose products are all
  // wide (blake2b_huff) than it saves elsewhere.
  if (sp[-1].FitsUint64()) {
    internal::MulBy64(sp[-2], sp[-2], sp[-1].limb(0));
  } else {
    internal::MulTo(sp[-2], sp[-1], sp[-2]);
  }
  --sp;
  NEXT();
L_SUB:
  CHECK(0x03);
  internal::SubTo(sp[-2], sp[-1], sp[-2]);
  --sp;
  NEXT();
L_DIV:
  BINARY(0x04, a / b)
L_SDIV:
  CHECK(0x05);
  internal::SignedDivTo(sp[-2], sp[-1], sp[-2], false);
  --sp;
  NEXT();
L_MOD:
  BINARY(0x06, a % b)
L_SMOD:
  CHECK(0x07);
  internal::SignedDivTo(sp[-2], sp[-1], sp[-2], true);
  --sp;
  NEXT();
L_ADDMOD:
  CHECK(0x08);
  internal::SetWord(sp[-3], AddMod(sp[-1], sp[-2], sp[-3]));
  sp -= 2;
  NEXT();
L_MULMOD:
  CHECK(0x09);
  if (internal::Eq(sp[-3], uint256::Max())) {
    internal::SetWord(sp[-3], internal::MulModAllOnes(sp[-1], sp[-2]));
  } else {
    internal::SetWord(sp[-3], MulMod(sp[-1], sp[-2], sp[-3]));
  }
  sp -= 2;
  NEXT();
L_EXP:
  CALL_OP(0x0a, OpExp(f, f.gas, sp), -1)
L_SIGNEXTEND:
  CHECK(0x0b);
  internal::SignExtendInPlace(sp[-2], sp[-1]);
  --sp;
  NEXT();
L_LT:
  BINARY(0x10, internal::Lt(a, b) ? 1 : 0)
L_GT:
  BINARY(0x11, internal::Lt(b, a) ? 1 : 0)
L_SLT:
  BINARY(0x12, internal::SignedLt(a, b) ? 1 : 0)
L_SGT:
  BINARY(0x13, internal::SignedLt(b, a) ? 1 : 0)
L_EQ:
  BINARY(0x14, internal::Eq(a, b) ? 1 : 0)
L_ISZERO:
  CHECK(0x15);
  internal::SetWord(sp[-1], sp[-1].IsZero() ? 1 : 0);
  NEXT();
L_AND:
  CHECK(0x16);
  internal::AndTo(sp[-2], sp[-1], sp[-2]);
  --sp;
  NEXT();
L_OR:
  CHECK(0x17);
  internal::OrTo(sp[-2], sp[-1], sp[-2]);
  --sp;
  NEXT();
L_XOR:
  CHECK(0x18);
  internal::XorTo(sp[-2], sp[-1], sp[-2]);
  --sp;
  NEXT();
L_NOT:
  CHECK(0x19);
  internal::NotTo(sp[-1], sp[-1]);
  NEXT();
L_BYTE:
  BINARY(0x1a, Byte(a, b))
L_SHL:
  BINARY(0x1b, internal::Shl(b, a))
L_SHR:
  BINARY(0x1c, internal::Shr(b, a))
L_SAR:
  BINARY(0x1d, internal::Sar(b, a))
L_KECCAK256:
  CALL_OP(0x20, OpKeccak256(f, f.gas, sp), -1)
L_ADDRESS:
  PUSH_VALUE(0x30, internal::AddressToWord(f.msg.recipient))
L_BALANCE:
  CALL_OP(0x31, OpBalance(f, f.gas, sp), 0)
L_ORIGIN:
  PUSH_VALUE(0x32, internal::AddressToWord(f.tx().origin))
L_CALLER:
  PUSH_VALUE(0x33, internal::AddressToWord(f.msg.sender))
L_CALLVALUE:
  PUSH_VALUE(0x34, f.msg.value)
L_CALLDATALOAD : {
  CHECK(0x35);
  const uint256& offset = sp[-1];
  const ByteView input = f.msg.input;
  if (!offset.FitsUint64() || offset.limb(0) >= input.size()) {
    sp[-1] = 0;
  } else {
    uint8_t word[32] = {};
    const size_t n = std::min<size_t>(32, input.size() - offset.limb(0));
    std::memcpy(word, input.data() + offset.limb(0), n);
    internal::SetWord(sp[-1], LoadWord(word));
  }
  NEXT();
}
L_CALLDATASIZE:
  PUSH_VALUE(0x36, uint256{f.msg.input.size()})
L_CALLDATACOPY:
  CALL_OP(0x37, OpCallDataCopy(f, f.gas, sp), -3)
L_CODESIZE:
  PUSH_VALUE(0x38, uint256{f.analysis.code_size()})
L_CODECOPY:
  CALL_OP(0x39, OpCodeCopy(f, f.gas, sp), -3)
L_GASPRICE:
  PUSH_VALUE(0x3a, f.tx().gas_price)
L_EXTCODESIZE:
  CALL_OP(0x3b, OpExtCodeSize(f, f.gas, sp), 0)
L_EXTCODECOPY:
  CALL_OP(0x3c, OpExtCodeCopy(f, f.gas, sp), -4)
L_RETURNDATASIZE:
  PUSH_VALUE(0x3d, uint256{f.return_data.size()})
L_RETURNDATACOPY:
  CALL_OP(0x3e, OpReturnDataCopy(f, f.gas, sp), -3)
L_EXTCODEHASH:
  CALL_OP(0x3f, OpExtCodeHash(f, f.gas, sp), 0)
L_BLOCKHASH:
  CALL_OP(0x40, OpBlockHash(f, f.gas, sp), 0)
L_COINBASE:
  PUSH_VALUE(0x41, internal::AddressToWord(f.tx().coinbase))
L_TIMESTAMP:
  PUSH_VALUE(0x42, uint256{static_cast<uint64_t>(f.tx().timestamp)})
L_NUMBER:
  PUSH_VALUE(0x43, uint256{static_cast<uint64_t>(f.tx().number)})
L_PREVRANDAO:
  PUSH_VALUE(0x44, uint256::FromWord(f.tx().prev_randao))
L_GASLIMIT:
  PUSH_VALUE(0x45, uint256{static_cast<uint64_t>(f.tx().gas_limit)})
L_CHAINID:
  PUSH_VALUE(0x46, f.tx().chain_id)
L_SELFBALANCE:
  PUSH_VALUE(0x47, f.host.GetBalance(f.msg.recipient))
L_BASEFEE:
  PUSH_VALUE(0x48, f.tx().base_fee)
L_BLOBHASH : {
  CHECK(0x49);
  const auto& hashes = f.tx().blob_hashes;
  const uint256& index = sp[-1];
  sp[-1] = index < uint256{hashes.size()} ? uint256::FromWord(hashes[index.limb(0)]) : uint256{};
  NEXT();
}
L_BLOBBASEFEE:
  PUSH_VALUE(0x4a, f.tx().blob_base_fee)
L_POP:
  CHECK(0x50);
  --sp;
  NEXT();
L_MLOAD : {
  CHECK(0x51);
  uint256& offset = sp[-1];
  ENSURE_MEMORY(offset, 32);
  internal::SetWord(offset, LoadWord(f.memory.data() + offset.limb(0)));
  NEXT();
}
L_MSTORE : {
  CHECK(0x52);
  const uint256& offset = sp[-1];
  ENSURE_MEMORY(offset, 32);
  StoreWord(f.memory.data() + offset.limb(0), sp[-2]);
  sp -= 2;
  NEXT();
}
L_MSTORE8 : {
  CHECK(0x53);
  const uint256& offset = sp[-1];
  ENSURE_MEMORY(offset, 1);
  f.memory[offset.limb(0)] = static_cast<uint8_t>(sp[-2].limb(0));
  sp -= 2;
  NEXT();
}
L_SLOAD:
  CALL_OP(0x54, OpSload(f, f.gas, sp), 0)
L_SSTORE:
  CALL_OP(0x55, OpSstore(f, f.gas, sp), -2)
L_JUMP : {
  CHECK(0x56);
  const uint256& dest = sp[-1];
  if (!dest.FitsUint64() || !f.analysis.IsJumpdest(dest.limb(0))) [[unlikely]]
    goto L_BAD_JUMP;
  pc = code + dest.limb(0);
  --sp;
  DISPATCH();
}
L_JUMPI : {
  CHECK(0x57);
  if (sp[-2].IsZero()) {
    sp -= 2;
    ++pc;
    ENTER_BLOCK();  // the fall-through path starts a block
    DISPATCH();
  }
  const uint256& dest = sp[-1];
  if (!dest.FitsUint64() || !f.analysis.IsJumpdest(dest.limb(0))) [[unlikely]]
    goto L_BAD_JUMP;
  pc = code + dest.limb(0);
  sp -= 2;
  DISPATCH();
}
L_PC:
  PUSH_VALUE(0x58, uint256{static_cast<uint64_t>(pc - code)})
L_MSIZE:
  PUSH_VALUE(0x59, uint256{f.memory.size()})
L_GAS:
  PUSH_VALUE(0x5a, uint256{static_cast<uint64_t>(gas)})
L_JUMPDEST:
  CHECK(0x5b);
  ENTER_BLOCK();
  NEXT();
L_TLOAD:
  CALL_OP(0x5c, OpTload(f, f.gas, sp), 0)
L_TSTORE:
  CALL_OP(0x5d, OpTstore(f, f.gas, sp), -2)
L_MCOPY:
  CALL_OP(0x5e, OpMcopy(f, f.gas, sp), -3)
L_PUSH0:
  PUSH_VALUE(0x5f, uint256{})

#define PUSH_N(n)                                \
  L_PUSH##n : CHECK(0x5f + (n));                 \
  internal::SetWord(*sp++, LoadPush<n>(pc + 1)); \
  pc += (n);                                     \
  NEXT();
L_PUSH1:
  CHECK(0x60);
  internal::SetWord(*sp++, pc[1]);
  pc += 1;
  NEXT();
  // clang-format off
  PUSH_N(2) PUSH_N(3) PUSH_N(4) PUSH_N(5) PUSH_N(6) PUSH_N(7) PUSH_N(8) PUSH_N(9) PUSH_N(10)
  PUSH_N(11) PUSH_N(12) PUSH_N(13) PUSH_N(14) PUSH_N(15) PUSH_N(16) PUSH_N(17) PUSH_N(18)
  PUSH_N(19) PUSH_N(20) PUSH_N(21) PUSH_N(22) PUSH_N(23) PUSH_N(24) PUSH_N(25) PUSH_N(26)
  PUSH_N(27) PUSH_N(28) PUSH_N(29) PUSH_N(30) PUSH_N(31) PUSH_N(32)

#define DUP_N(n)                         \
  L_DUP##n : CHECK(0x7f + (n));          \
  internal::CopyWord(*sp, sp[-(n)]);     \
  ++sp;                                  \
  NEXT();
  DUP_N(1) DUP_N(2) DUP_N(3) DUP_N(4) DUP_N(5) DUP_N(6) DUP_N(7) DUP_N(8) DUP_N(9) DUP_N(10)
  DUP_N(11) DUP_N(12) DUP_N(13) DUP_N(14) DUP_N(15) DUP_N(16)

#define SWAP_N(n)                        \
  L_SWAP##n : CHECK(0x8f + (n));         \
  internal::SwapWords(sp[-1], sp[-1 - (n)]); \
  NEXT();
  SWAP_N(1) SWAP_N(2) SWAP_N(3) SWAP_N(4) SWAP_N(5) SWAP_N(6) SWAP_N(7) SWAP_N(8) SWAP_N(9)
  SWAP_N(10) SWAP_N(11) SWAP_N(12) SWAP_N(13) SWAP_N(14) SWAP_N(15) SWAP_N(16)
      // clang-format on

      // clang-format off
L_LOG0: CALL_OP(0xa0, OpLog(f, f.gas, sp, 0), -2)
L_LOG1: CALL_OP(0xa1, OpLog(f, f.gas, sp, 1), -3)
L_LOG2: CALL_OP(0xa2, OpLog(f, f.gas, sp, 2), -4)
L_LOG3: CALL_OP(0xa3, OpLog(f, f.gas, sp, 3), -5)
L_LOG4: CALL_OP(0xa4, OpLog(f, f.gas, sp, 4), -6)
L_CREATE: CALL_OP(0xf0, OpCreate(f, f.gas, sp, CallKind::kCreate), -2)
L_CALL: CALL_OP(0xf1, OpCall(f, f.gas, sp, CallKind::kCall), -6)
L_CALLCODE: CALL_OP(0xf2, OpCall(f, f.gas, sp, CallKind::kCallCode), -6)
L_DELEGATECALL: CALL_OP(0xf4, OpCall(f, f.gas, sp, CallKind::kDelegateCall), -5)
L_CREATE2: CALL_OP(0xf5, OpCreate(f, f.gas, sp, CallKind::kCreate2), -3)
L_STATICCALL: CALL_OP(0xfa, OpCall(f, f.gas, sp, CallKind::kStaticCall), -5)
        // clang-format on
        // The instructions that end the frame leave the gas in f.gas (the out-of-line ones already
        // do).
        L_RETURN : CHECK(0xf3);
  SYNC_GAS();
  return internal::OpReturn(f, f.gas, sp);
L_REVERT : {
  CHECK(0xfd);
  SYNC_GAS();
  const StatusCode status = internal::OpReturn(f, f.gas, sp);
  return status == StatusCode::kSuccess ? StatusCode::kRevert : status;
}
L_INVALID:
  CHECK(0xfe);
  SYNC_GAS();
  return StatusCode::kInvalidInstruction;
L_SELFDESTRUCT:
  CHECK(0xff);
  SYNC_GAS();
  return internal::OpSelfdestruct(f, f.gas, sp);

L_UNDEFINED:
  SYNC_GAS();
  return StatusCode::kUndefinedInstruction;
L_STACK_ERROR:
  SYNC_GAS();
  return BlockFailure<R>(pc, sp - stack_base);
L_OUT_OF_GAS:
  SYNC_GAS();
  return StatusCode::kOutOfGas;
L_BAD_JUMP:
  SYNC_GAS();
  return StatusCode::kBadJumpDestination;

#undef DISPATCH
#undef NEXT
#undef CHECK
#undef ENTER_BLOCK
#undef SYNC_GAS
#undef LOAD_GAS
#undef BINARY
#undef CALL_OP
#undef PUSH_VALUE
#undef ENSURE_MEMORY
#undef PUSH_N
#undef DUP_N
#undef SWAP_N
}

StatusCode RunForRevision(Frame& f, uint256* stack_base) noexcept {
  switch (f.rev) {
    case Revision::kIstanbul:
      return Run<Revision::kIstanbul>(f, stack_base);
    case Revision::kBerlin:
      return Run<Revision::kBerlin>(f, stack_base);
    case Revision::kLondon:
      return Run<Revision::kLondon>(f, stack_base);
    case Revision::kShanghai:
      return Run<Revision::kShanghai>(f, stack_base);
    case Revision::kCancun:
      return Run<Revision::kCancun>(f, stack_base);
  }
  return StatusCode::kInternalError;
}

// The stack's storage, uninitialised: uint256 zero-initialises by default, and clearing 32 KiB per
// call would cost more than a short call's whole execution. Words are written before they are read
// (the stack checks guarantee it), and uint256 is an implicit-lifetime type.
uint256* AllocateStack() {
  return static_cast<uint256*>(
      ::operator new (sizeof(uint256) * internal::kStackLimit, std::align_val_t{alignof(uint256)}));
}

void FreeStack(uint256* stack) noexcept {
  ::operator delete (stack, std::align_val_t{alignof(uint256)});
}

// Stacks of finished frames, kept for the next frames on the same thread: a short call would
// otherwise spend a noticeable part of its time allocating and freeing 32 KiB. Keeps at most
// kPooled stacks; deeper nesting allocates as before.
class StackPool {
 public:
  StackPool() = default;
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool() {
    while (count_ > 0)
      FreeStack(stacks_[--count_]);
  }

  uint256* Acquire() { return count_ > 0 ? stacks_[--count_] : AllocateStack(); }
  void Release(uint256* stack) noexcept {
    if (count_ < kPooled) {
      stacks_[count_++] = stack;
    } else {
      FreeStack(stack);
    }
  }

 private:
  static constexpr size_t kPooled = 4;
  std::array<uint256*, kPooled> stacks_{};
  size_t count_ = 0;
};

thread_local StackPool t_stack_pool;

// One frame's stack, from the pool and back to it.
class FrameStack {
 public:
  FrameStack() : stack_(t_stack_pool.Acquire()) {}
  FrameStack(const FrameStack&) = delete;
  FrameStack& operator=(const FrameStack&) = delete;
  ~FrameStack() { t_stack_pool.Release(stack_); }
  uint256* get() const noexcept { return stack_; }

 private:
  uint256* stack_;
};

}  // namespace

ExecutionResult Execute(Host& host, Revision rev, const Message& msg,
                        const CodeAnalysis& analysis) noexcept {
  // One stack per frame, reused from earlier frames; nothing on the instruction path allocates
  // except memory growth, which gas pays for first.
  const FrameStack stack;
  Frame f(host, rev, msg, analysis);
  f.gas = msg.gas;
  const StatusCode status = RunForRevision(f, stack.get());
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

}  // namespace theta::evm
