#include "theta/wallet/amount.hpp"

#include <catch2/catch.hpp>
#include <random>

namespace theta::wallet {
namespace {

std::string Wei(std::string_view text) {
  auto wei = ParseAmount(text);
  REQUIRE(wei.ok());
  return wei->ToDecimal();
}

std::string Error(std::string_view text) {
  auto wei = ParseAmount(text);
  REQUIRE_FALSE(wei.ok());
  CHECK(absl::IsInvalidArgument(wei.status()));
  return std::string(wei.status().message());
}

TEST_CASE("amounts parse tokens with up to 18 decimals and integers of wei", "[wallet]") {
  CHECK(Wei("1") == "1000000000000000000");
  CHECK(Wei("1.5") == "1500000000000000000");
  CHECK(Wei("0.000000000000000001") == "1");
  CHECK(Wei("0") == "0");
  CHECK(Wei("250wei") == "250");
  CHECK(Wei("0wei") == "0");
  CHECK(Wei("1000000") == "1000000000000000000000000");
}

TEST_CASE("amounts refuse signs, exponents, separators, spaces and excess decimals", "[wallet]") {
  CHECK_THAT(Error(""), Catch::Contains("empty"));
  CHECK_THAT(Error("-1"), Catch::Contains("digits"));
  CHECK_THAT(Error("1e18"), Catch::Contains("digits"));
  CHECK_THAT(Error("1,000"), Catch::Contains("digits"));
  CHECK_THAT(Error(" 1"), Catch::Contains("digits"));
  CHECK_THAT(Error("1.2.3"), Catch::Contains("digits"));
  CHECK_THAT(Error(".5"), Catch::Contains("both sides"));
  CHECK_THAT(Error("5."), Catch::Contains("both sides"));
  CHECK_THAT(Error("0.0000000000000000001"), Catch::Contains("18 decimals"));
  CHECK_THAT(Error("1.5wei"), Catch::Contains("integer"));
  CHECK_THAT(Error("1theta"), Catch::Contains("unit"));
  CHECK_THAT(Error(std::string(80, '9')), Catch::Contains("2^256"));
  CHECK_THAT(Error(std::string(80, '9') + "wei"), Catch::Contains("2^256"));
}

TEST_CASE("amounts format trims the fraction and round-trip random values", "[wallet]") {
  CHECK(FormatAmount(uint256(0)) == "0");
  CHECK(FormatAmount(uint256(1)) == "0.000000000000000001");
  CHECK(FormatAmount(*uint256::FromDecimal("1500000000000000000")) == "1.5");
  CHECK(FormatAmount(*uint256::FromDecimal("2000000000000000000")) == "2");
  std::mt19937_64 rng(8);
  for (int i = 0; i < 200; ++i) {
    const uint256 value = uint256::FromLimbs(rng(), rng() >> (rng() % 64), 0, 0);
    auto back = ParseAmount(FormatAmount(value));
    REQUIRE(back.ok());
    CHECK(*back == value);
  }
}

TEST_CASE("sequence numbers parse as unsigned 64-bit integers only", "[wallet]") {
  CHECK(*ParseUint64("18446744073709551615", "n") == UINT64_MAX);
  CHECK_FALSE(ParseUint64("18446744073709551616", "n").ok());
  CHECK_FALSE(ParseUint64("-1", "n").ok());
  CHECK_FALSE(ParseUint64("", "n").ok());
  CHECK_FALSE(ParseUint64("1x", "n").ok());
}

}  // namespace
}  // namespace theta::wallet
