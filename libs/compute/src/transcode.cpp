// Decode -> scale -> encode in memory. libavformat reads the input through a custom AVIOContext
// over the caller's bytes and writes MPEG-TS through another into a growing buffer, so nothing
// touches the file system.
#include "theta/compute/transcode.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include "absl/strings/str_cat.h"
#include "frame_queue.hpp"
#include "plane_scaler.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

constexpr int kIoBufferBytes = 64 * 1024;
// The demuxers a transcode job may use (libavformat names; "mov" is MP4 and QuickTime, "matroska"
// also WebM, "mpeg" is the program stream).
constexpr char kInputFormats[] = "mov,matroska,mpegts,mpeg,flv,avi,ivf,nut,h264,hevc";

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

absl::Status AvFail(std::string_view what, int code) {
  return absl::InternalError(
      absl::StrCat("transcode: ", std::string(what), " failed: ", AvError(code)));
}

struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct IoFree {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFree>;
using internal::FramePtr;
using internal::FrameQueue;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using IoPtr = std::unique_ptr<AVIOContext, IoFree>;

// The input bytes as a seekable stream.
struct MemoryInput {
  std::span<const uint8_t> bytes;
  int64_t pos = 0;

  static int Read(void* opaque, uint8_t* buf, int size) {
    auto* in = static_cast<MemoryInput*>(opaque);
    const int64_t left = static_cast<int64_t>(in->bytes.size()) - in->pos;
    if (left <= 0) return AVERROR_EOF;
    const int n = static_cast<int>(std::min<int64_t>(left, size));
    std::memcpy(buf, in->bytes.data() + in->pos, n);
    in->pos += n;
    return n;
  }

  static int64_t Seek(void* opaque, int64_t offset, int whence) {
    auto* in = static_cast<MemoryInput*>(opaque);
    const auto size = static_cast<int64_t>(in->bytes.size());
    int64_t target = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case AVSEEK_SIZE:
        return size;
      case SEEK_SET:
        target = offset;
        break;
      case SEEK_CUR:
        target = in->pos + offset;
        break;
      case SEEK_END:
        target = size + offset;
        break;
      default:
        return AVERROR(EINVAL);
    }
    if (target < 0 || target > size) return AVERROR(EINVAL);
    in->pos = target;
    return target;
  }
};

// The output: appends until the limit, then refuses (the muxer reports the error, Run names it).
struct MemoryOutput {
  Bytes bytes;
  uint64_t limit = 0;
  bool over_limit = false;

#if LIBAVFORMAT_VERSION_MAJOR >= 61
  static int Write(void* opaque, const uint8_t* buf, int size){
#else
  static int Write(void* opaque, uint8_t* buf, int size) {
#endif
      auto* out = static_cast<MemoryOutput*>(opaque);
  if (out->bytes.size() + static_cast<uint64_t>(size) > out->limit) {
    out->over_limit = true;
    return AVERROR(ENOSPC);
  }
  out->bytes.insert(out->bytes.end(), buf, buf + size);
  return size;
}
};  // namespace

absl::StatusOr<IoPtr> NewIo(void* opaque, bool write) {
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr) return absl::ResourceExhaustedError("transcode: out of memory");
  AVIOContext* io = write ? avio_alloc_context(buffer, kIoBufferBytes, 1, opaque, nullptr,
                                               &MemoryOutput::Write, nullptr)
                          : avio_alloc_context(buffer, kIoBufferBytes, 0, opaque,
                                               &MemoryInput::Read, nullptr, &MemoryInput::Seek);
  if (io == nullptr) {
    av_free(buffer);
    return absl::ResourceExhaustedError("transcode: out of memory");
  }
  return IoPtr(io);
}

absl::Status CheckSide(const char* what, int width, int height) {
  if (width <= 0 || height <= 0 || width > int{kMaxTranscodeSide} ||
      height > int{kMaxTranscodeSide}) {
    return absl::ResourceExhaustedError(absl::StrCat("transcode: ", what, " of ", width, "x",
                                                     height, " is outside 1..", kMaxTranscodeSide,
                                                     " on a side"));
  }
  return absl::OkStatus();
}

