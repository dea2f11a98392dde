// fMP4 segments: an init segment per rendition plus moof + mdat fragments, checked by demuxing and
// decoding them with libav, listed with EXT-X-MAP, served and cached like MPEG-TS segments.
#include <catch2/catch.hpp>
#include <fstream>

#include "test_media.hpp"
#include "theta/core/hash.hpp"
#include "theta/video/edge.hpp"
#include "theta/video/playlist.hpp"
#include "theta/video/viewer.hpp"

namespace theta::video {
namespace {

using testing::TempDir;

std::string BoxType(const Bytes& b) {
  return b.size() < 8 ? "" : std::string(b.begin() + 4, b.begin() + 8);
}

// Writes init + the given fragments to a file and segments it again: what libav reads from it.
absl::StatusOr<SegmentedStream> Reread(const std::filesystem::path& path, const Bytes& init,
                                       const std::vector<const Bytes*>& fragments) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(init.data()), static_cast<std::streamsize>(init.size()));
  for (const Bytes* f : fragments)
    out.write(reinterpret_cast<const char*>(f->data()), static_cast<std::streamsize>(f->size()));
  out.close();
  return SegmentMedia(path.string(), {.target_duration_s = 100});
}

TEST_CASE("fmp4: remux writes an init segment and fragments that libav decodes", "[video][fmp4]") {
  TempDir dir;
  const std::string container = GENERATE(std::string("mp4"), std::string("ts"));
  const auto input = dir.path() / ("in." + container);
  testing::MakeTestMedia(input, {.seconds = 4, .container = container});
  auto stream =
      SegmentMedia(input.string(), {.target_duration_s = 1.0, .format = SegmentFormat::kFmp4});
  INFO(stream.status().ToString());
  REQUIRE(stream.ok());
  CHECK(stream->format == SegmentFormat::kFmp4);
  const SegmentedRendition& r = stream->renditions[0];
  CHECK(BoxType(r.init) == "ftyp");
  CHECK(r.info.init_size == r.init.size());
  CHECK(r.info.init_hash == Blake2b256(r.init));
  REQUIRE(r.segments.size() == 4);
  for (const SegmentData& s : r.segments) {
    CHECK(BoxType(s.bytes) == "moof");
    CHECK(s.duration_us >= 900'000);
    CHECK(s.duration_us <= 1'100'000);
  }
  // One fragment after the init segment is one second of 24 fps video; all of them, four. (A
  // later fragment alone is not checked this way: the demuxer then declares the duration from
  // time 0, which the segmenter's truncation check takes for a truncated file.)
  auto one = Reread(dir.path() / "one.mp4", r.init, {&r.segments[0].bytes});
  INFO(one.status().ToString());
  REQUIRE(one.ok());
  CHECK(one->frames == 24);
  std::vector<const Bytes*> all;
  for (const SegmentData& s : r.segments)
    all.push_back(&s.bytes);
  auto whole = Reread(dir.path() / "all.mp4", r.init, all);
  REQUIRE(whole.ok());
  CHECK(whole->frames == 96);
}

TEST_CASE("fmp4: the ladder writes an init segment per rung", "[video][fmp4]") {
  TempDir dir;
  testing::MakeTestMedia(dir.path() / "in.mp4", {.seconds = 2});
  auto stream = SegmentMedia((dir.path() / "in.mp4").string(),
                             {.target_duration_s = 1.0,
                              .ladder = {{"low", 96, 64, 150}, {"lower", 64, 32, 80}},
                              .x264_preset = "ultrafast",
                              .format = SegmentFormat::kFmp4});
  REQUIRE(stream.ok());
  REQUIRE(stream->renditions.size() == 2);
  for (const SegmentedRendition& r : stream->renditions) {
    CHECK(BoxType(r.init) == "ftyp");
    REQUIRE(r.segments.size() == 2);
    auto again = Reread(dir.path() / (r.info.name + ".mp4"), r.init, {&r.segments[0].bytes});
    INFO(again.status().ToString());
    REQUIRE(again.ok());
    CHECK(again->frames == 24);
  }
}

TEST_CASE("fmp4: playlists map the init segment and origin and edge serve it with the fragments",
          "[video][fmp4]") {
  TempDir dir;
  testing::MakeTestMedia(dir.path() / "in.mp4", {.seconds = 3});
  auto stream = SegmentMedia((dir.path() / "in.mp4").string(),
                             {.target_duration_s = 1.0, .format = SegmentFormat::kFmp4});
  REQUIRE(stream.ok());
  Manifest manifest = BuildManifest(*stream, "frag");
  CHECK(manifest.fmp4());
  REQUIRE(SignManifest(manifest, *PrivateKey::FromHex("0x" + std::string(62, '0') + "0c")).ok());
  auto back = DecodeManifest(EncodeManifest(manifest));
  REQUIRE(back.ok());
  CHECK(*back == manifest);
  Manifest stripped = manifest;  // the init segment is signed
  stripped.renditions[0].init_hash = Hash32();
  CHECK_FALSE(VerifyManifest(stripped).ok());

  auto playlist = MediaPlaylist(manifest, "source");
  REQUIRE(playlist.ok());
  CHECK(playlist->find("#EXT-X-VERSION:7\n") != std::string::npos);
  CHECK(playlist->find("#EXT-X-MAP:URI=\"init.mp4\"\n") != std::string::npos);
  CHECK(playlist->find("\n2.m4s\n") != std::string::npos);
  CHECK(playlist->find(".ts") == std::string::npos);

  std::shared_ptr<SegmentStore> store = std::move(*SegmentStore::Open({dir.path() / "o", 1 << 26}));
  auto published = std::make_shared<PublishedStreams>(store);
  REQUIRE(published->Publish(manifest, *stream).ok());
  HlsServer origin(published);
  REQUIRE(origin.Start().ok());
  const Url origin_url{"127.0.0.1", origin.port(), "/"};
  auto init = HttpGet({"127.0.0.1", origin.port(), "/streams/frag/source/init.mp4"});
  REQUIRE(init.ok());
  CHECK(init->status == 200);
  CHECK(init->headers["content-type"] == "video/mp4");
  CHECK(init->body == stream->renditions[0].init);
  auto frag = HttpGet({"127.0.0.1", origin.port(), "/streams/frag/source/1.m4s"});
  REQUIRE(frag.ok());
  CHECK(frag->headers["content-type"] == "video/iso.segment");
  CHECK(frag->body == stream->renditions[0].segments[1].bytes);
  auto wrong = HttpGet({"127.0.0.1", origin.port(), "/streams/frag/source/1.ts"});
  REQUIRE(wrong.ok());
  CHECK(wrong->status == 404);

  std::shared_ptr<SegmentStore> edge_store =
      std::move(*SegmentStore::Open({dir.path() / "e", 1 << 26}));
  auto cache = std::make_shared<EdgeCache>(edge_store,
                                           EdgeCacheOptions{.origin = origin_url, .prefetch = 1});
  HlsServer edge(cache);
  REQUIRE(edge.Start().ok());
  const Url edge_url{"127.0.0.1", edge.port(), "/"};
  auto report = Watch(manifest, HttpFetcher(edge_url, true), {.realtime = false});
  REQUIRE(report.ok());
  CHECK(report->segments == 3);
  uint64_t total = stream->renditions[0].init.size();
  for (const SegmentData& s : stream->renditions[0].segments)
    total += s.bytes.size();
  CHECK(report->bytes_from_peers == total);  // the init segment and every fragment, verified
  CHECK(edge_store->Contains(manifest.renditions[0].init_hash));
}

}  // namespace
}  // namespace theta::video
