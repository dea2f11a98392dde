// Live streams: segments handed over while the input grows, live (version 2) manifests with
// sliding playlists, and an edge and a viewer following a growing stream.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "test_media.hpp"
#include "theta/core/hash.hpp"
#include "theta/video/edge.hpp"
#include "theta/video/playlist.hpp"
#include "theta/video/viewer.hpp"

namespace theta::video {
namespace {

using Clock = std::chrono::steady_clock;
using testing::TempDir;

const PrivateKey& Publisher() {
  static const PrivateKey key = *PrivateKey::FromHex("0x" + std::string(62, '0') + "0b");
  return key;
}

TEST_CASE("live: a growing input is segmented and handed over as it is cut", "[video][live]") {
  const SegmentFormat format = GENERATE(SegmentFormat::kTs, SegmentFormat::kFmp4);
  TempDir dir;
  testing::MakeTestMedia(dir.path() / "in.ts", {.seconds = 5, .container = "ts"});
  const auto fifo = dir.path() / "live.ts";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // ffmpeg -re writes the clip into the FIFO in real time: a live source of 5 seconds.
  const std::string cmd = std::string(THETA_FFMPEG) + " -hide_banner -loglevel error -y -re -i " +
                          (dir.path() / "in.ts").string() + " -c copy -f mpegts " + fifo.string() +
                          " &";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const Clock::time_point begin = Clock::now();
  std::vector<double> arrived_s;
  std::vector<SegmentData> segments;
  std::vector<size_t> listed;
  Bytes first_init;
  SegmenterOptions options{.target_duration_s = 1.0, .format = format};
  options.on_segment = [&](const Rendition& info, const Bytes& init, SegmentData segment) {
    if (first_init.empty()) first_init = init;
    CHECK(init == first_init);  // fMP4: known from the first segment on; MPEG-TS: none
    CHECK(init.size() == info.init_size);
    arrived_s.push_back(std::chrono::duration<double>(Clock::now() - begin).count());
    listed.push_back(info.segments.size());
    CHECK(info.name == "source");
    CHECK(info.codecs.rfind("avc1.", 0) == 0);
    segments.push_back(std::move(segment));
    return absl::OkStatus();
  };
  auto stream = SegmentMedia(fifo.string(), options);
  const double total_s = std::chrono::duration<double>(Clock::now() - begin).count();
  REQUIRE(stream.ok());
  REQUIRE(segments.size() >= 4);
  CHECK(stream->renditions[0].segments.empty());  // the bytes went to the callback
  REQUIRE(stream->renditions[0].info.segments.size() == segments.size());
  CHECK(stream->renditions[0].info.bandwidth > 1);
  for (size_t i = 0; i < segments.size(); ++i) {
    CHECK(segments[i].index == i);
    CHECK(listed[i] == i + 1);
    CHECK(segments[i].hash == Blake2b256(segments[i].bytes));
    CHECK(stream->renditions[0].info.segments[i].hash == segments[i].hash);
  }
  // The first segments came out while the input was still being written, not all at the end.
  CHECK(total_s >= 4.0);
  CHECK(arrived_s[0] < total_s - 2.0);
  CHECK(arrived_s[1] < total_s - 1.0);
  // A live-cut segment decodes: one second of 24 fps video (a TS file on its own; the first fMP4
  // fragment after the init segment).
  CHECK(first_init.empty() == (format == SegmentFormat::kTs));
  const auto one = dir.path() / (format == SegmentFormat::kTs ? "seg1.ts" : "seg0.mp4");
  const Bytes& checked = format == SegmentFormat::kTs ? segments[1].bytes : segments[0].bytes;
  {
    std::ofstream out(one, std::ios::binary);
    out.write(reinterpret_cast<const char*>(first_init.data()),
              static_cast<std::streamsize>(first_init.size()));
    out.write(reinterpret_cast<const char*>(checked.data()),
              static_cast<std::streamsize>(checked.size()));
  }
  auto again = SegmentMedia(one.string(), {.target_duration_s = 10});
  REQUIRE(again.ok());
  CHECK(again->frames == 24);
}

TEST_CASE("live: a ladder is refused for live input for now", "[video][live]") {
  TempDir dir;
  testing::MakeTestMedia(dir.path() / "in.mp4", {.seconds = 1});
  SegmenterOptions options{.ladder = {{"low", 96, 64, 100}}};
  options.on_segment = [](const Rendition&, const Bytes&, SegmentData) { return absl::OkStatus(); };
  CHECK(absl::IsInvalidArgument(SegmentMedia((dir.path() / "in.mp4").string(), options).status()));
}

// A live manifest of `count` synthetic segments of half a second.
Manifest LiveManifest(const std::vector<Bytes>& segments, size_t count, uint32_t window,
                      uint64_t sequence) {
  Manifest m;
  m.stream_id = "live";
  m.target_duration_ms = 500;
  m.sequence = sequence;
  m.live_window = window;
  Rendition r{.name = "source", .bandwidth = 100000};
  for (size_t i = 0; i < count; ++i)
    r.segments.push_back({i, 500'000, segments[i].size(), Blake2b256(segments[i])});
  m.renditions.push_back(r);
  REQUIRE(SignManifest(m, Publisher()).ok());
  return m;
}

std::vector<Bytes> Blobs(size_t n) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < n; ++i)
    out.emplace_back(3000 + i, static_cast<uint8_t>(i * 7 + 1));
  return out;
}

TEST_CASE("live: manifests carry the live window and playlists slide without an end",
          "[video][live]") {
  const std::vector<Bytes> blobs = Blobs(5);
  const Manifest live = LiveManifest(blobs, 5, 3, 4);
  auto back = DecodeManifest(EncodeManifest(live));
  REQUIRE(back.ok());
  CHECK(*back == live);
  CHECK(back->live());
  auto playlist = MediaPlaylist(live, "source");
  REQUIRE(playlist.ok());
  CHECK(playlist->find("#EXT-X-MEDIA-SEQUENCE:2\n") != std::string::npos);
  CHECK(playlist->find("#EXT-X-ENDLIST") == std::string::npos);
  CHECK(playlist->find("PLAYLIST-TYPE") == std::string::npos);
  CHECK(playlist->find("\n1.ts") == std::string::npos);
  CHECK(playlist->find("\n2.ts\n") != std::string::npos);
  CHECK(playlist->find("\n4.ts\n") != std::string::npos);

  const Manifest ended = LiveManifest(blobs, 5, 0, 5);
  auto vod = MediaPlaylist(ended, "source");
  REQUIRE(vod.ok());
  CHECK(vod->find("#EXT-X-MEDIA-SEQUENCE:0\n") != std::string::npos);
  CHECK(vod->find("#EXT-X-ENDLIST") != std::string::npos);
  CHECK(DecodeManifest(EncodeManifest(ended))->live_window == 0);
  // The live flag is signed: clearing it after signing breaks the signature.
  Manifest forged = live;
  forged.live_window = 0;
  CHECK_FALSE(VerifyManifest(forged).ok());
}

TEST_CASE("live: an edge and a viewer follow a growing stream to its end", "[video][live]") {
  TempDir dir;
  const std::vector<Bytes> blobs = Blobs(8);
  std::shared_ptr<SegmentStore> origin_store =
      std::move(*SegmentStore::Open({dir.path() / "origin", 1 << 24}));
  auto published = std::make_shared<PublishedStreams>(origin_store);
  // The stream starts with 2 segments; a publisher thread adds one every 250 ms, then ends it.
  for (size_t i = 0; i < 2; ++i)
    REQUIRE(origin_store->Put(Blake2b256(blobs[i]), blobs[i]).ok());
  REQUIRE(published->Adopt(LiveManifest(blobs, 2, 4, 1)).ok());
  HlsServer origin(published);
  REQUIRE(origin.Start().ok());
  std::vector<Manifest> versions;  // signed here: Catch2 assertions stay on this thread
  for (size_t n = 3; n <= blobs.size(); ++n)
    versions.push_back(LiveManifest(blobs, n, n == blobs.size() ? 0 : 4, n));
  std::atomic<bool> published_all{true};
  std::thread publisher([&] {
    for (size_t n = 3; n <= blobs.size(); ++n) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      if (!origin_store->Put(Blake2b256(blobs[n - 1]), blobs[n - 1]).ok() ||
          !published->Adopt(versions[n - 3]).ok()) {
        published_all = false;
      }
    }
  });
  std::shared_ptr<SegmentStore> edge_store =
      std::move(*SegmentStore::Open({dir.path() / "edge", 1 << 24}));
  auto cache = std::make_shared<EdgeCache>(
      edge_store, EdgeCacheOptions{.origin = {"127.0.0.1", origin.port(), "/"},
                                   .publisher = AddressFromPublicKey(Publisher().DerivePublicKey()),
                                   .prefetch = 0});
  HlsServer edge(cache);
  REQUIRE(edge.Start().ok());
  const Url edge_url{"127.0.0.1", edge.port(), "/"};
  auto first = FetchManifest(edge_url, "live");
  REQUIRE(first.ok());
  CHECK(first->live());
  auto report =
      Watch(*first, HttpFetcher(edge_url, true),
            {.realtime = false, .refresh = [&] { return FetchManifest(edge_url, "live"); }});
  publisher.join();
  CHECK(published_all);
  REQUIRE(report.ok());
  CHECK(report->segments == 8);  // joined at the start (only 2 listed), followed to the end
  CHECK(report->rejected == 0);
  auto last = FetchManifest(edge_url, "live");
  REQUIRE(last.ok());
  CHECK_FALSE(last->live());
  CHECK(last->sequence == 8);
  auto playlist = HttpGetBody({"127.0.0.1", edge.port(), "/streams/live/source/index.m3u8"});
  REQUIRE(playlist.ok());
  CHECK(std::string(playlist->begin(), playlist->end()).find("#EXT-X-ENDLIST") !=
        std::string::npos);
}

}  // namespace
}  // namespace theta::video
