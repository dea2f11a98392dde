#include <catch2/catch.hpp>

#include "test_media.hpp"
#include "theta/core/hash.hpp"
#include "theta/video/edge.hpp"
#include "theta/video/http.hpp"

namespace theta::video {
namespace {

using testing::TempDir;

std::string Text(const Bytes& b) {
  return std::string(b.begin(), b.end());
}

struct Origin {
  TempDir dir;
  std::shared_ptr<PublishedStreams> streams;
  SegmentedStream stream;
  Manifest manifest;
  std::unique_ptr<HlsServer> server;
  Url url;

  Origin() {
    testing::MakeTestMedia(dir.path() / "in.mp4", {.seconds = 4});
    auto segmented = SegmentMedia((dir.path() / "in.mp4").string(), {.target_duration_s = 1.0});
    REQUIRE(segmented.ok());
    stream = std::move(*segmented);
    manifest = BuildManifest(stream, "clip");
    REQUIRE(SignManifest(manifest, *PrivateKey::FromHex("0x" + std::string(62, '0') + "09")).ok());
    auto store = SegmentStore::Open({dir.path() / "store", 1 << 26});
    REQUIRE(store.ok());
    streams = std::make_shared<PublishedStreams>(std::move(*store));
    REQUIRE(streams->Publish(manifest, stream).ok());
    server = std::make_unique<HlsServer>(streams);
    REQUIRE(server->Start().ok());
    url = {"127.0.0.1", server->port(), "/"};
  }
};

Url At(Url base, std::string path) {
  base.path = std::move(path);
  return base;
}

TEST_CASE("the origin serves playlists, segments, ranges and CORS headers", "[video]") {
  Origin origin;
  auto master = HttpGet(At(origin.url, "/streams/clip/master.m3u8"));
  REQUIRE(master.ok());
  CHECK(master->status == 200);
  CHECK(master->headers["content-type"] == "application/vnd.apple.mpegurl");
  CHECK(master->headers["access-control-allow-origin"] == "*");
  CHECK(Text(master->body).find("source/index.m3u8") != std::string::npos);
  CHECK(Text(master->body).find("CODECS=\"avc1.") != std::string::npos);

  auto media = HttpGetBody(At(origin.url, "/streams/clip/source/index.m3u8"));
  REQUIRE(media.ok());
  CHECK(Text(*media).find("#EXT-X-ENDLIST") != std::string::npos);
  CHECK(Text(*media).find("\n3.ts\n") != std::string::npos);

  const Bytes& seg1 = origin.stream.renditions[0].segments[1].bytes;
  auto whole = HttpGet(At(origin.url, "/streams/clip/source/1.ts"));
  REQUIRE(whole.ok());
  CHECK(whole->status == 200);
  CHECK(whole->headers["content-type"] == "video/mp2t");
  CHECK(whole->body == seg1);

  auto part = HttpGet(At(origin.url, "/streams/clip/source/1.ts"), {.range = "bytes=10-19"});
  REQUIRE(part.ok());
  CHECK(part->status == 206);
  CHECK(part->headers["content-range"] == "bytes 10-19/" + std::to_string(seg1.size()));
  CHECK(part->body == Bytes(seg1.begin() + 10, seg1.begin() + 20));
  auto tail = HttpGet(At(origin.url, "/streams/clip/source/1.ts"), {.range = "bytes=-5"});
  REQUIRE(tail.ok());
  CHECK(tail->body == Bytes(seg1.end() - 5, seg1.end()));
  auto beyond = HttpGet(At(origin.url, "/streams/clip/source/1.ts"), {.range = "bytes=99999999-"});
  REQUIRE(beyond.ok());
  CHECK(beyond->status == 416);

  auto manifest = HttpGetBody(At(origin.url, "/streams/clip/manifest"));
  REQUIRE(manifest.ok());
  CHECK(*DecodeManifest(*manifest) == origin.manifest);

  for (const char* path :
       {"/streams/clip/source/9.ts", "/streams/nope/master.m3u8", "/streams/clip/../../etc/passwd",
        "/streams/clip/source/x.ts", "/streams/clip/source/-1.ts", "/watch/nope"}) {
    auto r = HttpGet(At(origin.url, path));
    REQUIRE(r.ok());
    CHECK(r->status == 404);
  }
  auto page = HttpGet(At(origin.url, "/watch/clip"));
  REQUIRE(page.ok());
  CHECK(page->status == 200);
  CHECK(Text(page->body).find("/streams/clip/master.m3u8") != std::string::npos);
}

TEST_CASE("an edge cache fills from the origin once, verifies, prefetches and then serves alone",
          "[video]") {
  Origin origin;
  TempDir dir;
  auto store = SegmentStore::Open({dir.path(), 1 << 26});
  REQUIRE(store.ok());
  std::shared_ptr<SegmentStore> edge_store = std::move(*store);
  auto cache = std::make_shared<EdgeCache>(
      edge_store, EdgeCacheOptions{
                      .origin = origin.url, .publisher = origin.manifest.publisher, .prefetch = 2});
  HlsServer edge(cache);
  REQUIRE(edge.Start().ok());
  const Url edge_url{"127.0.0.1", edge.port(), "/"};
  auto seg0 = HttpGetBody(At(edge_url, "/streams/clip/source/0.ts"));
  REQUIRE(seg0.ok());
  CHECK(*seg0 == origin.stream.renditions[0].segments[0].bytes);
  // The prefetcher pulls segments 1 and 2 without being asked.
  for (int i = 0; i < 200 && edge_store->stats().segments < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(edge_store->stats().segments == 3);
  origin.server->Stop();  // the edge now serves what it holds without the origin
  auto seg1 = HttpGetBody(At(edge_url, "/streams/clip/source/1.ts"));
  REQUIRE(seg1.ok());
  CHECK(*seg1 == origin.stream.renditions[0].segments[1].bytes);
  CHECK(cache->stats().hits >= 1);
  CHECK(cache->stats().from_origin == 3);
  auto gone = HttpGet(At(edge_url, "/streams/clip/source/3.ts"));
  REQUIRE(gone.ok());
  CHECK(gone->status == 503);
}

TEST_CASE("an edge refuses a manifest signed by another publisher", "[video]") {
  Origin origin;
  TempDir dir;
  auto store = SegmentStore::Open({dir.path(), 1 << 26});
  REQUIRE(store.ok());
  EdgeCache cache(std::move(*store), {.origin = origin.url, .publisher = Address{}});
  CHECK(cache.GetManifest("clip").status().code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("urls parse strictly", "[video]") {
  auto u = ParseUrl("http://127.0.0.1:8080/streams/x");
  REQUIRE(u.ok());
  CHECK(u->port == 8080);
  CHECK(u->path == "/streams/x");
  CHECK(ParseUrl("http://localhost")->port == 80);
  CHECK_FALSE(ParseUrl("https://a").ok());
  CHECK_FALSE(ParseUrl("http://a:99999/").ok());
  CHECK_FALSE(ParseUrl("http://:80/").ok());
}

}  // namespace
}  // namespace theta::video
