// Test media made on the fly by the ffmpeg CLI: tiny, deterministic, with keyframes every second.
#pragma once

#include <filesystem>
#include <string>

namespace theta::video::testing {

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct MediaSpec {
  double seconds = 4;
  int width = 160;
  int height = 96;
  int fps = 24;
  bool audio = true;
  std::string container = "mp4";  // "mp4" or "ts"
};

// Writes the clip to `path` (H.264 + AAC, a keyframe every second); fails the test on error.
void MakeTestMedia(const std::filesystem::path& path, const MediaSpec& spec = {});

}  // namespace theta::video::testing
