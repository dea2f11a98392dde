// Fuzzes ECADD (EIP-196) on arbitrary bytes: it must never crash; whatever it accepts must also be
// accepted with the two points swapped and give the same sum (commutativity), the sum must itself
// be a valid point, and adding infinity to it must return it unchanged.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/crypto/bn254.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  auto sum = theta::crypto::Bn254Add(input);
  if (!sum.ok()) return 0;
  std::array<uint8_t, 128> padded{};
  std::copy_n(data, std::min<size_t>(size, 128), padded.begin());
  std::array<uint8_t, 128> swapped{};
  std::memcpy(swapped.data(), padded.data() + 64, 64);
  std::memcpy(swapped.data() + 64, padded.data(), 64);
  auto again = theta::crypto::Bn254Add(swapped);
  if (!again.ok() || *again != *sum) std::abort();  // a + b == b + a
  std::array<uint8_t, 128> with_zero{};
  std::memcpy(with_zero.data(), sum->data(), 64);
  auto same = theta::crypto::Bn254Add(with_zero);  // the sum is a valid point: s + O == s
  if (!same.ok() || *same != *sum) std::abort();
  return 0;
}
