// The prime fields of the curves theta-crypto implements, as instances of the generic Fp template.
#pragma once

#include <array>
#include <string_view>

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
  // γ_{k,j} = ξ^(j(p^k − 1)/6) for k = 1..3, j = 1..5 as (c0, c1), computed with exact big-integer
  // arithmetic (Python) and checked against ComputeFrobeniusCoefficients in fp_tower_test.
  static constexpr FrobeniusHexTable kFrobeniusHex = {
      {{{{"1284b71c2865a7dfe8b99fdd76e68b605c521e08292f2176d60b35dadcc9e470",
          "246996f3b4fae7e6a6327cfe12150b8e747992778eeec7e5ca5cf05f80f362ac"},
         {"2fb347984f7911f74c0bec3cf559b143b78cc310c2c3330c99e39557176f553d",
          "16c9e55061ebae204ba4cc8bd75a079432ae2a1d0b7c9dce1665d51c640fcba2"},
         {"63cf305489af5dcdc5ec698b6e2f9b9dbaae0eda9c95998dc54014671a0135a",
          "7c03cbcac41049a0704b5a7ec796f2b21807dc98fa25bd282d37f632623b0e3"},
         {"5b54f5e64eea80180f3c0b75a181e84d33365f7be94ec72848a1f55921ea762",
          "2c145edbe7fd8aee9f3a80b03b0b1c923685d2ea1bdec763c13b4711cd2b8126"},
         {"183c1e74f798649e93a3661a4353ff4425c459b55aa1bd32ea2c810eab7692f",
          "12acf2ca76fd0675a27fb246c7729f7db080cb99678e2ac024c6b8ee6e0c2c4b"}}},
       {{{"30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd49", "0"},
         {"30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd48", "0"},
         {"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46", "0"},
         {"59e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe", "0"},
         {"59e26bcea0d48bacd4f263f1acdb5c4f5763473177ffffff", "0"}}},
       {{{"19dc81cfcc82e4bbefe9608cd0acaa90894cb38dbe55d24ae86f7d391ed4a67f",
          "abf8b60be77d7306cbeee33576139d7f03a5e397d439ec7694aa2bf4c0c101"},
         {"856e078b755ef0abaff1c77959f25ac805ffd3d5d6942d37b746ee87bdcfb6d",
          "4f1de41b3d1766fa9f30e6dec26094f0fdf31bf98ff2631380cab2baaa586de"},
         {"2a275b6d9896aa4cdbf17f1dca9e5ea3bbd689a3bea870f45fcc8ad066dce9ed",
          "28a411b634f09b8fb14b900e9507e9327600ecc7d8cf6ebab94d0cb3b2594c64"},
         {"bc58c6611c08dab19bee0f7b5b2444ee633094575b06bcb0e1a92bc3ccbf066",
          "23d5e999e1910a12feb0f6ef0cd21d04a44a9e08737f96e55fe3ed9d730c239f"},
         {"13c49044952c0905711699fa3b4d3f692ed68098967c84a5ebde847076261b43",
          "16db366a59b1dd0b9fb1b2282a48633d3e2ddaea200280211f25041384282499"}}}}};
};
using Bn254Fp2 = Fp2<Bn254Tower>;
using Bn254Fp6 = Fp6<Bn254Tower>;
using Bn254Fp12 = Fp12<Bn254Tower>;

// BLS12-381's tower (draft-irtf-cfrg-pairing-friendly-curves: Fp2 = Fp[u]/(u² + 1), ξ = 1 + u).
struct Bls12381Tower {
  using Fp = Bls12381Fp;
  static constexpr int64_t kBeta = -1;
  static constexpr uint64_t kXi0 = 1;
  // As for BN254: γ_{k,j} = ξ^(j(p^k − 1)/6), checked in fp_tower_test.
  static constexpr FrobeniusHexTable kFrobeniusHex = {
      {{{{"1904d3bf02bb0667c231beb4202c0d1f0fd603fd3cbd5f4f7b2443d784bab9c4f67ea53d63e7813d8d0775ed"
          "92235fb8",
          "fc3e2b36c4e03288e9e902231f9fb854a14787b6c7b36fec0c8ec971f63c5f282d5ac14d6c7ec22cf78a126d"
          "dc4af3"},
         {"0",
          "1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd0000"
          "0000aaac"},
         {"6af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee67992f72ec05f4c81084fbe"
          "de3cc09",
          "6af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee67992f72ec05f4c81084fbe"
          "de3cc09"},
         {"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd0000"
          "0000aaad",
          "0"},
         {"5b2cfd9013a5fd8df47fa6b48b1e045f39816240c0b8fee8beadf4d8e9c0566c63a3e6e257f87329b18fae98"
          "0078116",
          "144e4211384586c16bd3ad4afa99cc9170df3560e77982d0db45f3536814f0bd5871c1908bd478cd1ee60516"
          "7ff82995"}}},
       {{{"5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffeffff", "0"},
         {"5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe", "0"},
         {"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffff"
          "ffffaaaa",
          "0"},
         {"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd0000"
          "0000aaac",
          "0"},
         {"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd0000"
          "0000aaad",
          "0"}}},
       {{{"135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e304466cf3e67fa0af1ee7b04"
          "121bdea2",
          "6af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee67992f72ec05f4c81084fbe"
          "de3cc09"},
         {"0", "1"},
         {"135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e304466cf3e67fa0af1ee7b04"
          "121bdea2",
          "135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e304466cf3e67fa0af1ee7b04"
          "121bdea2"},
         {"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffff"
          "ffffaaaa",
          "0"},
         {"6af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee67992f72ec05f4c81084fbe"
          "de3cc09",
          "135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e304466cf3e67fa0af1ee7b04"
          "121bdea2"}}}}};
};
using Bls12381Fp2 = Fp2<Bls12381Tower>;
using Bls12381Fp6 = Fp6<Bls12381Tower>;
using Bls12381Fp12 = Fp12<Bls12381Tower>;

}  // namespace theta::crypto::internal
