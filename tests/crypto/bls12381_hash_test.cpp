// RFC 9380 hashing to BLS12-381: every vector of the CFRG suite (expand_message_xmd with SHA-256,
// BLS12381G1 and BLS12381G2 XMD:SHA-256 SSWU RO and NU) from ../shared/data/crypto/hash_to_curve.
#include "internal/bls12381_hash.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "support/test_data.hpp"

namespace theta::crypto {
namespace {

using namespace internal;  // NOLINT: the test reaches the internal layer throughout

std::filesystem::path VectorPath(const std::string& name) {
  return testing::SharedDataDir() / "crypto" / "hash_to_curve" / name;
}

ByteView AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string FpHex(const Bls12381Fp& f) {
  std::array<uint8_t, 48> b{};
  f.ToBytes(b);
  return ToHex(b);
}

// "0x..." or "0x...,0x..." (c0, c1) as the vectors print Fp and Fp2 elements.
std::string FieldHex(const Bls12381Fp& f) {
  return FpHex(f);
}
std::string FieldHex(const Bls12381Fp2& f) {
  return FpHex(f.c0) + "," + FpHex(f.c1);
}

TEST_CASE("expand_message_xmd matches the RFC 9380 SHA-256 vectors", "[bls12381_hash]") {
  for (const char* name :
       {"expand_message_xmd_SHA256_38.json", "expand_message_xmd_SHA256_256.json"}) {
    const auto suite = testing::LoadJson(VectorPath(name));
    const std::string dst = suite["DST"];
    for (const auto& t : suite["tests"]) {
      const std::string msg = t["msg"];
      const size_t len = std::stoul(t["len_in_bytes"].get<std::string>(), nullptr, 16);
      CAPTURE(name, msg, len);
      auto out = ExpandMessageXmd(AsBytes(msg), AsBytes(dst), len);
      REQUIRE(out.ok());
      CHECK(ToHex(*out, false) == t["uniform_bytes"].get<std::string>());
    }
  }
}

TEST_CASE("expand_message_xmd rejects impossible lengths", "[bls12381_hash]") {
  const std::string dst = "DST";
  CHECK(ExpandMessageXmd({}, AsBytes(dst), 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ExpandMessageXmd({}, AsBytes(dst), 255 * 32 + 1).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ExpandMessageXmd({}, AsBytes(dst), 255 * 32).ok());
}

template <class Affine, class HashFn, class FieldFn>
void CheckSuite(const std::string& file, HashFn hash, FieldFn field, size_t count) {
  const auto suite = testing::LoadJson(VectorPath(file));
  const std::string dst = suite["dst"];
  REQUIRE(suite["vectors"].size() >= 5);
  for (const auto& v : suite["vectors"]) {
    const std::string msg = v["msg"];
    CAPTURE(file, msg);
    auto u = field(AsBytes(msg), AsBytes(dst), count);
    REQUIRE(u.ok());
    for (size_t i = 0; i < count; ++i)
      CHECK(FieldHex((*u)[i]) == v["u"][i].get<std::string>());
    auto p = hash(AsBytes(msg), AsBytes(dst));
    REQUIRE(p.ok());
    CHECK(FieldHex(p->x) == v["P"]["x"].get<std::string>());
    CHECK(FieldHex(p->y) == v["P"]["y"].get<std::string>());
  }
}

TEST_CASE("hash to G1 matches the RFC 9380 BLS12381G1 RO and NU vectors", "[bls12381_hash]") {
  CheckSuite<Bls12381G1Affine>("BLS12381G1_XMD_SHA-256_SSWU_RO_.json", HashToG1, HashToFp, 2);
  CheckSuite<Bls12381G1Affine>("BLS12381G1_XMD_SHA-256_SSWU_NU_.json", EncodeToG1, HashToFp, 1);
}

TEST_CASE("hash to G2 matches the RFC 9380 BLS12381G2 RO and NU vectors", "[bls12381_hash]") {
  CheckSuite<Bls12381G2Affine>("BLS12381G2_XMD_SHA-256_SSWU_RO_.json", HashToG2, HashToFp2, 2);
  CheckSuite<Bls12381G2Affine>("BLS12381G2_XMD_SHA-256_SSWU_NU_.json", EncodeToG2, HashToFp2, 1);
}

TEST_CASE("G2 cofactor clearing by psi equals multiplication by h_eff", "[bls12381_hash]") {
  // RFC 9380 §8.8.2's h_eff for G2, against the ψ method on an arbitrary point of E'.
  constexpr Limbs<10> kHEff = HexLimbs<10>(
      "bc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d121"
      "2b"
      "02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551");
  const Bls12381G2 q =
      Bls12381G2::From(MapToCurveG2(Bls12381Fp2{Bls12381Fp::FromUint(7), Bls12381Fp::FromUint(3)}));
  const Bls12381G2 cleared = ClearCofactorG2(q);
  CHECK(cleared == q.ScalarMulPublic(kHEff));
  CHECK(Bls12381G2InSubgroup(cleared.ToAffine()));
  CHECK_FALSE(Bls12381G2InSubgroup(q.ToAffine()));
}

}  // namespace
}  // namespace theta::crypto
