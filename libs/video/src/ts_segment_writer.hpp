// Internal: cuts a packet stream into segments in memory, at video keyframes: MPEG-TS files (one
// muxer per segment), or fragmented MP4 (one muxer for the whole stream writing an init segment,
// ftyp + moov, then one moof + mdat fragment per segment).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
}

#include "absl/status/statusor.h"
#include "theta/video/segmenter.hpp"

namespace theta::video::internal {

// FFmpeg's error code as text.
std::string AvError(int code);

struct OutputStreamSpec {
  const AVCodecParameters* codecpar = nullptr;  // borrowed; must outlive the writer
  AVRational time_base{1, 90000};               // of the packets handed to Write
};

class TsSegmentWriter {
 public:
  TsSegmentWriter(std::vector<OutputStreamSpec> streams, int video_stream, double target_s,
                  SegmentFormat format = SegmentFormat::kTs);
  TsSegmentWriter(const TsSegmentWriter&) = delete;
  TsSegmentWriter& operator=(const TsSegmentWriter&) = delete;
  ~TsSegmentWriter();

  // `packet->stream_index` is an index into the specs; timestamps are in that spec's time base.
  // Packets before the first video keyframe are dropped (a segment must start decodable).
  // Unreferences the packet.
  absl::Status Write(AVPacket* packet);

  // Closes the last segment and hands over all of them (but those already taken).
  absl::StatusOr<std::vector<SegmentData>> Finish();

  // Hands over the segments closed so far (a live input publishes them as they are cut).
  std::vector<SegmentData> TakeClosed() { return std::exchange(done_, {}); }

  // Highest video end time seen minus the first video keyframe time, in seconds.
  double covered_seconds() const;

  // fMP4: the init segment (empty before the first keyframe, and for MPEG-TS).
  const Bytes& init() const { return init_; }

 private:
  absl::Status Open(int64_t start_us);
  absl::Status Close(int64_t end_us);
  absl::Status OpenFmp4(int64_t start_us);
  absl::Status CutFmp4(int64_t end_us);
  absl::Status AddSegment(Bytes bytes, int64_t end_us);
  void FreeOutput();
  absl::Status OpenAdtsFilters();
  absl::Status FilterAndMux(AVBSFContext* bsf, AVPacket* packet);
  static int Append(void* opaque, uint8_t* data, int size);

  SegmentFormat format_;
  Bytes init_;
  Bytes pending_;                    // fMP4: muxer output since the last cut
  std::vector<AVBSFContext*> bsfs_;  // fMP4: per stream, aac_adtstoasc for ADTS AAC, else null

  std::vector<OutputStreamSpec> streams_;
  int video_stream_;
  int64_t target_us_;
  AVFormatContext* out_ = nullptr;
  int64_t segment_start_us_ = 0;
  int64_t first_us_ = AV_NOPTS_VALUE;
  int64_t video_end_us_ = AV_NOPTS_VALUE;
  std::vector<SegmentData> done_;
  uint64_t closed_ = 0;  // segments closed, taken or not
};

// "avc1.PPCCLL" from H.264 extradata (avcC or Annex B), "mp4a.40.N" for AAC; empty when unknown.
std::string CodecString(const AVCodecParameters& par);

// DataLoss when the input had a read error or its video covers clearly less time than the
// container declares (the tail is missing).
absl::Status CheckNotTruncated(const AVFormatContext& in, double covered_s,
                               const std::string& input);

}  // namespace theta::video::internal
