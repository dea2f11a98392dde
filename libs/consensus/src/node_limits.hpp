// Bounds and intervals shared by the Node's source files (node*.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace theta::consensus::internal {

// How long a node waits before asking again for the same block.
inline constexpr uint64_t kSyncRetryMs = 500;
// Blocks waiting for their parent: faulty validators cannot make a node hold more.
inline constexpr size_t kMaxOrphans = 1024;

}  // namespace theta::consensus::internal