// Copies one plane of `frame` into a packed buffer, resizes it with the backend and copies it into
// `out`'s plane.
absl::Status ResizePlane(Backend& backend, const AVFrame& frame, int plane, ImageSize src,
                         AVFrame& out, ImageSize dst) {
  std::vector<uint8_t> packed(size_t{src.width} * src.height);
  for (uint32_t y = 0; y < src.height; ++y) {
    std::memcpy(packed.data() + size_t{y} * src.width,
                frame.data[plane] + int64_t{y} * frame.linesize[plane], src.width);
  }
  std::vector<uint8_t> resized(size_t{dst.width} * dst.height);
  THETA_RETURN_IF_ERROR(backend.ResizeBilinear(src, 1, packed, dst, resized));
  for (uint32_t y = 0; y < dst.height; ++y) {
    std::memcpy(out.data[plane] + int64_t{y} * out.linesize[plane],
                resized.data() + size_t{y} * dst.width, dst.width);
  }
  return absl::OkStatus();
}

class Transcoder {
 public:
  explicit Transcoder(const TranscodeOptions& options) : options_(options) {}
  ~Transcoder() {
    if (in_ != nullptr) avformat_close_input(&in_);  // before in_io_, which it reads through
    if (out_ != nullptr) avformat_free_context(out_);
  }

  absl::StatusOr<TranscodeResult> Run(std::span<const uint8_t> input);

 private:
  absl::Status OpenInput(std::span<const uint8_t> input);
  absl::Status OpenEncoder();
  absl::Status OpenMuxer();
  absl::Status Decode(const AVPacket* packet);  // null flushes
  absl::Status OnFrame(AVFrame* frame);         // on the decoding thread: checks, then queues
  void EncodeLoop();                            // the scaling and encoding thread
  absl::Status ScaleAndEncode(AVFrame* frame);
  absl::Status Scale(const AVFrame& frame, AVFrame& out);
  absl::StatusOr<const AVFrame*> AsYuv420(const AVFrame& frame);
  absl::Status PrepareSws(const AVFrame& frame);
  absl::Status Encode(const AVFrame* frame);  // null flushes
  absl::Status MuxError(std::string_view what, int code) const;

  const TranscodeOptions& options_;
  MemoryInput input_;
  MemoryOutput output_;
  IoPtr in_io_;
  IoPtr out_io_;
  AVFormatContext* in_ = nullptr;
  AVFormatContext* out_ = nullptr;
  int stream_ = -1;
  CodecPtr decoder_;
  CodecPtr encoder_;
  std::unique_ptr<SwsContext, SwsFree> sws_;
  std::array<int, 3> sws_key_ = {0, 0, 0};        // width, height, format sws_ was made for
  std::unique_ptr<SwsContext, SwsFree> convert_;  // to 4:2:0 at the source size, for the kernels
  FramePtr yuv_;  // the source converted to YUV 4:2:0 for the kernel scalers
  std::unique_ptr<internal::PlaneScaler> plane_scaler_;
  FramePtr scaled_;
  uint32_t frames_ = 0;
  int64_t last_pts_ = -1;
  FrameQueue queue_;
};

