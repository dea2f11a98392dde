// Constant-time evidence for the secret-scalar paths: under valgrind (ctest runs this case through
// `valgrind` when it is installed) the secret scalar is marked undefined, so any branch or memory
// index that depends on it is reported as a use of an uninitialised value; the case asserts that
// valgrind counted no new error. Outside valgrind the client requests are no-ops and the case only
// checks the results.
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

#include <catch2/catch.hpp>

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
  // The results are public (a public key, a signature): declassify them before comparing.
  VALGRIND_MAKE_MEM_DEFINED(&g1, sizeof(g1));
  VALGRIND_MAKE_MEM_DEFINED(&g2, sizeof(g2));
  VALGRIND_MAKE_MEM_DEFINED(secret.data(), sizeof(secret));
  const unsigned after = VALGRIND_COUNT_ERRORS;
  INFO("running on valgrind: " << RUNNING_ON_VALGRIND);
  CHECK(after == before);
  CHECK(g1 == expected_g1);
  CHECK(g2 == expected_g2);
}

}  // namespace
}  // namespace theta::crypto::internal
