// HLS playlists (RFC 8216) generated from a manifest, so what a player fetches is always exactly
// what the publisher signed. URLs are relative: master → "<rendition>/index.m3u8", media →
// "<index>.ts", or for fMP4 "<index>.m4s" after an EXT-X-MAP of "init.mp4" (version 7).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/video/manifest.hpp"

namespace theta::video {

// The multivariant playlist: one EXT-X-STREAM-INF per rendition, highest bandwidth first.
std::string MasterPlaylist(const Manifest& manifest);

// The media playlist of one rendition: VOD (EXT-X-PLAYLIST-TYPE:VOD and EXT-X-ENDLIST), or for a
// live manifest the sliding window of its last live_window segments without an end. NotFound when
// the manifest has no such rendition.
absl::StatusOr<std::string> MediaPlaylist(const Manifest& manifest, std::string_view rendition);

}  // namespace theta::video
