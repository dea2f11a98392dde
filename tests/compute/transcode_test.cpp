// Transcode jobs end to end: test input made by the ffmpeg command line (2 s of a 160x120 test
// pattern at 15 frames/s), the output read back with ffprobe.
#include "theta/compute/transcode.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "support/test_data.hpp"
#include "test_device.hpp"
#include "theta/compute/job_runner.hpp"
#include "theta/core/hash.hpp"

namespace theta::compute {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kFrames = 30;

fs::path WorkDir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "theta-transcode-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    return fs::path(pattern);
  }();
  return dir;
}

Bytes ReadBytes(const fs::path& path) {
  const std::string text = theta::testing::ReadFile(path);
  return Bytes(text.begin(), text.end());
}

// `extra` goes before the output name (e.g. "-movflags +faststart").
Bytes MakeInput(const std::string& name, const std::string& extra) {
  const fs::path path = WorkDir() / name;
  theta::testing::RunCommand(
      "ffmpeg -v error -y -f lavfi -i testsrc2=size=160x120:rate=15 -t 2 -c:v libx264 "
      "-preset ultrafast -pix_fmt yuv420p " +
      extra + " " + path.string());
  return ReadBytes(path);
}

const Bytes& Mp4Input() {
  static const Bytes bytes = MakeInput("in.mp4", "");
  return bytes;
}

const Bytes& FastStartInput() {
  static const Bytes bytes = MakeInput("faststart.mp4", "-movflags +faststart");
  return bytes;
}

// 1 s at 161x121 in 4:4:4 (lossless FFV1 in Matroska): an odd size and a pixel format the kernel
// scalers must convert first.
const Bytes& OddYuv444Input() {
  static const Bytes bytes = [] {
    const fs::path path = WorkDir() / "odd444.mkv";
    theta::testing::RunCommand(
        "ffmpeg -v error -y -f lavfi -i testsrc2=size=160x120:rate=15 -t 1 -vf scale=161:121 "
        "-c:v ffv1 -pix_fmt yuv444p " +
        path.string());
    return ReadBytes(path);
  }();
  return bytes;
}

struct Probe {
  std::string codec;
  int width = 0;
  int height = 0;
  int frames = 0;
};

Probe ProbeOutput(const Bytes& output) {
  const fs::path path = WorkDir() / "out.ts";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(output.data()), std::streamsize(output.size()));
  const std::string text = theta::testing::RunCommand(
      "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
      "stream=codec_name,width,height,nb_read_frames -of csv=p=0 " +
      path.string());
  Probe probe;
  char codec[32] = {};
  REQUIRE(std::sscanf(text.c_str(), "%31[^,],%d,%d,%d", codec, &probe.width, &probe.height,
                      &probe.frames) == 4);
  probe.codec = codec;
  return probe;
}

JobSpec TranscodeJob(const Bytes& video, uint32_t width, uint32_t height) {
  JobSpec spec;
  spec.kernel = JobKernel::kTranscode;
  spec.op = "ultrafast";
  spec.dims = {{"dst_width", width}, {"dst_height", height}, {"crf", 30}};
  spec.inputs = {JobInput{"video", video, std::nullopt, video.size()}};
  spec.backend = BackendChoice::kCpu;
  return spec;
}

TEST_CASE("transcode job output decodes at the requested size with every frame", "[transcode]") {
  auto cpu = NewCpuBackend();
  JobRunner runner({cpu.get()});
  auto result = runner.Run(TranscodeJob(Mp4Input(), 96, 64));
  REQUIRE(result.ok());
  CHECK(result->backend == "cpu");
  CHECK(result->output_hash == Blake2b256(result->output));
  const Probe probe = ProbeOutput(result->output);
  CHECK(probe.codec == "h264");
  CHECK(probe.width == 96);
  CHECK(probe.height == 64);
  CHECK(probe.frames == int{kFrames});

  // The same job again gives the same bytes (fixed encoder threads), which redundant execution
  // relies on.
  auto again = runner.Run(TranscodeJob(Mp4Input(), 96, 64));
  REQUIRE(again.ok());
  CHECK(again->output_hash == result->output_hash);
}

