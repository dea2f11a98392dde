// Hashing to BLS12-381 per RFC 9380: expand_message_xmd with SHA-256 (§5.3.1), hash_to_field
// (§5.2, L = 64), the simplified SWU map onto a curve isogenous to E or E' (§6.6.2), the 11- and
// 3-isogeny maps back (Appendix E.2, E.3), and cofactor clearing (§7; for G2 the ψ-based method of
// §8.8.2 / Appendix G.3). Suites BLS12381G1_XMD:SHA-256_SSWU_{RO,NU}_ and
// BLS12381G2_XMD:SHA-256_SSWU_{RO,NU}_.
//
// Messages and tags are public: the square roots and inversions here are variable time. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "internal/bls12381_curve.hpp"
#include "theta/core/bytes.hpp"

namespace theta::crypto::internal {

// expand_message_xmd(msg, DST, len) with SHA-256; a DST over 255 bytes is first hashed as RFC 9380
// §5.3.3 says. InvalidArgument if len = 0 or len > 255·32.
absl::StatusOr<Bytes> ExpandMessageXmd(ByteView msg, ByteView dst, size_t len);

// The field elements of hash_to_field: count elements of Fp (or Fp2), each from 64 (128) bytes of
// expand_message_xmd reduced mod p. At most 2 elements. Errors as for ExpandMessageXmd.
absl::StatusOr<std::array<Bls12381Fp, 2>> HashToFp(ByteView msg, ByteView dst, size_t count);
absl::StatusOr<std::array<Bls12381Fp2, 2>> HashToFp2(ByteView msg, ByteView dst, size_t count);

// The deterministic maps: simplified SWU followed by the isogeny (no cofactor clearing).
Bls12381G1Affine MapToCurveG1(const Bls12381Fp& u);
Bls12381G2Affine MapToCurveG2(const Bls12381Fp2& u);
// MapToCurveG2 in Jacobian coordinates, without the inversion of the affine form.
Bls12381G2 MapToCurveG2Jacobian(const Bls12381Fp2& u);
// MapToCurveG2Jacobian of two elements at once (one shared inversion, the square roots' exponen-
// tiations side by side): what hash_to_curve runs.
std::array<Bls12381G2, 2> MapToCurveG2JacobianPair(const std::array<Bls12381Fp2, 2>& u);

// Cofactor clearing: G1 by h_eff = 1 − x, G2 by the ψ method (equal to h_eff·P for RFC 9380's
// h_eff of G2).
Bls12381G1 ClearCofactorG1(const Bls12381G1& p);
Bls12381G2 ClearCofactorG2(const Bls12381G2& p);

// hash_to_curve (random oracle, "_RO_") and encode_to_curve (non-uniform, "_NU_") for a DST.
absl::StatusOr<Bls12381G1Affine> HashToG1(ByteView msg, ByteView dst);
absl::StatusOr<Bls12381G1Affine> EncodeToG1(ByteView msg, ByteView dst);
absl::StatusOr<Bls12381G2Affine> HashToG2(ByteView msg, ByteView dst);
absl::StatusOr<Bls12381G2Affine> EncodeToG2(ByteView msg, ByteView dst);

}  // namespace theta::crypto::internal
