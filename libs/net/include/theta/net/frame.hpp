// Framing and the message envelope of the peer transport.
//
// On the wire every frame is a 4-byte big-endian length followed by that many bytes (after the
// handshake, the bytes are one secretstream ciphertext). A FrameDecoder cuts a byte stream into
// frames and refuses, before buffering it, any frame whose announced length exceeds its limit, so a
// peer can never make us allocate more than the limit. Inside a decrypted frame a message is the
// RLP list [channel, payload]: the channel picks the handler, the payload is opaque to the
// transport (callers put RLP there). Everything here is thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta::net {

inline constexpr size_t kFrameHeaderSize = 4;
inline constexpr size_t kMaxFrameSize = 0xffffffffu;
// The most bytes EncodeMessage adds around a payload (RLP list header, channel, string header).
inline constexpr size_t kMessageOverhead = 16;

// Appends the frame carrying `body` to `out`. `body` must be at most kMaxFrameSize bytes (asserts).
void AppendFrame(Bytes& out, ByteView body);
Bytes EncodeFrame(ByteView body);

// Splits a received byte stream into frame bodies.
class FrameDecoder {
 public:
  // Frames whose body is longer than `max_body_size` are refused.
  explicit FrameDecoder(size_t max_body_size) : max_body_size_(max_body_size) {}

  // Appends bytes as they arrive from the socket.
  void Feed(ByteView data);

  // The next complete frame body, or nullopt when more bytes are needed. ResourceExhausted ("frame
  // of N bytes exceeds the maximum of M") as soon as a header announces an oversize body; the
  // decoder then stays failed and returns that error on every later call.
  absl::StatusOr<std::optional<Bytes>> Next();

  // Bytes received but not yet returned as frames.
  size_t buffered() const noexcept { return buffer_.size() - read_pos_; }

 private:
  size_t max_body_size_;
  Bytes buffer_;
  size_t read_pos_ = 0;
  absl::Status error_;
};

struct Message {
  uint32_t channel = 0;
  Bytes payload;

  friend bool operator==(const Message&, const Message&) = default;
};

// The RLP list [channel, payload].
Bytes EncodeMessage(uint32_t channel, ByteView payload);

// Parses the envelope. InvalidArgument when the bytes are not canonical RLP, not a list of exactly
// a channel (an integer of at most 4 bytes) and a byte-string payload.
absl::StatusOr<Message> DecodeMessage(ByteView plaintext);

}  // namespace theta::net