absl::Status Transcoder::OpenInput(std::span<const uint8_t> input) {
  input_.bytes = input;
  THETA_ASSIGN_OR_RETURN(in_io_, NewIo(&input_, false));
  in_ = avformat_alloc_context();
  if (in_ == nullptr) return absl::ResourceExhaustedError("transcode: out of memory");
  in_->pb = in_io_.get();
  in_->flags |= AVFMT_FLAG_CUSTOM_IO;
  // Only plain containers, and no protocols at all: a playlist or concat script among the input
  // bytes could otherwise make libavformat open files or URLs on the worker.
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "format_whitelist", kInputFormats, 0);
  av_dict_set(&opts, "protocol_whitelist", "none", 0);
  int ret = avformat_open_input(&in_, nullptr, nullptr, &opts);  // frees in_ on failure
  av_dict_free(&opts);
  if (ret < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("transcode: the input is not a readable video container: ", AvError(ret)));
  }
  if ((ret = avformat_find_stream_info(in_, nullptr)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("transcode: cannot read the input's streams: ", AvError(ret)));
  }
  const AVCodec* codec = nullptr;
  stream_ = av_find_best_stream(in_, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream_ < 0 || codec == nullptr) {
    return absl::InvalidArgumentError("transcode: the input has no video stream it can decode");
  }
  const AVStream* st = in_->streams[stream_];
  THETA_RETURN_IF_ERROR(CheckSide("the source", st->codecpar->width, st->codecpar->height));
  if (st->nb_frames > int64_t{options_.max_frames}) {
    return absl::ResourceExhaustedError(absl::StrCat("transcode: the input has ", st->nb_frames,
                                                     " frames, over max_frames ",
                                                     options_.max_frames));
  }
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_) return absl::ResourceExhaustedError("transcode: out of memory");
  if ((ret = avcodec_parameters_to_context(decoder_.get(), st->codecpar)) < 0) {
    return AvFail("reading the decoder parameters", ret);
  }
  decoder_->pkt_timebase = st->time_base;
  decoder_->thread_count = 0;  // decoder threads do not change the decoded pixels
  if ((ret = avcodec_open2(decoder_.get(), codec, nullptr)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("transcode: cannot open the input's decoder: ", AvError(ret)));
  }
  return absl::OkStatus();
}

absl::Status Transcoder::OpenEncoder() {
  const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
  if (x264 == nullptr) return absl::UnavailableError("transcode: this FFmpeg has no libx264");
  encoder_.reset(avcodec_alloc_context3(x264));
  if (!encoder_) return absl::ResourceExhaustedError("transcode: out of memory");
  AVCodecContext* enc = encoder_.get();
  const AVStream* st = in_->streams[stream_];
  enc->width = static_cast<int>(options_.dst_width);
  enc->height = static_cast<int>(options_.dst_height);
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = st->time_base;
  enc->framerate = av_guess_frame_rate(in_, const_cast<AVStream*>(st), nullptr);
  enc->sample_aspect_ratio = st->codecpar->sample_aspect_ratio;
  enc->thread_count = kTranscodeEncoderThreads;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", options_.preset.c_str(), 0);
  av_dict_set(&opts, "x264-params", "log=-1", 0);  // a worker has no use for x264's summary
  if (options_.bitrate_kbps > 0) {
    enc->bit_rate = int64_t{options_.bitrate_kbps} * 1000;
  } else {
    av_dict_set(&opts, "crf", std::to_string(options_.crf).c_str(), 0);
  }
  const int ret = avcodec_open2(enc, x264, &opts);
  av_dict_free(&opts);
  if (ret < 0) return AvFail("opening libx264", ret);
  return absl::OkStatus();
}

absl::Status Transcoder::OpenMuxer() {
  output_.limit = options_.max_output_bytes;
  int ret = avformat_alloc_output_context2(&out_, nullptr, "mpegts", nullptr);
  if (ret < 0 || out_ == nullptr) return AvFail("creating the MPEG-TS muxer", ret);
  THETA_ASSIGN_OR_RETURN(out_io_, NewIo(&output_, true));
  out_->pb = out_io_.get();
  out_->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVStream* st = avformat_new_stream(out_, nullptr);
  if (st == nullptr) return absl::ResourceExhaustedError("transcode: out of memory");
  if ((ret = avcodec_parameters_from_context(st->codecpar, encoder_.get())) < 0) {
    return AvFail("setting the output stream", ret);
  }
  st->time_base = encoder_->time_base;
  if ((ret = avformat_write_header(out_, nullptr)) < 0) return MuxError("writing the header", ret);
  return absl::OkStatus();
}

