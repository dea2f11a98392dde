#include "replay/mutator.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace theta::fuzz {
namespace {

// Bytes where decoders change their mind: zero, one, sign boundaries, all ones, and the RLP prefix
// boundaries (short string, long string, short list, long list).
constexpr std::array<uint8_t, 14> kBoundaryBytes = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xb7, 0xb8,
                                                    0xbf, 0xc0, 0xc1, 0xf7, 0xf8, 0xfe, 0xff};

}  // namespace

uint64_t Rng::Next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Mutator::Mutator(std::vector<Input> seeds, uint64_t stream_seed, size_t max_size)
    : seeds_(std::move(seeds)), rng_(stream_seed), max_size_(max_size) {}

Input Mutator::Next() {
  Input input = Start();
  const size_t rounds = 1 + rng_.Below(4);
  for (size_t i = 0; i < rounds; ++i)
    MutateOnce(input);
  if (input.size() > max_size_) input.resize(max_size_);
  return input;
}

Input Mutator::Start() {
  // One input in eight starts from random bytes even when there are seeds, so that a target whose
  // seeds all share one shape still sees the others.
  if (seeds_.empty() || rng_.Below(8) == 0) {
    Input input(rng_.Below(std::min<size_t>(max_size_, 96) + 1));
    for (uint8_t& b : input)
      b = static_cast<uint8_t>(rng_.Next());
    return input;
  }
  return seeds_[rng_.Below(seeds_.size())];
}

void Mutator::MutateOnce(Input& input) {
  switch (rng_.Below(7)) {
    case 0:
      FlipBit(input);
      break;
    case 1:
      SetBoundaryByte(input);
      break;
    case 2:
      Insert(input);
      break;
    case 3:
      Erase(input);
      break;
    case 4:
      CopyChunk(input);
      break;
    case 5:
      Splice(input);
      break;
    default:
      WriteInteger(input);
      break;
  }
}

void Mutator::FlipBit(Input& input) {
  if (input.empty()) return Insert(input);
  input[rng_.Below(input.size())] ^= static_cast<uint8_t>(1u << rng_.Below(8));
}

void Mutator::SetBoundaryByte(Input& input) {
  if (input.empty()) return Insert(input);
  input[rng_.Below(input.size())] = kBoundaryBytes[rng_.Below(kBoundaryBytes.size())];
}

void Mutator::Insert(Input& input) {
  const size_t at = rng_.Below(input.size() + 1);
  const size_t count = 1 + rng_.Below(8);
  const bool repeat = rng_.Below(2) == 0;  // a run of one byte, or random bytes
  const auto first = static_cast<uint8_t>(rng_.Next());
  Input bytes(count, first);
  if (!repeat) {
    for (uint8_t& b : bytes)
      b = static_cast<uint8_t>(rng_.Next());
  }
  input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin(), bytes.end());
}

void Mutator::Erase(Input& input) {
  if (input.empty()) return;
  const size_t at = rng_.Below(input.size());
  const size_t count = 1 + rng_.Below(std::min<size_t>(input.size() - at, 16));
  const auto begin = input.begin() + static_cast<std::ptrdiff_t>(at);
  input.erase(begin, begin + static_cast<std::ptrdiff_t>(count));
}

void Mutator::CopyChunk(Input& input) {
  if (input.size() < 2) return Insert(input);
  const size_t from = rng_.Below(input.size());
  const size_t count = 1 + rng_.Below(std::min<size_t>(input.size() - from, 32));
  const size_t to = rng_.Below(input.size() + 1);
  const Input chunk(input.begin() + static_cast<std::ptrdiff_t>(from),
                    input.begin() + static_cast<std::ptrdiff_t>(from + count));
  input.insert(input.begin() + static_cast<std::ptrdiff_t>(to), chunk.begin(), chunk.end());
}

// The head of this input and the tail of a seed: reaches pairs of fields no single seed holds.
void Mutator::Splice(Input& input) {
  if (seeds_.empty()) return FlipBit(input);
  const Input& other = seeds_[rng_.Below(seeds_.size())];
  const size_t keep = rng_.Below(input.size() + 1);
  const size_t from = rng_.Below(other.size() + 1);
  input.resize(keep);
  input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
}

// A 1-, 2-, 4- or 8-byte big-endian integer near a power of two: lengths and counts in headers.
void Mutator::WriteInteger(Input& input) {
  const size_t width = size_t{1} << rng_.Below(4);
  if (input.size() < width) return Insert(input);
  const unsigned shift = static_cast<unsigned>(rng_.Below(width * 8));
  const uint64_t value = (uint64_t{1} << shift) + rng_.Below(3) - 1;
  const size_t at = rng_.Below(input.size() - width + 1);
  for (size_t i = 0; i < width; ++i)
    input[at + i] = static_cast<uint8_t>(value >> (8 * (width - 1 - i)));
}

}  // namespace theta::fuzz
