// SGEMM: Vulkan kernel (lavapipe on CPU-only machines) and the CPU backend, each beside OpenBLAS
// called directly on the same CPU in the same run.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <random>
#include <vector>

namespace {

std::vector<float> RandomMatrix(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values)
    v = dist(rng);
  return values;
}

void SetFlops(benchmark::State& state, double m, double n, double k) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * n * k * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

// The anchor: cblas_sgemm, row-major, with OpenBLAS's own threading.
void BM_OpenBlasSgemm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto a = RandomMatrix(size_t(n) * n, 1);
  const auto b = RandomMatrix(size_t(n) * n, 2);
  std::vector<float> c(size_t(n) * n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  SetFlops(state, n, n, n);
}
BENCHMARK(BM_OpenBlasSgemm)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
