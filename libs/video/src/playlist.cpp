#include "theta/video/playlist.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace theta::video {

std::string MasterPlaylist(const Manifest& manifest) {
  std::vector<const Rendition*> order;
  for (const Rendition& r : manifest.renditions)
    order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const Rendition* a, const Rendition* b) {
    return a->bandwidth > b->bandwidth;
  });
  std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  for (const Rendition* r : order) {
    absl::StrAppend(&out, "#EXT-X-STREAM-INF:BANDWIDTH=", r->bandwidth);
    if (r->width > 0 && r->height > 0)
      absl::StrAppend(&out, ",RESOLUTION=", r->width, "x", r->height);
    // The codecs string passed VerifyManifest's alphabet check, so it cannot break the quoting.
    if (!r->codecs.empty()) absl::StrAppend(&out, ",CODECS=\"", r->codecs, "\"");
    absl::StrAppend(&out, "\n", r->name, "/index.m3u8\n");
  }
  return out;
}

absl::StatusOr<std::string> MediaPlaylist(const Manifest& manifest, std::string_view rendition) {
  const Rendition* r = manifest.Find(rendition);
  if (r == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("stream ", manifest.stream_id, " has no rendition ", std::string(rendition)));
  }
  // A live playlist slides: the last live_window segments, no playlist type and no end.
  const size_t first = manifest.live() && r->segments.size() > manifest.live_window
                           ? r->segments.size() - manifest.live_window
                           : 0;
  const std::span<const SegmentEntry> listed(r->segments.data() + first,
                                             r->segments.size() - first);
  uint64_t longest_us = listed.empty() ? manifest.target_duration_ms * 1000 : 0;
  for (const SegmentEntry& s : listed)
    longest_us = std::max(longest_us, s.duration_us);
  const uint64_t target_s = std::max<uint64_t>(1, (longest_us + 999'999) / 1'000'000);
  std::string out = absl::StrCat(
      "#EXTM3U\n#EXT-X-VERSION:", manifest.fmp4() ? 7 : 3, "\n#EXT-X-TARGETDURATION:", target_s,
      "\n#EXT-X-MEDIA-SEQUENCE:", listed.empty() ? 0 : listed.front().index, "\n",
      manifest.live() ? "" : "#EXT-X-PLAYLIST-TYPE:VOD\n",
      manifest.fmp4() ? "#EXT-X-MAP:URI=\"init.mp4\"\n" : "");
  for (const SegmentEntry& s : listed) {
    absl::StrAppend(&out,
                    absl::StrFormat("#EXTINF:%.6f,\n", static_cast<double>(s.duration_us) / 1e6),
                    manifest.SegmentFileName(s.index), "\n");
  }
  if (!manifest.live()) out += "#EXT-X-ENDLIST\n";
  return out;
}

}  // namespace theta::video
