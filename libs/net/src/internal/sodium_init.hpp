// libsodium must be initialized once before its random generator is used; sodium_init is
// thread-safe and idempotent, and a failure (no entropy source) leaves nothing sensible to do but
// stop.
#pragma once

#include <sodium.h>

#include <cstdlib>

namespace theta::net::internal {

inline void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

}  // namespace theta::net::internal
