#include "theta/video/viewer.hpp"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

using Clock = std::chrono::steady_clock;

const Rendition* Choose(const Manifest& manifest, const std::string& name) {
  if (!name.empty()) return manifest.Find(name);
  const Rendition* best = nullptr;
  for (const Rendition& r : manifest.renditions) {
    if (best == nullptr || r.bandwidth > best->bandwidth) best = &r;
  }
  return best;
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

std::string WatchReport::ToJson() const {
  const uint64_t total = bytes_from_peers + bytes_from_origin;
  return absl::StrFormat(
      "{\"segments\": %d, \"media_s\": %.3f, \"startup_ms\": %.1f, \"rebuffer_events\": %d, "
      "\"rebuffer_ms\": %.1f, \"bytes_from_peers\": %d, \"bytes_from_origin\": %d, "
      "\"offload\": %.4f, \"rejected\": %d}",
      segments, media_s, startup_ms, rebuffer_events, rebuffer_ms, bytes_from_peers,
      bytes_from_origin, total == 0 ? 0.0 : static_cast<double>(bytes_from_peers) / total,
      rejected);
}

namespace {

// A live stream's manifest until it lists segment `index` or ends; DeadlineExceeded when the
// publisher falls silent for several segments' time.
absl::StatusOr<Manifest> AwaitSegment(Manifest manifest, const std::string& rendition,
                                      uint64_t index, const WatchOptions& options) {
  const auto give_up =
      Clock::now() + std::chrono::milliseconds(4 * manifest.target_duration_ms + 2000);
  for (;;) {
    const Rendition* r = manifest.Find(rendition);
    if (r == nullptr) return absl::NotFoundError("the live stream dropped the rendition");
    if (r->Find(index) != nullptr || !manifest.live() || !options.refresh) return manifest;
    if (Clock::now() > give_up)
      return absl::DeadlineExceededError(
          absl::StrCat("live stream ", manifest.stream_id, ": no segment ", index, " in time"));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::max<uint64_t>(50, manifest.target_duration_ms / 4)));
    absl::StatusOr<Manifest> fresh = options.refresh();
    if (fresh.ok() && fresh->stream_id == manifest.stream_id &&
        fresh->publisher == manifest.publisher && fresh->sequence >= manifest.sequence) {
      manifest = std::move(*fresh);
    }
  }
}

}  // namespace

absl::StatusOr<WatchReport> Watch(const Manifest& initial, const SegmentFetcher& fetch,
                                  const WatchOptions& options) {
  Manifest manifest = initial;
  const Rendition* rendition = Choose(manifest, options.rendition);
  if (rendition == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("stream ", manifest.stream_id, " has no rendition ", options.rendition));
  }
  const std::string name = rendition->name;
  WatchReport report;
  const Clock::time_point begin = Clock::now();
  Clock::time_point play_start{};  // when the playhead started (after the first segment)
  double media_before_us = 0;      // media time before the segment being fetched
  double stalled_us = 0;           // total stall so far
  // A live stream is joined near its live edge, like HLS players: 3 segments from the end.
  const size_t skip =
      manifest.live() && rendition->segments.size() > 3 ? rendition->segments.size() - 3 : 0;
  uint64_t next = rendition->segments.empty() ? 0 : rendition->segments.front().index + skip;
  if (manifest.fmp4()) {
    // The init segment first: the fragments do not play without it.
    const SegmentEntry init = rendition->InitEntry();
    absl::StatusOr<FetchResult> got =
        fetch(manifest, *rendition, init, Clock::now() + std::chrono::seconds(1));
    if (!got.ok()) return got.status();
    if (Blake2b256(got->bytes) != init.hash) {
      ++report.rejected;
      return absl::DataLossError("the init segment does not match the manifest");
    }
    (got->from_peer ? report.bytes_from_peers : report.bytes_from_origin) += got->bytes.size();
  }
  for (size_t i = 0; options.max_segments == 0 || i < options.max_segments; ++i, ++next) {
    if (manifest.live()) {
      absl::StatusOr<Manifest> grown = AwaitSegment(manifest, name, next, options);
      if (!grown.ok()) return grown.status();
      manifest = std::move(*grown);
      rendition = manifest.Find(name);
    }
    const SegmentEntry* found = rendition->Find(next);
    if (found == nullptr) break;  // the end of the stream
    const SegmentEntry entry = *found;
    // When the playhead reaches this segment, if nothing stalls from here on.
    const auto due = [&] {
      return play_start +
             std::chrono::microseconds(static_cast<int64_t>(media_before_us + stalled_us));
    };
    if (i > 0 && options.realtime) {
      const auto window = std::chrono::microseconds(static_cast<int64_t>(options.window_s * 1e6));
      std::this_thread::sleep_until(due() - window);
    }
    const Clock::time_point deadline = i == 0 ? Clock::now() + std::chrono::seconds(1) : due();
    absl::StatusOr<FetchResult> got = fetch(manifest, *rendition, entry, deadline);
    if (!got.ok()) return got.status();
    if (Blake2b256(got->bytes) != entry.hash) {
      ++report.rejected;
      return absl::DataLossError(
          absl::StrCat("segment ", entry.index, " does not match the manifest"));
    }
    const Clock::time_point arrived = Clock::now();
    (got->from_peer ? report.bytes_from_peers : report.bytes_from_origin) += got->bytes.size();
    if (i == 0) {
      play_start = arrived;
      report.startup_ms = Ms(arrived - begin);
    } else if (arrived > due()) {
      ++report.rebuffer_events;
      stalled_us += std::chrono::duration<double, std::micro>(arrived - due()).count();
    }
    media_before_us += static_cast<double>(entry.duration_us);
    ++report.segments;
  }
  report.media_s = media_before_us / 1e6;
  report.rebuffer_ms = stalled_us / 1000;
  return report;
}

SegmentFetcher HttpFetcher(Url base, bool from_peer, HttpGetOptions options) {
  return [base, from_peer, options](const Manifest& m, const Rendition& r, const SegmentEntry& s,
                                    Clock::time_point) -> absl::StatusOr<FetchResult> {
    Url url = base;
    url.path = absl::StrCat("/streams/", m.stream_id, "/", r.name, "/", m.SegmentFileName(s.index));
    absl::StatusOr<Bytes> bytes = HttpGetBody(url, options);
    if (!bytes.ok()) return bytes.status();
    return FetchResult{std::move(*bytes), from_peer};
  };
}

absl::StatusOr<Manifest> FetchManifest(Url base, const std::string& stream_id,
                                       HttpGetOptions options) {
  if (!IsValidName(stream_id)) return absl::InvalidArgumentError("bad stream id");
  base.path = absl::StrCat("/streams/", stream_id, "/manifest");
  absl::StatusOr<Bytes> bytes = HttpGetBody(base, options);
  if (!bytes.ok()) return bytes.status();
  return DecodeManifest(*bytes);
}

}  // namespace theta::video
