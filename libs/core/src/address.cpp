#include "theta/core/address.hpp"

#include <array>

#include "theta/core/hash.hpp"

namespace theta {
namespace {

constexpr std::string_view kLowerDigits = "0123456789abcdef";
constexpr size_t kHexDigits = 2 * Address::kSize;

// Whether EIP-55 writes the letter at digit `i` in upper case: nibble i of keccak256(lower hex)
// >= 8.
bool ChecksumUpper(const Hash32& hash, size_t i) noexcept {
  const uint8_t byte = hash[i / 2];
  const uint8_t nibble = (i % 2 == 0) ? (byte >> 4) : (byte & 0x0f);
  return nibble >= 8;
}

std::array<char, kHexDigits> LowerDigits(const Address& address) noexcept {
  std::array<char, kHexDigits> digits{};
  for (size_t i = 0; i < Address::kSize; ++i) {
    digits[2 * i] = kLowerDigits[address[i] >> 4];
    digits[2 * i + 1] = kLowerDigits[address[i] & 0x0f];
  }
  return digits;
}

// The value of a hex digit, or -1 when `c` is not one.
int DigitValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Quotes outside text for an error message, cutting it short so a huge input cannot make a huge
// error.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 48;
  // Appends piece by piece: gcc 12 warns falsely (-Wrestrict) on "literal" + std::string at -O2.
  std::string out;
  out.reserve(kMaxShown + 8);
  out.push_back('"');
  out.append(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) out.append("…");
  out.push_back('"');
  return out;
}

}  // namespace

std::string ToChecksumHex(const Address& address) {
  const std::array<char, kHexDigits> lower = LowerDigits(address);
  const Hash32 hash = Keccak256(AsBytes(std::string_view(lower.data(), lower.size())));
  std::string out = "0x";
  out.reserve(2 + kHexDigits);
  for (size_t i = 0; i < kHexDigits; ++i) {
    const char c = lower[i];
    const bool letter = c >= 'a';
    out.push_back(letter && ChecksumUpper(hash, i) ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

absl::StatusOr<Address> ParseAddress(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || text[1] != 'x') {
    return absl::InvalidArgumentError("address: " + Quote(text) + " lacks the 0x prefix");
  }
  const std::string_view digits = text.substr(2);
  if (digits.size() != kHexDigits) {
    return absl::InvalidArgumentError("address: " + Quote(text) + " has " +
                                      std::to_string(digits.size()) + " hex digits, expected 40");
  }
  Address out;
  bool has_lower = false;
  bool has_upper = false;
  for (size_t i = 0; i < kHexDigits; ++i) {
    const char c = digits[i];
    const int value = DigitValue(c);
    if (value < 0) {
      return absl::InvalidArgumentError("address: " + Quote(text) +
                                        " has a non-hex character at position " +
                                        std::to_string(i + 2));
    }
    has_lower |= (c >= 'a' && c <= 'f');
    has_upper |= (c >= 'A' && c <= 'F');
    out[i / 2] = static_cast<uint8_t>(out[i / 2] | (i % 2 == 0 ? value << 4 : value));
  }
  if (has_lower && has_upper && ToChecksumHex(out) != text) {
    return absl::InvalidArgumentError("address: " + Quote(text) + " fails its EIP-55 checksum");
  }
  return out;
}

}  // namespace theta
