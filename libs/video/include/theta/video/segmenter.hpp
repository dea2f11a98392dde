// The segmenter: any input libavformat can open (a file, a URL, a live stream) cut at video
// keyframes into MPEG-TS segments of about a target duration, ready for HLS.
//
// Without a ladder it remuxes: the compressed packets are copied, never decoded, so it runs at disk
// speed and keeps the source quality. With a ladder it decodes once and encodes every rung (H.264
// through libx264, AAC audio), forcing a keyframe at every segment boundary so all rungs cut at the
// same instants and a player can switch between them.
//
// Live input (a pipe, a socket, any source that grows while it is read): with `on_segment` set,
// each segment is handed over as soon as the next keyframe closes it, so a publisher can sign and
// serve it while the input goes on; the returned stream then lists the segments' entries only.
// Live segmenting remuxes (a ladder is refused with InvalidArgument for now).
//
// All or nothing (without `on_segment`): Segment returns every segment or an error, so a caller
// that stores only after a success never stores a partial stream. Truncated input (fewer packets
// than the container declares), packets the demuxer flags as corrupt and read errors are DataLoss;
// an unreadable or unknown container, or one without a video stream, is InvalidArgument.
// Thread-compatible: one call uses only its own FFmpeg contexts.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/video/manifest.hpp"

namespace theta::video {

struct LadderRung {
  std::string name;  // rendition name, e.g. "720p"
  int width = 0;
  int height = 0;
  int video_kbps = 0;
  int audio_kbps = 96;
};

struct SegmentData {
  uint64_t index = 0;
  uint64_t duration_us = 0;
  Hash32 hash;  // BLAKE2b-256 of bytes
  Bytes bytes;  // one MPEG-TS file, or one fMP4 fragment (moof + mdat)
};

// Called with each segment as it is cut, in order: `info` describes the rendition (name, size,
// codecs, the fMP4 init segment's size and hash; no bandwidth) and lists the entries so far, this
// one included; `init` is the fMP4 init segment (empty for MPEG-TS). An error stops segmenting and
// is returned.
using SegmentCallback =
    std::function<absl::Status(const Rendition& info, const Bytes& init, SegmentData segment)>;

struct SegmenterOptions {
  // Segments are cut at the first keyframe at or after this much time since the segment began.
  double target_duration_s = 2.0;
  // Empty: remux only (one rendition named "source"). Otherwise one rendition per rung.
  std::vector<LadderRung> ladder;
  // x264 preset for ladder encodes ("veryfast", "ultrafast", ...).
  std::string x264_preset = "veryfast";
  // Encoder threads per rung (0: libx264 decides).
  int encoder_threads = 0;
  // Live: segments go here as they are cut instead of into the returned stream.
  SegmentCallback on_segment;
  // MPEG-TS segments, or fragmented MP4 (an init segment per rendition, then .m4s fragments).
  SegmentFormat format = SegmentFormat::kTs;
};

struct SegmentedRendition {
  Rendition info;  // name, bandwidth, size, codecs, the init segment's size and hash, the entries
  Bytes init;      // fMP4: the init segment (ftyp + moov); empty for MPEG-TS
  std::vector<SegmentData> segments;
};

struct SegmentedStream {
  std::vector<SegmentedRendition> renditions;
  uint64_t target_duration_ms = 0;
  uint64_t frames = 0;  // video frames read from the input
  SegmentFormat format = SegmentFormat::kTs;
};

// Segments `input` (a path or any URL libavformat understands).
absl::StatusOr<SegmentedStream> SegmentMedia(const std::string& input,
                                             const SegmenterOptions& options = {});

// The peak bits per second over `segments` (HLS BANDWIDTH), at least 1.
uint64_t PeakBandwidth(const std::vector<SegmentEntry>& segments);

// The unsigned manifest for `stream` (sign it with SignManifest).
Manifest BuildManifest(const SegmentedStream& stream, std::string stream_id, uint64_t sequence = 0);

}  // namespace theta::video
