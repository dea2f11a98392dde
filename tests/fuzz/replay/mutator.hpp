// Deterministic input mutation for the fuzz replay driver. Not a fuzzer: no coverage feedback, just
// a reproducible stream of inputs near the seeds (bit flips, boundary bytes, inserts, erases,
// splices), so that CI runs every libFuzzer target over more than its seed files with any compiler.
// The same seed list and the same stream seed give the same inputs on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace theta::fuzz {

using Input = std::vector<uint8_t>;

// splitmix64: small, fast and identical everywhere (std's distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform enough in [0, bound) for bound > 0 (the modulo bias is irrelevant here).
  size_t Below(size_t bound) { return static_cast<size_t>(Next() % bound); }

 private:
  uint64_t state_;
};

class Mutator {
 public:
  // `seeds` may be empty: mutations then start from short random inputs. No input grows beyond
  // max_size bytes.
  Mutator(std::vector<Input> seeds, uint64_t stream_seed, size_t max_size);

  // The next input of the stream: a seed (or random bytes) with one to four mutations stacked.
  Input Next();

 private:
  Input Start();
  void MutateOnce(Input& input);
  void FlipBit(Input& input);
  void SetBoundaryByte(Input& input);
  void Insert(Input& input);
  void Erase(Input& input);
  void CopyChunk(Input& input);
  void Splice(Input& input);
  void WriteInteger(Input& input);

  std::vector<Input> seeds_;
  Rng rng_;
  size_t max_size_;
};

}  // namespace theta::fuzz
