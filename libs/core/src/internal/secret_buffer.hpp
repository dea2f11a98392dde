// A fixed-size buffer for secret bytes (derived keys, plaintext keys, chain codes, seeds) that
// wipes itself with sodium_memzero when it goes out of scope, on every return path. Private to
// theta-core's implementation.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>

#include "theta/core/bytes.hpp"

namespace theta::internal {

template <size_t N>
class SecretBuffer {
 public:
  SecretBuffer() = default;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer() { sodium_memzero(bytes_.data(), N); }

  uint8_t* data() noexcept { return bytes_.data(); }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  static constexpr size_t size() noexcept { return N; }
  uint8_t& operator[](size_t i) noexcept { return bytes_[i]; }
  uint8_t operator[](size_t i) const noexcept { return bytes_[i]; }
  ByteView view() const noexcept { return {bytes_.data(), N}; }
  ByteView view(size_t offset, size_t count) const noexcept {
    return {bytes_.data() + offset, count};
  }

 private:
  std::array<uint8_t, N> bytes_{};
};

}  // namespace theta::internal
