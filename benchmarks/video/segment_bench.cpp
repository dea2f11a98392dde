// Segmenting speed: theta-video's segmenter against the ffmpeg command line doing the same work in
// the same run, on the same generated input.
//   ladder: decode once, scale and encode 1080p/720p/480p H.264 (x264 preset veryfast) + AAC, cut
//           2 s MPEG-TS segments with aligned keyframes
//   remux:  cut the source into 2 s MPEG-TS segments without re-encoding
// Prints one JSON object with frames/s for both and the ratio (theta / ffmpeg; above 1 is faster).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "theta/video/segmenter.hpp"

ABSL_FLAG(int, seconds, 60, "input length");
ABSL_FLAG(int, width, 1920, "input width");
ABSL_FLAG(int, height, 1080, "input height");
ABSL_FLAG(int, fps, 30, "input frame rate");
ABSL_FLAG(std::string, preset, "veryfast", "x264 preset for both");

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Run(const std::string& command) {
  const auto start = Clock::now();
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "segment_bench: command failed: %s\n", command.c_str());
    std::exit(1);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int seconds = absl::GetFlag(FLAGS_seconds), fps = absl::GetFlag(FLAGS_fps);
  const std::string preset = absl::GetFlag(FLAGS_preset);
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("theta-segment-bench-", ::getpid());
  fs::create_directories(dir / "ffmpeg-ladder");
  fs::create_directories(dir / "ffmpeg-remux");
  const std::string ffmpeg = absl::StrCat(THETA_FFMPEG, " -hide_banner -loglevel error -y");
  const std::string input = (dir / "in.mp4").string();
  Run(absl::StrCat(ffmpeg, " -f lavfi -i testsrc2=size=", absl::GetFlag(FLAGS_width), "x",
                   absl::GetFlag(FLAGS_height), ":rate=", fps,
                   " -f lavfi -i sine=frequency=440:sample_rate=48000 -t ", seconds,
                   " -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g ", 2 * fps,
                   " -c:a aac -b:a 128k ", input));

  theta::video::SegmenterOptions options;
  options.target_duration_s = 2.0;
  options.x264_preset = preset;
  options.ladder = {{"1080p", 1920, 1080, 5000, 128},
                    {"720p", 1280, 720, 2800, 128},
                    {"480p", 854, 480, 1400, 128}};
  auto start = Clock::now();
  auto ladder = theta::video::SegmentMedia(input, options);
  const double theta_ladder_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!ladder.ok()) {
    std::fprintf(stderr, "segment_bench: %s\n", ladder.status().ToString().c_str());
    return 1;
  }
  const double frames = static_cast<double>(ladder->frames);

  // The same ladder with the ffmpeg CLI: one decode, three scales, three x264 encodes with a
  // keyframe every 2 s, AAC per rung, 2 s MPEG-TS segments.
  std::string cmd = absl::StrCat(
      ffmpeg, " -i ", input,
      " -filter_complex \"[0:v]split=3[a][b][c];[a]scale=1920:1080[o0];[b]scale=1280:720[o1];"
      "[c]scale=854:480[o2]\"");
  const int kbps[] = {5000, 2800, 1400};
  for (int i = 0; i < 3; ++i) {
    absl::StrAppend(&cmd, " -map [o", i, "] -map 0:a -c:v libx264 -preset ", preset, " -b:v ",
                    kbps[i], "k -force_key_frames 'expr:gte(t,n_forced*2)' -x264-params scenecut=0",
                    " -c:a aac -b:a 128k -f segment -segment_time 2 -segment_format mpegts ",
                    (dir / "ffmpeg-ladder").string(), "/r", i, "_%05d.ts");
  }
  const double ffmpeg_ladder_s = Run(cmd);

  start = Clock::now();
  auto remux = theta::video::SegmentMedia(input, {.target_duration_s = 2.0});
  const double theta_remux_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!remux.ok()) return 1;
  const double ffmpeg_remux_s = Run(absl::StrCat(
      ffmpeg, " -i ", input, " -c copy -f segment -segment_time 2 -segment_format mpegts ",
      (dir / "ffmpeg-remux").string(), "/s_%05d.ts"));

  std::printf(
      "{\"input\": \"%dx%d %ds %dfps\", \"preset\": \"%s\", \"frames\": %.0f, "
      "\"ladder_theta_fps\": %.1f, \"ladder_ffmpeg_fps\": %.1f, \"ladder_ratio\": %.3f, "
      "\"remux_theta_fps\": %.0f, \"remux_ffmpeg_fps\": %.0f, \"remux_ratio\": %.3f}\n",
      absl::GetFlag(FLAGS_width), absl::GetFlag(FLAGS_height), seconds, fps, preset.c_str(), frames,
      frames / theta_ladder_s, frames / ffmpeg_ladder_s, ffmpeg_ladder_s / theta_ladder_s,
      frames / theta_remux_s, frames / ffmpeg_remux_s, ffmpeg_remux_s / theta_remux_s);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
