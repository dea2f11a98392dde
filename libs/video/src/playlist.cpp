#include "theta/video/playlist.hpp"

#include <algorithm>
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
  uint64_t longest_us = 0;
  for (const SegmentEntry& s : r->segments)
    longest_us = std::max(longest_us, s.duration_us);
  const uint64_t target_s = std::max<uint64_t>(1, (longest_us + 999'999) / 1'000'000);
  std::string out =
      absl::StrCat("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:", target_s,
                   "\n#EXT-X-MEDIA-SEQUENCE:", r->segments.empty() ? 0 : r->segments.front().index,
                   "\n#EXT-X-PLAYLIST-TYPE:VOD\n");
  for (const SegmentEntry& s : r->segments) {
    absl::StrAppend(&out,
                    absl::StrFormat("#EXTINF:%.6f,\n", static_cast<double>(s.duration_us) / 1e6),
                    s.index, ".ts\n");
  }
  out += "#EXT-X-ENDLIST\n";
  return out;
}

}  // namespace theta::video
