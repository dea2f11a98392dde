// BN254 (alt_bn128) for the EVM precompiles: ECADD (0x06, EIP-196), ECMUL (0x07, EIP-196) and the
// pairing check ECPAIRING (0x08, EIP-197), each over the precompile's raw input bytes.
//
// Encoding (EIP-196/197): field elements are 32-byte big-endian numbers that must be below
// p = 21888242871839275222246405745257275088696311157297823662689037894645226208583. A G1 point is
// (x, y), 64 bytes, with (0, 0) the point at infinity. A G2 point is 128 bytes: x = x_im·i + x_re
// and y = y_im·i + y_re encoded as (x_im, x_re, y_im, y_re) — the imaginary part first — with all
// zeros the point at infinity. Scalars are any 256-bit big-endian number.
//
// Every function is a pure function of its input and thread-safe. Bn254Add and Bn254Mul allocate
// nothing (except an error's message); Bn254PairingCheck allocates the array of decoded pairs. An
// invalid input yields InvalidArgument naming the point and the broken rule; the EVM maps any error
// to a failed call that consumes all gas. Inputs are treated as public (not constant time).
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta::crypto {

inline constexpr size_t kBn254G1Size = 64;
inline constexpr size_t kBn254G2Size = 128;
inline constexpr size_t kBn254PairSize = kBn254G1Size + kBn254G2Size;

// ECADD: the sum of two G1 points, input (x1, y1, x2, y2). A shorter input is right-padded with
// zeros to 128 bytes, a longer one is truncated (CALLDATALOAD semantics). Returns the 64-byte
// encoding of the sum ((0, 0) for infinity). Errors: a coordinate ≥ p, or a point not on y² = x³
// + 3.
absl::StatusOr<std::array<uint8_t, kBn254G1Size>> Bn254Add(ByteView input);

// ECMUL: s·P for input (x, y, s), padded or truncated to 96 bytes as for Bn254Add. Any 256-bit s is
// valid (it is not reduced first; the result is the same). Errors: as for Bn254Add.
absl::StatusOr<std::array<uint8_t, kBn254G1Size>> Bn254Mul(ByteView input);

// ECPAIRING: whether e(P1, Q1)·…·e(Pk, Qk) = 1 for input k 192-byte pairs (P as 64 bytes, Q as
// 128). The empty input yields true. Errors: a length that is not a multiple of 192, a coordinate ≥
// p, a point off its curve, or a G2 point outside the order-r subgroup.
absl::StatusOr<bool> Bn254PairingCheck(ByteView input);

}  // namespace theta::crypto
