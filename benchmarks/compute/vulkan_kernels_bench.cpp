// Frame kernels: 720p -> 480p bilinear resize of RGBA frames, on the Vulkan backend including the
// upload and download of each frame, beside the CPU backend's loop and the anchor, FFmpeg's
// scale_vulkan filter on Vulkan device 0 (hwupload, scale, hwdownload: the same round trip).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
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

// Seconds the ffmpeg command line takes to scale `frames` frames (`loops` passes over a file of
// kFileFrames), or a negative number when it fails.
constexpr int kFileFrames = 10;
double FfmpegScaleSeconds(const std::filesystem::path& input, int loops) {
  const std::string command =
      "ffmpeg -v error -init_hw_device vulkan=vk:0 -filter_hw_device vk -stream_loop " +
      std::to_string(loops - 1) + " -f rawvideo -pix_fmt rgba -s 1280x720 -i " + input.string() +
      " -vf hwupload,scale_vulkan=w=854:h=480:scaler=bilinear,hwdownload,format=rgba -f null -";
  const auto start = std::chrono::steady_clock::now();
  if (std::system(command.c_str()) != 0) return -1;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The anchor. Each iteration runs the command line over 30 and over 150 frames; the rate is the
// difference (120 frames) over the difference in time, so process start and device set-up, which
// the library pays once, are not charged to ffmpeg's frames.
void BM_FfmpegScaleVulkan720pTo480p(benchmark::State& state) {
  const std::filesystem::path input =
      std::filesystem::temp_directory_path() / "theta-bench-scale-720p.rgba";
  {
    std::ofstream out(input, std::ios::binary | std::ios::trunc);
    const auto frame = RandomFrame();
    for (int i = 0; i < kFileFrames; ++i)
      out.write(reinterpret_cast<const char*>(frame.data()), std::streamsize(frame.size()));
  }
  double extra_frames = 0, extra_seconds = 0;
  for (auto _ : state) {
    const double few = FfmpegScaleSeconds(input, 3);
    const double many = FfmpegScaleSeconds(input, 15);
    if (few < 0 || many < 0) {
      state.SkipWithError("ffmpeg with a Vulkan device and scale_vulkan is not available");
      break;
    }
    extra_frames += 12 * kFileFrames;
    extra_seconds += many - few;
  }
  std::filesystem::remove(input);
  if (extra_seconds > 0) state.counters["frames/s"] = extra_frames / extra_seconds;
}
BENCHMARK(BM_FfmpegScaleVulkan720pTo480p)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace theta::compute
