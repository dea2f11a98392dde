#include "test_media.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

namespace theta::video::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("theta-video-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void MakeTestMedia(const std::filesystem::path& path, const MediaSpec& spec) {
  std::string cmd = std::string(THETA_FFMPEG) + " -hide_banner -loglevel error -y -f lavfi -i " +
                    "testsrc=size=" + std::to_string(spec.width) + "x" +
                    std::to_string(spec.height) + ":rate=" + std::to_string(spec.fps);
  if (spec.audio) cmd += " -f lavfi -i sine=frequency=440:sample_rate=48000";
  cmd += " -t " + std::to_string(spec.seconds) +
         " -c:v libx264 -preset ultrafast -pix_fmt yuv420p" + " -g " + std::to_string(spec.fps) +
         " -keyint_min " + std::to_string(spec.fps) + " -sc_threshold 0";
  if (spec.audio) cmd += " -c:a aac -b:a 64k";
  if (spec.container == "mp4") cmd += " -movflags +faststart";
  cmd +=
      " -f " + std::string(spec.container == "ts" ? "mpegts" : "mp4") + " '" + path.string() + "'";
  INFO(cmd);
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(std::filesystem::file_size(path) > 0);
}

}  // namespace theta::video::testing
