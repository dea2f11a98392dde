// Transcode jobs against their anchor, the ffmpeg command line with the same settings, in the same
// run: 10 s of 720p30 (ffmpeg's testsrc2 pattern, made once per run) to 854x480 H.264, libx264
// preset veryfast, crf 23, bilinear scaling, 4 encoder threads, MPEG-TS out.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "theta/compute/device.hpp"
#include "theta/compute/transcode.hpp"

namespace theta::compute {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kDstWidth = 854;
constexpr uint32_t kDstHeight = 480;

const fs::path& WorkDir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "theta-transcode-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return fs::path();
    return fs::path(pattern);
  }();
  return dir;
}

// The 720p input, or empty when the ffmpeg command line is missing.
const Bytes& Input() {
  static const Bytes bytes = [] {
    const fs::path path = WorkDir() / "in720.mp4";
    const std::string command =
        "ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -t 10 -c:v libx264 "
        "-preset veryfast -crf 23 -pix_fmt yuv420p " +
        path.string();
    if (std::system(command.c_str()) != 0) return Bytes();
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  return bytes;
}

// Arg 0: libswscale scales; 1: the resize kernel scales, resident on the Vulkan device (one
// submission per frame); 2: the same kernel through the Vulkan backend (a round trip per plane).
void BM_TranscodeJob720To480(benchmark::State& state) {
  if (Input().empty()) {
    state.SkipWithError("the ffmpeg command line could not make the input");
    return;
  }
  std::unique_ptr<Device> device;
  std::unique_ptr<Backend> vulkan;
  TranscodeOptions options;
  options.dst_width = kDstWidth;
  options.dst_height = kDstHeight;
  options.preset = "veryfast";
  options.crf = 23;
  if (state.range(0) != 0) {
    DeviceOptions device_options;
    device_options.validation = false;
    auto opened = Device::Create(device_options);
    if (!opened.ok()) {
      state.SkipWithError(std::string(opened.status().message()).c_str());
      return;
    }
    device = std::move(opened).value();
    vulkan = std::move(NewVulkanBackend(*device)).value();
    if (state.range(0) == 1) {
      options.scaler_device = device.get();
    } else {
      options.scaler = vulkan.get();
    }
    state.SetLabel("scale on " + device->info().name);
  }
  uint64_t frames = 0;
  for (auto _ : state) {
    auto result = Transcode(Input(), options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    frames += result->frames;
  }
  state.counters["frames_per_s"] = benchmark::Counter(double(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TranscodeJob720To480)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The anchor: the same job through the ffmpeg command line, file to file. Each iteration runs
// the command line and then the job, so load that drifts during the run hits both alike; the
// counters are both rates and their ratio (job / command line).
void BM_TranscodeJobVsFfmpegCli(benchmark::State& state) {
  if (Input().empty()) {
    state.SkipWithError("the ffmpeg command line could not make the input");
    return;
  }
  const std::string command = "ffmpeg -v error -y -i " + (WorkDir() / "in720.mp4").string() +
                              " -vf scale=854:480:flags=bilinear -c:v libx264 -preset veryfast "
                              "-crf 23 -threads 4 -an -f mpegts " +
                              (WorkDir() / "out480.ts").string();
  TranscodeOptions options;
  options.dst_width = kDstWidth;
  options.dst_height = kDstHeight;
  options.preset = "veryfast";
  options.crf = 23;
  using Clock = std::chrono::steady_clock;
  Clock::duration cli{}, job{};
  double cli_cpu = 0, job_cpu = 0;
  uint64_t frames = 0;
  for (auto _ : state) {
    const double c0 = CpuSeconds(RUSAGE_CHILDREN);
    const auto t0 = Clock::now();
    if (std::system(command.c_str()) != 0) {
      state.SkipWithError("ffmpeg failed");
      return;
    }
    const auto t1 = Clock::now();
    const double c1 = CpuSeconds(RUSAGE_SELF);
    auto result = Transcode(Input(), options);
    const auto t2 = Clock::now();
    job_cpu += CpuSeconds(RUSAGE_SELF) - c1;
    cli_cpu += CpuSeconds(RUSAGE_CHILDREN) - c0;
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    cli += t1 - t0;
    job += t2 - t1;
    frames += result->frames;
  }
  const double cli_s = std::chrono::duration<double>(cli).count();
  const double job_s = std::chrono::duration<double>(job).count();
  state.counters["job_fps"] = double(frames) / job_s;
  state.counters["ffmpeg_fps"] = double(frames) / cli_s;  // the same input and frame count
  state.counters["job_vs_ffmpeg"] = cli_s / job_s;
  // CPU time (all threads) per frame: less sensitive to the other load on a shared machine.
  state.counters["job_cpu_ms_per_frame"] = 1e3 * job_cpu / double(frames);
  state.counters["ffmpeg_cpu_ms_per_frame"] = 1e3 * cli_cpu / double(frames);
}
BENCHMARK(BM_TranscodeJobVsFfmpegCli)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace theta::compute
