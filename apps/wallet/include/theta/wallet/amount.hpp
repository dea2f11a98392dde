// Token amounts as users type them and as the chain stores them.
//
// THETA and TFUEL both have 18 decimals: 1 THETA = 10^18 theta-wei. A user writes an amount in
// whole tokens with an optional fraction ("1", "0.25", "1500.000000000000000001") or in wei with a
// "wei" suffix ("250000000000000000wei"); the chain stores wei as a uint256. Parsing is strict so a
// typo is an error, never a different amount: no sign, exponent, thousands separator or spaces,
// at most 18 fraction digits, and nothing above 2^256 - 1 wei. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/core/uint256.hpp"

namespace theta::wallet {

inline constexpr int kTokenDecimals = 18;

// Parses a token amount ("1.5") or a wei amount ("1500wei") into wei. InvalidArgument naming the
// text and the rule: empty, a character that is not a digit or one '.', more than 18 fraction
// digits, a leading or trailing '.', or an overflow.
absl::StatusOr<uint256> ParseAmount(std::string_view text);

// The amount in whole tokens with the fraction trimmed: 1500000000000000000 -> "1.5", 0 -> "0".
std::string FormatAmount(const uint256& wei);

// Parses an unsigned decimal integer that fits in uint64 ("--sequence 7"). InvalidArgument naming
// `what` when it is empty, not all digits, or too large.
absl::StatusOr<uint64_t> ParseUint64(std::string_view text, std::string_view what);

}  // namespace theta::wallet
