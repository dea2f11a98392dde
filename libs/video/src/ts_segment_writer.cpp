#include "ts_segment_writer.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "theta/core/hash.hpp"

namespace theta::video::internal {

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof(text));
  return text;
}

namespace {

// The length of the init segment at the front of `bytes`: every top-level box before the first
// moof (the muxer writes the delayed moov right before the first fragment).
absl::StatusOr<size_t> InitLength(const Bytes& bytes) {
  size_t at = 0;
  while (at + 8 <= bytes.size()) {
    uint64_t size = (uint64_t{bytes[at]} << 24) | (uint64_t{bytes[at + 1]} << 16) |
                    (uint64_t{bytes[at + 2]} << 8) | bytes[at + 3];
    if (std::equal(bytes.begin() + at + 4, bytes.begin() + at + 8, "moof")) return at;
    if (size == 1 && at + 16 <= bytes.size()) {
      size = 0;
      for (size_t k = 8; k < 16; ++k)
        size = (size << 8) | bytes[at + k];
    }
    if (size < 8 || size > bytes.size() - at) break;
    at += size;
  }
  return absl::InternalError("segmenter: the mp4 muxer wrote no fragment after its init segment");
}

}  // namespace

TsSegmentWriter::TsSegmentWriter(std::vector<OutputStreamSpec> streams, int video_stream,
                                 double target_s, SegmentFormat format)
    : format_(format),
      streams_(std::move(streams)),
      video_stream_(video_stream),
      target_us_(static_cast<int64_t>(target_s * 1e6)) {}

TsSegmentWriter::~TsSegmentWriter() {
  FreeOutput();
}

void TsSegmentWriter::FreeOutput() {
  for (AVBSFContext*& bsf : bsfs_)
    av_bsf_free(&bsf);
  bsfs_.clear();
  if (out_ == nullptr) return;
  if (out_->pb != nullptr) {
    if (format_ == SegmentFormat::kTs) {
      uint8_t* buffer = nullptr;
      avio_close_dyn_buf(out_->pb, &buffer);
      av_free(buffer);
    } else {
      av_freep(&out_->pb->buffer);
      avio_context_free(&out_->pb);
    }
  }
  avformat_free_context(out_);
  out_ = nullptr;
}

int TsSegmentWriter::Append(void* opaque, uint8_t* data, int size) {
  Bytes& pending = static_cast<TsSegmentWriter*>(opaque)->pending_;
  pending.insert(pending.end(), data, data + size);
  return size;
}

absl::Status TsSegmentWriter::OpenFmp4(int64_t start_us) {
  int ret = avformat_alloc_output_context2(&out_, nullptr, "mp4", nullptr);
  if (ret < 0) return absl::InternalError(absl::StrCat("segmenter: mp4 muxer: ", AvError(ret)));
  for (const OutputStreamSpec& spec : streams_) {
    AVStream* st = avformat_new_stream(out_, nullptr);
    if (st == nullptr) return absl::ResourceExhaustedError("segmenter: out of memory");
    if ((ret = avcodec_parameters_copy(st->codecpar, spec.codecpar)) < 0) {
      return absl::InternalError(absl::StrCat("segmenter: codec parameters: ", AvError(ret)));
    }
    st->codecpar->codec_tag = 0;
    st->time_base = spec.time_base;
  }
  constexpr int kBufferSize = 1 << 16;
  auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
  out_->pb = buffer == nullptr ? nullptr
                               : avio_alloc_context(buffer, kBufferSize, 1, this, nullptr,
                                                    &TsSegmentWriter::Append, nullptr);
  if (out_->pb == nullptr) {
    av_free(buffer);
    return absl::ResourceExhaustedError("segmenter: out of memory");
  }
  // Fragments only where we cut (frag_custom), a moov without samples (empty_moov) written with the
  // first fragment, once every stream's codec configuration is known (delay_moov), and
  // self-contained fragments (default_base_moof) without a trailing index (skip_trailer).
  if (absl::Status st = OpenAdtsFilters(); !st.ok()) return st;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "frag_custom+empty_moov+delay_moov+default_base_moof+skip_trailer",
              0);
  ret = avformat_write_header(out_, &opts);
  av_dict_free(&opts);
  if (ret < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("segmenter: the input's codecs cannot go into fMP4: ", AvError(ret)));
  }
  segment_start_us_ = start_us;
  return absl::OkStatus();
}

// Ends the current fragment: everything muxed since the last cut becomes one segment.
absl::Status TsSegmentWriter::CutFmp4(int64_t end_us) {
  int ret = av_interleaved_write_frame(out_, nullptr);  // drains the interleaving queue
  if (ret >= 0) ret = av_write_frame(out_, nullptr);    // writes the fragment (frag_custom)
  if (ret < 0) {
    return absl::InternalError(absl::StrCat("segmenter: finishing a fragment: ", AvError(ret)));
  }
  avio_flush(out_->pb);
  if (init_.empty() && !InitLength(pending_).ok()) {
    // delay_moov: the first flush writes only ftyp + moov; the fragment follows on the next.
    if ((ret = av_write_frame(out_, nullptr)) < 0) {
      return absl::InternalError(absl::StrCat("segmenter: finishing a fragment: ", AvError(ret)));
    }
    avio_flush(out_->pb);
  }
  Bytes bytes = std::exchange(pending_, {});
  if (init_.empty()) {  // the first fragment: ftyp + moov lead it
    absl::StatusOr<size_t> length = InitLength(bytes);
    if (!length.ok()) return length.status();
    init_.assign(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(*length));
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(*length));
  }
  return AddSegment(std::move(bytes), end_us);
}

