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

absl::StatusOr<WatchReport> Watch(const Manifest& manifest, const SegmentFetcher& fetch,
                                  const WatchOptions& options) {
  const Rendition* rendition = Choose(manifest, options.rendition);
  if (rendition == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("stream ", manifest.stream_id, " has no rendition ", options.rendition));
  }
  WatchReport report;
  const Clock::time_point begin = Clock::now();
  Clock::time_point play_start{};  // when the playhead started (after the first segment)
  double media_before_us = 0;      // media time before the segment being fetched
  double stalled_us = 0;           // total stall so far
  size_t count = rendition->segments.size();
  if (options.max_segments > 0) count = std::min(count, options.max_segments);
  for (size_t i = 0; i < count; ++i) {
    const SegmentEntry& entry = rendition->segments[i];
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
    url.path = absl::StrCat("/streams/", m.stream_id, "/", r.name, "/", s.index, ".ts");
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
