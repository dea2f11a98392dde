#include "theta/compute/internal/range_allocator.hpp"

#include <iterator>

namespace theta::compute::internal {

RangeAllocator::RangeAllocator(uint64_t capacity) : capacity_(capacity) {
  if (capacity_ > 0) free_.emplace(0, capacity_);
}

std::optional<uint64_t> RangeAllocator::Allocate(uint64_t size, uint64_t alignment) {
  if (size == 0) size = 1;
  if (alignment == 0) alignment = 1;
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->first;
    const uint64_t end = start + it->second;
    const uint64_t aligned = (start + alignment - 1) & ~(alignment - 1);
    if (aligned < start || aligned > end || end - aligned < size) continue;
    free_.erase(it);
    // The padding before the aligned start and the tail after the range stay free.
    if (aligned > start) free_.emplace(start, aligned - start);
    if (aligned + size < end) free_.emplace(aligned + size, end - aligned - size);
    allocated_.emplace(aligned, size);
    used_ += size;
    return aligned;
  }
  return std::nullopt;
}

bool RangeAllocator::Free(uint64_t offset) {
  auto found = allocated_.find(offset);
  if (found == allocated_.end()) return false;
  uint64_t start = offset;
  uint64_t size = found->second;
  const uint64_t end = offset + size;
  used_ -= size;
  allocated_.erase(found);
  // Merge with the free range that starts where this one ends, and the one that ends where it
  // starts.
  auto next = free_.lower_bound(offset);
  if (next != free_.end() && next->first == end) {
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  free_.emplace(start, size);
  return true;
}

}  // namespace theta::compute::internal
