// Job overhead on the Vulkan device: submit -> fence of a one-workgroup job with everything warm,
// the first dispatch of a kernel on a fresh Device whose pipeline cache file is warm (with and
// without DeviceOptions-style prewarming), and what prewarming adds to opening a Device.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <ratio>
#include <vector>

#include "theta/compute/device.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {
namespace {

std::unique_ptr<Device> Open(benchmark::State& state, DeviceOptions options = {}) {
  options.validation = false;
  auto device = Device::Create(options);
  if (!device.ok()) {
    state.SkipWithError(std::string(device.status().message()).c_str());
    return nullptr;
  }
  state.SetLabel((*device)->info().name);
  return std::move(device).value();
}

// A 64-element add: one workgroup of 64 invocations.
void BM_VulkanSubmitToFence(benchmark::State& state) {
  auto device = Open(state);
  if (!device) return;
  VulkanKernels kernels(*device);
  auto a = device->CreateBuffer(256);
  auto b = device->CreateBuffer(256);
  auto list = device->NewCommandList();
  if (!a.ok() || !b.ok() || !list.ok() ||
      !kernels.RecordBinary(*list, BinaryOp::kAdd, 64, *a, *a, *b).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  for (int i = 0; i < 10; ++i) {  // warm-up
    (void)device->Submit(*list);
    (void)list->Wait();
  }
  for (auto _ : state) {
    if (!device->Submit(*list).ok() || !list->Wait().ok()) {
      state.SkipWithError("submit failed");
      return;
    }
  }
}
BENCHMARK(BM_VulkanSubmitToFence)->Unit(benchmark::kMicrosecond)->UseRealTime();

// From GetKernel (pipeline creation through the cache) to the fence of its first dispatch, on a
// Device opened with a cache file written by an earlier Device (first arg 1) or with no cache (0).
// Second arg: the kernel, 0 a 64-element add, 1 a 64^3 SGEMM (a much larger shader).
absl::Status RecordFirst(VulkanKernels& kernels, CommandList& list, bool sgemm, const Buffer& a,
                         const Buffer& c) {
  if (sgemm) return kernels.RecordMatMul(list, {64, 64, 64}, a, a, c);
  return kernels.RecordBinary(list, BinaryOp::kAdd, 64, a, a, c);
}

using Clock = std::chrono::steady_clock;
double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Counters: build_ms is the kernel's pipeline creation plus recording (wall), fence_ms the submit
// and wait, in which lavapipe compiles the shader with LLVM on its queue thread.
void BM_VulkanFirstDispatch(benchmark::State& state) {
  double build_ms = 0;
  double fence_ms = 0;
  const bool warm = state.range(0) != 0;
  const bool sgemm = state.range(1) != 0;
  const auto path = std::filesystem::temp_directory_path() / "theta_compute_bench_pipeline.cache";
  DeviceOptions options;
  if (warm) {
    options.pipeline_cache_path = path.string();
    auto writer = Open(state, options);
    if (!writer) return;
    VulkanKernels kernels(*writer);
    auto a = writer->CreateBuffer(64 * 64 * 4);
    auto list = writer->NewCommandList();
    if (!a.ok() || !list.ok() || !RecordFirst(kernels, *list, sgemm, *a, *a).ok() ||
        !writer->SavePipelineCache().ok()) {
      state.SkipWithError("cache setup failed");
      return;
    }
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto device = Open(state, options);
    if (!device) return;
    VulkanKernels kernels(*device);
    auto a = device->CreateBuffer(64 * 64 * 4);
    auto c = device->CreateBuffer(64 * 64 * 4);
    if (!a.ok() || !c.ok()) {
      state.SkipWithError("buffers failed");
      return;
    }
    state.ResumeTiming();
    const auto start = Clock::now();
    auto list = device->NewCommandList();
    if (!list.ok() || !RecordFirst(kernels, *list, sgemm, *a, *c).ok()) {
      state.SkipWithError("first dispatch failed");
      return;
    }
    const auto recorded = Clock::now();
    if (!device->Submit(*list).ok() || !list->Wait().ok()) {
      state.SkipWithError("first dispatch failed");
      return;
    }
    const auto fenced = Clock::now();
    state.PauseTiming();
    build_ms += Ms(recorded - start);
    fence_ms += Ms(fenced - recorded);
    // Everything made by the device goes before it.
    list = absl::StatusOr<CommandList>(CommandList());
    *a = Buffer();
    *c = Buffer();
    device.reset();
    state.ResumeTiming();
  }
  state.counters["build_ms"] = benchmark::Counter(build_ms, benchmark::Counter::kAvgIterations);
  state.counters["fence_ms"] = benchmark::Counter(fence_ms, benchmark::Counter::kAvgIterations);
  std::filesystem::remove(path);
}
BENCHMARK(BM_VulkanFirstDispatch)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

// The same first dispatch on a Device prewarmed with every standard kernel
// (VulkanKernels::Prewarm, untimed: it belongs to opening the Device, see BM_VulkanOpen), as an
// edge node that sets DeviceOptions::prewarm_kernels sees it. Arg: the kernel, as above.
void BM_VulkanFirstDispatchPrewarmed(benchmark::State& state) {
  const bool sgemm = state.range(0) != 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto device = Open(state);
    if (!device) return;
    VulkanKernels kernels(*device);
    auto a = device->CreateBuffer(64 * 64 * 4);
    auto c = device->CreateBuffer(64 * 64 * 4);
    if (!a.ok() || !c.ok() || !kernels.Prewarm().ok()) {
      state.SkipWithError("prewarm failed");
      return;
    }
    state.ResumeTiming();
    auto list = device->NewCommandList();
    if (!list.ok() || !RecordFirst(kernels, *list, sgemm, *a, *c).ok() ||
        !device->Submit(*list).ok() || !list->Wait().ok()) {
      state.SkipWithError("first dispatch failed");
      return;
    }
    state.PauseTiming();
    list = absl::StatusOr<CommandList>(CommandList());
    *a = Buffer();
    *c = Buffer();
    device.reset();
    state.ResumeTiming();
  }
  state.SetLabel("prewarmed");
}
BENCHMARK(BM_VulkanFirstDispatchPrewarmed)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond);

// Opening a Device (instance, device, queue, pipeline cache), then with arg 1 prewarming every
// standard kernel: what DeviceOptions::prewarm_kernels costs at start-up.
void BM_VulkanOpen(benchmark::State& state) {
  const bool prewarm = state.range(0) != 0;
  for (auto _ : state) {
    auto device = Open(state);
    if (!device) return;
    if (prewarm && !VulkanKernels(*device).Prewarm().ok()) {
      state.SkipWithError("prewarm failed");
      return;
    }
    state.PauseTiming();
    device.reset();
    state.ResumeTiming();
  }
  if (prewarm) state.SetLabel("with VulkanKernels::Prewarm");
}
BENCHMARK(BM_VulkanOpen)->Arg(0)->Arg(1)->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace theta::compute
