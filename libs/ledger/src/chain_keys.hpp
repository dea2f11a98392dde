// The block store's keys (chain.hpp), shared by the files that read and write them.
#pragma once

#include <cstdint>
#include <string_view>

#include "theta/core/bytes.hpp"

namespace theta::ledger::internal {

// prefix ‖ suffix.
Bytes ChainKey(std::string_view prefix, ByteView suffix);
// prefix ‖ height as 8 big-endian bytes, so that a prefix's keys sort by height.
Bytes ChainHeightKey(std::string_view prefix, uint64_t height);

// The logs index: the bloom of each block with logs, and the height from which every block's
// logs are indexed (stores written before the index existed start it at their head + 1).
inline constexpr std::string_view kLogsBloomPrefix = "c/lb/";
inline constexpr std::string_view kLogsIndexFromKey = "c/lbfrom";

}  // namespace theta::ledger::internal
