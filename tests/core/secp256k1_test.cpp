#include "theta/core/secp256k1.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "support/test_data.hpp"
#include "theta/core/address.hpp"
#include "theta/core/hash.hpp"

namespace theta {
namespace {

// The group order n, big-endian (SEC 2, section 2.4.1).
const Hash32 kOrder =
    *Hash32::FromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

// n - s for 0 < s < n, by schoolbook subtraction (the test must not lean on the code under test).
Hash32 Negate(const Hash32& s) {
  Hash32 out;
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    int digit = kOrder[i] - s[i] - borrow;
    borrow = digit < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(digit + 256 * borrow);
  }
  return out;
}

// A decimal string (as the Ethereum JSON tests write r and s) to 32 big-endian bytes.
Hash32 FromDecimal(const std::string& text) {
  Hash32 out;
  for (char c : text) {
    int carry = c - '0';
    for (size_t i = 32; i-- > 0;) {
      const int value = out[i] * 10 + carry;
      out[i] = static_cast<uint8_t>(value & 0xff);
      carry = value >> 8;
    }
  }
  return out;
}

Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 out;
  for (uint8_t& b : out.bytes)
    b = static_cast<uint8_t>(rng());
  return out;
}

PrivateKey Key(std::string_view hex) {
  auto key = PrivateKey::FromHex(hex);
  REQUIRE(key.ok());
  return *key;
}

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

TEST_CASE("secp256k1 reproduces the EIP-155 example key, address and signature", "[secp256k1]") {
  // EIP-155 ("Example"): private key 0x46…46 signs the signing hash of its example transaction.
  const PrivateKey key = Key("0x4646464646464646464646464646464646464646464646464646464646464646");
  const PublicKey pub = key.DerivePublicKey();
  CHECK(ToChecksumHex(AddressFromPublicKey(pub)) == "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");

  const Hash32 digest =
      *Hash32::FromHex("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  const Signature sig = Sign(key, digest);
  // v = 37 = 0 + 1 * 2 + 35, so the recovery id is 0.
  CHECK(
      sig.r() ==
      FromDecimal("18515461264373351373200002665853028612451056578545711640558177340181847433846"));
  CHECK(
      sig.s() ==
      FromDecimal("46948507304638947509940763649030358759909902576025900602547168820602576006531"));
  CHECK(sig.v() == 0);
  auto recovered = RecoverAddress(digest, sig);
  REQUIRE(recovered.ok());
  CHECK(*recovered == AddressFromPublicKey(pub));
  CHECK(Verify(pub, digest, sig));
}

TEST_CASE("secp256k1 derives the addresses of keyaddrtest.json", "[secp256k1]") {
  const auto path = testing::SharedDataDir() / "ethereum-tests/BasicTests/keyaddrtest.json";
  const nlohmann::json cases = testing::LoadJson(path);
  REQUIRE(cases.size() >= 2);
  const Hash32 digest = Keccak256(AsBytes(""));
  for (const auto& c : cases) {
    const std::string seed = c.at("seed");
    INFO("keyaddrtest.json case \"" << seed << "\"");
    const PrivateKey key = Key("0x" + c.at("key").get<std::string>());
    auto want = ParseAddress("0x" + c.at("addr").get<std::string>());
    REQUIRE(want.ok());
    CHECK(AddressFromPublicKey(key.DerivePublicKey()) == *want);
    auto ours = RecoverAddress(digest, Sign(key, digest));
    REQUIRE(ours.ok());
    CHECK(*ours == *want);

    // The file's sig_of_emptystring does not recover to `addr` over keccak256(""), sha256(""), the
    // zero digest or the EIP-191 digest of "" (we tried each; Nethermind skips these fields as
    // "seem wrong"), so only its encoding is checked: Ethereum's V = 27/28 maps to 0/1 and back,
    // and the strict rules judge s as its size says ("horse" has a high s).
    if (!c.contains("sig_of_emptystring")) continue;
    const auto& js = c.at("sig_of_emptystring");
    const Hash32 r = FromDecimal(js.at("r"));
    const Hash32 s = FromDecimal(js.at("s"));
    const int v = std::stoi(js.at("v").get<std::string>());
    FixedBytes<65> eth;
    std::copy(r.bytes.begin(), r.bytes.end(), eth.bytes.begin());
    std::copy(s.bytes.begin(), s.bytes.end(), eth.bytes.begin() + 32);
    eth[64] = static_cast<uint8_t>(v);
    auto sig = Signature::FromEthereum(eth);
    REQUIRE(sig.ok());
    CHECK(sig->v() == v - 27);
    CHECK(sig->ToEthereum() == eth);
    CHECK(CheckSignature(*sig, {.require_low_s = false}).ok());
    const bool high_s = s[0] >= 0x80;  // n/2 = 0x7fff…; neither s here is near that boundary
    CHECK(CheckSignature(*sig).ok() == !high_s);
  }
}

TEST_CASE("secp256k1 signatures round-trip through recovery and verification", "[secp256k1]") {
  constexpr uint64_t kSeed = 0x7468657461;  // "theta"
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 64; ++i) {
    INFO("seed " << kSeed << ", iteration " << i);
    auto key = PrivateKey::FromBytes(RandomHash(rng));
    REQUIRE(key.ok());  // a random 256-bit value is >= n with probability ~2^-128
    const PublicKey pub = key->DerivePublicKey();
    const Hash32 digest = RandomHash(rng);
    const Signature sig = Sign(*key, digest);
    CHECK(CheckSignature(sig).ok());   // low-s, v in {0, 1}
    CHECK(Sign(*key, digest) == sig);  // RFC 6979 is deterministic
    auto recovered = RecoverPublicKey(digest, sig);
    REQUIRE(recovered.ok());
    CHECK(*recovered == pub);
    CHECK(Verify(pub, digest, sig));

    Hash32 other = digest;
    other[i % 32] ^= 0x01;
    CHECK_FALSE(Verify(pub, other, sig));
    auto wrong = RecoverPublicKey(other, sig);
    CHECK((!wrong.ok() || !(*wrong == pub)));
  }
}

