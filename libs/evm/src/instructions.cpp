// Out-of-line instructions; see internal/instructions.hpp for the shared contract.
#include "internal/instructions.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "internal/op_table.hpp"
#include "theta/core/hash.hpp"
#include "theta/evm/interpreter.hpp"

namespace theta::evm::internal {

namespace {

// Cleared memory buffers of finished frames, per thread (see Memory()). Small, and buffers above
// kMaxPooledCapacity are freed rather than kept.
struct MemoryPool {
  static constexpr size_t kPooled = 4;
  static constexpr size_t kMaxPooledCapacity = size_t{4} << 20;
  struct Buffer {
    uint8_t* data = nullptr;
    size_t zeroed = 0;
    size_t capacity = 0;
  };
  std::array<Buffer, kPooled> buffers{};
  size_t count = 0;

  MemoryPool() = default;
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;
  ~MemoryPool() {
    while (count > 0)
      std::free(buffers[--count].data);
  }
};

thread_local MemoryPool t_memory_pool;

}  // namespace

Memory::Memory() noexcept {
  MemoryPool& pool = t_memory_pool;
  if (pool.count > 0) {
    const MemoryPool::Buffer b = pool.buffers[--pool.count];
    data_ = b.data;
    zeroed_ = b.zeroed;
    capacity_ = b.capacity;
  }
}

Memory::~Memory() {
  MemoryPool& pool = t_memory_pool;
  if (data_ == nullptr) return;
  if (pool.count < MemoryPool::kPooled && capacity_ <= MemoryPool::kMaxPooledCapacity) {
    std::memset(data_, 0, size_);  // bytes from size_ to zeroed_ are zero already
    pool.buffers[pool.count++] = {data_, zeroed_, capacity_};
  } else {
    std::free(data_);
  }
}

bool Memory::GrowSlow(size_t new_size) noexcept {
  if (new_size > capacity_) {
    const size_t capacity = std::max({new_size, 2 * capacity_, kInitialCapacity});
    void* grown = std::realloc(data_, capacity);
    if (grown == nullptr) return false;
    data_ = static_cast<uint8_t*>(grown);
    capacity_ = capacity;
  }
  const size_t to = std::min(capacity_, std::max(new_size, zeroed_ + kClearStep));
  std::memset(data_ + zeroed_, 0, to - zeroed_);
  zeroed_ = to;
  size_ = new_size;
  return true;
}

int64_t ChargeAndGrowMemory(Frame& f, int64_t gas, uint64_t end) noexcept {
  const uint64_t new_words = static_cast<uint64_t>(NumWords(end));
  const uint64_t old_words = f.memory.size() / 32;
  gas -= MemoryCost(new_words) - MemoryCost(old_words);
  if (gas < 0) return gas;
  return f.memory.Grow(new_words * 32) ? gas : -1;
}

namespace {

// Charges `per_word` gas for every 32-byte word of `size` (copies, hashing, init code).
[[nodiscard]] bool ChargeWords(int64_t& gas, const uint256& size, int64_t per_word) noexcept {
  // Callers have expanded memory for `size` (or checked it), so size fits in 32 bits here.
  gas -= per_word * NumWords(size.limb(0));
  return gas >= 0;
}

// Charges the EIP-2929 cold surcharge for an account access (nothing before Berlin).
[[nodiscard]] bool ChargeAccountAccess(Frame& f, int64_t& gas, const Address& address) noexcept {
  if (f.rev < Revision::kBerlin) return true;
  if (f.host.AccessAccount(address) == AccessStatus::kWarm) return true;
  gas -= kColdAccountSurcharge;
  return gas >= 0;
}

// Copies `src` from `src_offset` into memory at `dst`, padding with zeros past the end of `src`.
void CopyPadded(Frame& f, uint64_t dst, ByteView src, const uint256& src_offset, uint64_t size) {
  const uint64_t from =
      src_offset.FitsUint64() ? std::min<uint64_t>(src_offset.limb(0), src.size()) : src.size();
  const uint64_t n = std::min<uint64_t>(size, src.size() - from);
  if (n > 0) std::memcpy(f.memory.data() + dst, src.data() + from, n);
  if (size > n) std::memset(f.memory.data() + dst + n, 0, size - n);
}

ByteView MemoryView(const Frame& f, const uint256& offset, const uint256& size) {
  if (size.IsZero()) return {};
  return {f.memory.data() + offset.limb(0), size.limb(0)};
}

}  // namespace

StatusCode OpExp(Frame& f, int64_t& gas, uint256* sp) noexcept {
  (void)f;
  const uint256& base = sp[-1];
  const uint256& exponent = sp[-2];
  gas -= 50 * static_cast<int64_t>((BitLength(exponent) + 7) / 8);
  if (gas < 0) return StatusCode::kOutOfGas;
  sp[-2] = Exp(base, exponent);
  return StatusCode::kSuccess;
}

StatusCode OpKeccak256(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& offset = sp[-1];
  const uint256& size = sp[-2];
  if (!ExpandMemory(f, gas, offset, size) || !ChargeWords(gas, size, 6)) {
    return StatusCode::kOutOfGas;
  }
  sp[-2] = uint256::FromWord(Keccak256(MemoryView(f, offset, size)));
  return StatusCode::kSuccess;
}

StatusCode OpBalance(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const Address address = WordToAddress(sp[-1]);
  if (!ChargeAccountAccess(f, gas, address)) return StatusCode::kOutOfGas;
  sp[-1] = f.host.GetBalance(address);
  return StatusCode::kSuccess;
}

StatusCode OpCallDataCopy(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& mem = sp[-1];
  const uint256& size = sp[-3];
  if (!ExpandMemory(f, gas, mem, size) || !ChargeWords(gas, size, 3)) {
    return StatusCode::kOutOfGas;
  }
  if (!size.IsZero()) CopyPadded(f, mem.limb(0), f.msg.input, sp[-2], size.limb(0));
  return StatusCode::kSuccess;
}

StatusCode OpCodeCopy(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& mem = sp[-1];
  const uint256& size = sp[-3];
  if (!ExpandMemory(f, gas, mem, size) || !ChargeWords(gas, size, 3)) {
    return StatusCode::kOutOfGas;
  }
  if (!size.IsZero()) CopyPadded(f, mem.limb(0), f.analysis.code(), sp[-2], size.limb(0));
  return StatusCode::kSuccess;
}

StatusCode OpExtCodeSize(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const Address address = WordToAddress(sp[-1]);
  if (!ChargeAccountAccess(f, gas, address)) return StatusCode::kOutOfGas;
  sp[-1] = f.host.GetCodeSize(address);
  return StatusCode::kSuccess;
}

StatusCode OpExtCodeCopy(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const Address address = WordToAddress(sp[-1]);
  const uint256& mem = sp[-2];
  const uint256& code_offset = sp[-3];
  const uint256& size = sp[-4];
  if (!ExpandMemory(f, gas, mem, size) || !ChargeWords(gas, size, 3) ||
      !ChargeAccountAccess(f, gas, address)) {
    return StatusCode::kOutOfGas;
  }
  if (size.IsZero()) return StatusCode::kSuccess;
  const uint64_t n = size.limb(0);
  uint8_t* dst = f.memory.data() + mem.limb(0);
  size_t copied = 0;
  if (code_offset.FitsUint64()) {
    copied = f.host.CopyCode(address, code_offset.limb(0), {dst, n});
  }
  if (copied < n) std::memset(dst + copied, 0, n - copied);
  return StatusCode::kSuccess;
}

StatusCode OpReturnDataCopy(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& mem = sp[-1];
  const uint256& data_offset = sp[-2];
  const uint256& size = sp[-3];
  // Reading past the end of the return data is an error, not zero padding (EIP-211).
  const uint256 end = data_offset + size;
  if (end < data_offset || end > uint256{f.return_data.size()}) {
    return StatusCode::kInvalidMemoryAccess;
  }
  if (!ExpandMemory(f, gas, mem, size) || !ChargeWords(gas, size, 3)) {
    return StatusCode::kOutOfGas;
  }
  if (!size.IsZero()) {
    std::memcpy(f.memory.data() + mem.limb(0), f.return_data.data() + data_offset.limb(0),
                size.limb(0));
  }
  return StatusCode::kSuccess;
}

StatusCode OpExtCodeHash(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const Address address = WordToAddress(sp[-1]);
  if (!ChargeAccountAccess(f, gas, address)) return StatusCode::kOutOfGas;
  sp[-1] = uint256::FromWord(f.host.GetCodeHash(address));
  return StatusCode::kSuccess;
}

StatusCode OpBlockHash(Frame& f, int64_t& /*gas*/, uint256* sp) noexcept {
  const int64_t current = f.tx().number;
  const int64_t lowest = std::max<int64_t>(0, current - 256);
  const uint256& n = sp[-1];
  if (n.FitsUint64() && n.limb(0) < static_cast<uint64_t>(current) &&
      n.limb(0) >= static_cast<uint64_t>(lowest)) {
    sp[-1] = uint256::FromWord(f.host.GetBlockHash(static_cast<int64_t>(n.limb(0))));
  } else {
    sp[-1] = 0;
  }
  return StatusCode::kSuccess;
}

StatusCode OpMcopy(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& dst = sp[-1];
  const uint256& src = sp[-2];
  const uint256& size = sp[-3];
  if (!ExpandMemory(f, gas, std::max(dst, src), size) || !ChargeWords(gas, size, 3)) {
    return StatusCode::kOutOfGas;
  }
  if (!size.IsZero()) {
    std::memmove(f.memory.data() + dst.limb(0), f.memory.data() + src.limb(0), size.limb(0));
  }
  return StatusCode::kSuccess;
}

StatusCode OpSload(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256 key = sp[-1];
  if (f.rev >= Revision::kBerlin &&
      f.host.AccessStorage(f.msg.recipient, key) == AccessStatus::kCold) {
    gas -= kColdSloadSurcharge;
    if (gas < 0) return StatusCode::kOutOfGas;
  }
  sp[-1] = f.host.GetStorage(f.msg.recipient, key);
  return StatusCode::kSuccess;
}

// EIP-2200 as parameterized by EIP-2929 (Berlin) and EIP-3529 (London).
StatusCode OpSstore(Frame& f, int64_t& gas, uint256* sp) noexcept {
  if (f.msg.is_static) return StatusCode::kStaticModeViolation;
  // EIP-2200: SSTORE needs more than the call stipend left, so a stipend-funded callee cannot
  // write.
  if (gas <= 2300) return StatusCode::kOutOfGas;
  const uint256 key = sp[-1];
  const uint256 value = sp[-2];
  const bool berlin = f.rev >= Revision::kBerlin;
  int64_t cost = 0;
  if (berlin && f.host.AccessStorage(f.msg.recipient, key) == AccessStatus::kCold) {
    cost = kColdSloadCost;
  }
  const int64_t warm_read = berlin ? 100 : 800;
  const int64_t set = 20000;
  const int64_t reset = berlin ? 5000 - kColdSloadCost : 5000;
  const int64_t clear_refund = f.rev >= Revision::kLondon ? reset + 1900 : 15000;

  const StorageChange change = f.host.SetStorage(f.msg.recipient, key, value);
  const uint256& original = change.original;
  const uint256& current = change.current;
  if (current == value) {
    cost += warm_read;
  } else if (original == current) {
    if (original.IsZero()) {
      cost += set;
    } else {
      cost += reset;
      if (value.IsZero()) f.refund += clear_refund;
    }
  } else {
    cost += warm_read;
    if (!original.IsZero()) {
      if (current.IsZero()) {
        f.refund -= clear_refund;
      } else if (value.IsZero()) {
        f.refund += clear_refund;
      }
    }
    if (original == value) f.refund += (original.IsZero() ? set : reset) - warm_read;
  }
  gas -= cost;
  return gas < 0 ? StatusCode::kOutOfGas : StatusCode::kSuccess;
}

StatusCode OpTload(Frame& f, int64_t& /*gas*/, uint256* sp) noexcept {
  sp[-1] = f.host.GetTransientStorage(f.msg.recipient, sp[-1]);
  return StatusCode::kSuccess;
}

StatusCode OpTstore(Frame& f, int64_t& /*gas*/, uint256* sp) noexcept {
  if (f.msg.is_static) return StatusCode::kStaticModeViolation;
  f.host.SetTransientStorage(f.msg.recipient, sp[-1], sp[-2]);
  return StatusCode::kSuccess;
}

StatusCode OpLog(Frame& f, int64_t& gas, uint256* sp, int num_topics) noexcept {
  if (f.msg.is_static) return StatusCode::kStaticModeViolation;
  const uint256& offset = sp[-1];
  const uint256& size = sp[-2];
  if (!ExpandMemory(f, gas, offset, size)) return StatusCode::kOutOfGas;
  gas -= 8 * static_cast<int64_t>(size.limb(0));
  if (gas < 0) return StatusCode::kOutOfGas;
  std::array<Hash32, 4> topics;
  for (int i = 0; i < num_topics; ++i)
    topics[i] = sp[-3 - i].ToBigEndian();
  f.host.EmitLog(f.msg.recipient, MemoryView(f, offset, size),
                 {topics.data(), static_cast<size_t>(num_topics)});
  return StatusCode::kSuccess;
}

StatusCode OpCall(Frame& f, int64_t& gas, uint256* sp, CallKind kind) noexcept {
  const bool takes_value = kind == CallKind::kCall || kind == CallKind::kCallCode;
  const int num_args = takes_value ? 7 : 6;
  const uint256 gas_arg = sp[-1];
  const Address target = WordToAddress(sp[-2]);
  const uint256 value = takes_value ? sp[-3] : uint256{};
  const int a = takes_value ? 4 : 3;
  const uint256 in_offset = sp[-a];
  const uint256 in_size = sp[-a - 1];
  const uint256 out_offset = sp[-a - 2];
  const uint256 out_size = sp[-a - 3];
  uint256& result = sp[-num_args];
  result = 0;

  if (!ChargeAccountAccess(f, gas, target)) return StatusCode::kOutOfGas;
  if (!ExpandMemory(f, gas, in_offset, in_size) || !ExpandMemory(f, gas, out_offset, out_size)) {
    return StatusCode::kOutOfGas;
  }
  const bool has_value = !value.IsZero();
  if (has_value) {
    if (kind == CallKind::kCall && f.msg.is_static) return StatusCode::kStaticModeViolation;
    gas -= 9000;
    if (kind == CallKind::kCall && !f.host.AccountExists(target)) gas -= 25000;
  }
  if (gas < 0) return StatusCode::kOutOfGas;

  Message msg;
  msg.kind = kind;
  msg.is_static = f.msg.is_static || kind == CallKind::kStaticCall;
  msg.depth = f.msg.depth + 1;
  msg.code_address = target;
  msg.recipient =
      (kind == CallKind::kCall || kind == CallKind::kStaticCall) ? target : f.msg.recipient;
  msg.sender = kind == CallKind::kDelegateCall ? f.msg.sender : f.msg.recipient;
  msg.value = kind == CallKind::kDelegateCall ? f.msg.value : value;
  msg.input = MemoryView(f, in_offset, in_size);

  // EIP-150: the callee gets at most all but one 64th of what is left.
  const int64_t requested = gas_arg.FitsUint64() && gas_arg.limb(0) <= INT64_MAX
                                ? static_cast<int64_t>(gas_arg.limb(0))
                                : std::numeric_limits<int64_t>::max();
  msg.gas = std::min(requested, gas - gas / 64);
  gas -= msg.gas;
  if (has_value) msg.gas += 2300;  // the stipend is free for the caller

  f.return_data.clear();
  if (f.msg.depth >= kMaxCallDepth || (has_value && f.host.GetBalance(f.msg.recipient) < value)) {
    gas += msg.gas;  // the call does not happen; the caller keeps the gas, stipend included
    return StatusCode::kSuccess;
  }
  ExecutionResult r = f.host.Call(msg);
  f.return_data = std::move(r.output);
  result = r.status == StatusCode::kSuccess ? 1 : 0;
  if (!out_size.IsZero()) {
    const size_t n = std::min<size_t>(out_size.limb(0), f.return_data.size());
    if (n > 0) std::memcpy(f.memory.data() + out_offset.limb(0), f.return_data.data(), n);
  }
  gas += r.gas_left;
  if (r.status == StatusCode::kSuccess) f.refund += r.gas_refund;
  return StatusCode::kSuccess;
}

StatusCode OpCreate(Frame& f, int64_t& gas, uint256* sp, CallKind kind) noexcept {
  if (f.msg.is_static) return StatusCode::kStaticModeViolation;
  const bool create2 = kind == CallKind::kCreate2;
  const uint256 value = sp[-1];
  const uint256 offset = sp[-2];
  const uint256 size = sp[-3];
  const uint256 salt = create2 ? sp[-4] : uint256{};
  uint256& result = sp[create2 ? -4 : -3];
  result = 0;

  if (!ExpandMemory(f, gas, offset, size)) return StatusCode::kOutOfGas;
  if (f.rev >= Revision::kShanghai) {
    if (size > uint256{kMaxInitcodeSize}) return StatusCode::kOutOfGas;  // EIP-3860
    if (!ChargeWords(gas, size, 2)) return StatusCode::kOutOfGas;
  }
  if (create2 && !ChargeWords(gas, size, 6)) return StatusCode::kOutOfGas;  // hashing the code

  f.return_data.clear();
  if (f.msg.depth >= kMaxCallDepth ||
      (!value.IsZero() && f.host.GetBalance(f.msg.recipient) < value)) {
    return StatusCode::kSuccess;
  }
  Message msg;
  msg.kind = kind;
  msg.depth = f.msg.depth + 1;
  msg.sender = f.msg.recipient;
  msg.value = value;
  msg.input = MemoryView(f, offset, size);
  msg.create2_salt = salt.ToBigEndian();
  msg.gas = gas - gas / 64;
  gas -= msg.gas;
  ExecutionResult r = f.host.Call(msg);
  gas += r.gas_left;
  f.return_data = std::move(r.output);
  if (r.status == StatusCode::kSuccess) {
    f.refund += r.gas_refund;
    result = AddressToWord(r.create_address);
  }
  return StatusCode::kSuccess;
}

StatusCode OpReturn(Frame& f, int64_t& gas, uint256* sp) noexcept {
  const uint256& offset = sp[-1];
  const uint256& size = sp[-2];
  if (!ExpandMemory(f, gas, offset, size)) return StatusCode::kOutOfGas;
  f.output_offset = size.IsZero() ? 0 : offset.limb(0);
  f.output_size = size.IsZero() ? 0 : size.limb(0);
  return StatusCode::kSuccess;
}

StatusCode OpSelfdestruct(Frame& f, int64_t& gas, uint256* sp) noexcept {
  if (f.msg.is_static) return StatusCode::kStaticModeViolation;
  const Address beneficiary = WordToAddress(sp[-1]);
  if (f.rev >= Revision::kBerlin && f.host.AccessAccount(beneficiary) == AccessStatus::kCold) {
    gas -= kColdAccountCost;
  }
  // EIP-161: creating the beneficiary is charged only when value actually moves to it.
  if (!f.host.AccountExists(beneficiary) && !f.host.GetBalance(f.msg.recipient).IsZero()) {
    gas -= 25000;
  }
  if (gas < 0) return StatusCode::kOutOfGas;
  const bool first = f.host.Selfdestruct(f.msg.recipient, beneficiary);
  if (first && f.rev < Revision::kLondon) f.refund += 24000;  // removed by EIP-3529
  return StatusCode::kSuccess;
}

}  // namespace theta::evm::internal
