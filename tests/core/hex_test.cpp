#include <catch2/catch.hpp>

#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {
namespace {

TEST_CASE("hex round-trips bytes in lower case with a 0x prefix") {
  const Bytes bytes = {0x00, 0x01, 0xab, 0xff};
  CHECK(ToHex(bytes) == "0x0001abff");
  CHECK(ToHex(bytes, /*prefix=*/false) == "0001abff");
  auto parsed = ParseHex("0x0001ABff");
  REQUIRE(parsed.ok());
  CHECK(*parsed == bytes);
}

TEST_CASE("hex accepts 0x alone as the empty string") {
  auto parsed = ParseHex("0x");
  REQUIRE(parsed.ok());
  CHECK(parsed->empty());
  CHECK(ToHex(Bytes{}) == "0x");
}

TEST_CASE("hex rejects a missing prefix, an odd digit count and non-hex characters") {
  auto no_prefix = ParseHex("abcd");
  REQUIRE_FALSE(no_prefix.ok());
  CHECK(no_prefix.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(no_prefix.status().message()), Catch::Contains("0x prefix"));

  auto odd = ParseHex("0xabc");
  REQUIRE_FALSE(odd.ok());
  CHECK_THAT(std::string(odd.status().message()), Catch::Contains("odd number of digits (3)"));

  auto bad = ParseHex("0x12g4");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("'g' at position 4"));

  CHECK_FALSE(ParseHex("0x 1").ok());
  CHECK_FALSE(ParseHex("").ok());
  CHECK_FALSE(ParseHex("0").ok());
  CHECK_FALSE(ParseHex(std::string_view("0x12\0", 5)).ok());
}

TEST_CASE("hex digits without prefix reject a prefix") {
  auto ok = ParseHexDigits("beef");
  REQUIRE(ok.ok());
  CHECK(*ok == Bytes{0xbe, 0xef});
  CHECK_FALSE(ParseHexDigits("0xbeef").ok());
}

TEST_CASE("fixed bytes parse exactly their length") {
  auto hash = Hash32::FromHex("0x" + std::string(64, 'a'));
  REQUIRE(hash.ok());
  CHECK((*hash)[31] == 0xaa);
  CHECK_FALSE(Hash32::FromHex("0x" + std::string(62, 'a')).ok());
  CHECK_FALSE(Hash32::FromHex("0x" + std::string(66, 'a')).ok());
  CHECK(Hash32{}.IsZero());
  CHECK_FALSE(hash->IsZero());
  CHECK(hash->ToHex() == "0x" + std::string(64, 'a'));
}

}  // namespace
}  // namespace theta
