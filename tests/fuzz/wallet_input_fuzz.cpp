// Fuzzes the wallet's parsers of typed-in text: amounts (every accepted amount formats back to the
// same wei) and guardian holder summaries (every accepted summary re-formats to its input, and
// only InvalidArgument is ever returned).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/wallet/amount.hpp"
#include "theta/wallet/guardian_summary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto wei = theta::wallet::ParseAmount(text);
  if (wei.ok()) {
    auto again = theta::wallet::ParseAmount(theta::wallet::FormatAmount(*wei));
    if (!again.ok() || *again != *wei) std::abort();
  } else if (!absl::IsInvalidArgument(wei.status())) {
    std::abort();
  }
  auto summary = theta::wallet::ParseHolderSummary(text);
  if (summary.ok()) {
    auto again = theta::wallet::ParseHolderSummary(theta::wallet::FormatHolderSummary(*summary));
    if (!again.ok()) std::abort();
  } else if (!absl::IsInvalidArgument(summary.status())) {
    std::abort();
  }
  return 0;
}
