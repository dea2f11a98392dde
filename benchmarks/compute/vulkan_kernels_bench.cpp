// Frame kernels: 720p -> 480p bilinear resize of RGBA frames, on the Vulkan backend including the
// upload and download of each frame, beside the CPU backend's loop. (The anchor, FFmpeg's
// scale_vulkan filter on the same device, is run by scripts/bench outside this binary.)
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"

namespace theta::compute {
namespace {

constexpr ImageSize k720p{1280, 720};
constexpr ImageSize k480p{854, 480};
constexpr uint32_t kChannels = 4;

std::vector<uint8_t> RandomFrame() {
  std::mt19937 rng(3);
  std::vector<uint8_t> frame(size_t(k720p.width) * k720p.height * kChannels);
  for (uint8_t& v : frame)
    v = static_cast<uint8_t>(rng());
  return frame;
}

void RunResize(benchmark::State& state, Backend& backend) {
  const auto src = RandomFrame();
  std::vector<uint8_t> dst(size_t(k480p.width) * k480p.height * kChannels);
  for (auto _ : state) {
    if (!backend.ResizeBilinear(k720p, kChannels, src, k480p, dst).ok()) {
      state.SkipWithError("resize failed");
      return;
    }
    benchmark::DoNotOptimize(dst.data());
  }
  state.counters["frames/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_VulkanResize720pTo480p(benchmark::State& state) {
  DeviceOptions options;
  options.validation = false;
  auto device = Device::Create(options);
  if (!device.ok()) {
    state.SkipWithError(std::string(device.status().message()).c_str());
    return;
  }
  state.SetLabel((*device)->info().name);
  auto vulkan = NewVulkanBackend(**device);
  if (!vulkan.ok()) {
    state.SkipWithError("no vulkan backend");
    return;
  }
  RunResize(state, **vulkan);
}
BENCHMARK(BM_VulkanResize720pTo480p)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CpuResize720pTo480p(benchmark::State& state) {
  auto cpu = NewCpuBackend();
  RunResize(state, *cpu);
}
BENCHMARK(BM_CpuResize720pTo480p)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace theta::compute
