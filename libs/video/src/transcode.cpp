#include "transcode.hpp"

#include <memory>
#include <thread>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "ts_segment_writer.hpp"

namespace theta::video::internal {
namespace {

struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrFree {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct FifoFree {
  void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

absl::Status AvFail(std::string_view what, int ret) {
  return absl::InternalError(absl::StrCat("segmenter: ", std::string(what), ": ", AvError(ret)));
}

absl::StatusOr<CodecPtr> OpenDecoder(const AVStream& st) {
  const AVCodec* codec = avcodec_find_decoder(st.codecpar->codec_id);
  if (codec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("segmenter: no decoder for codec ", avcodec_get_name(st.codecpar->codec_id)));
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  int ret = avcodec_parameters_to_context(ctx.get(), st.codecpar);
  if (ret < 0) return AvFail("decoder parameters", ret);
  ctx->pkt_timebase = st.time_base;
  ctx->thread_count = 0;
  if ((ret = avcodec_open2(ctx.get(), codec, nullptr)) < 0)
    return AvFail("opening the decoder", ret);
  return ctx;
}

// One rung: scaler, H.264 encoder, segment writer.
struct Rung {
  LadderRung spec;
  CodecPtr encoder;
  std::unique_ptr<SwsContext, SwsFree> scaler;
  std::unique_ptr<AVCodecParameters, void (*)(AVCodecParameters*)> video_par{
      nullptr, [](AVCodecParameters* p) { avcodec_parameters_free(&p); }};
  std::unique_ptr<TsSegmentWriter> writer;
};

class Ladder {
 public:
  Ladder(AVFormatContext* in, int video, int audio, const SegmenterOptions& options)
      : in_(in), video_(video), audio_(audio), options_(options) {}

  absl::StatusOr<SegmentedStream> Run(const std::string& input);

 private:
  absl::Status Setup();
  absl::Status SetupAudio();
  absl::Status OnVideoFrame(AVFrame* frame);
  absl::Status Encode(Rung& rung, AVFrame* frame);
  absl::Status ScaleAndEncode(Rung& rung, const AVFrame* frame, bool key);
  absl::Status OnAudioFrame(AVFrame* frame);
  absl::Status EncodeAudio(AVFrame* frame);
  absl::Status Drain(AVCodecContext* dec, bool is_video, const AVPacket* packet);

  AVFormatContext* in_;
  int video_;
  int audio_;
  const SegmenterOptions& options_;
  CodecPtr video_dec_;
  CodecPtr audio_dec_;
  CodecPtr audio_enc_;
  std::unique_ptr<SwrContext, SwrFree> resampler_;
  std::unique_ptr<AVAudioFifo, FifoFree> fifo_;
  std::unique_ptr<AVCodecParameters, void (*)(AVCodecParameters*)> audio_par_{
      nullptr, [](AVCodecParameters* p) { avcodec_parameters_free(&p); }};
  int64_t audio_next_pts_ = AV_NOPTS_VALUE;
  std::vector<Rung> rungs_;
  int64_t next_key_us_ = AV_NOPTS_VALUE;
  uint64_t frames_ = 0;
};

absl::Status Ladder::SetupAudio() {
  absl::StatusOr<CodecPtr> dec = OpenDecoder(*in_->streams[audio_]);
  if (!dec.ok()) return dec.status();
  audio_dec_ = std::move(*dec);
  const AVCodec* aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (aac == nullptr) return absl::UnavailableError("segmenter: this FFmpeg has no AAC encoder");
  audio_enc_.reset(avcodec_alloc_context3(aac));
  audio_enc_->sample_rate = 48000;
  audio_enc_->sample_fmt = AV_SAMPLE_FMT_FLTP;
  av_channel_layout_default(&audio_enc_->ch_layout, 2);
  audio_enc_->bit_rate = int64_t{options_.ladder.front().audio_kbps} * 1000;
  audio_enc_->time_base = {1, 48000};
  int ret = avcodec_open2(audio_enc_.get(), aac, nullptr);
  if (ret < 0) return AvFail("opening the AAC encoder", ret);
  audio_par_.reset(avcodec_parameters_alloc());
  avcodec_parameters_from_context(audio_par_.get(), audio_enc_.get());
  SwrContext* swr = nullptr;
  ret = swr_alloc_set_opts2(&swr, &audio_enc_->ch_layout, audio_enc_->sample_fmt, 48000,
                            &audio_dec_->ch_layout, audio_dec_->sample_fmt, audio_dec_->sample_rate,
                            0, nullptr);
  if (ret < 0 || swr_init(swr) < 0) {
    swr_free(&swr);
    return absl::InvalidArgumentError("segmenter: cannot resample the input's audio");
  }
  resampler_.reset(swr);
  fifo_.reset(av_audio_fifo_alloc(audio_enc_->sample_fmt, 2, audio_enc_->frame_size * 4));
  return absl::OkStatus();
}

absl::Status Ladder::Setup() {
  absl::StatusOr<CodecPtr> dec = OpenDecoder(*in_->streams[video_]);
  if (!dec.ok()) return dec.status();
  video_dec_ = std::move(*dec);
  if (audio_ >= 0) {
    if (absl::Status st = SetupAudio(); !st.ok()) return st;
  }
  const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
  if (x264 == nullptr) return absl::UnavailableError("segmenter: this FFmpeg has no libx264");
  const AVRational rate = av_guess_frame_rate(in_, in_->streams[video_], nullptr);
  const AVRational tb = in_->streams[video_]->time_base;
  for (const LadderRung& spec : options_.ladder) {
    if (!IsValidName(spec.name) || spec.width <= 0 || spec.height <= 0 || spec.video_kbps <= 0 ||
        spec.width % 2 != 0 || spec.height % 2 != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("segmenter: ladder rung \"", spec.name,
                       "\" needs a valid name, an even size and a bitrate"));
    }
    Rung rung;
    rung.spec = spec;
    rung.encoder.reset(avcodec_alloc_context3(x264));
    AVCodecContext* enc = rung.encoder.get();
    enc->width = spec.width;
    enc->height = spec.height;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->time_base = tb;
    enc->framerate = rate;
    enc->bit_rate = int64_t{spec.video_kbps} * 1000;
    enc->rc_max_rate = enc->bit_rate * 3 / 2;
    enc->rc_buffer_size = static_cast<int>(enc->bit_rate * 2);
    enc->gop_size = 600;  // keyframes come from the segment boundaries, not the encoder
    enc->thread_count = options_.encoder_threads;
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "preset", options_.x264_preset.c_str(), 0);
    av_dict_set(&opts, "forced-idr", "1", 0);
    av_dict_set(&opts, "x264-params", "scenecut=0", 0);
    const int ret = avcodec_open2(enc, x264, &opts);
    av_dict_free(&opts);
    if (ret < 0) return AvFail(absl::StrCat("opening libx264 for ", spec.name), ret);
    rung.video_par.reset(avcodec_parameters_alloc());
    avcodec_parameters_from_context(rung.video_par.get(), enc);
    std::vector<OutputStreamSpec> specs = {{rung.video_par.get(), enc->time_base}};
    if (audio_par_) specs.push_back({audio_par_.get(), audio_enc_->time_base});
    rung.writer =
        std::make_unique<TsSegmentWriter>(specs, 0, options_.target_duration_s, options_.format);
    rungs_.push_back(std::move(rung));
  }
  return absl::OkStatus();
}

absl::Status Ladder::Encode(Rung& rung, AVFrame* frame) {
  int ret = avcodec_send_frame(rung.encoder.get(), frame);
  if (ret < 0) return AvFail("encoding video", ret);
  PacketPtr packet(av_packet_alloc());
  for (;;) {
    ret = avcodec_receive_packet(rung.encoder.get(), packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0) return AvFail("encoding video", ret);
    packet->stream_index = 0;
    if (absl::Status st = rung.writer->Write(packet.get()); !st.ok()) return st;
  }
}

absl::Status Ladder::OnVideoFrame(AVFrame* frame) {
  ++frames_;
  frame->pts = frame->best_effort_timestamp;
  const AVRational tb = in_->streams[video_]->time_base;
  const int64_t t_us = av_rescale_q(frame->pts, tb, AV_TIME_BASE_Q);
  const int64_t target_us = static_cast<int64_t>(options_.target_duration_s * 1e6);
  bool key = false;
  if (next_key_us_ == AV_NOPTS_VALUE || t_us >= next_key_us_ - 1000) {
    key = true;
    next_key_us_ = (next_key_us_ == AV_NOPTS_VALUE ? t_us : next_key_us_) + target_us;
  }
  // Rungs are independent (own scaler, encoder and writer), so they scale and encode in parallel;
  // the frame is only read. Joined before the next frame, so packet order per rung is unchanged.
  std::vector<absl::Status> results(rungs_.size());
  std::vector<std::thread> workers;
  for (size_t i = 1; i < rungs_.size(); ++i) {
    workers.emplace_back([&, i] { results[i] = ScaleAndEncode(rungs_[i], frame, key); });
  }
  results[0] = ScaleAndEncode(rungs_[0], frame, key);
  for (std::thread& t : workers)
    t.join();
  for (const absl::Status& st : results) {
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status Ladder::ScaleAndEncode(Rung& rung, const AVFrame* frame, bool key) {
  AVCodecContext* enc = rung.encoder.get();
  rung.scaler.reset(sws_getCachedContext(
      rung.scaler.release(), frame->width, frame->height, static_cast<AVPixelFormat>(frame->format),
      enc->width, enc->height, enc->pix_fmt, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!rung.scaler) return absl::InvalidArgumentError("segmenter: cannot scale the input video");
  FramePtr scaled(av_frame_alloc());
  scaled->format = enc->pix_fmt;
  scaled->width = enc->width;
  scaled->height = enc->height;
  int ret = av_frame_get_buffer(scaled.get(), 0);
  if (ret < 0) return AvFail("allocating a frame", ret);
  sws_scale(rung.scaler.get(), frame->data, frame->linesize, 0, frame->height, scaled->data,
            scaled->linesize);
  scaled->pts = frame->pts;
  scaled->pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  return Encode(rung, scaled.get());
}

absl::Status Ladder::EncodeAudio(AVFrame* frame) {
  int ret = avcodec_send_frame(audio_enc_.get(), frame);
  if (ret < 0) return AvFail("encoding audio", ret);
  PacketPtr packet(av_packet_alloc());
  for (;;) {
    ret = avcodec_receive_packet(audio_enc_.get(), packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0) return AvFail("encoding audio", ret);
    packet->stream_index = 1;
    for (Rung& rung : rungs_) {
      PacketPtr copy(av_packet_clone(packet.get()));
      if (absl::Status st = rung.writer->Write(copy.get()); !st.ok()) return st;
    }
    av_packet_unref(packet.get());
  }
}

absl::Status Ladder::OnAudioFrame(AVFrame* frame) {
  if (audio_next_pts_ == AV_NOPTS_VALUE) {
    const int64_t pts = frame != nullptr && frame->best_effort_timestamp != AV_NOPTS_VALUE
                            ? frame->best_effort_timestamp
                            : 0;
    audio_next_pts_ = av_rescale_q(pts, in_->streams[audio_]->time_base, {1, 48000});
  }
  if (frame != nullptr) {
    FramePtr out(av_frame_alloc());
    out->format = audio_enc_->sample_fmt;
    out->sample_rate = 48000;
    av_channel_layout_copy(&out->ch_layout, &audio_enc_->ch_layout);
    int ret = swr_convert_frame(resampler_.get(), out.get(), frame);
    if (ret < 0) return AvFail("resampling audio", ret);
    av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(out->data), out->nb_samples);
  }
  const int size = audio_enc_->frame_size;
  while (av_audio_fifo_size(fifo_.get()) >= size ||
         (frame == nullptr && av_audio_fifo_size(fifo_.get()) > 0)) {
    FramePtr chunk(av_frame_alloc());
    chunk->nb_samples = size;
    chunk->format = audio_enc_->sample_fmt;
    chunk->sample_rate = 48000;
    av_channel_layout_copy(&chunk->ch_layout, &audio_enc_->ch_layout);
    int ret = av_frame_get_buffer(chunk.get(), 0);
    if (ret < 0) return AvFail("allocating audio", ret);
    av_samples_set_silence(chunk->data, 0, size, 2, audio_enc_->sample_fmt);
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(chunk->data), size);
    chunk->pts = audio_next_pts_;
    audio_next_pts_ += size;
    if (absl::Status st = EncodeAudio(chunk.get()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

// Sends `packet` (nullptr: flush) to the decoder and handles every frame that comes out.
absl::Status Ladder::Drain(AVCodecContext* dec, bool is_video, const AVPacket* packet) {
  int ret = avcodec_send_packet(dec, packet);
  if (ret < 0 && ret != AVERROR_EOF) {
    return absl::DataLossError(
        absl::StrCat("segmenter: the input does not decode: ", AvError(ret)));
  }
  FramePtr frame(av_frame_alloc());
  for (;;) {
    ret = avcodec_receive_frame(dec, frame.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0) {
      return absl::DataLossError(
          absl::StrCat("segmenter: the input does not decode: ", AvError(ret)));
    }
    if ((frame->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame->decode_error_flags != 0) {
      return absl::DataLossError("segmenter: the input has a corrupt frame");
    }
    absl::Status st = is_video ? OnVideoFrame(frame.get()) : OnAudioFrame(frame.get());
    av_frame_unref(frame.get());
    if (!st.ok()) return st;
  }
}

absl::StatusOr<SegmentedStream> Ladder::Run(const std::string& input) {
  if (absl::Status st = Setup(); !st.ok()) return st;
  PacketPtr packet(av_packet_alloc());
  double first_s = -1, last_s = 0;
  for (;;) {
    const int ret = av_read_frame(in_, packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0)
      return absl::DataLossError(absl::StrCat("segmenter: reading ", input, ": ", AvError(ret)));
    if ((packet->flags & AV_PKT_FLAG_CORRUPT) != 0) {
      return absl::DataLossError(absl::StrCat("segmenter: ", input, " has a corrupt packet"));
    }
    absl::Status st;
    if (packet->stream_index == video_) {
      if (packet->pts != AV_NOPTS_VALUE) {
        const double t = packet->pts * av_q2d(in_->streams[video_]->time_base);
        if (first_s < 0) first_s = t;
        last_s = std::max(last_s, t + packet->duration * av_q2d(in_->streams[video_]->time_base));
      }
      st = Drain(video_dec_.get(), true, packet.get());
    } else if (packet->stream_index == audio_) {
      st = Drain(audio_dec_.get(), false, packet.get());
    }
    av_packet_unref(packet.get());
    if (!st.ok()) return st;
  }
  if (absl::Status st = CheckNotTruncated(*in_, first_s < 0 ? 0 : last_s - first_s, input);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = Drain(video_dec_.get(), true, nullptr); !st.ok()) return st;
  if (audio_dec_) {
    if (absl::Status st = Drain(audio_dec_.get(), false, nullptr); !st.ok()) return st;
    if (absl::Status st = OnAudioFrame(nullptr); !st.ok()) return st;
    if (absl::Status st = EncodeAudio(nullptr); !st.ok()) return st;
  }
  SegmentedStream stream;
  stream.frames = frames_;
  for (Rung& rung : rungs_) {
    if (absl::Status st = Encode(rung, nullptr); !st.ok()) return st;
    absl::StatusOr<std::vector<SegmentData>> segments = rung.writer->Finish();
    if (!segments.ok()) return segments.status();
    SegmentedRendition r;
    r.info.name = rung.spec.name;
    r.info.width = static_cast<uint32_t>(rung.spec.width);
    r.info.height = static_cast<uint32_t>(rung.spec.height);
    r.info.codecs = CodecString(*rung.video_par);
    if (audio_par_) r.info.codecs += ",mp4a.40.2";
    r.init = rung.writer->init();
    r.info.init_size = r.init.size();
    if (!r.init.empty()) r.info.init_hash = Blake2b256(r.init);
    r.segments = std::move(*segments);
    stream.renditions.push_back(std::move(r));
  }
  return stream;
}

}  // namespace

absl::StatusOr<SegmentedStream> TranscodeLadder(AVFormatContext* in, int video, int audio,
                                                const std::string& input,
                                                const SegmenterOptions& options) {
  Ladder ladder(in, video, audio, options);
  return ladder.Run(input);
}

}  // namespace theta::video::internal