TEST_CASE("secp256k1 rejects high-s by default and accepts it for the precompile", "[secp256k1]") {
  const PrivateKey key = Key("0x0000000000000000000000000000000000000000000000000000000000000001");
  const Hash32 digest = Keccak256(AsBytes("high-s"));
  const Signature low = Sign(key, digest);
  const Signature high = Signature::FromParts(low.r(), Negate(low.s()), low.v() ^ 1);

  auto strict = RecoverPublicKey(digest, high);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Message(strict.status()), Catch::Contains("above n/2"));

  auto lenient = RecoverPublicKey(digest, high, {.require_low_s = false});
  REQUIRE(lenient.ok());
  CHECK(*lenient == key.DerivePublicKey());
  CHECK_FALSE(Verify(key.DerivePublicKey(), digest, high));  // Verify is for canonical signatures
}

TEST_CASE("secp256k1 rejects malformed signatures", "[secp256k1]") {
  const PrivateKey key = Key("0x4646464646464646464646464646464646464646464646464646464646464646");
  const Hash32 digest = Keccak256(AsBytes("malformed"));
  const Signature good = Sign(key, digest);
  const Hash32 zero{};
  const Hash32 n_minus_1 = Negate(*Hash32::FromHex("0x" + std::string(63, '0') + "1"));

  struct Bad {
    const char* what;
    Signature sig;
    const char* message;
  };
  const Bad cases[] = {
      {"r = 0", Signature::FromParts(zero, good.s(), good.v()), "r is zero"},
      {"s = 0", Signature::FromParts(good.r(), zero, good.v()), "s is zero"},
      {"r = n", Signature::FromParts(kOrder, good.s(), good.v()), "r is zero or not below"},
      {"s = n", Signature::FromParts(good.r(), kOrder, good.v()), "s is zero or not below"},
      {"r = 2^256-1",
       Signature::FromParts(*Hash32::FromHex("0x" + std::string(64, 'f')), good.s(), 0), "r is"},
      {"v = 2", Signature::FromParts(good.r(), good.s(), 2), "v = 2, expected 0 or 1"},
      {"v = 27", Signature::FromParts(good.r(), good.s(), 27), "v = 27"},
      {"s = n-1 (high)", Signature::FromParts(good.r(), n_minus_1, good.v()), "above n/2"},
  };
  for (const Bad& bad : cases) {
    INFO(bad.what);
    auto recovered = RecoverPublicKey(digest, bad.sig);
    REQUIRE_FALSE(recovered.ok());
    CHECK(recovered.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Message(recovered.status()), Catch::Contains(bad.message));
    CHECK_FALSE(Verify(key.DerivePublicKey(), digest, bad.sig));
  }

  // r = 5 has no point with that x on secp256k1 (5^3 + 7 = 132 is not a square mod p), so nothing
  // recovers, though the signature is well formed.
  Hash32 five{};
  five[31] = 5;
  const Signature no_point = Signature::FromParts(five, good.s(), 0);
  CHECK(CheckSignature(no_point).ok());
  auto recovered = RecoverPublicKey(digest, no_point);
  REQUIRE_FALSE(recovered.ok());
  CHECK_THAT(Message(recovered.status()), Catch::Contains("no public key fits"));

  CHECK_FALSE(Signature::FromBytes(Bytes(64)).ok());
  CHECK_FALSE(Signature::FromEthereum(Bytes(65, 0)).ok());  // v = 0 is not Ethereum's 27/28
}

