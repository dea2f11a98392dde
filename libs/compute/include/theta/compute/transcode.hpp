// Transcoding a video segment for a compute job: decode (libavcodec), scale to the requested size,
// encode H.264 with libx264 and mux MPEG-TS (libavformat), all in memory. The scale step runs in
// libswscale (bilinear) or as the bilinear resize kernel on each YUV 4:2:0 plane: through a
// Backend (the Vulkan backend puts it on the GPU) or resident on a Vulkan Device.
//
// Inputs: MP4/QuickTime, Matroska/WebM, MPEG-TS/PS, FLV, AVI, IVF, NUT or raw H.264/HEVC;
// libavformat opens no file or URL on the input's behalf (no playlists, no concat scripts). Only
// the best video stream is transcoded; audio and other streams are dropped. The encoder runs a
// fixed number of threads (kTranscodeEncoderThreads), so two workers with the same libx264 and the
// same scaler produce the same bytes.
//
// Errors: input that libavformat cannot open or that has no video stream is InvalidArgument;
// input that stops decoding or ends before the frames its container announces is DataLoss; a
// source or destination over kMaxTranscodeSide, more frames than max_frames, work over max_work or
// output over max_output_bytes is ResourceExhausted naming the numbers; a missing libx264 is
// Unavailable.
//
// Threads: demuxing and decoding run on the calling thread (decoder threads beside it), scaling
// and encoding on a second thread fed through a small queue; libswscale scales in slices on every
// core (slices give the same pixels as one pass). Calls are independent (each has its own codec
// state); the Backend, if any, is used by one thread at a time but not the caller's, so it must
// not be in use elsewhere during the call.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"
#include "theta/core/bytes.hpp"

namespace theta::compute {

inline constexpr uint32_t kMaxTranscodeSide = 4096;     // width or height, source and destination
inline constexpr uint32_t kMaxTranscodeFrames = 18000;  // ten minutes at 30 frames/s
inline constexpr int kTranscodeEncoderThreads = 4;

struct TranscodeOptions {
  uint32_t dst_width = 0;  // even, 2..kMaxTranscodeSide
  uint32_t dst_height = 0;
  std::string preset = "veryfast";  // x264 preset
  uint32_t crf = 23;                // used when bitrate_kbps is 0
  uint32_t bitrate_kbps = 0;        // average bitrate; 0 selects crf
  uint32_t max_frames = kMaxTranscodeFrames;
  uint64_t max_output_bytes = 64ull << 20;
  // Decoded frames times (source pixels + destination pixels).
  uint64_t max_work = 100'000'000'000ull;
  // Scale with this backend's ResizeBilinear, a call per plane; null scales with libswscale.
  Backend* scaler = nullptr;
  // Scale on this Vulkan device with the same resize kernel, keeping the plane buffers and the
  // recorded dispatches on the device from frame to frame (one submission per frame). Takes
  // precedence over `scaler`; must outlive the call.
  Device* scaler_device = nullptr;
};

struct TranscodeResult {
  Bytes output;  // MPEG-TS with one H.264 stream
  uint32_t frames = 0;
  uint32_t src_width = 0;
  uint32_t src_height = 0;
};

absl::StatusOr<TranscodeResult> Transcode(std::span<const uint8_t> input,
                                          const TranscodeOptions& options);

}  // namespace theta::compute