absl::Status Transcoder::MuxError(std::string_view what, int code) const {
  if (output_.over_limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("transcode: the output exceeds max_output_bytes ", options_.max_output_bytes));
  }
  return AvFail(what, code);
}

// A libswscale context for `frame`'s size and format, made again only when they change. It scales
// in slices on as many threads as there are cores, as ffmpeg's scale filter does.
absl::Status Transcoder::PrepareSws(const AVFrame& frame) {
  if (sws_ && sws_key_[0] == frame.width && sws_key_[1] == frame.height &&
      sws_key_[2] == frame.format) {
    return absl::OkStatus();
  }
  sws_.reset(sws_alloc_context());
  if (!sws_) return absl::ResourceExhaustedError("transcode: out of memory");
  SwsContext* sws = sws_.get();
  av_opt_set_int(sws, "srcw", frame.width, 0);
  av_opt_set_int(sws, "srch", frame.height, 0);
  av_opt_set_int(sws, "src_format", frame.format, 0);
  av_opt_set_int(sws, "dstw", options_.dst_width, 0);
  av_opt_set_int(sws, "dsth", options_.dst_height, 0);
  av_opt_set_int(sws, "dst_format", AV_PIX_FMT_YUV420P, 0);
  av_opt_set_int(sws, "sws_flags", SWS_BILINEAR, 0);
  av_opt_set_int(sws, "threads", 0, 0);  // one per core
  if (sws_init_context(sws, nullptr, nullptr) < 0) {
    sws_.reset();
    return absl::InvalidArgumentError("transcode: cannot scale the input's pixels");
  }
  sws_key_ = {frame.width, frame.height, frame.format};
  return absl::OkStatus();
}

absl::StatusOr<const AVFrame*> Transcoder::AsYuv420(const AVFrame& frame) {
  if (frame.format == AV_PIX_FMT_YUV420P) return &frame;
  // Other pixel formats become 4:2:0 at their own size first; the kernel scales planes.
  convert_.reset(sws_getCachedContext(
      convert_.release(), frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
      frame.width, frame.height, AV_PIX_FMT_YUV420P, SWS_POINT, nullptr, nullptr, nullptr));
  if (!convert_) return absl::InvalidArgumentError("transcode: cannot convert the input's pixels");
  yuv_.reset(av_frame_alloc());
  yuv_->format = AV_PIX_FMT_YUV420P;
  yuv_->width = frame.width;
  yuv_->height = frame.height;
  const int ret = av_frame_get_buffer(yuv_.get(), 0);
  if (ret < 0) return AvFail("allocating a frame", ret);
  sws_scale(convert_.get(), frame.data, frame.linesize, 0, frame.height, yuv_->data,
            yuv_->linesize);
  return yuv_.get();
}

absl::Status Transcoder::Scale(const AVFrame& frame, AVFrame& out) {
  const ImageSize dst{options_.dst_width, options_.dst_height};
  if (options_.scaler == nullptr && options_.scaler_device == nullptr) {
    THETA_RETURN_IF_ERROR(PrepareSws(frame));
    const int ret = sws_scale_frame(sws_.get(), &out, &frame);
    if (ret < 0) return AvFail("scaling", ret);
    return absl::OkStatus();
  }
  THETA_ASSIGN_OR_RETURN(const AVFrame* source, AsYuv420(frame));
  const ImageSize src{static_cast<uint32_t>(frame.width), static_cast<uint32_t>(frame.height)};
  if (options_.scaler_device != nullptr) {
    if (!plane_scaler_ || plane_scaler_->src_size().width != src.width ||
        plane_scaler_->src_size().height != src.height) {
      THETA_ASSIGN_OR_RETURN(plane_scaler_,
                             internal::PlaneScaler::Create(*options_.scaler_device, src, dst));
    }
    std::array<internal::PlaneView, 3> from, to;
    for (int p = 0; p < 3; ++p) {
      from[p] = {source->data[p], source->linesize[p]};
      to[p] = {out.data[p], out.linesize[p]};
    }
    return plane_scaler_->Scale(from, to);
  }
  const ImageSize src_chroma{(src.width + 1) / 2, (src.height + 1) / 2};
  const ImageSize dst_chroma{dst.width / 2, dst.height / 2};
  THETA_RETURN_IF_ERROR(ResizePlane(*options_.scaler, *source, 0, src, out, dst));
  THETA_RETURN_IF_ERROR(ResizePlane(*options_.scaler, *source, 1, src_chroma, out, dst_chroma));
  return ResizePlane(*options_.scaler, *source, 2, src_chroma, out, dst_chroma);
}

