#include "theta/compute/internal/range_allocator.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>

namespace theta::compute::internal {
namespace {

TEST_CASE("range allocator aligns ranges and keeps the padding free") {
  RangeAllocator ranges(1024);
  auto first = ranges.Allocate(10, 4);
  REQUIRE(first.has_value());
  CHECK(*first == 0);
  auto second = ranges.Allocate(100, 256);
  REQUIRE(second.has_value());
  CHECK(*second == 256);
  CHECK(ranges.used() == 110);
  // The gap between 10 and 256 still serves a small request.
  auto third = ranges.Allocate(16, 16);
  REQUIRE(third.has_value());
  CHECK(*third == 16);
}

TEST_CASE("range allocator refuses what does not fit and a double free") {
  RangeAllocator ranges(64);
  auto all = ranges.Allocate(64, 1);
  REQUIRE(all.has_value());
  CHECK_FALSE(ranges.Allocate(1, 1).has_value());
  CHECK(ranges.Free(*all));
  CHECK_FALSE(ranges.Free(*all));
  CHECK_FALSE(ranges.Free(12345));
  CHECK_FALSE(ranges.Allocate(65, 1).has_value());
}

TEST_CASE("range allocator coalesces freed neighbours back into one range") {
  const uint32_t seed = 20240601;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  RangeAllocator ranges(1 << 20);
  std::map<uint64_t, uint64_t> live;  // offset -> size
  for (int step = 0; step < 2000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const uint64_t size = 1 + rng() % 5000;
      const uint64_t alignment = uint64_t{1} << (rng() % 9);
      auto offset = ranges.Allocate(size, alignment);
      if (!offset) continue;
      CHECK(*offset % alignment == 0);
      // No overlap with any live range.
      auto next = live.lower_bound(*offset);
      if (next != live.end()) CHECK(*offset + size <= next->first);
      if (next != live.begin()) {
        auto prev = std::prev(next);
        CHECK(prev->first + prev->second <= *offset);
      }
      live.emplace(*offset, size);
    } else {
      auto victim = live.begin();
      std::advance(victim, rng() % live.size());
      CHECK(ranges.Free(victim->first));
      live.erase(victim);
    }
  }
  for (const auto& [offset, size] : live)
    CHECK(ranges.Free(offset));
  CHECK(ranges.empty());
  CHECK(ranges.used() == 0);
  CHECK(ranges.free_range_count() == 1);
  CHECK(ranges.Allocate(1 << 20, 1).has_value());
}

}  // namespace
}  // namespace theta::compute::internal
