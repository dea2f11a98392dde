// The replay driver's mutation stream: reproducible from its seed (a CI failure names a stream that
// anyone can replay), bounded by max_size, and actually different from its seeds.
#include "replay/mutator.hpp"

#include <catch2/catch.hpp>
#include <set>

namespace theta::fuzz {
namespace {

std::vector<Input> Stream(std::vector<Input> seeds, uint64_t stream_seed, size_t count,
                          size_t max_size) {
  Mutator mutator(std::move(seeds), stream_seed, max_size);
  std::vector<Input> out;
  for (size_t i = 0; i < count; ++i)
    out.push_back(mutator.Next());
  return out;
}

TEST_CASE("the mutation stream is the same for the same seeds and stream seed", "[fuzz][replay]") {
  const std::vector<Input> seeds = {{0xc8, 0x83, 'c', 'a', 't'}, {0x80}, {}};
  CHECK(Stream(seeds, 7, 500, 64) == Stream(seeds, 7, 500, 64));
  CHECK(Stream(seeds, 7, 500, 64) != Stream(seeds, 8, 500, 64));
  // splitmix64's first outputs from state 0 (its published reference values).
  Rng rng(0);
  CHECK(rng.Next() == 0xe220a8397b1dcdafULL);
  CHECK(rng.Next() == 0x6e789e6aa1b965f4ULL);
}

TEST_CASE("mutations stay within max_size and move away from the seeds", "[fuzz][replay]") {
  const Input seed(40, 0x55);
  const std::vector<Input> inputs = Stream({seed}, 1, 2000, 48);
  std::set<Input> distinct;
  size_t changed = 0;
  for (const Input& input : inputs) {
    CHECK(input.size() <= 48);
    changed += input != seed;
    distinct.insert(input);
  }
  CHECK(changed > 1900);          // every input carries at least one mutation
  CHECK(distinct.size() > 1500);  // and they are not the same few
  // Without seeds the stream starts from random bytes, never longer than max_size either.
  for (const Input& input : Stream({}, 3, 500, 16))
    CHECK(input.size() <= 16);
}

}  // namespace
}  // namespace theta::fuzz
