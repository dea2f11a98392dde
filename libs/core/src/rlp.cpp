#include "theta/core/rlp.hpp"

#include <cassert>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace theta {
namespace {

constexpr uint8_t kShortString = 0x80;
constexpr uint8_t kLongString = 0xb7;  // 0xb8.. : length of length follows
constexpr uint8_t kShortList = 0xc0;
constexpr uint8_t kLongList = 0xf7;  // 0xf8.. : length of length follows

// Number of bytes needed for `value` in big-endian without leading zeros.
int ByteLength(uint64_t value) noexcept {
  int n = 0;
  while (value != 0) {
    ++n;
    value >>= 8;
  }
  return n;
}

void PutBigEndian(uint8_t* out, uint64_t value, int length) noexcept {
  for (int i = length - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
}

void AppendHeader(Bytes& out, uint8_t short_base, uint64_t length) {
  if (length < 56) {
    out.push_back(static_cast<uint8_t>(short_base + length));
    return;
  }
  const int length_of_length = ByteLength(length);
  const size_t at = out.size();
  out.resize(at + 1 + length_of_length);
  out[at] = static_cast<uint8_t>(short_base + 55 + length_of_length);
  PutBigEndian(&out[at + 1], length, length_of_length);
}

absl::Status Error(size_t offset, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("rlp: ", what, " at offset ", offset));
}

// The header of one item at the start of `input` (which begins at `base` in the outermost input).
struct Header {
  bool is_list;
  size_t header_size;
  size_t payload_size;
};

absl::StatusOr<Header> ReadHeader(ByteView input, size_t base) {
  if (input.empty()) return Error(base, "unexpected end of input, an item was expected");
  const uint8_t prefix = input[0];
  if (prefix < kShortString) return Header{false, 0, 1};

  const bool is_list = prefix >= kShortList;
  const uint8_t short_base = is_list ? kShortList : kShortString;
  const uint8_t long_base = is_list ? kLongList : kLongString;
  Header h{is_list, 1, 0};
  if (prefix <= long_base) {
    h.payload_size = prefix - short_base;
    if (!is_list && h.payload_size == 1) {
      if (input.size() < 2) return Error(base, "string of 1 byte runs past the end of input");
      if (input[1] < kShortString) {
        return Error(base, absl::StrCat("single byte 0x", absl::Hex(input[1], absl::kZeroPad2),
                                        " must be encoded as itself, not as a 1-byte string"));
      }
    }
  } else {
    const size_t length_of_length = prefix - long_base;
    if (input.size() < 1 + length_of_length) {
      return Error(base, absl::StrCat("length of ", length_of_length, " bytes runs past the end of input"));
    }
    if (input[1] == 0) return Error(base, "length has a leading zero byte");
    if (length_of_length > sizeof(uint64_t)) {
      return Error(base, absl::StrCat("length of ", length_of_length, " bytes is too large"));
    }
    uint64_t length = 0;
    for (size_t i = 0; i < length_of_length; ++i) length = length << 8 | input[1 + i];
    if (length < 56) {
      return Error(base, absl::StrCat("long form used for a payload of ", length,
                                      " bytes (under 56 must use the short form)"));
    }
    h.header_size = 1 + length_of_length;
    if (length > input.size() - h.header_size) {
      return Error(base, absl::StrCat(is_list ? "list" : "string", " length ", length,
                                      " exceeds the ", input.size() - h.header_size,
                                      " bytes left"));
    }
    h.payload_size = static_cast<size_t>(length);
  }
  if (h.payload_size > input.size() - h.header_size) {
    return Error(base, absl::StrCat(is_list ? "list" : "string", " length ", h.payload_size,
                                    " exceeds the ", input.size() - h.header_size, " bytes left"));
  }
  return h;
}

RlpItem MakeItem(ByteView input, const Header& h) {
  return RlpItem{h.is_list, input.subspan(h.header_size, h.payload_size),
                 input.first(h.header_size + h.payload_size)};
}

// Decodes one item at the start of `input` and validates every item nested in it.
absl::StatusOr<RlpItem> DecodeTree(ByteView input, size_t base, int depth, const RlpLimits& limits) {
  absl::StatusOr<Header> h = ReadHeader(input, base);
  if (!h.ok()) return h.status();
  const RlpItem item = MakeItem(input, *h);
  if (!item.is_list) return item;
  if (depth >= limits.max_depth) {
    return Error(base, absl::StrCat("lists nested deeper than ", limits.max_depth));
  }
  ByteView rest = item.payload;
  size_t offset = base + h->header_size;
  while (!rest.empty()) {
    absl::StatusOr<RlpItem> child = DecodeTree(rest, offset, depth + 1, limits);
    if (!child.ok()) return child.status();
    offset += child->encoded.size();
    rest = rest.subspan(child->encoded.size());
  }
  return item;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RlpWriter

RlpWriter& RlpWriter::AddBytes(ByteView bytes) {
  if (bytes.size() == 1 && bytes[0] < kShortString) {
    out_.push_back(bytes[0]);
    return *this;
  }
  AppendHeader(out_, kShortString, bytes.size());
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  return *this;
}

RlpWriter& RlpWriter::AddUint(uint64_t value) {
  if (value != 0 && value < kShortString) {
    out_.push_back(static_cast<uint8_t>(value));
    return *this;
  }
  const int length = ByteLength(value);
  out_.push_back(static_cast<uint8_t>(kShortString + length));
  const size_t at = out_.size();
  out_.resize(at + length);
  PutBigEndian(&out_[at], value, length);
  return *this;
}

RlpWriter& RlpWriter::AddUintBytes(ByteView big_endian) {
  size_t skip = 0;
  while (skip < big_endian.size() && big_endian[skip] == 0) ++skip;
  return AddBytes(big_endian.subspan(skip));
}

RlpWriter& RlpWriter::AddRaw(ByteView encoded) {
  out_.insert(out_.end(), encoded.begin(), encoded.end());
  return *this;
}

RlpWriter& RlpWriter::BeginList() {
  // One placeholder byte covers every list under 56 bytes; EndList widens it only when needed.
  open_lists_.push_back(out_.size());
  out_.push_back(kShortList);
  return *this;
}

RlpWriter& RlpWriter::EndList() {
  assert(!open_lists_.empty() && "RlpWriter::EndList without a matching BeginList");
  const size_t at = open_lists_.back();
  open_lists_.pop_back();
  const size_t length = out_.size() - at - 1;
  if (length < 56) {
    out_[at] = static_cast<uint8_t>(kShortList + length);
    return *this;
  }
  const int length_of_length = ByteLength(length);
  out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(at) + 1, length_of_length, 0);
  out_[at] = static_cast<uint8_t>(kLongList + length_of_length);
  PutBigEndian(&out_[at + 1], length, length_of_length);
  return *this;
}

const Bytes& RlpWriter::bytes() const {
  assert(open_lists_.empty() && "RlpWriter: a list is still open");
  return out_;
}

Bytes RlpWriter::Finish() && {
  assert(open_lists_.empty() && "RlpWriter: a list is still open");
  return std::move(out_);
}

Bytes RlpEncodeBytes(ByteView bytes) { return RlpWriter().AddBytes(bytes).bytes(); }

Bytes RlpEncodeUint(uint64_t value) { return RlpWriter().AddUint(value).bytes(); }

// ---------------------------------------------------------------------------------------------
// Decoding

absl::StatusOr<RlpItem> DecodeRlpPrefix(ByteView input, ByteView* rest, const RlpLimits& limits) {
  absl::StatusOr<RlpItem> item = DecodeTree(input, 0, 0, limits);
  if (!item.ok()) return item.status();
  *rest = input.subspan(item->encoded.size());
  return item;
}

absl::StatusOr<RlpItem> DecodeRlp(ByteView input, const RlpLimits& limits) {
  ByteView rest;
  absl::StatusOr<RlpItem> item = DecodeRlpPrefix(input, &rest, limits);
  if (!item.ok()) return item.status();
  if (!rest.empty()) {
    return Error(item->encoded.size(),
                 absl::StrCat(rest.size(), " trailing byte(s) after the item"));
  }
  return item;
}

absl::StatusOr<RlpListReader> RlpListReader::Open(const RlpItem& item) {
  if (!item.is_list) return absl::InvalidArgumentError("rlp: expected a list, got a string");
  return RlpListReader(item.payload);
}

absl::StatusOr<RlpItem> RlpListReader::Next() {
  if (rest_.empty()) return absl::InvalidArgumentError("rlp: list has fewer items than expected");
  // Items were validated when the enclosing tree was decoded; re-reading the header is cheap and
  // keeps a reader over a hand-made RlpItem memory-safe as well.
  absl::StatusOr<Header> h = ReadHeader(rest_, 0);
  if (!h.ok()) return h.status();
  const RlpItem item = MakeItem(rest_, *h);
  rest_ = rest_.subspan(item.encoded.size());
  return item;
}

absl::Status RlpListReader::ExpectEnd() const {
  if (rest_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError("rlp: list has more items than expected");
}

absl::StatusOr<std::vector<RlpItem>> RlpListItems(const RlpItem& item) {
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(item);
  if (!reader.ok()) return reader.status();
  std::vector<RlpItem> items;
  while (!reader->AtEnd()) {
    absl::StatusOr<RlpItem> next = reader->Next();
    if (!next.ok()) return next.status();
    items.push_back(*next);
  }
  return items;
}

absl::StatusOr<ByteView> RlpBytes(const RlpItem& item) {
  if (item.is_list) return absl::InvalidArgumentError("rlp: expected a string, got a list");
  return item.payload;
}

absl::StatusOr<ByteView> RlpUintBytes(const RlpItem& item, size_t max_bytes) {
  if (item.is_list) return absl::InvalidArgumentError("rlp: expected an integer, got a list");
  if (!item.payload.empty() && item.payload[0] == 0) {
    return absl::InvalidArgumentError("rlp: integer has a leading zero byte");
  }
  if (item.payload.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("rlp: integer of ", item.payload.size(),
                                                   " bytes exceeds the limit of ", max_bytes));
  }
  return item.payload;
}

absl::StatusOr<uint64_t> RlpUint64(const RlpItem& item) {
  absl::StatusOr<ByteView> bytes = RlpUintBytes(item, sizeof(uint64_t));
  if (!bytes.ok()) return bytes.status();
  uint64_t value = 0;
  for (uint8_t b : *bytes) value = value << 8 | b;
  return value;
}

}  // namespace theta
