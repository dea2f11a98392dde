#include "theta/core/bytes.hpp"

#include "absl/strings/str_cat.h"

namespace theta {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Value of one hex digit, or -1.
constexpr int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status DecodeDigits(std::string_view digits, size_t offset, uint8_t* out) {
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int hi = HexValue(digits[i]);
    const int lo = HexValue(digits[i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t bad = hi < 0 ? i : i + 1;
      return absl::InvalidArgumentError(absl::StrCat("hex: character '", std::string(1, digits[bad]),
                                                     "' at position ", bad + offset,
                                                     " is not a hex digit"));
    }
    out[i / 2] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> StripPrefix(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex: \"", std::string(text.substr(0, 16)), text.size() > 16 ? "…" : "",
                     "\" lacks the 0x prefix"));
  }
  return text.substr(2);
}

}  // namespace

std::string ToHex(ByteView bytes, bool prefix) {
  std::string out;
  out.reserve(bytes.size() * 2 + 2);
  if (prefix) out += "0x";
  for (uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

absl::StatusOr<Bytes> ParseHexDigits(std::string_view digits) {
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    return absl::InvalidArgumentError("hex: unexpected 0x prefix");
  }
  if (digits.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex: odd number of digits (", digits.size(), ")"));
  }
  Bytes out(digits.size() / 2);
  if (absl::Status st = DecodeDigits(digits, 0, out.data()); !st.ok()) return st;
  return out;
}

absl::StatusOr<Bytes> ParseHex(std::string_view text) {
  absl::StatusOr<std::string_view> digits = StripPrefix(text);
  if (!digits.ok()) return digits.status();
  if (digits->size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex: odd number of digits (", digits->size(), ")"));
  }
  Bytes out(digits->size() / 2);
  if (absl::Status st = DecodeDigits(*digits, 2, out.data()); !st.ok()) return st;
  return out;
}

absl::Status ParseHexInto(std::string_view text, std::span<uint8_t> out) {
  absl::StatusOr<std::string_view> digits = StripPrefix(text);
  if (!digits.ok()) return digits.status();
  if (digits->size() != out.size() * 2) {
    return absl::InvalidArgumentError(absl::StrCat("hex: expected ", out.size() * 2,
                                                   " digits (", out.size(), " bytes), got ",
                                                   digits->size()));
  }
  return DecodeDigits(*digits, 2, out.data());
}

}  // namespace theta
