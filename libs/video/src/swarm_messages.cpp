#include "theta/video/swarm_messages.hpp"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/video/manifest.hpp"

namespace theta::video {
namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("swarm message: ", std::string(what)));
}

absl::StatusOr<uint64_t> Uint(RlpListReader& r) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, r.Next());
  return RlpUint64(item);
}

absl::StatusOr<Bytes> Blob(RlpListReader& r, size_t max, std::string_view field) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, r.Next());
  THETA_ASSIGN_OR_RETURN(ByteView bytes, RlpBytes(item));
  if (bytes.size() > max)
    return Invalid(absl::StrCat(std::string(field), " longer than ", max, " bytes"));
  return Bytes(bytes.begin(), bytes.end());
}

absl::StatusOr<std::string> Name(RlpListReader& r, std::string_view field) {
  THETA_ASSIGN_OR_RETURN(Bytes bytes, Blob(r, kMaxNameLength, field));
  std::string name = ToString(bytes);
  if (!IsValidName(name)) return Invalid(absl::StrCat(std::string(field), " is not a valid name"));
  return name;
}

absl::StatusOr<SwarmMessage> DecodeBody(uint64_t type, RlpListReader& r) {
  switch (type) {
    case 1: {
      HaveMessage m;
      THETA_ASSIGN_OR_RETURN(m.stream_id, Name(r, "stream id"));
      THETA_ASSIGN_OR_RETURN(m.rendition, Name(r, "rendition"));
      THETA_ASSIGN_OR_RETURN(m.first_index, Uint(r));
      THETA_ASSIGN_OR_RETURN(m.bitfield, Blob(r, kMaxBitfieldBytes, "bitfield"));
      return m;
    }
    case 2: {
      RequestMessage m;
      THETA_ASSIGN_OR_RETURN(m.request_id, Uint(r));
      THETA_ASSIGN_OR_RETURN(m.stream_id, Name(r, "stream id"));
      THETA_ASSIGN_OR_RETURN(m.rendition, Name(r, "rendition"));
      THETA_ASSIGN_OR_RETURN(m.index, Uint(r));
      return m;
    }
    case 3: {
      ResponseMessage m;
      THETA_ASSIGN_OR_RETURN(m.request_id, Uint(r));
      THETA_ASSIGN_OR_RETURN(uint64_t code, Uint(r));
      if (code > 3) return Invalid(absl::StrCat("unknown response code ", code));
      m.code = static_cast<ResponseCode>(code);
      THETA_ASSIGN_OR_RETURN(m.data, Blob(r, kMaxSegmentDataBytes, "segment data"));
      if (m.code != ResponseCode::kOk && !m.data.empty()) return Invalid("a refusal carries data");
      return m;
    }
    case 4: {
      VoucherMessage m;
      THETA_ASSIGN_OR_RETURN(m.voucher, Blob(r, kMaxVoucherBytes, "voucher"));
      return m;
    }
    case 5: {
      TermsMessage m;
      THETA_ASSIGN_OR_RETURN(m.terms, Blob(r, kMaxTermsBytes, "terms"));
      return m;
    }
    default:
      return Invalid(absl::StrCat("unknown type ", type));
  }
}

}  // namespace

bool HaveMessage::Has(uint64_t index) const {
  if (index < first_index) return false;
  const uint64_t offset = index - first_index;
  if (offset / 8 >= bitfield.size()) return false;
  return (bitfield[offset / 8] & (0x80 >> (offset % 8))) != 0;
}

void SetBit(Bytes& bitfield, uint64_t offset) {
  if (offset / 8 >= bitfield.size()) bitfield.resize(offset / 8 + 1, 0);
  bitfield[offset / 8] |= static_cast<uint8_t>(0x80 >> (offset % 8));
}

Bytes EncodeSwarmMessage(const SwarmMessage& message) {
  RlpWriter w;
  w.BeginList();
  if (const auto* have = std::get_if<HaveMessage>(&message)) {
    w.AddUint(1).AddString(have->stream_id).AddString(have->rendition).AddUint(have->first_index);
    w.AddBytes(have->bitfield);
  } else if (const auto* req = std::get_if<RequestMessage>(&message)) {
    w.AddUint(2).AddUint(req->request_id).AddString(req->stream_id).AddString(req->rendition);
    w.AddUint(req->index);
  } else if (const auto* resp = std::get_if<ResponseMessage>(&message)) {
    w.AddUint(3).AddUint(resp->request_id).AddUint(static_cast<uint64_t>(resp->code));
    w.AddBytes(resp->data);
  } else if (const auto* voucher = std::get_if<VoucherMessage>(&message)) {
    w.AddUint(4).AddBytes(voucher->voucher);
  } else {
    w.AddUint(5).AddBytes(std::get<TermsMessage>(message).terms);
  }
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<SwarmMessage> DecodeSwarmMessage(ByteView payload) {
  absl::StatusOr<RlpItem> top = DecodeRlp(payload, RlpLimits{.max_depth = 2});
  if (!top.ok()) return Invalid(std::string(top.status().message()));
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(*top);
  if (!reader.ok()) return Invalid("not a list");
  absl::StatusOr<uint64_t> type = Uint(*reader);
  if (!type.ok()) return Invalid(std::string(type.status().message()));
  absl::StatusOr<SwarmMessage> message = DecodeBody(*type, *reader);
  if (!message.ok()) {
    if (absl::StartsWith(message.status().message(), "swarm message:")) return message.status();
    return Invalid(std::string(message.status().message()));
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return Invalid("trailing fields");
  return message;
}

}  // namespace theta::video
