// HTTP for HLS: a small blocking client (origin fetches, `theta-edge watch`) and the HLS server
// that edge nodes and the origin run for players (Boost.Beast).
//
// Server routes (GET and HEAD; OPTIONS answers CORS preflights):
//   /                                         a page listing the streams
//   /watch/<stream>                           the player page (hls.js, served from /hls.min.js)
//   /streams/<stream>/master.m3u8             multivariant playlist application/vnd.apple.mpegurl
//   /streams/<stream>/<rendition>/index.m3u8  media playlist application/vnd.apple.mpegurl
//   /streams/<stream>/<rendition>/<n>.ts      segment n, Range honoured  video/mp2t
//   /streams/<stream>/<rendition>/<n>.m4s     fMP4 streams: fragment n     video/iso.segment
//   /streams/<stream>/<rendition>/init.mp4    fMP4 streams: init segment   video/mp4
//   /streams/<stream>/manifest                the signed manifest (RLP)  application/octet-stream
// Every answer carries CORS headers (any origin may play; Range may be sent; Content-Range read).
// Bad requests get 400/404/405/416, never a crash. Each connection is served by its own thread with
// blocking I/O and an idle timeout; the number of connections is capped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/video/manifest.hpp"

namespace theta::video {

struct Url {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";  // starts with '/'
};

// Parses "http://host[:port][/path]". InvalidArgument for another scheme or a malformed port.
absl::StatusOr<Url> ParseUrl(std::string_view text);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  Bytes body;
};

struct HttpGetOptions {
  std::chrono::milliseconds timeout{10000};
  std::string range;  // the Range header value, when set
  size_t max_body = 128 << 20;
};

// One GET; any HTTP status comes back as a response. Unavailable when the connection fails,
// DeadlineExceeded on timeout, ResourceExhausted when the body exceeds max_body.
absl::StatusOr<HttpResponse> HttpGet(const Url& url, const HttpGetOptions& options = {});

// A GET that must answer 200: NotFound for 404, Unavailable for other statuses; the body.
absl::StatusOr<Bytes> HttpGetBody(const Url& url, const HttpGetOptions& options = {});

// Where the server's streams come from (the origin's store, or an edge's cache-then-swarm chain).
// Called from the connection threads, concurrently.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  virtual std::vector<std::string> StreamIds() = 0;
  // NotFound for an unknown stream.
  virtual absl::StatusOr<Manifest> GetManifest(const std::string& stream_id) = 0;
  // The bytes of a segment the manifest lists (already checked against its hash).
  virtual absl::StatusOr<Bytes> GetSegment(const Manifest& manifest, const Rendition& rendition,
                                           const SegmentEntry& segment) = 0;
};

struct HlsServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;           // 0: ephemeral (see port())
  std::string player_js_path;  // hls.min.js to serve at /hls.min.js; empty: 404
  size_t max_connections = 512;
  std::chrono::milliseconds idle_timeout{30000};
};

struct HlsServerStats {
  uint64_t requests = 0;
  uint64_t segment_bytes = 0;
  uint64_t errors = 0;  // 4xx/5xx answers
};

class HlsServer {
 public:
  HlsServer(std::shared_ptr<StreamSource> source, HlsServerOptions options = {});
  HlsServer(const HlsServer&) = delete;
  HlsServer& operator=(const HlsServer&) = delete;
  ~HlsServer();

  // Binds and starts the accept thread. InvalidArgument for a non-numeric address; Unavailable
  // when the port cannot be bound; FailedPrecondition when started twice.
  absl::Status Start();
  // Closes the listener and every connection, and waits for their threads. Idempotent.
  void Stop();
  uint16_t port() const;
  HlsServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace theta::video
