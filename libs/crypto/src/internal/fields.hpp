// The prime fields of the curves theta-crypto implements, as instances of the generic Fp template.
#pragma once

#include "internal/fp.hpp"
#include "internal/fp_tower.hpp"

namespace theta::crypto::internal {

// BN254 (alt_bn128) base field. p from EIP-196:
// p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
//   = 36u⁴ + 36u³ + 24u² + 6u + 1 with u = 4965661367192848881.
struct Bn254FpParams {
  static constexpr size_t kLimbs = 4;
  static constexpr Limbs<4> kModulus =
      HexLimbs<4>("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
};
using Bn254Fp = Fp<Bn254FpParams>;

// BN254 group order r, from EIP-196:
// r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
struct Bn254FrParams {
  static constexpr size_t kLimbs = 4;
  static constexpr Limbs<4> kModulus =
      HexLimbs<4>("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
};
using Bn254Fr = Fp<Bn254FrParams>;

// BLS12-381 base field, p from draft-irtf-cfrg-pairing-friendly-curves (BLS12_381):
// p = (x − 1)²(x⁴ − x² + 1)/3 + x with x = −0xd201000000010000.
struct Bls12381FpParams {
  static constexpr size_t kLimbs = 6;
  static constexpr Limbs<6> kModulus = HexLimbs<6>(
      "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffff"
      "aaab");
};
using Bls12381Fp = Fp<Bls12381FpParams>;

// BN254's tower (EIP-197: Fp2 = Fp[i]/(i² + 1); the sextic twist uses ξ = 9 + i).
struct Bn254Tower {
  using Fp = Bn254Fp;
  static constexpr int64_t kBeta = -1;
  static constexpr uint64_t kXi0 = 9;
};
using Bn254Fp2 = Fp2<Bn254Tower>;
using Bn254Fp6 = Fp6<Bn254Tower>;
using Bn254Fp12 = Fp12<Bn254Tower>;

// BLS12-381's tower (draft-irtf-cfrg-pairing-friendly-curves: Fp2 = Fp[u]/(u² + 1), ξ = 1 + u).
struct Bls12381Tower {
  using Fp = Bls12381Fp;
  static constexpr int64_t kBeta = -1;
  static constexpr uint64_t kXi0 = 1;
};
using Bls12381Fp2 = Fp2<Bls12381Tower>;
using Bls12381Fp6 = Fp6<Bls12381Tower>;
using Bls12381Fp12 = Fp12<Bls12381Tower>;

}  // namespace theta::crypto::internal
