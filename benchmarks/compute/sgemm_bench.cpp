// SGEMM: the Vulkan kernel (lavapipe on CPU-only machines) and the CPU backend, each beside
// OpenBLAS called directly on the same CPU in the same run. The 1024^3 rows report the best of 5
// runs after a warm-up run (manual time), as the speed targets in docs/benchmarks.md are stated.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {
namespace {

std::vector<float> RandomMatrix(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values)
    v = dist(rng);
  return values;
}

// One warm-up call, then the best of `runs`; reports it as the iteration time and as GFLOP/s.
void BestOf(benchmark::State& state, double flops, const std::function<bool()>& run, int runs = 5) {
  for (auto _ : state) {
    if (!run()) {
      state.SkipWithError("run failed");
      return;
    }
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      if (!run()) {
        state.SkipWithError("run failed");
        return;
      }
      best = std::min(
          best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    state.SetIterationTime(best);
    state.counters["GFLOP/s"] = flops / best / 1e9;
  }
}

void BM_OpenBlasSgemm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto a = RandomMatrix(size_t(n) * n, 1);
  const auto b = RandomMatrix(size_t(n) * n, 2);
  std::vector<float> c(size_t(n) * n);
  BestOf(state, 2.0 * n * n * n, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    return true;
  });
}
BENCHMARK(BM_OpenBlasSgemm)
    ->Arg(1024)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The CPU backend's job path (shape checks, then cblas_sgemm) on host vectors.
void BM_CpuBackendSgemm(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  const auto a = RandomMatrix(size_t(n) * n, 1);
  const auto b = RandomMatrix(size_t(n) * n, 2);
  std::vector<float> c(size_t(n) * n);
  auto cpu = NewCpuBackend();
  BestOf(state, 2.0 * n * n * n, [&] { return cpu->MatMul({n, n, n}, a, b, c).ok(); });
}
BENCHMARK(BM_CpuBackendSgemm)
    ->Arg(1024)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

std::unique_ptr<Device> OpenBenchDevice(benchmark::State& state, DeviceOptions options = {}) {
  options.validation = false;
  auto device = Device::Create(options);
  if (!device.ok()) {
    state.SkipWithError(std::string(device.status().message()).c_str());
    return nullptr;
  }
  state.SetLabel((*device)->info().name);
  return std::move(device).value();
}

// Device-resident SGEMM: one recorded dispatch, submitted and waited on per run (args: n, tm, tn,
// local_x, local_y; tm = 0 picks the device's default tiling).
void BM_VulkanSgemm(benchmark::State& state) {
  auto device = OpenBenchDevice(state);
  if (!device) return;
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  SgemmTiling tiling = DefaultSgemmTiling(device->info());
  if (state.range(1) != 0) {
    tiling = {static_cast<uint32_t>(state.range(3)), static_cast<uint32_t>(state.range(4)),
              static_cast<uint32_t>(state.range(1)), static_cast<uint32_t>(state.range(2))};
  }
  VulkanKernels kernels(*device, tiling);
  const auto a = RandomMatrix(size_t(n) * n, 1);
  const auto b = RandomMatrix(size_t(n) * n, 2);
  auto da = device->CreateBuffer(a.size() * 4);
  auto db = device->CreateBuffer(b.size() * 4);
  auto dc = device->CreateBuffer(a.size() * 4);
  auto list = device->NewCommandList();
  if (!da.ok() || !db.ok() || !dc.ok() || !list.ok() ||
      !device->Upload(*da, std::as_bytes(std::span(a))).ok() ||
      !device->Upload(*db, std::as_bytes(std::span(b))).ok() ||
      !kernels.RecordMatMul(*list, {n, n, n}, *da, *db, *dc).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  BestOf(state, 2.0 * n * n * n, [&] { return device->Submit(*list).ok() && list->Wait().ok(); });
  state.counters["tm"] = tiling.tm;
  state.counters["tn"] = tiling.tn;
  state.counters["lx"] = tiling.local_x;
  state.counters["ly"] = tiling.local_y;
}
BENCHMARK(BM_VulkanSgemm)
    ->Args({1024, 0, 0, 0, 0})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
// Tiling sweep for tuning DefaultSgemmTiling (--benchmark_filter=BM_VulkanSgemmTiling); slow on
// lavapipe.
void BM_VulkanSgemmTiling(benchmark::State& state) {
  BM_VulkanSgemm(state);
}
BENCHMARK(BM_VulkanSgemmTiling)
    ->ArgsProduct({{1024}, {8, 16, 24}, {1, 2, 3}, {8}, {1, 8}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace theta::compute
