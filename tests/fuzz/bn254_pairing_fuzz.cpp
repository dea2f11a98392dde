// Fuzzes ECPAIRING (EIP-197) on arbitrary bytes: it must never crash, must reject every length that
// is not a multiple of 192, and for accepted input the result must not change when a pair (O, Q) is
// appended. Random bytes rarely form valid points, so the first 64 bytes also serve as two scalars
// a, b: e(a·P1, P2)·e(b·P1, P2)·e(−(a+b)·P1, P2) must be 1 and e(a·P1, P2) alone must not be,
// unless a ≡ 0 (mod r).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/core/bytes.hpp"
#include "theta/crypto/bn254.hpp"

namespace {

// EIP-197's generators: P1 = (1, 2) and P2 encoded as (x_im, x_re, y_im, y_re).
constexpr std::array<uint8_t, 64> G1() {
  std::array<uint8_t, 64> g{};
  g[31] = 1;
  g[63] = 2;
  return g;
}
theta::Bytes G2() {
  return theta::ParseHexDigits(
             "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
             "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
             "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
             "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")
      .value();
}

std::array<uint8_t, 64> MulG1(const uint8_t* scalar) {
  std::array<uint8_t, 96> in{};
  const auto g = G1();
  std::memcpy(in.data(), g.data(), 64);
  std::memcpy(in.data() + 64, scalar, 32);
  auto out = theta::crypto::Bn254Mul(in);
  if (!out.ok()) std::abort();
  return *out;
}

// a + b and −(a + b) as 32-byte big-endian numbers modulo 2^256 are not what we need: negate the
// point instead. −(x, y) = (x, p − y); infinity stays (0, 0).
std::array<uint8_t, 64> NegG1(std::array<uint8_t, 64> point) {
  static constexpr std::array<uint8_t, 32> kP = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29,
                                                 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
                                                 0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d,
                                                 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
  bool zero = true;
  for (size_t i = 32; i < 64; ++i)
    zero = zero && point[i] == 0;
  if (zero) return point;
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    const int d = kP[i] - point[32 + i] - borrow;
    point[32 + i] = static_cast<uint8_t>(d & 0xff);
    borrow = d < 0 ? 1 : 0;
  }
  return point;
}

void CheckBilinearInG1(const uint8_t* scalars) {
  const auto a = MulG1(scalars);
  const auto b = MulG1(scalars + 32);
  std::array<uint8_t, 128> ab_in{};
  std::memcpy(ab_in.data(), a.data(), 64);
  std::memcpy(ab_in.data() + 64, b.data(), 64);
  const auto sum = theta::crypto::Bn254Add(ab_in);
  if (!sum.ok()) std::abort();
  const theta::Bytes g2 = G2();
  theta::Bytes input;
  for (const auto& p : {a, b, NegG1(*sum)}) {
    input.insert(input.end(), p.begin(), p.end());
    input.insert(input.end(), g2.begin(), g2.end());
  }
  auto holds = theta::crypto::Bn254PairingCheck(input);
  if (!holds.ok() || !*holds) std::abort();
  input.resize(theta::crypto::kBn254PairSize);  // e(a·P1, P2) = 1 iff a·P1 = O
  auto single = theta::crypto::Bn254PairingCheck(input);
  const bool a_is_zero = a == std::array<uint8_t, 64>{};
  if (!single.ok() || *single != a_is_zero) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 64 && size < 4 * theta::crypto::kBn254PairSize) CheckBilinearInG1(data);
  // Keep the run fast: the cost is linear in the number of pairs.
  if (size > 4 * theta::crypto::kBn254PairSize) return 0;
  const theta::ByteView input(data, size);
  auto result = theta::crypto::Bn254PairingCheck(input);
  if (size % theta::crypto::kBn254PairSize != 0) {
    if (result.ok()) std::abort();
    return 0;
  }
  if (!result.ok()) return 0;
  // Append (O, Q) for the first pair's Q: e(O, Q) = 1 leaves the result unchanged.
  theta::Bytes extended(data, data + size);
  if (size >= theta::crypto::kBn254PairSize) {
    extended.insert(extended.end(), 64, 0);
    extended.insert(extended.end(), data + 64, data + theta::crypto::kBn254PairSize);
    auto again = theta::crypto::Bn254PairingCheck(extended);
    if (!again.ok() || *again != *result) std::abort();
  }
  return 0;
}
