// The swarm protocol's messages, carried on theta-net channel kVideoChannel.
//
// Each payload is one RLP list whose first item is the message type:
//   Have     [1, stream_id, rendition, first_index, bitfield]   what the sender holds (replaces the
//            previous Have for that rendition); bit i (most significant bit first) is segment
//            first_index + i; at most 8192 bytes (65536 segments)
//   Request  [2, request_id, stream_id, rendition, index]
//   Response [3, request_id, code, data]   code 0 ok (data = the segment), 1 not found, 2 busy
//            (per-peer limit hit), 3 payment required (the payment hook refused)
//   Voucher  [4, voucher]                  opaque service-payment voucher for the payment hook
//   Terms    [5, terms]                    opaque payment terms of the sender (what it charges and
//            whom to pay), sent by an edge to each peer on connect for the viewer's voucher source
// Decoding is strict: canonical RLP, exact field counts, names valid per IsValidName, bounded
// sizes; anything else is InvalidArgument (and costs the sending peer score).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta::video {

inline constexpr uint32_t kVideoChannel = 20;
inline constexpr size_t kMaxBitfieldBytes = 8192;
inline constexpr size_t kMaxVoucherBytes = 4096;
inline constexpr size_t kMaxTermsBytes = 1024;
inline constexpr size_t kMaxSegmentDataBytes = 64ull << 20;

struct HaveMessage {
  std::string stream_id;
  std::string rendition;
  uint64_t first_index = 0;
  Bytes bitfield;

  bool Has(uint64_t index) const;
  friend bool operator==(const HaveMessage&, const HaveMessage&) = default;
};

struct RequestMessage {
  uint64_t request_id = 0;
  std::string stream_id;
  std::string rendition;
  uint64_t index = 0;
  friend bool operator==(const RequestMessage&, const RequestMessage&) = default;
};

enum class ResponseCode : uint8_t { kOk = 0, kNotFound = 1, kBusy = 2, kPaymentRequired = 3 };

struct ResponseMessage {
  uint64_t request_id = 0;
  ResponseCode code = ResponseCode::kOk;
  Bytes data;
  friend bool operator==(const ResponseMessage&, const ResponseMessage&) = default;
};

struct VoucherMessage {
  Bytes voucher;
  friend bool operator==(const VoucherMessage&, const VoucherMessage&) = default;
};

struct TermsMessage {
  Bytes terms;
  friend bool operator==(const TermsMessage&, const TermsMessage&) = default;
};

using SwarmMessage =
    std::variant<HaveMessage, RequestMessage, ResponseMessage, VoucherMessage, TermsMessage>;

// Sets bit `offset` of a bitfield, growing it as needed.
void SetBit(Bytes& bitfield, uint64_t offset);

Bytes EncodeSwarmMessage(const SwarmMessage& message);
absl::StatusOr<SwarmMessage> DecodeSwarmMessage(ByteView payload);

}  // namespace theta::video
