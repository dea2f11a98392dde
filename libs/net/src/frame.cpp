#include "theta/net/frame.hpp"

#include <cassert>
#include <string>

#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::net {

void AppendFrame(Bytes& out, ByteView body) {
  assert(body.size() <= kMaxFrameSize);
  const auto n = static_cast<uint32_t>(body.size());
  out.push_back(static_cast<uint8_t>(n >> 24));
  out.push_back(static_cast<uint8_t>(n >> 16));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), body.begin(), body.end());
}

Bytes EncodeFrame(ByteView body) {
  Bytes out;
  out.reserve(kFrameHeaderSize + body.size());
  AppendFrame(out, body);
  return out;
}

void FrameDecoder::Feed(ByteView data) {
  if (!error_.ok()) return;
  // Drop consumed bytes before growing, so the buffer stays near one frame in size.
  if (read_pos_ > 0 && read_pos_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(read_pos_));
    read_pos_ = 0;
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
}

absl::StatusOr<std::optional<Bytes>> FrameDecoder::Next() {
  if (!error_.ok()) return error_;
  if (buffered() < kFrameHeaderSize) return std::nullopt;
  const uint8_t* p = buffer_.data() + read_pos_;
  const size_t size = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
  if (size > max_body_size_) {
    error_ = absl::ResourceExhaustedError("frame of " + std::to_string(size) +
                                          " bytes exceeds the maximum of " +
                                          std::to_string(max_body_size_));
    return error_;
  }
  if (buffered() - kFrameHeaderSize < size) return std::nullopt;
  const auto begin = buffer_.begin() + static_cast<ptrdiff_t>(read_pos_ + kFrameHeaderSize);
  Bytes body(begin, begin + static_cast<ptrdiff_t>(size));
  read_pos_ += kFrameHeaderSize + size;
  if (read_pos_ == buffer_.size()) {
    buffer_.clear();
    read_pos_ = 0;
  }
  return std::optional<Bytes>(std::move(body));
}

Bytes EncodeMessage(uint32_t channel, ByteView payload) {
  RlpWriter writer;
  writer.BeginList().AddUint(channel).AddBytes(payload).EndList();
  return std::move(writer).Finish();
}

absl::StatusOr<Message> DecodeMessage(ByteView plaintext) {
  auto fail = [](const absl::Status& st) {
    return absl::InvalidArgumentError("message: " + std::string(st.message()));
  };
  absl::StatusOr<RlpItem> item = DecodeRlp(plaintext, RlpLimits{.max_depth = 2});
  if (!item.ok()) return fail(item.status());
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(*item);
  if (!reader.ok()) return fail(reader.status());
  absl::StatusOr<RlpItem> channel_item = reader->Next();
  if (!channel_item.ok()) return fail(channel_item.status());
  absl::StatusOr<uint64_t> channel = RlpUint64(*channel_item);
  if (!channel.ok()) return fail(channel.status());
  if (*channel > 0xffffffffu) {
    return absl::InvalidArgumentError("message: channel " + std::to_string(*channel) +
                                      " does not fit in 32 bits");
  }
  absl::StatusOr<RlpItem> payload_item = reader->Next();
  if (!payload_item.ok()) return fail(payload_item.status());
  absl::StatusOr<ByteView> payload = RlpBytes(*payload_item);
  if (!payload.ok()) return fail(payload.status());
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return fail(st);
  return Message{static_cast<uint32_t>(*channel), Bytes(payload->begin(), payload->end())};
}

}  // namespace theta::net