absl::Status Transcoder::OnFrame(AVFrame* frame) {
  if ((frame->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame->decode_error_flags != 0) {
    return absl::DataLossError(
        absl::StrCat("transcode: frame ", frames_, " of the input is corrupt"));
  }
  THETA_RETURN_IF_ERROR(CheckSide("a source frame", frame->width, frame->height));
  if (++frames_ > options_.max_frames) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "transcode: the input has more than max_frames ", options_.max_frames, " frames"));
  }
  const uint64_t per_frame =
      uint64_t(frame->width) * frame->height + uint64_t{options_.dst_width} * options_.dst_height;
  if (per_frame * frames_ > options_.max_work) {
    return absl::ResourceExhaustedError(absl::StrCat("transcode: ", frames_, " frames of ",
                                                     per_frame, " pixels exceed max_work ",
                                                     options_.max_work));
  }
  FramePtr queued(av_frame_clone(frame));  // a new reference, no copy of the pixels
  if (!queued) return absl::ResourceExhaustedError("transcode: out of memory");
  if (!queue_.Push(std::move(queued))) return queue_.status();
  return absl::OkStatus();
}

void Transcoder::EncodeLoop() {
  while (FramePtr frame = queue_.Pop()) {
    if (absl::Status status = ScaleAndEncode(frame.get()); !status.ok()) {
      queue_.Abort(std::move(status));
      return;
    }
  }
}

absl::Status Transcoder::ScaleAndEncode(AVFrame* frame) {
  // One destination frame for the whole run: the encoder copies what it keeps, so its reference
  // is gone by the next frame and make_writable only allocates if it is not.
  if (!scaled_) {
    scaled_.reset(av_frame_alloc());
    scaled_->format = AV_PIX_FMT_YUV420P;
    scaled_->width = static_cast<int>(options_.dst_width);
    scaled_->height = static_cast<int>(options_.dst_height);
    const int ret = av_frame_get_buffer(scaled_.get(), 0);
    if (ret < 0) return AvFail("allocating a frame", ret);
  }
  const int ret = av_frame_make_writable(scaled_.get());
  if (ret < 0) return AvFail("allocating a frame", ret);
  AVFrame* scaled = scaled_.get();
  THETA_RETURN_IF_ERROR(Scale(*frame, *scaled));
  // A frame without a timestamp follows the previous one.
  const int64_t pts = frame->best_effort_timestamp;
  scaled->pts = pts != AV_NOPTS_VALUE && pts > last_pts_ ? pts : last_pts_ + 1;
  last_pts_ = scaled->pts;
  return Encode(scaled);
}

absl::Status Transcoder::Decode(const AVPacket* packet) {
  int ret = avcodec_send_packet(decoder_.get(), packet);
  if (ret < 0 && ret != AVERROR_EOF) {
    return absl::DataLossError(absl::StrCat("transcode: the input does not decode after frame ",
                                            frames_, ": ", AvError(ret)));
  }
  FramePtr frame(av_frame_alloc());
  for (;;) {
    ret = avcodec_receive_frame(decoder_.get(), frame.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0) {
      return absl::DataLossError(absl::StrCat("transcode: the input does not decode after frame ",
                                              frames_, ": ", AvError(ret)));
    }
    absl::Status status = OnFrame(frame.get());
    av_frame_unref(frame.get());
    if (!status.ok()) return status;
  }
}

