// Fuzzes ECMUL (EIP-196) on arbitrary bytes: it must never crash; for an accepted point P and
// scalar s, 1·P == P, 2·P == P + P, and s·P is itself a valid point.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/crypto/bn254.hpp"

namespace {

std::array<uint8_t, 96> WithScalar(const uint8_t* point, uint8_t small) {
  std::array<uint8_t, 96> in{};
  std::memcpy(in.data(), point, 64);
  in[95] = small;
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  auto product = theta::crypto::Bn254Mul(input);
  if (!product.ok()) return 0;
  std::array<uint8_t, 96> padded{};
  std::copy_n(data, std::min<size_t>(size, 96), padded.begin());
  auto one = theta::crypto::Bn254Mul(WithScalar(padded.data(), 1));
  if (!one.ok() || !std::equal(one->begin(), one->end(), padded.begin())) std::abort();
  auto two = theta::crypto::Bn254Mul(WithScalar(padded.data(), 2));
  std::array<uint8_t, 128> doubled{};
  std::memcpy(doubled.data(), padded.data(), 64);
  std::memcpy(doubled.data() + 64, padded.data(), 64);
  auto sum = theta::crypto::Bn254Add(doubled);
  if (!two.ok() || !sum.ok() || *two != *sum) std::abort();
  auto again = theta::crypto::Bn254Mul(WithScalar(product->data(), 1));  // s·P is on the curve
  if (!again.ok() || *again != *product) std::abort();
  return 0;
}