TEST_CASE("transcode with a bitrate and upscaling also gives every frame", "[transcode]") {
  TranscodeOptions options;
  options.dst_width = 320;
  options.dst_height = 240;
  options.preset = "ultrafast";
  options.bitrate_kbps = 200;
  auto result = Transcode(Mp4Input(), options);
  REQUIRE(result.ok());
  CHECK(result->frames == kFrames);
  CHECK(result->src_width == 160);
  CHECK(result->src_height == 120);
  const Probe probe = ProbeOutput(result->output);
  CHECK(probe.width == 320);
  CHECK(probe.height == 240);
  CHECK(probe.frames == int{kFrames});
}

TEST_CASE("transcode scaled on Vulkan equals the CPU backend's resize", "[transcode][vulkan]") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  auto vulkan = NewVulkanBackend(*device);
  REQUIRE(vulkan.ok());
  auto cpu = NewCpuBackend();
  JobRunner runner({cpu.get(), vulkan->get(), true});
  JobSpec spec = TranscodeJob(Mp4Input(), 96, 72);
  spec.backend = BackendChoice::kVulkan;
  auto on_vulkan = runner.Run(spec);
  REQUIRE(on_vulkan.ok());
  CHECK(on_vulkan->backend == "vulkan");
  const Probe probe = ProbeOutput(on_vulkan->output);
  CHECK(probe.width == 96);
  CHECK(probe.height == 72);
  CHECK(probe.frames == int{kFrames});
  // The plain-loops resize of the CPU backend rounds like the shader, so the encoder sees the same
  // planes and writes the same bytes.
  TranscodeOptions options;
  options.dst_width = 96;
  options.dst_height = 72;
  options.preset = "ultrafast";
  options.crf = 30;
  options.scaler = cpu.get();
  auto on_cpu = Transcode(Mp4Input(), options);
  REQUIRE(on_cpu.ok());
  CHECK(Blake2b256(on_cpu->output) == on_vulkan->output_hash);

  // The resident scaler (buffers and dispatches kept on the device) writes the same bytes, through
  // the runner when it knows the Device.
  JobRunnerOptions with_device{cpu.get(), vulkan->get(), true};
  with_device.vulkan_device = device.get();
  JobRunner resident_runner(with_device);
  auto resident = resident_runner.Run(spec);
  REQUIRE(resident.ok());
  CHECK(resident->output_hash == on_vulkan->output_hash);
  // auto on a CPU Vulkan device (lavapipe) scales with libswscale instead.
  spec.backend = BackendChoice::kAuto;
  auto automatic = resident_runner.Run(spec);
  REQUIRE(automatic.ok());
  CHECK(automatic->backend == "cpu");
  testing::CheckNoValidationErrors(*device);
}

TEST_CASE("transcode converts an odd-sized 4:4:4 input for every scaler", "[transcode]") {
  auto cpu = NewCpuBackend();
  auto device = testing::OpenTestDevice();
  TranscodeOptions options;
  options.dst_width = 64;
  options.dst_height = 48;
  options.preset = "ultrafast";
  for (int scaler = 0; scaler < 3; ++scaler) {
    if (scaler == 2 && !device) break;
    CAPTURE(scaler);
    options.scaler = scaler == 1 ? cpu.get() : nullptr;
    options.scaler_device = scaler == 2 ? device.get() : nullptr;
    auto result = Transcode(OddYuv444Input(), options);
    REQUIRE(result.ok());
    CHECK(result->src_width == 161);
    CHECK(result->src_height == 121);
    CHECK(result->frames == 15);
    const Probe probe = ProbeOutput(result->output);
    CHECK(probe.width == 64);
    CHECK(probe.height == 48);
    CHECK(probe.frames == 15);
  }
  if (device) testing::CheckNoValidationErrors(*device);
}

