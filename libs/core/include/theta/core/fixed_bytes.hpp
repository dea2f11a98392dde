// Fixed-size byte strings: hashes (Hash32) and other values whose length is part of their type.
//
// A FixedBytes<N> is a plain value (N bytes, no heap), zero-initialized by default, ordered and hashed
// byte-wise so it can key std::map, absl::flat_hash_map and std::unordered_map alike.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta {

template <size_t N>
struct FixedBytes {
  static constexpr size_t kSize = N;
  std::array<uint8_t, N> bytes{};

  // Copies exactly N bytes; InvalidArgument when `data` has another length.
  static absl::StatusOr<FixedBytes> FromBytes(ByteView data) {
    if (data.size() != N) {
      return absl::InvalidArgumentError("fixed bytes: expected " + std::to_string(N) +
                                        " bytes, got " + std::to_string(data.size()));
    }
    FixedBytes out;
    std::memcpy(out.bytes.data(), data.data(), N);
    return out;
  }

  // Parses "0x" followed by exactly 2*N hex digits.
  static absl::StatusOr<FixedBytes> FromHex(std::string_view text) {
    FixedBytes out;
    if (absl::Status st = ParseHexInto(text, out.bytes); !st.ok()) return st;
    return out;
  }

  uint8_t* data() noexcept { return bytes.data(); }
  const uint8_t* data() const noexcept { return bytes.data(); }
  static constexpr size_t size() noexcept { return N; }
  uint8_t& operator[](size_t i) noexcept { return bytes[i]; }
  uint8_t operator[](size_t i) const noexcept { return bytes[i]; }
  ByteView view() const noexcept { return {bytes.data(), N}; }
  operator ByteView() const noexcept { return view(); }  // NOLINT: a byte view is what it is

  bool IsZero() const noexcept {
    for (uint8_t b : bytes) {
      if (b != 0) return false;
    }
    return true;
  }
  std::string ToHex() const { return theta::ToHex(view()); }

  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const FixedBytes& v) {
    return H::combine_contiguous(std::move(h), v.bytes.data(), N);
  }
};

// A 32-byte hash (Keccak-256, SHA-256, BLAKE2b-256) or storage word.
using Hash32 = FixedBytes<32>;

}  // namespace theta

template <size_t N>
struct std::hash<theta::FixedBytes<N>> {
  size_t operator()(const theta::FixedBytes<N>& v) const noexcept {
    // Hash outputs are already uniform; the first word is as good as any mix of all of them.
    size_t h;
    static_assert(N >= sizeof(size_t));
    std::memcpy(&h, v.bytes.data(), sizeof(h));
    return h;
  }
};
