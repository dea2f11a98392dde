#include "theta/wallet/amount.hpp"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace theta::wallet {
namespace {

absl::Status Bad(std::string_view text, std::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("amount \"", std::string(text), "\": ", std::string(rule)));
}

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

uint256 Pow10(int exponent) {
  uint256 result = 1;
  for (int i = 0; i < exponent; ++i)
    result = result * 10;
  return result;
}

}  // namespace

absl::StatusOr<uint256> ParseAmount(std::string_view text) {
  if (text.empty()) return Bad(text, "is empty");
  constexpr std::string_view kWei = "wei";
  if (text.size() > kWei.size() && text.substr(text.size() - kWei.size()) == kWei) {
    std::string_view digits = text.substr(0, text.size() - kWei.size());
    if (!AllDigits(digits))
      return Bad(text, "a wei amount is an integer: digits only before \"wei\"");
    auto wei = uint256::FromDecimal(digits);
    if (!wei.ok()) return Bad(text, "is more than 2^256 - 1 wei");
    return *wei;
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) {
    return Bad(text, "write digits on both sides of the '.' (e.g. 0.5)");
  }
  if (!AllDigits(whole) || !AllDigits(fraction)) {
    return Bad(text,
               "use digits and at most one '.', e.g. 1.5 (tokens) or 1500000000000000000wei; no "
               "sign, exponent, separator or unit name");
  }
  if (fraction.size() > static_cast<size_t>(kTokenDecimals)) {
    return Bad(text, "has more than 18 decimals (1 wei = 0.000000000000000001)");
  }
  // whole * 10^18 + fraction * 10^(18 - digits), checked for overflow through the decimal form.
  std::string digits = absl::StrCat(std::string(whole), std::string(fraction),
                                    std::string(kTokenDecimals - fraction.size(), '0'));
  auto wei = uint256::FromDecimal(digits);
  if (!wei.ok()) return Bad(text, "is more than 2^256 - 1 wei");
  return *wei;
}

std::string FormatAmount(const uint256& wei) {
  const uint256 unit = Pow10(kTokenDecimals);
  const std::string whole = (wei / unit).ToDecimal();
  std::string fraction = (wei % unit).ToDecimal();
  if (fraction == "0") return whole;
  fraction = std::string(kTokenDecimals - fraction.size(), '0') + fraction;
  while (fraction.back() == '0')
    fraction.pop_back();
  return absl::StrCat(whole, ".", fraction);
}

absl::StatusOr<uint64_t> ParseUint64(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  if (text.empty() || !AllDigits(text) || !absl::SimpleAtoi(std::string(text), &value)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " \"", std::string(text),
                                                   "\": expected an integer 0..2^64-1"));
  }
  return value;
}

}  // namespace theta::wallet
