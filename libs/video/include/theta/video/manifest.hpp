// The signed stream manifest: what a publisher vouches for, segment by segment.
//
// A manifest names a stream, its renditions (one per rung of the bitrate ladder) and, for each
// rendition, every segment's index, duration, size and BLAKE2b-256 content hash. The publisher
// signs it with a secp256k1 key, so any peer can prove what it serves and any viewer can reject
// bytes that do not hash to the listed value, whoever sent them.
//
// Wire form (RLP): [body, signature] with
//   body      = [version=1, stream_id, target_duration_ms, publisher(20 bytes), sequence,
//   renditions] rendition = [name, bandwidth_bps, width, height, codecs, segments] segment   =
//   [index, duration_us, size, blake2b256(bytes)] signature = 65 bytes R‖S‖V over
//   Blake2b256("theta-video-manifest-v1" ‖ RLP(body))
// Version 2 extends it for live streams and fMP4 segments (version 1 stays the form of a finished
// MPEG-TS stream, so its bytes and signature are unchanged):
//   body      = [2, stream_id, target_duration_ms, publisher, sequence, renditions, live_window,
//                format]
//   rendition = [name, bandwidth_bps, width, height, codecs, segments, init_size, init_hash]
// live_window > 0: a live stream; players are shown the last live_window segments and no end (when
// it ends the publisher signs it once more with live_window 0). format 0 is MPEG-TS (init_size 0,
// init_hash empty), 1 is fragmented MP4: every rendition has an init segment (ftyp + moov) of
// init_size bytes hashing to init_hash, and its media segments are moof + mdat fragments.
// `sequence` grows with every republished version of a live stream, so a peer keeps the newest.
//
// Decoding is strict and is the one door for manifests from outside: canonical RLP only, bounded
// sizes, names from a small alphabet (they become URL path parts and file names), segment indexes
// strictly increasing with no gaps, and a signature that recovers to the named publisher.
// Thread-compatible values; the functions share no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::video {

inline constexpr uint64_t kManifestVersion = 1;
inline constexpr uint64_t kExtendedManifestVersion = 2;
inline constexpr size_t kMaxRenditions = 16;
inline constexpr size_t kMaxSegmentsPerRendition = 1 << 16;
inline constexpr size_t kMaxNameLength = 64;
inline constexpr size_t kMaxCodecsLength = 128;
inline constexpr uint64_t kMaxSegmentSize = 64ull << 20;
inline constexpr size_t kMaxManifestSize = 16 << 20;

struct SegmentEntry {
  uint64_t index = 0;
  uint64_t duration_us = 0;
  uint64_t size = 0;
  Hash32 hash;  // BLAKE2b-256 of the segment's bytes

  friend bool operator==(const SegmentEntry&, const SegmentEntry&) = default;
};

// The container of a stream's segments.
enum class SegmentFormat : uint8_t { kTs = 0, kFmp4 = 1 };

// The index under which a rendition's fMP4 init segment travels (HTTP path init.mp4).
inline constexpr uint64_t kInitSegmentIndex = ~uint64_t{0};

struct Rendition {
  std::string name;        // e.g. "source", "720p"
  uint64_t bandwidth = 0;  // peak bits per second, as HLS's BANDWIDTH attribute
  uint32_t width = 0;
  uint32_t height = 0;
  std::string codecs;  // RFC 6381 codec strings, e.g. "avc1.64001f,mp4a.40.2"
  std::vector<SegmentEntry> segments;
  // fMP4 only: the init segment (0 / zero for MPEG-TS).
  uint64_t init_size = 0;
  Hash32 init_hash;

  // The media segment with this index, or nullptr (also for kInitSegmentIndex: see InitEntry).
  const SegmentEntry* Find(uint64_t index) const;
  // The init segment as an entry (index kInitSegmentIndex, duration 0).
  SegmentEntry InitEntry() const { return {kInitSegmentIndex, 0, init_size, init_hash}; }

  friend bool operator==(const Rendition&, const Rendition&) = default;
};

struct Manifest {
  std::string stream_id;
  uint64_t target_duration_ms = 0;
  Address publisher;
  uint64_t sequence = 0;
  std::vector<Rendition> renditions;
  // > 0: a live stream still growing; its playlists list the last `live_window` segments.
  uint32_t live_window = 0;
  SegmentFormat format = SegmentFormat::kTs;
  Signature signature;

  bool live() const { return live_window > 0; }
  bool fmp4() const { return format == SegmentFormat::kFmp4; }

  // The rendition with this name, or nullptr.
  const Rendition* Find(std::string_view rendition) const;
  // The file name of segment `index` of a rendition: "<n>.ts", "<n>.m4s" or "init.mp4".
  std::string SegmentFileName(uint64_t index) const;

  friend bool operator==(const Manifest&, const Manifest&) = default;
};

// Whether `name` may be a stream id or rendition name: 1..64 characters of [a-z0-9_-] (lower case,
// so two names never differ by case only on case-insensitive file systems).
bool IsValidName(std::string_view name);

// The digest the publisher signs.
Hash32 ManifestSigningHash(const Manifest& manifest);

// Sets `publisher` to the key's address and signs. InvalidArgument when the manifest breaks a rule
// the decoder would enforce (so a signed manifest always decodes).
absl::Status SignManifest(Manifest& manifest, const PrivateKey& key);

// Checks the structural rules and that the signature recovers to `publisher`; when
// `expected_publisher` is set, also that it is that address (PermissionDenied otherwise).
absl::Status VerifyManifest(const Manifest& manifest,
                            const std::optional<Address>& expected_publisher = {});

// The wire form [body, signature].
Bytes EncodeManifest(const Manifest& manifest);

// Parses and verifies (VerifyManifest without an expected publisher). InvalidArgument naming the
// broken rule; PermissionDenied when the signature does not recover to the publisher.
absl::StatusOr<Manifest> DecodeManifest(ByteView bytes);

}  // namespace theta::video
