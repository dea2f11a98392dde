// BN254 field, group and pairing costs. No same-run anchor exists for BN254 here; for scale, blst's
// BLS12-381 figures on this machine class (../shared/data/anchors.md) are a Miller loop of 0.22 ms
// and a final exponentiation of 0.31 ms; BN254's smaller field and shorter loop should land well
// under them.
#include <benchmark/benchmark.h>

#include "internal/fields.hpp"

namespace theta::crypto::internal {
namespace {

void BM_Bn254FpMul(benchmark::State& state) {
  Bn254Fp a = Bn254Fp::FromUint(0x1234567890abcdefULL).Inverse();
  const Bn254Fp b = Bn254Fp::FromUint(0xfedcba0987654321ULL).Inverse();
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254FpMul);

void BM_Bn254FpInverse(benchmark::State& state) {
  Bn254Fp a = Bn254Fp::FromUint(0x1234567890abcdefULL);
  for (auto _ : state) {
    a = a.Inverse();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254FpInverse);

}  // namespace
}  // namespace theta::crypto::internal
