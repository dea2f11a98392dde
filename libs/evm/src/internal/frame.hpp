// The state of one executing call frame, shared by the dispatch loop (interpreter.cpp) and the
// out-of-line instructions (instructions.cpp). Private to theta-evm.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/evm/analysis.hpp"
#include "theta/evm/host.hpp"
#include "theta/evm/revision.hpp"

namespace theta::evm::internal {

inline constexpr int kStackLimit = 1024;
// Largest memory size that any offset or size may address. Expanding to it costs about 2^45 gas,
// more than any transaction can pay, so larger requests are out of gas without arithmetic overflow.
inline constexpr uint64_t kMaxMemory = 0xffffffffULL;

// A frame's memory: a zero-filled byte buffer that only grows. Capacity doubles from 4 KiB with
// realloc, so a contract that grows memory a word at a time pays amortised constant work per word
// and large buffers move by page remapping rather than copying. The bytes from size() up to a
// watermark are kept zero (nothing writes past size()), and the watermark advances in steps of at
// least kClearStep bytes, so growing a word at a time clears memory in a few larger pieces instead
// of one call per word, without clearing the whole capacity of a frame that uses little of it.
// Not copyable (one owner: the frame).
class Memory {
 public:
  // Takes a cleared buffer that an earlier frame on this thread gave back, if any: a frame that
  // uses hundreds of KiB then reuses pages that are already mapped instead of faulting in fresh
  // ones and copying on every doubling.
  Memory() noexcept;
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  // Clears the used bytes and gives the buffer back for the next frame (or frees it).
  ~Memory();

  uint8_t* data() noexcept { return data_; }
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  uint8_t& operator[](size_t i) noexcept { return data_[i]; }

  // Grows to `new_size` (> size()) zero bytes past the old end. False when the allocation fails;
  // the memory is then unchanged.
  [[nodiscard]] bool Grow(size_t new_size) noexcept {
    if (new_size > zeroed_) [[unlikely]]
      return GrowSlow(new_size);
    size_ = new_size;
    return true;
  }

 private:
  static constexpr size_t kInitialCapacity = 4096;
  static constexpr size_t kClearStep = 1024;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t zeroed_ = 0;  // bytes [size_, zeroed_) are zero
  size_t capacity_ = 0;

  // Grow past the cleared bytes: reallocates when needed and clears the next step. Out of line, so
  // that the common growth within cleared memory is a leaf function without calls.
  [[nodiscard]] bool GrowSlow(size_t new_size) noexcept;
};

struct Frame {
  Frame(Host& h, Revision r, const Message& m, const CodeAnalysis& a)
      : host(h), rev(r), msg(m), analysis(a) {}

  Host& host;
  const Revision rev;
  const Message& msg;
  const CodeAnalysis& analysis;
  int64_t gas = 0;  // only current while an out-of-line instruction runs (the loop keeps a copy)
  int64_t refund = 0;
  Memory memory;
  Bytes return_data;
  uint64_t output_offset = 0;
  uint64_t output_size = 0;

  const TxContext& tx() {
    if (tx_ == nullptr) tx_ = &host.GetTxContext();
    return *tx_;
  }

 private:
  const TxContext* tx_ = nullptr;
};

// Gas for `words` 32-byte words of memory: 3 per word plus the quadratic term words^2 / 512.
constexpr int64_t MemoryCost(uint64_t words) noexcept {
  return static_cast<int64_t>(3 * words + words * words / 512);
}

constexpr int64_t NumWords(uint64_t bytes) noexcept {
  return static_cast<int64_t>((bytes + 31) / 32);
}

// Grows memory to cover `end` bytes (> size()) and returns `gas` less the expansion's cost;
// negative when that is out of gas or the allocation failed. Gas passes by value, so that the
// dispatch loop keeps its count in a register across the call (a contract that grows its memory
// a word at a time calls this for every word).
int64_t ChargeAndGrowMemory(Frame& frame, int64_t gas, uint64_t end) noexcept;

// Grows memory to cover `end` bytes, charging the expansion to `gas`. False when out of gas.
inline bool GrowMemory(Frame& frame, int64_t& gas, uint64_t end) noexcept {
  gas = ChargeAndGrowMemory(frame, gas, end);
  return gas >= 0;
}

// Makes [offset, offset + size) addressable, charging expansion. An empty region is always fine and
// never expands memory, whatever its offset. False when out of gas or beyond kMaxMemory.
[[nodiscard]] inline bool ExpandMemory(Frame& frame, int64_t& gas, const uint256& offset,
                                       const uint256& size) noexcept {
  if (size.IsZero()) return true;
  if (!offset.FitsUint64() || !size.FitsUint64() || offset.limb(0) > kMaxMemory ||
      size.limb(0) > kMaxMemory) [[unlikely]] {
    return false;
  }
  const uint64_t end = offset.limb(0) + size.limb(0);
  if (end <= frame.memory.size()) [[likely]]
    return true;
  return GrowMemory(frame, gas, end);
}

inline uint256 AddressToWord(const Address& address) noexcept {
  return uint256::LoadBigEndian(address.view());
}

inline Address WordToAddress(const uint256& word) noexcept {
  const Hash32 bytes = word.ToBigEndian();
  Address out;
  std::memcpy(out.data(), bytes.data() + 12, 20);
  return out;
}

}  // namespace theta::evm::internal