absl::Status TsSegmentWriter::AddSegment(Bytes bytes, int64_t end_us) {
  if (bytes.empty()) return absl::InternalError("segmenter: the muxer wrote an empty segment");
  SegmentData segment;
  segment.index = closed_++;
  segment.duration_us = static_cast<uint64_t>(std::max<int64_t>(1, end_us - segment_start_us_));
  segment.bytes = std::move(bytes);
  segment.hash = Blake2b256(segment.bytes);
  done_.push_back(std::move(segment));
  return absl::OkStatus();
}

double TsSegmentWriter::covered_seconds() const {
  if (first_us_ == AV_NOPTS_VALUE || video_end_us_ == AV_NOPTS_VALUE) return 0;
  return static_cast<double>(video_end_us_ - first_us_) / 1e6;
}

absl::Status TsSegmentWriter::Open(int64_t start_us) {
  int ret = avformat_alloc_output_context2(&out_, nullptr, "mpegts", nullptr);
  if (ret < 0) return absl::InternalError(absl::StrCat("segmenter: mpegts muxer: ", AvError(ret)));
  for (const OutputStreamSpec& spec : streams_) {
    AVStream* st = avformat_new_stream(out_, nullptr);
    if (st == nullptr) return absl::ResourceExhaustedError("segmenter: out of memory");
    if ((ret = avcodec_parameters_copy(st->codecpar, spec.codecpar)) < 0) {
      return absl::InternalError(absl::StrCat("segmenter: codec parameters: ", AvError(ret)));
    }
    st->codecpar->codec_tag = 0;
    st->time_base = spec.time_base;
  }
  if ((ret = avio_open_dyn_buf(&out_->pb)) < 0) {
    return absl::ResourceExhaustedError(absl::StrCat("segmenter: buffer: ", AvError(ret)));
  }
  if ((ret = avformat_write_header(out_, nullptr)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("segmenter: the input's codecs cannot go into MPEG-TS: ", AvError(ret)));
  }
  segment_start_us_ = start_us;
  return absl::OkStatus();
}

absl::Status TsSegmentWriter::Close(int64_t end_us) {
  int ret = av_write_trailer(out_);
  uint8_t* buffer = nullptr;
  const int size = avio_close_dyn_buf(out_->pb, &buffer);
  out_->pb = nullptr;
  avformat_free_context(out_);
  out_ = nullptr;
  if (ret < 0) {
    av_free(buffer);
    return absl::InternalError(absl::StrCat("segmenter: finishing a segment: ", AvError(ret)));
  }
  Bytes bytes(buffer, buffer + std::max(size, 0));
  av_free(buffer);
  return AddSegment(std::move(bytes), end_us);
}

absl::Status TsSegmentWriter::Write(AVPacket* packet) {
  const int index = packet->stream_index;
  const AVRational tb = streams_[index].time_base;
  const int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
  const bool is_video = index == video_stream_;
  if (is_video && ts != AV_NOPTS_VALUE) {
    const int64_t t_us = av_rescale_q(ts, tb, AV_TIME_BASE_Q);
    const int64_t end_us =
        t_us + av_rescale_q(std::max<int64_t>(packet->duration, 0), tb, AV_TIME_BASE_Q);
    if ((packet->flags & AV_PKT_FLAG_KEY) != 0) {
      if (out_ == nullptr) {
        first_us_ = t_us;
        absl::Status st = format_ == SegmentFormat::kTs ? Open(t_us) : OpenFmp4(t_us);
        if (!st.ok()) return st;
      } else if (t_us - segment_start_us_ >= target_us_ - 1000) {
        if (format_ == SegmentFormat::kFmp4) {
          if (absl::Status st = CutFmp4(t_us); !st.ok()) return st;
          segment_start_us_ = t_us;
        } else {
          if (absl::Status st = Close(t_us); !st.ok()) return st;
          if (absl::Status st = Open(t_us); !st.ok()) return st;
        }
      }
    }
    if (video_end_us_ == AV_NOPTS_VALUE || end_us > video_end_us_) video_end_us_ = end_us;
  }
  if (out_ == nullptr) {
    av_packet_unref(packet);
    return absl::OkStatus();
  }
  packet->pos = -1;
  if (index < static_cast<int>(bsfs_.size()) && bsfs_[index] != nullptr) {
    return FilterAndMux(bsfs_[index], packet);
  }
  av_packet_rescale_ts(packet, tb, out_->streams[index]->time_base);
  const int ret = av_interleaved_write_frame(out_, packet);
  if (ret < 0) {
    return absl::DataLossError(absl::StrCat("segmenter: muxing a packet: ", AvError(ret)));
  }
  return absl::OkStatus();
}

