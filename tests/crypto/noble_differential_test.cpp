// Differential tests against @noble/curves (npm, pinned in tests/package.json): random keys,
// messages and points from a fixed seed go through theta::crypto and through noble (node runs
// tests/crypto/js/noble_oracle.mjs), and every answer must agree: BLS12-381 SkToPk, Sign (byte for
// byte), Verify, Aggregate, FastAggregateVerify, AggregateVerify, PopProve/PopVerify and
// hash_to_G2; BN254 ECADD, ECMUL and ECPAIRING;
// and accept/reject of invalid encodings (off-curve, wrong subgroup, coordinates ≥ p, bad flags,
// infinity). A missing install fails the tests (it does not skip them), so CI cannot lose the
// oracle silently.
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/test_data.hpp"
#include "theta/core/bytes.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/crypto/bn254.hpp"

namespace theta::crypto {
namespace {

using Json = nlohmann::json;

std::filesystem::path TestsDir() {
  return testing::RepoTestDataDir().parent_path();
}

Json AskNoble(const Json& request) {
  const auto package = TestsDir() / "node_modules/@noble/curves/package.json";
  if (!std::filesystem::exists(package)) {
    FAIL("@noble/curves is not installed in "
         << (TestsDir() / "node_modules").string()
         << ": run scripts/bootstrap (it runs npm ci in tests/)");
  }
  char dir_template[] = "/tmp/theta-noble-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir = dir_template;
  const auto request_path = dir / "request.json";
  std::ofstream(request_path) << request.dump();
  const std::string output =
      testing::RunCommand("node '" + (TestsDir() / "crypto/js/noble_oracle.mjs").string() + "' '" +
                          request_path.string() + "'");
  std::filesystem::remove_all(dir);
  Json answer = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(answer.is_discarded());
  INFO("noble " << answer["version"].get<std::string>());
  return answer;
}

Bytes RandomBytes(std::mt19937_64& rng, size_t size) {
  Bytes out(size);
  for (uint8_t& b : out)
    b = static_cast<uint8_t>(rng());
  return out;
}

std::string Hex(ByteView bytes) {
  return ToHex(bytes, /*prefix=*/false);
}

Bytes FromHex(const std::string& hex) {
  auto bytes = ParseHexDigits(hex);
  REQUIRE(bytes.ok());
  return *bytes;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

// A secret key below r (the top byte stays under r's 0x73) and never zero.
bls::SecretKey RandomSecretKey(std::mt19937_64& rng) {
  Bytes bytes = RandomBytes(rng, 32);
  bytes[0] = static_cast<uint8_t>(bytes[0] % 0x73);
  bytes[31] |= 1;
  auto sk = bls::SecretKey::FromBytes(bytes);
  REQUIRE(sk.ok());
  return *sk;
}

// BLS12-381's base field modulus p (big-endian, 48 bytes), from the IETF pairing-friendly curves
// draft, section 4.2.1.
constexpr char kBlsP[] =
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa"
    "ab";
// BN254's p and r (EIP-196).
constexpr char kBnP[] = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
constexpr char kBnR[] = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";

TEST_CASE("bls keys signatures and aggregates match noble", "[noble]") {
  const uint64_t seed = 20261206;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  constexpr int kKeys = 24;
  std::vector<bls::SecretKey> sks;
  std::vector<Bytes> messages;
  Json sign = Json::array();
  for (int i = 0; i < kKeys; ++i) {
    sks.push_back(RandomSecretKey(rng));
    messages.push_back(RandomBytes(rng, rng() % 80));
  }
  // sk = 1 makes Sign return hash_to_G2(message) itself: the hash-to-curve comparison.
  Bytes one(32, 0);
  one[31] = 1;
  for (int i = 0; i < kKeys; ++i) {
    sks.push_back(*bls::SecretKey::FromBytes(one));
    messages.push_back(RandomBytes(rng, rng() % 200));
  }
  for (size_t i = 0; i < sks.size(); ++i)
    sign.push_back({{"sk", Hex(sks[i].ToBytes())}, {"msg", Hex(messages[i])}});

  std::vector<bls::PublicKey> pks;
  std::vector<bls::Signature> sigs;
  Json verify = Json::array();
  std::vector<bool> expected;
  for (size_t i = 0; i < sks.size(); ++i) {
    pks.push_back(bls::SkToPk(sks[i]));
    sigs.push_back(bls::Sign(sks[i], messages[i]));
  }
  for (int i = 0; i < kKeys; ++i) {
    const size_t other = (i + 1) % kKeys;
    Bytes tampered = messages[i];
    tampered.push_back(0x01);
    verify.push_back({{"pk", Hex(pks[i].ToBytes())},
                      {"msg", Hex(messages[i])},
                      {"sig", Hex(sigs[i].ToBytes())}});
    verify.push_back(
        {{"pk", Hex(pks[i].ToBytes())}, {"msg", Hex(tampered)}, {"sig", Hex(sigs[i].ToBytes())}});
    verify.push_back({{"pk", Hex(pks[other].ToBytes())},
                      {"msg", Hex(messages[i])},
                      {"sig", Hex(sigs[i].ToBytes())}});
    expected.insert(expected.end(), {true, false, false});
  }

  // Aggregates of 1..8 signers over one message; odd groups are checked with one key left out.
  struct Group {
    std::vector<bls::PublicKey> pks;
    std::vector<bls::Signature> sigs;
    Bytes message;
    bool complete;
  };
  std::vector<Group> groups;
  Json aggregate = Json::array();
  for (int g = 0; g < 10; ++g) {
    Group group{{}, {}, RandomBytes(rng, 32), g % 2 == 0};
    const size_t size = 1 + g % 8;
    Json pk_list = Json::array(), sig_list = Json::array();
    for (size_t k = 0; k < size; ++k) {
      const auto& sk = sks[(g * 3 + k) % kKeys];
      group.sigs.push_back(bls::Sign(sk, group.message));
      sig_list.push_back(Hex(group.sigs.back().ToBytes()));
      if (group.complete || k + 1 < size) {
        group.pks.push_back(bls::SkToPk(sk));
        pk_list.push_back(Hex(group.pks.back().ToBytes()));
      }
    }
    aggregate.push_back({{"sigs", sig_list}, {"pks", pk_list}, {"msg", Hex(group.message)}});
    groups.push_back(std::move(group));
  }

  const Json answer =
      AskNoble({{"bls", {{"sign", sign}, {"verify", verify}, {"aggregate", aggregate}}}});
  const Json& theirs = answer["bls"];
  REQUIRE(theirs["sign"].size() == sks.size());
  for (size_t i = 0; i < sks.size(); ++i) {
    INFO("sk " << Hex(sks[i].ToBytes()) << " message " << Hex(messages[i]));
    CHECK(Hex(pks[i].ToBytes()) == theirs["sign"][i]["pk"].get<std::string>());
    CHECK(Hex(sigs[i].ToBytes()) == theirs["sign"][i]["sig"].get<std::string>());
  }
  REQUIRE(theirs["verify"].size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("verify case " << i);
    auto pk = bls::PublicKey::FromBytes(FromHex(verify[i]["pk"]));
    auto sig = bls::Signature::FromBytes(FromHex(verify[i]["sig"]));
    REQUIRE(pk.ok());
    REQUIRE(sig.ok());
    const bool ours = bls::Verify(*pk, FromHex(verify[i]["msg"]), *sig);
    CHECK(ours == theirs["verify"][i].get<bool>());
    CHECK(ours == expected[i]);
  }
  REQUIRE(theirs["aggregate"].size() == groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    INFO("aggregate group " << g);
    auto sum = bls::Aggregate(groups[g].sigs);
    REQUIRE(sum.ok());
    CHECK(Hex(sum->ToBytes()) == theirs["aggregate"][g]["sig"].get<std::string>());
    const bool ours = bls::FastAggregateVerify(groups[g].pks, groups[g].message, *sum);
    CHECK(ours == theirs["aggregate"][g]["fast"].get<bool>());
    CHECK(ours == (groups[g].complete && !groups[g].pks.empty()));
  }
}

TEST_CASE("bls AggregateVerify and proofs of possession match noble", "[noble]") {
  const uint64_t seed = 90210;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  constexpr int kKeys = 5;
  std::vector<bls::SecretKey> sks;
  std::vector<bls::PublicKey> pks;
  for (int i = 0; i < kKeys; ++i) {
    sks.push_back(RandomSecretKey(rng));
    pks.push_back(bls::SkToPk(sks.back()));
  }
  // AggregateVerify over distinct messages, 1..4 signers: each honest case, then the same with one
  // message altered, with two keys swapped, and with a signer's key left out.
  struct Case {
    std::vector<bls::PublicKey> pks;
    std::vector<Bytes> msgs;
    bls::Signature sig;
    bool expected;
  };
  std::vector<Case> cases;
  for (int g = 0; g < 4; ++g) {
    const size_t size = 1 + g;
    Case honest{{}, {}, bls::Signature::Identity(), true};
    std::vector<bls::Signature> parts;
    for (size_t k = 0; k < size; ++k) {
      const size_t signer = (g + 3 * k) % kKeys;
      Bytes msg = RandomBytes(rng, 1 + rng() % 48);
      msg.push_back(static_cast<uint8_t>(k));  // distinct even if the random parts collide
      parts.push_back(bls::Sign(sks[signer], msg));
      honest.pks.push_back(pks[signer]);
      honest.msgs.push_back(msg);
    }
    auto sum = bls::Aggregate(parts);
    REQUIRE(sum.ok());
    honest.sig = *sum;
    cases.push_back(honest);
    Case altered = honest;
    altered.msgs.back().push_back(0x5a);
    altered.expected = false;
    cases.push_back(altered);
    if (size >= 2) {
      Case swapped = honest;
      std::swap(swapped.pks[0], swapped.pks[1]);
      swapped.expected = false;
      cases.push_back(swapped);
      Case missing = honest;
      missing.pks.pop_back();
      missing.msgs.pop_back();
      missing.expected = false;
      cases.push_back(missing);
    }
  }
  Json aggregate_verify = Json::array();
  for (const Case& c : cases) {
    Json keys = Json::array(), msgs = Json::array();
    for (size_t k = 0; k < c.pks.size(); ++k) {
      keys.push_back(Hex(c.pks[k].ToBytes()));
      msgs.push_back(Hex(c.msgs[k]));
    }
    aggregate_verify.push_back({{"pks", keys}, {"msgs", msgs}, {"sig", Hex(c.sig.ToBytes())}});
  }
  // PoPs byte for byte, and PopVerify of each proof under its own key and under the next key.
  Json pop_prove = Json::array(), pop_verify = Json::array();
  std::vector<bls::Signature> proofs;
  for (int i = 0; i < kKeys; ++i) {
    pop_prove.push_back(Hex(sks[i].ToBytes()));
    proofs.push_back(bls::PopProve(sks[i]));
  }
  for (int i = 0; i < kKeys; ++i) {
    pop_verify.push_back({{"pk", Hex(pks[i].ToBytes())}, {"proof", Hex(proofs[i].ToBytes())}});
    pop_verify.push_back(
        {{"pk", Hex(pks[(i + 1) % kKeys].ToBytes())}, {"proof", Hex(proofs[i].ToBytes())}});
  }
  // A signature on the key bytes under the signature tag is no proof of possession.
  pop_verify.push_back({{"pk", Hex(pks[0].ToBytes())},
                        {"proof", Hex(bls::Sign(sks[0], pks[0].ToBytes()).ToBytes())}});

  const Json theirs = AskNoble({{"bls",
                                 {{"aggregateVerify", aggregate_verify},
                                  {"popProve", pop_prove},
                                  {"popVerify", pop_verify}}}})["bls"];
  REQUIRE(theirs["aggregateVerify"].size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("AggregateVerify case " << i);
    std::vector<ByteView> views(cases[i].msgs.begin(), cases[i].msgs.end());
    const bool ours = bls::AggregateVerify(cases[i].pks, views, cases[i].sig);
    CHECK(ours == theirs["aggregateVerify"][i].get<bool>());
    CHECK(ours == cases[i].expected);
  }
  REQUIRE(theirs["popProve"].size() == proofs.size());
  for (size_t i = 0; i < proofs.size(); ++i)
    CHECK(Hex(proofs[i].ToBytes()) == theirs["popProve"][i].get<std::string>());
  REQUIRE(theirs["popVerify"].size() == pop_verify.size());
  for (size_t i = 0; i < pop_verify.size(); ++i) {
    INFO("PopVerify case " << i);
    auto pk = bls::PublicKey::FromBytes(FromHex(pop_verify[i]["pk"]));
    auto proof = bls::Signature::FromBytes(FromHex(pop_verify[i]["proof"]));
    REQUIRE(pk.ok());
    REQUIRE(proof.ok());
    const bool ours = bls::PopVerify(*pk, *proof);
    CHECK(ours == theirs["popVerify"][i].get<bool>());
    CHECK(ours == (i < 2 * kKeys && i % 2 == 0));
  }
}

// Encodings around the ZCash flags (0x80 compressed, 0x40 infinity, 0x20 sign of y) for a point of
// `size` bytes whose valid examples are `valid`: random x (about half off the curve, and the
// on-curve ones almost never in the subgroup), x = p and p + 1, flag mistakes and infinity
// variants.
std::vector<Bytes> PointEncodings(std::mt19937_64& rng, const std::vector<Bytes>& valid,
                                  size_t size) {
  std::vector<Bytes> out;
  const Bytes p = FromHex(kBlsP);
  for (const Bytes& v : valid) {
    out.push_back(v);
    Bytes flipped = v;
    flipped[0] ^= 0x20;  // the other y: still valid
    out.push_back(flipped);
    Bytes uncompressed_flag = v;
    uncompressed_flag[0] &= 0x7f;  // compressed length without the compression flag
    out.push_back(uncompressed_flag);
    Bytes infinity_flag = v;
    infinity_flag[0] |= 0x40;  // infinity flag on a non-zero x
    out.push_back(infinity_flag);
  }
  for (int i = 0; i < 120; ++i) {
    Bytes random = RandomBytes(rng, size);
    random[0] = static_cast<uint8_t>((random[0] & 0x3f) % 0x1a) | 0x80 | (rng() % 2 ? 0x20 : 0);
    out.push_back(random);
  }
  for (int i = 0; i < 8; ++i) {  // uncompressed length, random coordinates: off the curve
    Bytes random = RandomBytes(rng, 2 * size);
    random[0] = static_cast<uint8_t>(random[0] % 0x1a);
    out.push_back(random);
  }
  for (uint8_t add = 0; add < 2; ++add) {  // the top coordinate word = p, p + 1
    Bytes big(size, 0);
    std::copy(p.begin(), p.end(), big.begin());
    big[47] = static_cast<uint8_t>(big[47] + add);
    big[0] |= 0x80;
    out.push_back(big);
    if (size == 96) {  // the low word of x (c0) = p, with a small c1
      Bytes low(size, 0);
      low[0] = 0x80;
      low[47] = 1;
      std::copy(p.begin(), p.end(), low.begin() + 48);
      low[95] = static_cast<uint8_t>(low[95] + add);
      out.push_back(low);
    }
  }
  Bytes infinity(size, 0);
  infinity[0] = 0xc0;
  out.push_back(infinity);
  Bytes infinity_sign = infinity;
  infinity_sign[0] = 0xe0;
  out.push_back(infinity_sign);
  Bytes infinity_tail = infinity;
  infinity_tail[size - 1] = 1;
  out.push_back(infinity_tail);
  Bytes infinity_uncompressed(2 * size, 0);
  infinity_uncompressed[0] = 0x40;
  out.push_back(infinity_uncompressed);
  out.push_back(Bytes(size, 0));  // no flags at all
  return out;
}

TEST_CASE("bls point decoding accepts and rejects what noble does", "[noble]") {
  const uint64_t seed = 77031;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  std::vector<Bytes> valid_g1, valid_g2;
  for (int i = 0; i < 6; ++i) {
    const auto sk = RandomSecretKey(rng);
    const auto pk = bls::SkToPk(sk).ToBytes();
    const auto sig = bls::Sign(sk, RandomBytes(rng, 16)).ToBytes();
    valid_g1.emplace_back(pk.begin(), pk.end());
    valid_g2.emplace_back(sig.begin(), sig.end());
  }
  const auto g1 = PointEncodings(rng, valid_g1, bls::kPublicKeySize);
  const auto g2 = PointEncodings(rng, valid_g2, bls::kSignatureSize);
  Json g1_hex = Json::array(), g2_hex = Json::array();
  for (const Bytes& b : g1)
    g1_hex.push_back(Hex(b));
  for (const Bytes& b : g2)
    g2_hex.push_back(Hex(b));

  const Json answer = AskNoble({{"bls", {{"g1", g1_hex}, {"g2", g2_hex}}}});
  REQUIRE(answer["bls"]["g1"].size() == g1.size());
  REQUIRE(answer["bls"]["g2"].size() == g2.size());
  size_t accepted = 0;
  for (size_t i = 0; i < g1.size(); ++i) {
    INFO("G1 " << Hex(g1[i]));
    const bool ours = bls::PublicKey::FromBytes(g1[i]).ok();
    CHECK(ours == answer["bls"]["g1"][i].get<bool>());
    accepted += ours;
  }
  for (size_t i = 0; i < g2.size(); ++i) {
    INFO("G2 " << Hex(g2[i]));
    const bool ours = bls::Signature::FromBytes(g2[i]).ok();
    CHECK(ours == answer["bls"]["g2"][i].get<bool>());
    accepted += ours;
  }
  // Both outcomes occur, or the comparison proves nothing.
  CHECK(accepted >= 2 * valid_g1.size() * 2);
  CHECK(accepted < g1.size() + g2.size() - 100);
}

Bytes Word(uint64_t value) {
  Bytes out(32, 0);
  for (int i = 0; i < 8; ++i)
    out[31 - i] = static_cast<uint8_t>(value >> (8 * i));
  return out;
}

// A G1 point s·(1, 2) through our ECMUL.
Bytes BnPoint(ByteView scalar) {
  auto point = Bn254Mul(Concat({Word(1), Word(2), scalar}));
  REQUIRE(point.ok());
  return Bytes(point->begin(), point->end());
}

// Valid points, infinity, and each way a G1 encoding goes wrong.
std::vector<Bytes> BnG1Operands(std::mt19937_64& rng) {
  std::vector<Bytes> out;
  for (int i = 0; i < 10; ++i)
    out.push_back(BnPoint(RandomBytes(rng, 32)));
  out.push_back(Bytes(64, 0));                // infinity
  out.push_back(Concat({Word(1), Word(2)}));  // the generator
  Bytes off_curve = out[0];
  off_curve[63] ^= 1;
  out.push_back(off_curve);
  out.push_back(Concat({FromHex(kBnP), Word(2)}));  // x = p
  Bytes y_big = out[1];
  std::copy_n(FromHex(kBnP).begin(), 32, y_big.begin() + 32);  // y = p
  out.push_back(y_big);
  out.push_back(Concat({Word(0), Word(1)}));  // (0, 1): neither infinity nor on the curve
  return out;
}

TEST_CASE("bn254 add mul and pairing match noble", "[noble]") {
  const uint64_t seed = 196197;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  const auto operands = BnG1Operands(rng);
  std::vector<Bytes> adds, muls;
  for (size_t i = 0; i < operands.size(); ++i) {
    for (size_t j = i; j < operands.size(); ++j)
      adds.push_back(Concat({operands[i], operands[j]}));
    Bytes r_minus_one = FromHex(kBnR);
    r_minus_one[31] = 0;
    const auto negated = Bn254Mul(Concat({operands[i], r_minus_one}));
    if (negated.ok()) adds.push_back(Concat({operands[i], *negated}));  // P + (-P) = infinity
  }
  adds.push_back(Bytes(operands[0].begin(), operands[0].begin() + 40));  // short: padded
  adds.push_back(Concat({adds[3], RandomBytes(rng, 17)}));               // long: truncated
  const std::vector<Bytes> scalars = {Word(0),
                                      Word(1),
                                      Word(2),
                                      FromHex(kBnR),
                                      Bytes(32, 0xff),
                                      RandomBytes(rng, 32),
                                      RandomBytes(rng, 32)};
  for (const Bytes& point : operands)
    for (const Bytes& scalar : scalars)
      muls.push_back(Concat({point, scalar}));
  muls.push_back(Bytes(operands[2].begin(), operands[2].end()));  // no scalar: zero

  // Pairing inputs noble builds from our scalars, e(aP, bQ)·e(-abP, Q) = 1, and twist points
  // outside G2.
  Json pairs = Json::array();
  for (int i = 0; i < 6; ++i)
    pairs.push_back({{"a", Hex(RandomBytes(rng, 32))}, {"b", Hex(RandomBytes(rng, 32))}});
  const Json generated =
      AskNoble({{"bn254", {{"generate", {{"pairs", pairs}, {"twist", 3}}}}}})["bn254"]["generated"];
  std::vector<Bytes> pairings = {Bytes()};
  for (const auto& hex : generated["pairs"]) {
    const Bytes input = FromHex(hex);
    pairings.push_back(input);
    Bytes doubled = input;  // 2aP in place of aP: the product is no longer one
    const auto twice =
        Bn254Add(Concat({ByteView(input).subspan(0, 64), ByteView(input).subspan(0, 64)}));
    REQUIRE(twice.ok());
    std::copy(twice->begin(), twice->end(), doubled.begin());
    pairings.push_back(doubled);
    Bytes off_curve = input;
    off_curve[191] ^= 1;  // Q's y_re changes: off the twist
    pairings.push_back(off_curve);
    Bytes big = input;
    std::copy_n(FromHex(kBnP).begin(), 32, big.begin() + 64);  // x_im = p
    pairings.push_back(big);
    pairings.push_back(Bytes(input.begin(), input.end() - 1));  // not a multiple of 192
  }
  for (const auto& hex : generated["twist"]) {
    pairings.push_back(Concat({Word(1), Word(2), FromHex(hex)}));
    pairings.push_back(Concat({Bytes(64, 0), FromHex(hex)}));
  }
  pairings.push_back(Bytes(192, 0));

  Json request = {{"add", Json::array()}, {"mul", Json::array()}, {"pairing", Json::array()}};
  for (const Bytes& b : adds)
    request["add"].push_back(Hex(b));
  for (const Bytes& b : muls)
    request["mul"].push_back(Hex(b));
  for (const Bytes& b : pairings)
    request["pairing"].push_back(Hex(b));
  const Json theirs = AskNoble({{"bn254", request}})["bn254"];
  REQUIRE(theirs["add"].size() == adds.size());
  REQUIRE(theirs["mul"].size() == muls.size());
  REQUIRE(theirs["pairing"].size() == pairings.size());
  size_t rejected = 0;
  for (size_t i = 0; i < adds.size(); ++i) {
    INFO("ECADD " << Hex(adds[i]));
    const auto ours = Bn254Add(adds[i]);
    REQUIRE(ours.ok() == !theirs["add"][i].is_null());
    if (ours.ok()) CHECK(Hex(*ours) == theirs["add"][i].get<std::string>());
    rejected += !ours.ok();
  }
  for (size_t i = 0; i < muls.size(); ++i) {
    INFO("ECMUL " << Hex(muls[i]));
    const auto ours = Bn254Mul(muls[i]);
    REQUIRE(ours.ok() == !theirs["mul"][i].is_null());
    if (ours.ok()) CHECK(Hex(*ours) == theirs["mul"][i].get<std::string>());
    rejected += !ours.ok();
  }
  size_t trues = 0, falses = 0;
  for (size_t i = 0; i < pairings.size(); ++i) {
    INFO("ECPAIRING " << Hex(pairings[i]));
    const auto ours = Bn254PairingCheck(pairings[i]);
    REQUIRE(ours.ok() == !theirs["pairing"][i].is_null());
    if (!ours.ok()) continue;
    CHECK(*ours == theirs["pairing"][i].get<bool>());
    (*ours ? trues : falses) += 1;
  }
  CHECK(rejected > 20);
  CHECK(trues >= 7);
  CHECK(falses >= 6);
}

}  // namespace
}  // namespace theta::crypto
