// RangeAllocator hands out aligned, non-overlapping [offset, offset + size) ranges of a fixed
// capacity: the bookkeeping half of the device-memory sub-allocator (Device owns the VkDeviceMemory
// blocks; each block has one RangeAllocator). First fit; freed ranges coalesce with their free
// neighbours, so a block whose ranges are all freed is one free range again.
//
// Invariants: free and allocated ranges never overlap and together cover [0, capacity). Not
// thread-safe; the Device guards each allocator with its own mutex.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace theta::compute::internal {

class RangeAllocator {
 public:
  explicit RangeAllocator(uint64_t capacity);

  // The offset of a new range of `size` bytes aligned to `alignment` (a power of two), or nullopt
  // when no free range can hold it. A zero size is treated as one byte so that every range has an
  // offset.
  std::optional<uint64_t> Allocate(uint64_t size, uint64_t alignment);

  // Returns the range that starts at `offset` to the free list. False (and no change) when no range
  // starts there: a double free or a foreign offset.
  bool Free(uint64_t offset);

  uint64_t capacity() const noexcept { return capacity_; }
  uint64_t used() const noexcept { return used_; }
  bool empty() const noexcept { return allocated_.empty(); }
  // Number of separate free ranges (1 when nothing is allocated), for tests of coalescing.
  size_t free_range_count() const noexcept { return free_.size(); }

 private:
  uint64_t capacity_;
  uint64_t used_ = 0;
  std::map<uint64_t, uint64_t> free_;       // offset -> size
  std::map<uint64_t, uint64_t> allocated_;  // offset -> size
};

}  // namespace theta::compute::internal
