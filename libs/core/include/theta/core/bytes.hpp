// Byte strings and their hex form.
//
// `Bytes` owns bytes; `ByteView` borrows them (the caller keeps the storage alive). Hex text at every
// edge (RPC, config, CLI) is parsed strictly: "0x" prefix, an even number of digits, nothing else, so
// that a typo is an error rather than a silently different value. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace theta {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Views the characters of `text` as bytes (no copy; `text` must outlive the view).
inline ByteView AsBytes(std::string_view text) noexcept {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Copies the bytes into a std::string (for APIs that traffic in strings, e.g. LevelDB keys).
inline std::string ToString(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Lower-case hex of `bytes`, with a "0x" prefix unless `prefix` is false.
std::string ToHex(ByteView bytes, bool prefix = true);

// Parses "0x"-prefixed hex ("0x" alone is the empty string). Upper- and lower-case digits are
// accepted. Errors (InvalidArgument) name the rule: missing prefix, odd digit count, a non-hex
// character and its position.
absl::StatusOr<Bytes> ParseHex(std::string_view text);

// Like ParseHex but without the "0x" prefix (a prefix is then an error).
absl::StatusOr<Bytes> ParseHexDigits(std::string_view digits);

// Parses hex into exactly `out.size()` bytes; a different length is InvalidArgument.
absl::Status ParseHexInto(std::string_view text, std::span<uint8_t> out);

}  // namespace theta
