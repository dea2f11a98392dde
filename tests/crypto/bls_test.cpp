// BLS signatures (minimal-pubkey-size, PoP ciphersuite): known answers from the Ethereum consensus
// BLS test suite (github.com/ethereum/bls12-381-tests, sign and sk-to-pk cases, which use
// BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_), round trips, rejections, aggregation and PoP.
#include "theta/crypto/bls.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "internal/bls12381_curve.hpp"
#include "internal/ct_scalar_mul.hpp"
#include "internal/msm.hpp"

namespace theta::crypto::bls {
namespace {

Bytes Hex(const std::string& digits) {
  auto bytes = ParseHexDigits(digits);
  REQUIRE(bytes.ok());
  return *bytes;
}

SecretKey Key(const std::string& hex) {
  auto sk = SecretKey::FromBytes(Hex(hex));
  REQUIRE(sk.ok());
  return *sk;
}

SecretKey RandomKey(std::mt19937_64& rng) {
  Bytes ikm(32);
  for (uint8_t& b : ikm)
    b = static_cast<uint8_t>(rng());
  auto sk = KeyGen(ikm);
  REQUIRE(sk.ok());
  return *sk;
}

struct SignCase {
  const char* sk;
  const char* msg;
  const char* sig;
};

TEST_CASE("bls sign and sk-to-pk match the Ethereum BLS test vectors", "[bls]") {
  const std::array<SignCase, 3> cases = {{
      {"263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3",
       "0000000000000000000000000000000000000000000000000000000000000000",
       "b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5"
       "1"
       "58090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380"
       "b"
       "55285a55"},
      {"47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138",
       "5656565656565656565656565656565656565656565656565656565656565656",
       "af1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418"
       "d"
       "618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c636"
       "3"
       "272ba4fe"},
      {"328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216",
       "5656565656565656565656565656565656565656565656565656565656565656",
       "a4efa926610b8bd1c8330c918b7a5e9bf374e53435ef8b7ec186abf62e1b1f65aeaaeb365677ac1d1172a1f5b44"
       "b"
       "4e6d022c252c58486c0a759fbdc7de15a756acc4d343064035667a594b4c2a6f0b0b421975977f297dba63ee2f6"
       "3"
       "ffe47bb6"},
  }};
  for (const SignCase& c : cases) {
    CAPTURE(c.sk, c.msg);
    const SecretKey sk = Key(c.sk);
    const Signature sig = Sign(sk, Hex(c.msg));
    CHECK(ToHex(sig.ToBytes(), false) == c.sig);
    CHECK(Verify(SkToPk(sk), Hex(c.msg), sig));
  }
  CHECK(
      ToHex(SkToPk(Key(cases[0].sk)).ToBytes(), false) ==
      "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a"
      "7f79a");
  CHECK(
      ToHex(SkToPk(Key(cases[1].sk)).ToBytes(), false) ==
      "b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a58021"
      "7bf81");
}

TEST_CASE("bls constant-time scalar multiplication agrees with the public one", "[bls]") {
  using namespace internal;  // NOLINT
  const uint64_t seed = 0xc7;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  for (int i = 0; i < 4; ++i) {
    Limbs<4> k{};
    for (uint64_t& limb : k)
      limb = rng();
    k[3] >>= 2;
    if (i == 0) k = {0, 0, 0, 0};
    if (i == 1) k = limbs::SubSmall(Bls12381FrParams::kModulus, 1);
    const auto g1 = Bls12381G1Generator();
    const auto g2 = Bls12381G2Generator();
    CHECK(ScalarMulConstantTime(g1, k) == Bls12381G1::From(g1).ScalarMulPublic(k).ToAffine());
    CHECK(ScalarMulConstantTime(g2, k) == Bls12381G2::From(g2).ScalarMulPublic(k).ToAffine());
  }
}

TEST_CASE("bls keys and signatures round-trip and reject wrong inputs", "[bls]") {
  const uint64_t seed = 0x5165;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  const SecretKey sk = RandomKey(rng);
  const PublicKey pk = SkToPk(sk);
  const std::string msg = "theta guardian checkpoint";
  const ByteView m(reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  const Signature sig = Sign(sk, m);
  CHECK(Verify(pk, m, sig));
  auto pk2 = PublicKey::FromBytes(pk.ToBytes());
  auto sig2 = Signature::FromBytes(sig.ToBytes());
  auto sk2 = SecretKey::FromBytes(sk.ToBytes());
  REQUIRE(pk2.ok());
  REQUIRE(sig2.ok());
  REQUIRE(sk2.ok());
  CHECK(*pk2 == pk);
  CHECK(*sig2 == sig);
  CHECK(sk2->ToBytes() == sk.ToBytes());
  // Wrong message, wrong key, identity signature.
  const std::string other = "theta guardian checkpoinT";
  CHECK_FALSE(
      Verify(pk, ByteView(reinterpret_cast<const uint8_t*>(other.data()), other.size()), sig));
  CHECK_FALSE(Verify(SkToPk(RandomKey(rng)), m, sig));
  Bytes identity(96, 0);
  identity[0] = 0xc0;
  auto inf = Signature::FromBytes(identity);
  REQUIRE(inf.ok());
  CHECK_FALSE(Verify(pk, m, *inf));
  // KeyValidate rejects the identity; secret keys must be in [1, r).
  Bytes pk_identity(48, 0);
  pk_identity[0] = 0xc0;
  CHECK(PublicKey::FromBytes(pk_identity).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(SecretKey::FromBytes(Bytes(32, 0)).ok());
  CHECK_FALSE(
      SecretKey::FromBytes(Hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"))
          .ok());
  CHECK(
      SecretKey::FromBytes(Hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000"))
          .ok());
  CHECK_FALSE(KeyGen(Bytes(31, 7)).ok());
}

TEST_CASE("bls keygen is deterministic in its input and key info", "[bls]") {
  const Bytes ikm(32, 0x42);
  const std::string info = "theta";
  auto a = KeyGen(ikm), b = KeyGen(ikm);
  auto c = KeyGen(ikm, ByteView(reinterpret_cast<const uint8_t*>(info.data()), info.size()));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(a->ToBytes() == b->ToBytes());
  CHECK(a->ToBytes() != c->ToBytes());
}

TEST_CASE("bls aggregates of many signers verify and reject tampering", "[bls]") {
  const uint64_t seed = 0xa66;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  constexpr size_t kSigners = 8;
  std::vector<PublicKey> pks;
  std::vector<Signature> same, distinct;
  std::vector<Bytes> messages;
  const Bytes common(32, 0x11);
  for (size_t i = 0; i < kSigners; ++i) {
    const SecretKey sk = RandomKey(rng);
    pks.push_back(SkToPk(sk));
    same.push_back(Sign(sk, common));
    messages.push_back(Bytes(8, static_cast<uint8_t>(i)));
    distinct.push_back(Sign(sk, messages.back()));
  }
  auto agg_same = Aggregate(same);
  auto agg_distinct = Aggregate(distinct);
  REQUIRE(agg_same.ok());
  REQUIRE(agg_distinct.ok());
  CHECK(FastAggregateVerify(pks, common, *agg_same));
  std::vector<ByteView> views(messages.begin(), messages.end());
  CHECK(AggregateVerify(pks, views, *agg_distinct));
  // A missing signer, a swapped message, mismatched lengths.
  CHECK_FALSE(FastAggregateVerify(std::span(pks).first(kSigners - 1), common, *agg_same));
  std::swap(views[0], views[1]);
  CHECK_FALSE(AggregateVerify(pks, views, *agg_distinct));
  CHECK_FALSE(AggregateVerify(pks, std::span(views).first(2), *agg_distinct));
  CHECK_FALSE(Aggregate({}).ok());
  CHECK_FALSE(FastAggregateVerify({}, common, *agg_same));
}

TEST_CASE("bls proofs of possession verify only for their own key", "[bls]") {
  const uint64_t seed = 0x909;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  const SecretKey sk = RandomKey(rng);
  const PublicKey pk = SkToPk(sk);
  const Signature proof = PopProve(sk);
  CHECK(PopVerify(pk, proof));
  CHECK_FALSE(PopVerify(SkToPk(RandomKey(rng)), proof));
  // A PoP is not a signature on the key bytes under the signature DST (domain separation).
  CHECK_FALSE(Verify(pk, pk.ToBytes(), proof));
}

TEST_CASE("bls multi-scalar multiplication matches the sum of products", "[bls]") {
  using namespace internal;  // NOLINT
  const uint64_t seed = 0x3535;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  // 2,000 points with 10-bit scalars: two windows of 32 buckets, summed together.
  for (size_t n : {1u, 5u, 40u, 300u, 2000u}) {
    CAPTURE(n);
    const uint64_t scalar_mask = n == 2000 ? 0x3ff : 0xfffff;
    std::vector<Bls12381G1Affine> points;
    std::vector<uint64_t> scalars;
    Bls12381G1 expected = Bls12381G1::Infinity();
    Bls12381G1 p = Bls12381G1::From(Bls12381G1Generator());
    for (size_t i = 0; i < n; ++i) {
      p = p.Double() + Bls12381G1::From(Bls12381G1Generator());
      points.push_back(p.ToAffine());
      // Repeats and zeros on purpose; up to 20 bits so that small n takes several windows.
      const uint64_t k =
          i % 7 == 3 ? 0
                     : (i % 5 == 1 ? scalars.empty() ? 1 : scalars.back() : rng() & scalar_mask);
      scalars.push_back(k);
      expected = expected + p.ScalarMulPublic(Limbs<1>{k});
    }
    CHECK(MultiScalarMul<Bls12381G1Curve>(points, scalars) == expected);
  }
}

TEST_CASE("bls weighted and bitmap aggregates verify with one pairing check", "[bls]") {
  const uint64_t seed = 0x6a7d;
  std::mt19937_64 rng(seed);
  CAPTURE(seed);
  constexpr size_t kSigners = 12;
  const Bytes msg(32, 0x77);
  std::vector<PublicKey> keys;
  std::vector<Signature> sigs;
  for (size_t i = 0; i < kSigners; ++i) {
    const SecretKey sk = RandomKey(rng);
    keys.push_back(SkToPk(sk));
    sigs.push_back(Sign(sk, msg));
  }
  // Two overlapping gossip aggregates: signers {0..7} and {4..11}; the merge counts 4..7 twice.
  auto build = [&](size_t from, size_t to) {
    WeightedAggregate agg;
    agg.multiplicity.assign(kSigners, 0);
    for (size_t i = from; i < to; ++i) {
      auto one = SingleSigner(sigs[i], i, kSigners);
      REQUIRE(one.ok());
      auto merged = Merge(agg, *one);
      REQUIRE(merged.ok());
      agg = *merged;
    }
    return agg;
  };
  const WeightedAggregate a = build(0, 8), b = build(4, 12);
  CHECK(VerifyWeighted(keys, msg, a));
  auto both = Merge(a, b);
  REQUIRE(both.ok());
  CHECK(both->multiplicity[5] == 2);
  CHECK(both->multiplicity[0] == 1);
  CHECK(VerifyWeighted(keys, msg, *both));
  // A wrong count, a wrong message, too short a key list, nobody.
  WeightedAggregate wrong = *both;
  wrong.multiplicity[5] = 1;
  CHECK_FALSE(VerifyWeighted(keys, msg, wrong));
  CHECK_FALSE(VerifyWeighted(keys, Bytes(32, 0x78), *both));
  CHECK_FALSE(VerifyWeighted(std::span(keys).first(8), msg, *both));
  CHECK_FALSE(VerifyWeighted(keys, msg, WeightedAggregate{}));
  CHECK_FALSE(SingleSigner(sigs[0], kSigners, kSigners).ok());
  WeightedAggregate huge;
  huge.multiplicity = {UINT32_MAX};
  CHECK_FALSE(Merge(huge, huge).ok());
  // Bitmap: signers 0..7 are bits 0..7 of byte 0.
  const std::array<uint8_t, 2> bitmap = {0xff, 0x00};
  CHECK(VerifyBitmap(keys, bitmap, msg, a.signature));
  const std::array<uint8_t, 2> missing = {0x7f, 0x00};
  CHECK_FALSE(VerifyBitmap(keys, missing, msg, a.signature));
  const std::array<uint8_t, 3> past_end = {0xff, 0x00, 0x01};
  CHECK_FALSE(VerifyBitmap(keys, past_end, msg, a.signature));
}

}  // namespace
}  // namespace theta::crypto::bls
