#include "theta/core/hd_wallet.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/test_data.hpp"
#include "theta/core/address.hpp"
#include "theta/core/hash.hpp"

namespace theta {
namespace {

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

HdSeed Seed(std::string_view hex) {
  auto bytes = ParseHexDigits(hex);
  REQUIRE(bytes.ok());
  auto seed = HdSeed::FromBytes(*bytes);
  REQUIRE(seed.ok());
  return *seed;
}

TEST_CASE("bip39 english wordlist is the official list", "[hd_wallet]") {
  const auto words = Bip39EnglishWords();
  REQUIRE(words.size() == 2048);
  std::string file;  // the list as bitcoin/bips bip-0039/english.txt writes it
  for (std::string_view word : words) {
    file.append(word);
    file.push_back('\n');
  }
  // SHA-256 of english.txt, as published alongside BIP-39 and pinned by many implementations.
  CHECK(ToHex(Sha256(AsBytes(file)), false) ==
        "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
  CHECK(std::is_sorted(words.begin(), words.end()));
}

// trezor/python-mnemonic vectors.json (copied in tests/data/core): [entropy, mnemonic, seed with
// passphrase "TREZOR", root xprv].
TEST_CASE("bip39 passes the Trezor reference vectors", "[hd_wallet]") {
  const auto vectors =
      testing::LoadJson(testing::RepoTestDataDir() / "core/bip39_vectors.json")["english"];
  REQUIRE(vectors.size() == 24);
  for (const auto& v : vectors) {
    const std::string entropy_hex = v[0];
    const std::string mnemonic = v[1];
    INFO(mnemonic);
    auto entropy = ParseHexDigits(entropy_hex);
    REQUIRE(entropy.ok());
    auto encoded = MnemonicFromEntropy(*entropy);
    REQUIRE(encoded.ok());
    CHECK(*encoded == mnemonic);
    auto decoded = MnemonicToEntropy(mnemonic);
    REQUIRE(decoded.ok());
    CHECK(*decoded == *entropy);
    auto seed = MnemonicToSeed(mnemonic, "TREZOR");
    REQUIRE(seed.ok());
    CHECK(ToHex(seed->bytes(), false) == v[2].get<std::string>());
    auto root = ExtendedPrivateKey::FromSeed(*seed);
    REQUIRE(root.ok());
    CHECK(root->ToXprv() == v[3].get<std::string>());
  }
}

struct ChainStep {
  const char* path;
  const char* xpub;
  const char* xprv;
};

void CheckChain(std::string_view seed_hex, const std::vector<ChainStep>& steps) {
  auto master = ExtendedPrivateKey::FromSeed(Seed(seed_hex));
  REQUIRE(master.ok());
  for (const ChainStep& step : steps) {
    INFO(step.path);
    auto path = ParseDerivationPath(step.path);
    REQUIRE(path.ok());
    auto node = master->Derive(*path);
    REQUIRE(node.ok());
    CHECK(node->ToXpub() == step.xpub);
    CHECK(node->ToXprv() == step.xprv);
    CHECK(node->depth() == path->size());
  }
}

// BIP-32 "Test vector 1" (bitcoin/bips bip-0032.mediawiki); H written as '.
TEST_CASE("bip32 passes test vector 1", "[hd_wallet]") {
  CheckChain("000102030405060708090a0b0c0d0e0f", {
                                                     {"m",
                                                      "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9g"
                                                      "SE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD2"
                                                      "65TMg7usUDFdp6W1EGMcet8",
                                                      "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4"
                                                      "stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNN"
                                                      "U3TGtRBeJgk33yuGBxrMPHi"},
                                                     {"m/0'",
                                                      "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXo"
                                                      "QRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ"
                                                      "9xv5ski8PX9rL2dZXvgGDnw",
                                                      "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8B"
                                                      "r5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZ"
                                                      "G7XnxHrnYeSvkzY7d2bhkJ7"},
                                                     {"m/0'/1",
                                                      "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJc"
                                                      "M47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527H"
                                                      "qck2AxYysAA7xmALppuCkwQ",
                                                      "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntz"
                                                      "niatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY"
                                                      "3H2EU4pWcQDnRnrVA1xe8fs"},
                                                     {"m/0'/1/2'",
                                                      "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbm"
                                                      "WvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7ep"
                                                      "u4trkrX7x7DogT5Uv6fcLW5",
                                                      "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9"
                                                      "xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMj"
                                                      "ANTtpgP4mLTj34bhnZX7UiM"},
                                                     {"m/0'/1/2'/2",
                                                      "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8E"
                                                      "qN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62"
                                                      "cfN7fe5JnJ7dh8zL4fiyLHV",
                                                      "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5id"
                                                      "H2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5"
                                                      "Mm3wDvUAKRHSC34sJ7in334"},
                                                     {"m/0'/1/2'/2/1000000000",
                                                      "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP"
                                                      "3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGas"
                                                      "TvXEYBVPamhGW6cFJodrTHy",
                                                      "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6m"
                                                      "V6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruo"
                                                      "UihUZREPSL39UNdE3BBDu76"},
                                                 });
}

// BIP-32 "Test vector 2".
TEST_CASE("bip32 passes test vector 2", "[hd_wallet]") {
  CheckChain(
      "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b78"
      "75726f6c696663605d5a5754514e4b484542",
      {
          {"m",
           "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8"
           "B"
           "DzTJY47LJhkJ8UB7WEGuduB",
           "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm"
           "5"
           "5Qn3LqFtT2emdEXVYsCzC2U"},
          {"m/0",
           "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezp"
           "b"
           "Zb7ap6r1D3tgFxHmwMkQTPH",
           "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G"
           "8"
           "1dwSM1fwqWpWkeS3v86pgKt"},
          {"m/0/2147483647'",
           "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJ"
           "i"
           "HjaDMBU4Zn9h8LZNnBC5y4a",
           "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVs"
           "F"
           "awNzmjuHc2YmYRmagcEPdU9"},
          {"m/0/2147483647'/1",
           "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89Loj"
           "fZ537wTfunKau47EL2dhHKon",
           "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPP"
           "d"
           "bRCHuWS6T8XA2ECKADdw4Ef"},
          {"m/0/2147483647'/1/2147483646'",
           "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2gr"
           "B"
           "GRjaDMzQLcgJvLJuZZvRcEL",
           "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ"
           "8"
           "HFsTjSyQbLYnMpCqE2VbFWc"},
          {"m/0/2147483647'/1/2147483646'/2",
           "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY"
           "5"
           "agb9rXpVGyy3bdW6EEgAtqt",
           "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyef"
           "M"
           "LEcBYJUuekgW4BYPJcr9E7j"},
      });
}

TEST_CASE("hd wallet derives the well-known Hardhat account 0", "[hd_wallet]") {
  const std::string mnemonic = "test test test test test test test test test test test junk";
  auto seed = MnemonicToSeed(mnemonic);
  REQUIRE(seed.ok());
  auto key = DeriveAccount(*seed, EthereumDerivationPath(0));
  REQUIRE(key.ok());
  CHECK(ToChecksumHex(AddressFromPublicKey(key->DerivePublicKey())) ==
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  // Hardhat's account 1 as well, to pin the last level.
  auto key1 = DeriveAccount(*seed, EthereumDerivationPath(1));
  REQUIRE(key1.ok());
  CHECK(ToChecksumHex(AddressFromPublicKey(key1->DerivePublicKey())) ==
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  // Theta's coin type gives a different account from the same mnemonic.
  auto theta = DeriveAccount(*seed, ThetaDerivationPath(0));
  REQUIRE(theta.ok());
  CHECK_FALSE(*theta == *key);
}

TEST_CASE("hd wallet account paths use coin types 500 and 60", "[hd_wallet]") {
  CHECK(ThetaDerivationPath(3) == "m/44'/500'/0'/0/3");
  CHECK(EthereumDerivationPath(0) == "m/44'/60'/0'/0/0");
  auto path = ParseDerivationPath(ThetaDerivationPath(7));
  REQUIRE(path.ok());
  CHECK(*path == DerivationPath{44 + kHardened, 500 + kHardened, kHardened, 0, 7});
}

TEST_CASE("bip39 accepts upper case and extra whitespace as the same mnemonic", "[hd_wallet]") {
  auto canonical = MnemonicToSeed(
      "legal winner thank year wave sausage worth useful legal winner "
      "thank yellow",
      "TREZOR");
  auto sloppy = MnemonicToSeed(
      "  Legal WINNER thank\tyear wave sausage worth useful legal\n"
      "winner  thank yellow ",
      "TREZOR");
  REQUIRE(canonical.ok());
  REQUIRE(sloppy.ok());
  CHECK(ToHex(canonical->bytes()) == ToHex(sloppy->bytes()));
}

TEST_CASE("bip39 errors name the bad word, the count or the checksum", "[hd_wallet]") {
  CHECK(Message(ValidateMnemonic("abandon abandon abandon abandon abandn abandon abandon abandon "
                                 "abandon abandon abandon about")) ==
        "mnemonic: word 5 \"abandn\" is not in the BIP-39 English wordlist");
  CHECK_THAT(Message(ValidateMnemonic("abandon abandon abandon abandon abandon abandon abandon "
                                      "abandon abandon abandon about")),
             Catch::Contains("11 words; a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words"));
  CHECK_THAT(Message(ValidateMnemonic("")), Catch::Contains("0 words"));
  CHECK_THAT(Message(ValidateMnemonic("abandon abandon abandon abandon abandon abandon abandon "
                                      "abandon abandon abandon abandon abandon")),
             Catch::Contains("checksum mismatch"));
  CHECK_THAT(Message(ValidateMnemonic("abandon abandon abandon abandon abandon abandon abandon "
                                      "abandon abandon abandon abandon \xc3\xa1\x62out")),
             Catch::Contains("non-ASCII"));
  // A long pasted token is quoted cut short.
  const std::string long_word(100, 'q');
  const std::string mnemonic = long_word +
                               " abandon abandon abandon abandon abandon abandon "
                               "abandon abandon abandon abandon about";
  const std::string message = Message(ValidateMnemonic(mnemonic));
  CHECK_THAT(message, Catch::Contains("word 1 \"qqqqqqqqqqqqqqqq...\""));
  CHECK(message.find(long_word) == std::string::npos);

  CHECK(ValidateMnemonic("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong").ok());
  CHECK(MnemonicToSeed("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("bip39 refuses a non-ASCII passphrase it cannot normalize", "[hd_wallet]") {
  auto seed = MnemonicToSeed("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", "caf\xc3\xa9");
  CHECK(seed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Message(seed.status()), Catch::Contains("NFKD"));
}

TEST_CASE("bip39 entropy sizes outside the standard ones are refused", "[hd_wallet]") {
  for (size_t size : {0, 15, 17, 33, 64}) {
    CHECK(MnemonicFromEntropy(Bytes(size, 1)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("bip39 generates valid, distinct mnemonics of each length", "[hd_wallet]") {
  std::set<std::string> seen;
  for (int words : {12, 15, 18, 21, 24}) {
    auto mnemonic = GenerateMnemonic(words);
    REQUIRE(mnemonic.ok());
    CHECK(static_cast<int>(std::count(mnemonic->begin(), mnemonic->end(), ' ')) == words - 1);
    CHECK(ValidateMnemonic(*mnemonic).ok());
    CHECK(seen.insert(*mnemonic).second);
  }
  CHECK(GenerateMnemonic().ok());
  for (int words : {0, -12, 11, 13, 25, 48}) {
    CHECK(GenerateMnemonic(words).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("bip32 paths round-trip through text", "[hd_wallet]") {
  for (const char* text : {"m", "m/0", "m/44'/60'/0'/0/0", "m/2147483647'/2147483647"}) {
    auto path = ParseDerivationPath(text);
    REQUIRE(path.ok());
    CHECK(FormatDerivationPath(*path) == text);
  }
  auto h = ParseDerivationPath("m/44h/60H/0'");
  REQUIRE(h.ok());
  CHECK(FormatDerivationPath(*h) == "m/44'/60'/0'");
}

TEST_CASE("bip32 path errors name the level and the rule", "[hd_wallet]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"", "does not start with \"m\""},
      {"44'/60'", "does not start with \"m\""},
      {"M/0", "does not start with \"m\""},
      {"m0", "must continue with \"/\""},
      {"m/", "level 1 \"\" has no index"},
      {"m/44'//0", "level 2 \"\" has no index"},
      {"m/44'/60'/", "level 3 \"\" has no index"},
      {"m/'", "level 1 \"'\" has no index"},
      {"m/01", "level 1 \"01\" has a leading zero"},
      {"m/4x", "level 1 \"4x\" is not a decimal index"},
      {"m/-1", "level 1 \"-1\" is not a decimal index"},
      {"m/44''", "level 1 \"44''\" is not a decimal index"},
      {"m/2147483648", "level 1 \"2147483648\" is 2^31 or more"},
      {"m/99999999999999999999999", "is 2^31 or more"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    auto path = ParseDerivationPath(text);
    CHECK(path.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Message(path.status()), Catch::Contains(message));
  }
  std::string deep = "m";
  for (int i = 0; i < 256; ++i)
    deep += "/0";
  CHECK_THAT(Message(ParseDerivationPath(deep).status()), Catch::Contains("more than 255"));
}

TEST_CASE("bip32 stops at depth 255", "[hd_wallet]") {
  auto node = ExtendedPrivateKey::FromSeed(Seed("000102030405060708090a0b0c0d0e0f"));
  REQUIRE(node.ok());
  auto deepest = node->Derive(DerivationPath(255, 1));
  REQUIRE(deepest.ok());
  CHECK(deepest->depth() == 255);
  CHECK(deepest->DeriveChild(0).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("bip32 seeds must be 16 to 64 bytes", "[hd_wallet]") {
  CHECK(HdSeed::FromBytes(Bytes(15, 1)).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(HdSeed::FromBytes(Bytes(65, 1)).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(HdSeed::FromBytes(Bytes(16, 1)).ok());
  CHECK(HdSeed::FromBytes(Bytes(64, 1)).ok());
}

TEST_CASE("bip32 child metadata links to the parent", "[hd_wallet]") {
  auto master = ExtendedPrivateKey::FromSeed(Seed("000102030405060708090a0b0c0d0e0f"));
  REQUIRE(master.ok());
  CHECK(master->fingerprint() == 0x3442193e);  // BIP-32 test vector 1's master identifier
  auto child = master->DeriveChild(kHardened);
  REQUIRE(child.ok());
  CHECK(child->parent_fingerprint() == master->fingerprint());
  CHECK(child->child_number() == kHardened);
  CHECK(child->depth() == 1);
}

}  // namespace
}  // namespace theta
