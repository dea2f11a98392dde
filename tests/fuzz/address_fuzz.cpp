// Fuzzes ParseAddress over arbitrary text. Properties beyond "no crash":
//   - an accepted text is "0x" and 40 hex digits, and its digits equal the parsed bytes' hex;
//   - mixed-case text is accepted exactly when it equals the EIP-55 form of those bytes;
//   - ToChecksumHex of any parsed address parses back to the same address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "theta/core/address.hpp"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

char Lower(char c) {
  return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<theta::Address> parsed = theta::ParseAddress(text);
  if (!parsed.ok()) {
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  Check(text.size() == 42 && text[0] == '0' && text[1] == 'x');
  const std::string lower_hex = parsed->ToHex();
  bool has_lower = false;
  bool has_upper = false;
  for (size_t i = 2; i < text.size(); ++i) {
    Check(Lower(text[i]) == lower_hex[i]);
    has_lower |= text[i] >= 'a' && text[i] <= 'f';
    has_upper |= text[i] >= 'A' && text[i] <= 'F';
  }
  const std::string checksum = theta::ToChecksumHex(*parsed);
  if (has_lower && has_upper) Check(checksum == text);
  const absl::StatusOr<theta::Address> again = theta::ParseAddress(checksum);
  Check(again.ok() && *again == *parsed);
  return 0;
}
