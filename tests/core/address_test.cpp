#include "theta/core/address.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace theta {
namespace {

// The examples of EIP-55 (https://eips.ethereum.org/EIPS/eip-55, "Test Cases"): the first two have
// an all-upper checksum, the next two an all-lower one, the rest are mixed.
constexpr const char* kEip55Examples[] = {
    "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string UpperDigits(std::string text) {
  for (size_t i = 2; i < text.size(); ++i) {
    if (text[i] >= 'a' && text[i] <= 'f') text[i] = static_cast<char>(text[i] - 'a' + 'A');
  }
  return text;
}

TEST_CASE("address checksum reproduces the EIP-55 examples", "[address]") {
  for (const char* example : kEip55Examples) {
    INFO(example);
    auto parsed = ParseAddress(example);
    REQUIRE(parsed.ok());
    CHECK(ToChecksumHex(*parsed) == example);
    CHECK(parsed->ToHex() == Lower(example));
  }
}

TEST_CASE("address parsing accepts all-lower and all-upper text without a checksum", "[address]") {
  for (const char* example : kEip55Examples) {
    INFO(example);
    auto lower = ParseAddress(Lower(example));
    auto upper = ParseAddress(UpperDigits(example));
    REQUIRE(lower.ok());
    REQUIRE(upper.ok());
    CHECK(*lower == *upper);
    CHECK(ToChecksumHex(*lower) == example);
  }
}

TEST_CASE("address parsing rejects mixed case with a wrong checksum", "[address]") {
  for (const char* example : kEip55Examples) {
    std::string text = example;
    // Flip the case of one letter; with other letters left as they are the text stays mixed-case
    // unless it has only one letter, which none of the examples has.
    for (size_t i = 2; i < text.size(); ++i) {
      char& c = text[i];
      if (c >= 'a' && c <= 'f') {
        c = static_cast<char>(c - 'a' + 'A');
        break;
      }
      if (c >= 'A' && c <= 'F') {
        c = static_cast<char>(c - 'A' + 'a');
        break;
      }
    }
    INFO(text);
    auto parsed = ParseAddress(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(parsed.status().message()),
               Catch::Contains("address: \"" + text + "\" fails its EIP-55 checksum"));
  }
}

TEST_CASE("address parsing requires 0x and exactly 40 hex digits", "[address]") {
  const std::string digits = "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
  auto no_prefix = ParseAddress(digits);
  REQUIRE_FALSE(no_prefix.ok());
  CHECK_THAT(std::string(no_prefix.status().message()), Catch::Contains("0x prefix"));
  CHECK_FALSE(ParseAddress("0X" + digits).ok());

  auto short_text = ParseAddress("0x" + digits.substr(1));
  REQUIRE_FALSE(short_text.ok());
  CHECK_THAT(std::string(short_text.status().message()),
             Catch::Contains("39 hex digits, expected 40"));
  CHECK_FALSE(ParseAddress("0x" + digits + "0").ok());
  CHECK_FALSE(ParseAddress("0x").ok());
  CHECK_FALSE(ParseAddress("").ok());

  auto bad_char = ParseAddress("0x" + digits.substr(0, 39) + "g");
  REQUIRE_FALSE(bad_char.ok());
  CHECK_THAT(std::string(bad_char.status().message()),
             Catch::Contains("non-hex character at position 41"));
  CHECK_FALSE(ParseAddress("0x" + digits.substr(0, 39) + " ").ok());
  CHECK_FALSE(ParseAddress(" 0x" + digits).ok());
}

TEST_CASE("address errors do not echo a huge input in full", "[address]") {
  const std::string huge = "0x" + std::string(10000, 'a');
  auto parsed = ParseAddress(huge);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().size() < 200);
}

TEST_CASE("address checksum of the zero address has no letters to case", "[address]") {
  CHECK(ToChecksumHex(Address{}) == "0x0000000000000000000000000000000000000000");
  auto parsed = ParseAddress("0x0000000000000000000000000000000000000000");
  REQUIRE(parsed.ok());
  CHECK(parsed->IsZero());
}

}  // namespace
}  // namespace theta
