// Ethereum's logs bloom (Yellow Paper §4.3.1, "M3:2048"): 2048 bits in which each log sets three
// bits for its address and three for each topic. A block's bloom is the OR of its receipts'; a
// query tests it to skip blocks that cannot hold a matching log (no false negatives; false
// positives are rare until a block holds hundreds of logs).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "theta/core/bytes.hpp"
#include "theta/evm/state.hpp"

namespace theta::ledger {

using LogsBloom = std::array<uint8_t, 256>;

// Sets the three bits of `item`: the low 11 bits of byte pairs 0-1, 2-3 and 4-5 of keccak256(item),
// counted from the last byte.
void BloomAdd(LogsBloom& bloom, ByteView item);
void BloomAddLogs(LogsBloom& bloom, const std::vector<evm::Log>& logs);
// Whether all three bits of `item` are set: false means no log of the bloom has that address or
// topic.
bool BloomMayContain(const LogsBloom& bloom, ByteView item);

}  // namespace theta::ledger
