#include "theta/wallet/guardian_summary.hpp"

#include <catch2/catch.hpp>

namespace theta::wallet {
namespace {

TEST_CASE("holder summaries round-trip and every part is checked", "[wallet][guardian]") {
  auto holder = PrivateKey::Generate();
  auto bls = crypto::bls::KeyGen(Bytes(32, 42));
  REQUIRE(bls.ok());
  const HolderSummary summary = MakeHolderSummary(*holder, *bls);
  const std::string text = FormatHolderSummary(summary);
  CHECK(text.size() == 2 + 2 * kHolderSummarySize);
  auto parsed = ParseHolderSummary(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->holder == AddressFromPublicKey(holder->DerivePublicKey()));
  CHECK(ParseHolderSummary(text.substr(2)).ok());  // without 0x

  auto flip = [&](size_t byte) {
    std::string bad = text;
    char& c = bad[2 + 2 * byte + 1];
    c = c == '0' ? '1' : '0';
    return ParseHolderSummary(bad).status();
  };
  CHECK_THAT(std::string(flip(5).message()), Catch::Contains("holder signature"));
  CHECK_THAT(std::string(flip(30).message()), Catch::Contains("BLS"));
  CHECK_FALSE(flip(100).ok());
  CHECK_FALSE(flip(200).ok());
  CHECK_THAT(std::string(ParseHolderSummary("0x1234").status().message()),
             Catch::Contains("229 bytes"));
  CHECK_FALSE(ParseHolderSummary("zz").ok());
}

}  // namespace
}  // namespace theta::wallet
