// Fuzzes the strict hex parser: never crash; accepted text round-trips (modulo digit case); and
// every byte string's hex form parses back to it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = theta::ParseHex(text); parsed.ok()) {
    const std::string again = theta::ToHex(*parsed);
    if (again.size() != size) std::abort();
    for (size_t i = 2; i < size; ++i) {
      const char c = text[i] >= 'A' && text[i] <= 'F' ? static_cast<char>(text[i] + 32) : text[i];
      if (c != again[i]) std::abort();
    }
  }
  (void)theta::ParseHexDigits(text);
  (void)theta::Hash32::FromHex(text);

  const theta::ByteView bytes(data, size);
  auto round = theta::ParseHex(theta::ToHex(bytes));
  if (!round.ok() || !std::equal(round->begin(), round->end(), data) || round->size() != size) {
    std::abort();
  }
  return 0;
}