TEST_CASE("transcode of malformed or truncated input is a clear error", "[transcode]") {
  TranscodeOptions options;
  options.dst_width = 96;
  options.dst_height = 64;
  options.preset = "ultrafast";
  const Bytes garbage(4000, 0x5a);
  auto status = Transcode(garbage, options).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("not a readable video"));
  CHECK(Transcode({}, options).status().code() == absl::StatusCode::kInvalidArgument);

  // A playlist naming a local file (here the test's own input) is not a container; libavformat must
  // not open what it names.
  const Bytes& mp4 = Mp4Input();
  const std::string playlist =
      "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile:" + (WorkDir() / "in.mp4").string() +
      "\n#EXT-X-ENDLIST\n";
  status = Transcode(AsBytes(playlist), options).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  const std::string concat =
      "ffconcat version 1.0\nfile '" + (WorkDir() / "in.mp4").string() + "'\n";
  CHECK(Transcode(AsBytes(concat), options).status().code() == absl::StatusCode::kInvalidArgument);

  // Without faststart the index is at the end: half the file has none.
  status = Transcode(Bytes(mp4.begin(), mp4.begin() + mp4.size() / 2), options).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  // With faststart the index survives and announces frames that are missing.
  const Bytes& fast = FastStartInput();
  status = Transcode(Bytes(fast.begin(), fast.begin() + fast.size() / 2), options).status();
  CHECK(status.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(status.message()), Catch::Contains("truncated"));
}

TEST_CASE("transcode limits give clear errors", "[transcode]") {
  auto cpu = NewCpuBackend();
  JobRunner runner({cpu.get()});
  auto code_of = [&](const JobSpec& spec) { return runner.Run(spec).status().code(); };
  JobSpec spec = TranscodeJob(Mp4Input(), 96, 64);
  spec.dims["max_frames"] = 10;
  CHECK(code_of(spec) == absl::StatusCode::kResourceExhausted);
  spec.dims["max_frames"] = kMaxTranscodeFrames + 1;
  CHECK(code_of(spec) == absl::StatusCode::kResourceExhausted);
  spec = TranscodeJob(Mp4Input(), 96, 64);
  spec.limits.max_work = 10 * (160 * 120 + 96 * 64);
  auto status = runner.Run(spec).status();
  CHECK(status.code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(status.message()), Catch::Contains("max_work"));
  spec = TranscodeJob(Mp4Input(), 96, 64);
  spec.limits.max_output_bytes = 2000;
  status = runner.Run(spec).status();
  CHECK(status.code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(status.message()), Catch::Contains("max_output_bytes"));
  CHECK(code_of(TranscodeJob(Mp4Input(), 8192, 64)) == absl::StatusCode::kResourceExhausted);
  CHECK(code_of(TranscodeJob(Mp4Input(), 95, 64)) == absl::StatusCode::kInvalidArgument);
  spec = TranscodeJob(Mp4Input(), 96, 64);
  spec.dims["crf"] = 52;
  CHECK(code_of(spec) == absl::StatusCode::kInvalidArgument);
  spec.dims["crf"] = 20;
  spec.dims["bitrate_kbps"] = 300;
  CHECK(code_of(spec) == absl::StatusCode::kInvalidArgument);
  spec.limits.max_input_bytes = 100;
  spec.dims.erase("crf");
  CHECK(code_of(spec) == absl::StatusCode::kResourceExhausted);
}

TEST_CASE("transcode job spec parses from JSON", "[transcode]") {
  auto spec = ParseJobSpec(
      R"({"kernel": "transcode", "params": {"dst_width": 854, "dst_height": 480,
          "preset": "veryfast", "crf": 23}, "inputs": [{"name": "video", "hex": "0x00"}]})");
  REQUIRE(spec.ok());
  CHECK(spec->kernel == JobKernel::kTranscode);
  CHECK(spec->op == "veryfast");
  CHECK(ParseJobSpec(JobSpecToJson(*spec)).value() == *spec);
  CHECK(ParseJobSpec(R"({"kernel": "transcode", "params": {"dst_width": 854, "dst_height": 480,
          "preset": "warp"}, "inputs": [{"name": "video", "hex": "0x00"}]})")
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta::compute
