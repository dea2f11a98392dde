// The viewer client: plays a stream segment by segment through any fetcher (the swarm with origin
// fallback, or plain HTTP), with a playhead that advances in real time, and reports what a viewer
// feels: startup time, rebuffering, and where the bytes came from.
//
// Model: the playhead starts when the first segment has arrived (startup time). Segment i must have
// arrived when the playhead reaches its start, else playback stalls until it does (one rebuffering
// event). Fetching runs ahead of the playhead by at most `window_s` seconds of media, so a viewer
// never hoards the whole stream. Every segment is checked against the signed manifest.
// A live stream is joined 3 segments from its live edge and followed through `refresh` until its
// publisher marks it ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "theta/video/http.hpp"
#include "theta/video/manifest.hpp"

namespace theta::video {

struct FetchResult {
  Bytes bytes;
  bool from_peer = false;  // false: the origin delivered it
};

// Fetches one segment; `playhead_deadline` is when the playhead will need it (a fetcher may go to
// the origin when peers would be late).
using SegmentFetcher = std::function<absl::StatusOr<FetchResult>(
    const Manifest&, const Rendition&, const SegmentEntry&,
    std::chrono::steady_clock::time_point playhead_deadline)>;

struct WatchOptions {
  std::string rendition;    // empty: the highest-bandwidth rendition
  size_t max_segments = 0;  // 0: the whole stream
  double window_s = 6.0;
  // False: download as fast as possible (no playhead waits), still reporting the same numbers.
  bool realtime = true;
  // A live stream's newer manifest (e.g. FetchManifest again); without it a live stream is
  // played as far as the first manifest lists.
  std::function<absl::StatusOr<Manifest>()> refresh;
};

struct WatchReport {
  size_t segments = 0;
  double startup_ms = 0;
  size_t rebuffer_events = 0;
  double rebuffer_ms = 0;
  double media_s = 0;
  uint64_t bytes_from_peers = 0;
  uint64_t bytes_from_origin = 0;
  size_t rejected = 0;  // fetched segments that did not match the manifest

  std::string ToJson() const;
};

absl::StatusOr<WatchReport> Watch(const Manifest& manifest, const SegmentFetcher& fetch,
                                  const WatchOptions& options = {});

// A fetcher over HTTP from an edge or origin at `base` (everything counts as origin bytes unless
// `from_peer`: an edge node is a peer of the publisher's origin).
SegmentFetcher HttpFetcher(Url base, bool from_peer, HttpGetOptions options = {});

// The signed manifest of `stream_id` from an HLS server at `base`.
absl::StatusOr<Manifest> FetchManifest(Url base, const std::string& stream_id,
                                       HttpGetOptions options = {});

}  // namespace theta::video