TEST_CASE("secp256k1 private keys must lie between 1 and n - 1", "[secp256k1]") {
  auto zero = PrivateKey::FromBytes(Hash32{});
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(Message(zero.status()), Catch::Contains("zero or not below the group order"));
  CHECK_FALSE(PrivateKey::FromBytes(kOrder).ok());
  CHECK(PrivateKey::FromBytes(Negate(*Hash32::FromHex("0x" + std::string(63, '0') + "1"))).ok());
  CHECK_FALSE(PrivateKey::FromBytes(Bytes(31, 1)).ok());

  const std::string secret = "0x46464646464646464646464646464646464646464646464646464646464646zz";
  auto bad_hex = PrivateKey::FromHex(secret);
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(Message(bad_hex.status()).find("4646") == std::string::npos);  // never echo a secret

  auto generated = PrivateKey::Generate();
  REQUIRE(generated.ok());
  auto again = PrivateKey::Generate();
  REQUIRE(again.ok());
  CHECK_FALSE(*generated == *again);
  const PrivateKey copy = *generated;
  CHECK(copy == *generated);
}

TEST_CASE("secp256k1 public keys parse all three encodings and reject points off the curve",
          "[secp256k1]") {
  // The generator G (SEC 2, section 2.4.1) is the public key of the private key 1.
  const PublicKey g = Key("0x" + std::string(63, '0') + "1").DerivePublicKey();
  CHECK(g.ToCompressed().ToHex() ==
        "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  CHECK(g.ToUncompressed().ToHex() ==
        "0x0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");

  const FixedBytes<33> compressed = g.ToCompressed();
  const FixedBytes<65> uncompressed = g.ToUncompressed();
  auto from33 = PublicKey::FromBytes(compressed);
  auto from65 = PublicKey::FromBytes(uncompressed);
  auto from64 = PublicKey::FromBytes(g.xy());
  REQUIRE(from33.ok());
  REQUIRE(from65.ok());
  REQUIRE(from64.ok());
  CHECK(*from33 == g);
  CHECK(*from65 == g);
  CHECK(*from64 == g);

  FixedBytes<64> off_curve = g.xy();
  off_curve[63] ^= 0x01;
  auto bad_point = PublicKey::FromBytes(off_curve);
  REQUIRE_FALSE(bad_point.ok());
  CHECK_THAT(Message(bad_point.status()), Catch::Contains("not a point on the curve"));

  FixedBytes<65> hybrid = uncompressed;
  hybrid[0] = 0x06;
  auto bad_prefix = PublicKey::FromBytes(hybrid);
  REQUIRE_FALSE(bad_prefix.ok());
  CHECK_THAT(Message(bad_prefix.status()), Catch::Contains("prefix 0x06"));
  CHECK_FALSE(PublicKey::FromBytes(Bytes(32, 2)).ok());
  CHECK_FALSE(PublicKey::FromBytes(FixedBytes<64>{}).ok());  // (0, 0) is not on the curve
}

}  // namespace
}  // namespace theta
