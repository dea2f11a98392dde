// The ZCash serialization of BLS12-381 points (as specified in the zkcrypto/pairing crate's
// "serialization" notes and adopted by draft-irtf-cfrg-bls-signature, Appendix A / IETF
// pairing-friendly-curves §C): field elements as 48-byte big-endian numbers, an Fp2 element
// x0 + x1·u as x1 ‖ x0, and three flag bits in the top of the first byte:
//   0x80  compression: set for the 48/96-byte x-only form, clear for the 96/192-byte (x, y) form;
//   0x40  infinity: the point at infinity, every other bit zero;
//   0x20  sign: in the compressed form, y is the lexicographically largest of ±y; zero otherwise.
//
// Decoding is strict: the length selects the form and must agree with the compression bit; a
// coordinate ≥ p, a set sign bit where it has no meaning, non-zero bytes after an infinity flag, a
// point off its curve or outside the order-r subgroup are all InvalidArgument. Pure functions,
// thread-safe; inputs are public (variable time).
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "internal/bls12381_curve.hpp"
#include "theta/core/bytes.hpp"

namespace theta::crypto::internal {

inline constexpr size_t kBls12381FpBytes = 48;
inline constexpr size_t kBls12381G1Compressed = 48;
inline constexpr size_t kBls12381G1Uncompressed = 96;
inline constexpr size_t kBls12381G2Compressed = 96;
inline constexpr size_t kBls12381G2Uncompressed = 192;

std::array<uint8_t, kBls12381G1Compressed> EncodeG1Compressed(const Bls12381G1Affine& p);
std::array<uint8_t, kBls12381G1Uncompressed> EncodeG1Uncompressed(const Bls12381G1Affine& p);
std::array<uint8_t, kBls12381G2Compressed> EncodeG2Compressed(const Bls12381G2Affine& q);
std::array<uint8_t, kBls12381G2Uncompressed> EncodeG2Uncompressed(const Bls12381G2Affine& q);

// A G1 point from 48 (compressed) or 96 (uncompressed) bytes, validated as above.
absl::StatusOr<Bls12381G1Affine> DecodeG1(ByteView bytes);
// A G2 point from 96 (compressed) or 192 (uncompressed) bytes, validated as above.
absl::StatusOr<Bls12381G2Affine> DecodeG2(ByteView bytes);

}  // namespace theta::crypto::internal
