#include "theta/video/segmenter.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "transcode.hpp"
#include "ts_segment_writer.hpp"

namespace theta::video {
namespace {

using internal::AvError;

struct InputCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

absl::StatusOr<SegmentedStream> Remux(AVFormatContext* in, int video, int audio,
                                      const std::string& input, const SegmenterOptions& options) {
  std::vector<internal::OutputStreamSpec> specs;
  std::vector<int> map(in->nb_streams, -1);
  map[video] = 0;
  specs.push_back({in->streams[video]->codecpar, in->streams[video]->time_base});
  if (audio >= 0) {
    map[audio] = 1;
    specs.push_back({in->streams[audio]->codecpar, in->streams[audio]->time_base});
  }
  SegmentedRendition r;
  r.info.name = "source";
  r.info.width = static_cast<uint32_t>(std::max(in->streams[video]->codecpar->width, 0));
  r.info.height = static_cast<uint32_t>(std::max(in->streams[video]->codecpar->height, 0));
  r.info.codecs = internal::CodecString(*in->streams[video]->codecpar);
  if (audio >= 0) {
    const std::string a = internal::CodecString(*in->streams[audio]->codecpar);
    if (!a.empty()) r.info.codecs = absl::StrCat(r.info.codecs, ",", a);
  }
  internal::TsSegmentWriter writer(specs, 0, options.target_duration_s, options.format);
  // Live: hands every closed segment over at once, keeping only its entry.
  auto hand_over = [&](std::vector<SegmentData> closed) -> absl::Status {
    if (r.info.init_size == 0 && !writer.init().empty()) {
      r.info.init_size = writer.init().size();
      r.info.init_hash = Blake2b256(writer.init());
    }
    for (SegmentData& s : closed) {
      r.info.segments.push_back({s.index, s.duration_us, s.bytes.size(), s.hash});
      THETA_RETURN_IF_ERROR(options.on_segment(r.info, writer.init(), std::move(s)));
    }
    return absl::OkStatus();
  };
  std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
  uint64_t frames = 0;
  for (;;) {
    const int ret = av_read_frame(in, packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) {
      return absl::DataLossError(absl::StrCat("segmenter: reading ", input, ": ", AvError(ret)));
    }
    if ((packet->flags & AV_PKT_FLAG_CORRUPT) != 0) {
      return absl::DataLossError(absl::StrCat("segmenter: ", input,
                                              " has a corrupt packet at byte ", packet->pos,
                                              " (truncated or damaged)"));
    }
    const int out_index = map[packet->stream_index];
    if (out_index < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    if (out_index == 0) ++frames;
    packet->stream_index = out_index;
    if (absl::Status st = writer.Write(packet.get()); !st.ok()) return st;
    if (options.on_segment) THETA_RETURN_IF_ERROR(hand_over(writer.TakeClosed()));
  }
  if (absl::Status st = internal::CheckNotTruncated(*in, writer.covered_seconds(), input);
      !st.ok()) {
    return st;
  }
  absl::StatusOr<std::vector<SegmentData>> segments = writer.Finish();
  if (!segments.ok()) return segments.status();

  SegmentedStream stream;
  stream.frames = frames;
  r.init = writer.init();
  r.info.init_size = r.init.size();
  if (!r.init.empty()) r.info.init_hash = Blake2b256(r.init);
  if (options.on_segment) {
    THETA_RETURN_IF_ERROR(hand_over(std::move(*segments)));
  } else {
    r.segments = std::move(*segments);
  }
  stream.renditions.push_back(std::move(r));
  return stream;
}

}  // namespace

absl::StatusOr<SegmentedStream> SegmentMedia(const std::string& input,
                                             const SegmenterOptions& options) {
  if (!(options.target_duration_s >= 0.1 && options.target_duration_s <= 600)) {
    return absl::InvalidArgumentError("segmenter: target duration must be within 0.1..600 s");
  }
  // FFmpeg's info-level chatter goes to stderr; an embedded library reports through Status instead.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_FATAL); });
  AVFormatContext* raw = nullptr;
  int ret = avformat_open_input(&raw, input.c_str(), nullptr, nullptr);
  if (ret < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("segmenter: cannot open ", input, " as media: ", AvError(ret)));
  }
  std::unique_ptr<AVFormatContext, InputCloser> in(raw);
  if ((ret = avformat_find_stream_info(in.get(), nullptr)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("segmenter: cannot read the streams of ", input, ": ", AvError(ret)));
  }
  const int video = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video < 0)
    return absl::InvalidArgumentError(absl::StrCat("segmenter: ", input, " has no video stream"));
  const int audio = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, video, nullptr, 0);

  if (options.on_segment && !options.ladder.empty())
    return absl::InvalidArgumentError("segmenter: live segmenting remuxes only (no ladder yet)");
  absl::StatusOr<SegmentedStream> stream =
      options.ladder.empty()
          ? Remux(in.get(), video, audio >= 0 ? audio : -1, input, options)
          : internal::TranscodeLadder(in.get(), video, audio >= 0 ? audio : -1, input, options);
  if (!stream.ok()) return stream.status();
  stream->target_duration_ms = static_cast<uint64_t>(options.target_duration_s * 1000);
  stream->format = options.format;
  for (SegmentedRendition& r : stream->renditions) {
    for (const SegmentData& s : r.segments)  // live input listed them as they were cut
      r.info.segments.push_back({s.index, s.duration_us, s.bytes.size(), s.hash});
    r.info.bandwidth = PeakBandwidth(r.info.segments);
  }
  return stream;
}

uint64_t PeakBandwidth(const std::vector<SegmentEntry>& segments) {
  uint64_t peak = 0;
  for (const SegmentEntry& s : segments)
    peak = std::max<uint64_t>(peak, s.size * 8'000'000 / std::max<uint64_t>(s.duration_us, 1));
  return std::max<uint64_t>(peak, 1);
}

Manifest BuildManifest(const SegmentedStream& stream, std::string stream_id, uint64_t sequence) {
  Manifest m;
  m.stream_id = std::move(stream_id);
  m.target_duration_ms = stream.target_duration_ms;
  m.sequence = sequence;
  m.format = stream.format;
  for (const SegmentedRendition& r : stream.renditions)
    m.renditions.push_back(r.info);
  return m;
}

}  // namespace theta::video
