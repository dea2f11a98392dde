// The block store's keys (chain.hpp), shared by the files that read and write them.
#pragma once

#include <cstdint>
#include <string_view>

#include "theta/core/bytes.hpp"

namespace theta::ledger::internal {

// prefix ‖ suffix.
inline Bytes ChainKey(std::string_view prefix, ByteView suffix) {
  Bytes key(prefix.begin(), prefix.end());
  key.insert(key.end(), suffix.begin(), suffix.end());
  return key;
}

// prefix ‖ height as 8 big-endian bytes, so that a prefix's keys sort by height.
inline Bytes ChainHeightKey(std::string_view prefix, uint64_t height) {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i)
    be[i] = static_cast<uint8_t>(height >> (56 - 8 * i));
  return ChainKey(prefix, ByteView(be, 8));
}

// The logs index: the bloom of each block with logs, and the height from which every block's
// logs are indexed (stores written before the index existed start it at their head + 1).
inline constexpr std::string_view kLogsBloomPrefix = "c/lb/";
inline constexpr std::string_view kLogsIndexFromKey = "c/lbfrom";

}  // namespace theta::ledger::internal
