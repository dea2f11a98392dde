#include "theta/video/segmenter.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "test_media.hpp"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

using testing::MakeTestMedia;
using testing::MediaSpec;
using testing::TempDir;

uint64_t TotalDurationUs(const SegmentedRendition& r) {
  uint64_t total = 0;
  for (const SegmentData& s : r.segments)
    total += s.duration_us;
  return total;
}

TEST_CASE("remux cuts an mp4 into keyframe-aligned TS segments of the target duration", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.mp4", {.seconds = 6});
  auto stream = SegmentMedia((dir.path() / "in.mp4").string(), {.target_duration_s = 2.0});
  REQUIRE(stream.ok());
  REQUIRE(stream->renditions.size() == 1);
  const SegmentedRendition& r = stream->renditions[0];
  CHECK(r.info.name == "source");
  CHECK(r.info.width == 160);
  CHECK(r.info.height == 96);
  CHECK(r.info.codecs.rfind("avc1.", 0) == 0);
  CHECK(r.info.codecs.find("mp4a.40.2") != std::string::npos);
  REQUIRE(r.segments.size() == 3);
  CHECK(stream->frames == 144);
  for (size_t i = 0; i < r.segments.size(); ++i) {
    const SegmentData& s = r.segments[i];
    CHECK(s.index == i);
    CHECK(s.duration_us >= 1'900'000);
    CHECK(s.duration_us <= 2'100'000);
    CHECK(s.bytes.size() % 188 == 0);  // whole TS packets
    CHECK(s.bytes[0] == 0x47);         // TS sync byte
    CHECK(s.hash == Blake2b256(s.bytes));
    CHECK(r.info.segments[i].hash == s.hash);
    CHECK(r.info.segments[i].size == s.bytes.size());
  }
  CHECK(TotalDurationUs(r) >= 5'900'000);
  CHECK(r.info.bandwidth > 0);
}

TEST_CASE("each remuxed segment opens on its own as a decodable TS file", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.ts", {.seconds = 4, .container = "ts"});
  auto stream = SegmentMedia((dir.path() / "in.ts").string(), {.target_duration_s = 1.0});
  REQUIRE(stream.ok());
  const SegmentedRendition& r = stream->renditions[0];
  REQUIRE(r.segments.size() >= 3);
  // Re-segmenting a single segment finds one keyframe-led video stream in it.
  const auto path = dir.path() / "seg1.ts";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(r.segments[1].bytes.data()),
             static_cast<std::streamsize>(r.segments[1].bytes.size()));
  auto again = SegmentMedia(path.string(), {.target_duration_s = 10});
  REQUIRE(again.ok());
  CHECK(again->renditions[0].segments.size() == 1);
  CHECK(again->frames == 24);
}

TEST_CASE("a longer target duration gives fewer segments", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.mp4", {.seconds = 4, .audio = false});
  auto one = SegmentMedia((dir.path() / "in.mp4").string(), {.target_duration_s = 1.0});
  auto four = SegmentMedia((dir.path() / "in.mp4").string(), {.target_duration_s = 4.0});
  REQUIRE(one.ok());
  REQUIRE(four.ok());
  CHECK(one->renditions[0].segments.size() == 4);
  CHECK(four->renditions[0].segments.size() == 1);
  CHECK(one->renditions[0].info.codecs.find("mp4a") == std::string::npos);
}

TEST_CASE("truncated media is DataLoss, not a short stream", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.mp4", {.seconds = 6});
  const auto full = std::filesystem::file_size(dir.path() / "in.mp4");
  std::filesystem::copy_file(dir.path() / "in.mp4", dir.path() / "cut.mp4");
  std::filesystem::resize_file(dir.path() / "cut.mp4", full / 2);
  auto stream = SegmentMedia((dir.path() / "cut.mp4").string());
  REQUIRE_FALSE(stream.ok());
  INFO(stream.status().ToString());
  CHECK(stream.status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("garbage, missing files and audio-only input are clear errors", "[video]") {
  TempDir dir;
  std::ofstream(dir.path() / "junk.mp4") << std::string(5000, 'x');
  auto junk = SegmentMedia((dir.path() / "junk.mp4").string());
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(junk.status().message()).find("junk.mp4") != std::string::npos);

  auto missing = SegmentMedia((dir.path() / "nope.mp4").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == absl::StatusCode::kInvalidArgument);

  auto bad_target = SegmentMedia((dir.path() / "junk.mp4").string(), {.target_duration_s = 0});
  CHECK(bad_target.status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("the ladder transcodes every rung with aligned segment boundaries", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.mp4", {.seconds = 4, .width = 320, .height = 192});
  SegmenterOptions options;
  options.target_duration_s = 2.0;
  options.x264_preset = "ultrafast";
  options.ladder = {{"mid", 160, 96, 200, 64}, {"low", 80, 48, 80, 64}};
  auto stream = SegmentMedia((dir.path() / "in.mp4").string(), options);
  REQUIRE(stream.ok());
  REQUIRE(stream->renditions.size() == 2);
  const SegmentedRendition& mid = stream->renditions[0];
  const SegmentedRendition& low = stream->renditions[1];
  CHECK(mid.info.name == "mid");
  CHECK(low.info.width == 80);
  REQUIRE(mid.segments.size() == 2);
  REQUIRE(low.segments.size() == mid.segments.size());
  for (size_t i = 0; i < mid.segments.size(); ++i) {
    CHECK(mid.segments[i].duration_us == low.segments[i].duration_us);
  }
  CHECK(mid.info.codecs.find("mp4a.40.2") != std::string::npos);
  CHECK(mid.info.bandwidth > low.info.bandwidth);
  // The rungs decode: re-segmenting the low rung's first segment finds 48 frames at 80x48.
  const auto path = dir.path() / "low0.ts";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(low.segments[0].bytes.data()),
             static_cast<std::streamsize>(low.segments[0].bytes.size()));
  auto again = SegmentMedia(path.string(), {.target_duration_s = 10});
  REQUIRE(again.ok());
  CHECK(again->renditions[0].info.width == 80);
  CHECK(again->frames == 48);
}

TEST_CASE("a ladder rung with an odd size is refused", "[video]") {
  TempDir dir;
  MakeTestMedia(dir.path() / "in.mp4", {.seconds = 1, .audio = false});
  SegmenterOptions options;
  options.ladder = {{"odd", 81, 48, 80, 64}};
  auto stream = SegmentMedia((dir.path() / "in.mp4").string(), options);
  CHECK(stream.status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta::video
