// Constant-time evidence for the secret-scalar paths: under valgrind (ctest runs this case through
// `valgrind` when it is installed) the secret scalar is marked undefined, so any branch or memory
// index that depends on it is reported as a use of an uninitialised value; the case asserts that
// valgrind counted no new error. Outside valgrind the client requests are no-ops and the case only
// checks the results.
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

#include <catch2/catch.hpp>
#include <vector>

#include "internal/bls12381_ct_mul.hpp"
#include "internal/bls12381_curve.hpp"
#include "internal/ct_scalar_mul.hpp"

namespace theta::crypto::internal {
namespace {

TEST_CASE("bls secret scalar multiplication has no secret-dependent branch or index",
          "[.ct][bls_ct]") {
  Limbs<4> secret = HexLimbs<4>("3c1a0ee81c2d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c");
  const Bls12381G1Affine expected_g1 =
      Bls12381G1::From(Bls12381G1Generator()).ScalarMulPublic(secret).ToAffine();
  const Bls12381G2Affine expected_g2 =
      Bls12381G2::From(Bls12381G2Generator()).ScalarMulPublic(secret).ToAffine();
  const unsigned before = VALGRIND_COUNT_ERRORS;
  VALGRIND_MAKE_MEM_UNDEFINED(secret.data(), sizeof(secret));
  Bls12381G1Affine g1 = ScalarMulConstantTime(Bls12381G1Generator(), secret);
  Bls12381G2Affine g2 = ScalarMulConstantTime(Bls12381G2Generator(), secret);
  Bls12381G2Affine g2_psi = Bls12381G2ScalarMulConstantTime(Bls12381G2Generator(), secret);
  // The results are public (a public key, a signature): declassify them before comparing.
  VALGRIND_MAKE_MEM_DEFINED(&g1, sizeof(g1));
  VALGRIND_MAKE_MEM_DEFINED(&g2, sizeof(g2));
  VALGRIND_MAKE_MEM_DEFINED(&g2_psi, sizeof(g2_psi));
  VALGRIND_MAKE_MEM_DEFINED(secret.data(), sizeof(secret));
  const unsigned after = VALGRIND_COUNT_ERRORS;
  INFO("running on valgrind: " << RUNNING_ON_VALGRIND);
  CHECK(after == before);
  CHECK(g1 == expected_g1);
  CHECK(g2 == expected_g2);
  CHECK(g2_psi == expected_g2);
}

// The ψ-based signing multiplication against the plain public one, on scalars that stress the
// base-|x| digits: small, r − 1, around powers of |x|, and pseudo-random ones.
TEST_CASE("bls G2 constant-time psi multiplication equals plain scalar multiplication",
          "[bls_ct]") {
  constexpr Limbs<4> kR = Bls12381FrParams::kModulus;
  std::vector<Limbs<4>> scalars = {
      {1, 0, 0, 0},
      {kBls12381X - 1, 0, 0, 0},
      {kBls12381X, 0, 0, 0},
      {0, 1, 0, 0},
      limbs::SubSmall(kR, 1),
      limbs::SubSmall(kR, 2),
      HexLimbs<4>("3c1a0ee81c2d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"),
  };
  uint64_t state = 0x9e3779b97f4a7c15;
  for (int i = 0; i < 6; ++i) {
    Limbs<4> k{};
    for (uint64_t& limb : k) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      limb = state;
    }
    k[3] &= 0x3fffffffffffffff;  // below r
    scalars.push_back(k);
  }
  // |x|², |x|³ and their neighbours.
  const Bls12381Fr x = Bls12381Fr::FromUint(kBls12381X);
  for (const Bls12381Fr& power : {x * x, x * x * x}) {
    const Limbs<4> p = power.ToCanonical();
    scalars.push_back(p);
    scalars.push_back(limbs::SubSmall(p, 1));
    scalars.push_back(limbs::AddSmall(p, 1));
  }
  const Bls12381G2Affine q =
      Bls12381G2::From(Bls12381G2Generator()).ScalarMulPublic(Limbs<1>{12345}).ToAffine();
  for (const Limbs<4>& k : scalars) {
    CHECK(Bls12381G2ScalarMulConstantTime(q, k) ==
          Bls12381G2::From(q).ScalarMulPublic(k).ToAffine());
  }
}

}  // namespace
}  // namespace theta::crypto::internal
