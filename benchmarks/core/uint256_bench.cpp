// theta::uint256 arithmetic beside the same operation done with GMP's mpz in the same run, so the
// ratio is visible. Each case cycles through 64 preallocated operand sets (fixed seed) so that
// neither the compiler nor the branch predictor sees one constant input; GMP's operands and
// result are initialized outside the timed loop. GMP results are reduced modulo 2^256 where the
// EVM operation wraps (mul, exp), because that is the work the EVM needs.
//
// Sizes: mul, exp, addmod and mulmod take full 256-bit operands; Div and Mod divide a 256-bit
// dividend by a 128-bit divisor (the multi-limb path); Div64 divides by a 64-bit divisor.
#include <benchmark/benchmark.h>
#include <gmp.h>

#include <array>
#include <random>

#include "theta/core/uint256.hpp"

namespace theta {
namespace {

constexpr size_t kSets = 64;

// Random values of `bits` bits (top bit set, so the size is exact).
std::array<uint256, kSets> RandomValues(unsigned bits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::array<uint256, kSets> out;
  for (uint256& v : out) {
    v = uint256::FromLimbs(rng(), rng(), rng(), rng()) >> (256 - bits);
    v |= uint256{1} << (bits - 1);
  }
  return out;
}

// kSets mpz values mirroring a uint256 array, freed on destruction.
class MpzArray {
 public:
  explicit MpzArray(const std::array<uint256, kSets>& values) {
    for (size_t i = 0; i < kSets; ++i) {
      mpz_init(z_[i]);
      mpz_import(z_[i], 4, -1, 8, 0, 0, values[i].limbs().data());
    }
  }
  ~MpzArray() {
    for (mpz_t& z : z_)
      mpz_clear(z);
  }
  MpzArray(const MpzArray&) = delete;
  MpzArray& operator=(const MpzArray&) = delete;
  mpz_srcptr operator[](size_t i) const { return z_[i % kSets]; }

 private:
  mpz_t z_[kSets];
};

// A preallocated result (and 2^256, the EVM's wrap modulus).
struct MpzScratch {
  mpz_t r;
  mpz_t two256;
  MpzScratch() {
    mpz_init2(r, 1024);
    mpz_init(two256);
    mpz_setbit(two256, 256);
  }
  ~MpzScratch() {
    mpz_clear(r);
    mpz_clear(two256);
  }
  MpzScratch(const MpzScratch&) = delete;
  MpzScratch& operator=(const MpzScratch&) = delete;
};

// Runs `op(i)` for i = 0, 1, 2, ... over the operand sets.
template <typename Op>
void Loop(benchmark::State& state, Op op) {
  size_t i = 0;
  for (auto _ : state) {
    op(i % kSets);
    ++i;
  }
}

const auto kA = RandomValues(256, 1);
const auto kB = RandomValues(256, 2);
const auto kM = RandomValues(256, 3);
const auto kD128 = RandomValues(128, 4);
const auto kD64 = RandomValues(64, 5);

// --- mul ----------------------------------------------------------------------------------------

void BM_Uint256Mul(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(kA[i] * kB[i]); });
}
BENCHMARK(BM_Uint256Mul);

void BM_GmpMul(benchmark::State& state) {
  const MpzArray a(kA), b(kB);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_mul(s.r, a[i], b[i]);
    mpz_tdiv_r_2exp(s.r, s.r, 256);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpMul);

// --- div and mod ---------------------------------------------------------------------------------

void BM_Uint256Div(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(kA[i] / kD128[i]); });
}
BENCHMARK(BM_Uint256Div);

void BM_GmpDiv(benchmark::State& state) {
  const MpzArray a(kA), d(kD128);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_tdiv_q(s.r, a[i], d[i]);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpDiv);

void BM_Uint256Div64(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(kA[i] / kD64[i]); });
}
BENCHMARK(BM_Uint256Div64);

void BM_GmpDiv64(benchmark::State& state) {
  const MpzArray a(kA), d(kD64);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_tdiv_q(s.r, a[i], d[i]);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpDiv64);

void BM_Uint256Mod(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(kA[i] % kD128[i]); });
}
BENCHMARK(BM_Uint256Mod);

void BM_GmpMod(benchmark::State& state) {
  const MpzArray a(kA), d(kD128);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_tdiv_r(s.r, a[i], d[i]);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpMod);

// --- exp -----------------------------------------------------------------------------------------

void BM_Uint256Exp(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(Exp(kA[i], kB[i])); });
}
BENCHMARK(BM_Uint256Exp);

void BM_GmpExp(benchmark::State& state) {
  const MpzArray a(kA), e(kB);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_powm(s.r, a[i], e[i], s.two256);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpExp);

// --- addmod and mulmod ---------------------------------------------------------------------------

void BM_Uint256AddMod(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(AddMod(kA[i], kB[i], kM[i])); });
}
BENCHMARK(BM_Uint256AddMod);

void BM_GmpAddMod(benchmark::State& state) {
  const MpzArray a(kA), b(kB), m(kM);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_add(s.r, a[i], b[i]);
    mpz_mod(s.r, s.r, m[i]);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpAddMod);

void BM_Uint256MulMod(benchmark::State& state) {
  Loop(state, [](size_t i) { benchmark::DoNotOptimize(MulMod(kA[i], kB[i], kM[i])); });
}
BENCHMARK(BM_Uint256MulMod);

void BM_GmpMulMod(benchmark::State& state) {
  const MpzArray a(kA), b(kB), m(kM);
  MpzScratch s;
  Loop(state, [&](size_t i) {
    mpz_mul(s.r, a[i], b[i]);
    mpz_mod(s.r, s.r, m[i]);
    benchmark::DoNotOptimize(s.r);
  });
}
BENCHMARK(BM_GmpMulMod);

}  // namespace
}  // namespace theta