absl::Status Transcoder::Encode(const AVFrame* frame) {
  int ret = avcodec_send_frame(encoder_.get(), frame);
  if (ret < 0) return AvFail("encoding", ret);
  PacketPtr packet(av_packet_alloc());
  for (;;) {
    ret = avcodec_receive_packet(encoder_.get(), packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return absl::OkStatus();
    if (ret < 0) return AvFail("encoding", ret);
    packet->stream_index = 0;
    av_packet_rescale_ts(packet.get(), encoder_->time_base, out_->streams[0]->time_base);
    ret = av_interleaved_write_frame(out_, packet.get());  // takes the packet's reference
    if (ret < 0) return MuxError("writing a packet", ret);
  }
}

absl::StatusOr<TranscodeResult> Transcoder::Run(std::span<const uint8_t> input) {
  if (options_.dst_width < 2 || options_.dst_height < 2 || options_.dst_width % 2 != 0 ||
      options_.dst_height % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat("transcode: the destination ",
                                                   options_.dst_width, "x", options_.dst_height,
                                                   " must have even sides of at least 2"));
  }
  THETA_RETURN_IF_ERROR(CheckSide("the destination", static_cast<int>(options_.dst_width),
                                  static_cast<int>(options_.dst_height)));
  THETA_RETURN_IF_ERROR(OpenInput(input));
  THETA_RETURN_IF_ERROR(OpenEncoder());
  THETA_RETURN_IF_ERROR(OpenMuxer());
  // Scaling and encoding run on their own thread, beside demuxing and decoding on this one; on
  // any early return the guard stops that thread before the codecs are freed.
  std::thread encoder([this] { EncodeLoop(); });
  struct Joiner {
    FrameQueue& queue;
    std::thread& thread;
    ~Joiner() {
      queue.Abort(absl::CancelledError("transcode: stopped"));
      if (thread.joinable()) thread.join();
    }
  } joiner{queue_, encoder};
  PacketPtr packet(av_packet_alloc());
  for (;;) {
    const int ret = av_read_frame(in_, packet.get());
    if (ret == AVERROR_EOF) break;
    // Demuxers flag a packet cut short by the end of the data as corrupt.
    if (ret < 0 || (packet->flags & AV_PKT_FLAG_CORRUPT) != 0) {
      return absl::DataLossError(
          absl::StrCat("transcode: the input is truncated or corrupt after frame ", frames_,
                       ret < 0 ? absl::StrCat(": ", AvError(ret)) : std::string()));
    }
    absl::Status status = packet->stream_index == stream_ ? Decode(packet.get()) : absl::OkStatus();
    av_packet_unref(packet.get());
    if (!status.ok()) return status;
  }
  THETA_RETURN_IF_ERROR(Decode(nullptr));
  queue_.Close();
  encoder.join();
  THETA_RETURN_IF_ERROR(queue_.status());
  const int64_t announced = in_->streams[stream_]->nb_frames;
  if (frames_ == 0 || (announced > 0 && frames_ < announced)) {
    return absl::DataLossError(absl::StrCat("transcode: the input is truncated: decoded ", frames_,
                                            " of ", announced > 0 ? announced : 1, " frames"));
  }
  THETA_RETURN_IF_ERROR(Encode(nullptr));
  int ret = av_write_trailer(out_);
  if (ret < 0) return MuxError("writing the trailer", ret);
  avio_flush(out_->pb);
  if (output_.over_limit) return MuxError("flushing", 0);
  TranscodeResult result;
  result.output = std::move(output_.bytes);
  result.frames = frames_;
  result.src_width = static_cast<uint32_t>(decoder_->width);
  result.src_height = static_cast<uint32_t>(decoder_->height);
  return result;
}

}  // namespace theta::compute

absl::StatusOr<TranscodeResult> Transcode(std::span<const uint8_t> input,
                                          const TranscodeOptions& options) {
  Transcoder transcoder(options);
  return transcoder.Run(input);
}

}  // namespace theta::compute