// ADTS AAC (from MPEG-TS input) becomes raw AAC for MP4; the filter's first packet carries the
// AudioSpecificConfig, which the muxer puts into the (delayed) moov.
absl::Status TsSegmentWriter::FilterAndMux(AVBSFContext* bsf, AVPacket* packet) {
  const int index = packet->stream_index;
  int ret = av_bsf_send_packet(bsf, packet);
  if (ret < 0) return absl::DataLossError(absl::StrCat("segmenter: aac_adtstoasc: ", AvError(ret)));
  for (;;) {
    ret = av_bsf_receive_packet(bsf, packet);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0)
      return absl::DataLossError(absl::StrCat("segmenter: aac_adtstoasc: ", AvError(ret)));
    packet->stream_index = index;
    av_packet_rescale_ts(packet, bsf->time_base_out, out_->streams[index]->time_base);
    ret = av_interleaved_write_frame(out_, packet);
    if (ret < 0)
      return absl::DataLossError(absl::StrCat("segmenter: muxing a packet: ", AvError(ret)));
  }
}

absl::Status TsSegmentWriter::OpenAdtsFilters() {
  bsfs_.assign(streams_.size(), nullptr);
  for (size_t i = 0; i < streams_.size(); ++i) {
    const AVCodecParameters* par = streams_[i].codecpar;
    if (par->codec_id != AV_CODEC_ID_AAC || par->extradata_size > 0) continue;
    const AVBitStreamFilter* filter = av_bsf_get_by_name("aac_adtstoasc");
    if (filter == nullptr || av_bsf_alloc(filter, &bsfs_[i]) < 0)
      return absl::InternalError("segmenter: no aac_adtstoasc filter in this FFmpeg");
    if (avcodec_parameters_copy(bsfs_[i]->par_in, par) < 0)
      return absl::ResourceExhaustedError("segmenter: out of memory");
    bsfs_[i]->time_base_in = streams_[i].time_base;
    if (const int ret = av_bsf_init(bsfs_[i]); ret < 0)
      return absl::InternalError(absl::StrCat("segmenter: aac_adtstoasc: ", AvError(ret)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SegmentData>> TsSegmentWriter::Finish() {
  if (out_ == nullptr) {
    return absl::InvalidArgumentError("segmenter: the input has no video keyframe");
  }
  if (format_ == SegmentFormat::kFmp4) {
    if (absl::Status st = CutFmp4(video_end_us_); !st.ok()) return st;
    FreeOutput();
  } else if (absl::Status st = Close(video_end_us_); !st.ok()) {
    return st;
  }
  return std::move(done_);
}

// A stream ends "early" when it covers clearly less than the container declares: the tail is gone.
absl::Status CheckNotTruncated(const AVFormatContext& in, double covered_s,
                               const std::string& input) {
  if (in.pb != nullptr && in.pb->error < 0) {
    return absl::DataLossError(
        absl::StrCat("segmenter: reading ", input, " failed: ", AvError(in.pb->error)));
  }
  if (in.duration == AV_NOPTS_VALUE || in.duration <= 0) return absl::OkStatus();
  const double declared_s = static_cast<double>(in.duration) / AV_TIME_BASE;
  if (covered_s < declared_s * 0.9 - 0.5) {
    return absl::DataLossError(absl::StrFormat(
        "segmenter: %s is truncated: its video ends after %.2f s but the container declares "
        "%.2f s",
        input, covered_s, declared_s));
  }
  return absl::OkStatus();
}

namespace {

// The profile, constraint flags and level bytes of the first SPS in Annex B data.
bool FindAnnexBSps(const uint8_t* p, size_t n, uint8_t out[3]) {
  for (size_t i = 0; i + 6 < n; ++i) {
    if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1 && (p[i + 3] & 0x1f) == 7) {
      std::copy(p + i + 4, p + i + 7, out);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string CodecString(const AVCodecParameters& par) {
  if (par.codec_id == AV_CODEC_ID_H264) {
    uint8_t spl[3] = {0x64, 0x00, 0x1f};  // High@3.1 when the extradata says nothing
    const uint8_t* x = par.extradata;
    const size_t n = par.extradata_size > 0 ? static_cast<size_t>(par.extradata_size) : 0;
    if (n >= 4 && x[0] == 1) {
      std::copy(x + 1, x + 4, spl);  // avcC: version, profile, compatibility, level
    } else if (n > 0) {
      FindAnnexBSps(x, n, spl);
    }
    return absl::StrFormat("avc1.%02x%02x%02x", spl[0], spl[1], spl[2]);
  }
  if (par.codec_id == AV_CODEC_ID_AAC) {
    const int object_type = par.profile >= 0 ? par.profile + 1 : 2;
    return absl::StrCat("mp4a.40.", object_type);
  }
  if (par.codec_id == AV_CODEC_ID_MP3) return "mp4a.40.34";
  return "";
}

}  // namespace theta::video::internal
