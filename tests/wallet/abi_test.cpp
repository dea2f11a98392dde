// The ABI encoder against the Solidity documentation's worked examples and against ethers'
// AbiCoder on random types and values (fixed seed, printed on failure).
#include "theta/wallet/abi.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "theta/core/uint256.hpp"
#include "wallet_test_util.hpp"

namespace theta::wallet {
namespace {

using Json = nlohmann::json;

std::string EncodeHex(const std::vector<std::string>& types, const Json& values) {
  std::vector<AbiType> parsed;
  for (const std::string& t : types) {
    auto type = ParseAbiTypeText(t);
    REQUIRE(type.ok());
    parsed.push_back(*type);
  }
  auto encoded = AbiEncode(parsed, values);
  INFO(encoded.status().message());
  REQUIRE(encoded.ok());
  return ToHex(*encoded);
}

std::string CallHex(const std::string& abi_text, const std::string& name, const Json& args) {
  auto function = FindAbiFunction(Json::parse(abi_text), name, args.size());
  INFO(function.status().message());
  REQUIRE(function.ok());
  auto data = EncodeFunctionCall(*function, args);
  INFO(data.status().message());
  REQUIRE(data.ok());
  return ToHex(*data);
}

// https://docs.soliditylang.org/en/latest/abi-spec.html#examples
TEST_CASE("abi encodes the Solidity specification's examples", "[wallet][abi]") {
  const std::string abi = R"([
    {"type":"function","name":"baz","inputs":[{"type":"uint32"},{"type":"bool"}]},
    {"type":"function","name":"bar","inputs":[{"type":"bytes3[2]"}]},
    {"type":"function","name":"sam","inputs":[{"type":"bytes"},{"type":"bool"},{"type":"uint256[]"}]},
    {"type":"function","name":"f","inputs":[{"type":"uint256"},{"type":"uint32[]"},{"type":"bytes10"},{"type":"bytes"}]}
  ])";
  CHECK(CallHex(abi, "baz", Json::parse("[69, true]")) ==
        "0xcdcd77c0"
        "0000000000000000000000000000000000000000000000000000000000000045"
        "0000000000000000000000000000000000000000000000000000000000000001");
  CHECK(CallHex(abi, "bar", Json::parse(R"([["0x616263", "0x646566"]])")) ==
        "0xfce353f6"
        "6162630000000000000000000000000000000000000000000000000000000000"
        "6465660000000000000000000000000000000000000000000000000000000000");
  CHECK(CallHex(abi, "sam", Json::parse(R"(["0x64617665", true, [1, 2, 3]])")) ==
        "0xa5643bf2"
        "0000000000000000000000000000000000000000000000000000000000000060"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "00000000000000000000000000000000000000000000000000000000000000a0"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "6461766500000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000003"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0000000000000000000000000000000000000000000000000000000000000003");
  CHECK(CallHex(abi, "f", Json::parse(R"(["0x123", ["0x456", "0x789"], "0x31323334353637383930",
                                "0x48656c6c6f2c20776f726c6421"])")) ==
        "0x8be65246"
        "0000000000000000000000000000000000000000000000000000000000000123"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "3132333435363738393000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000000000000000000000000000e0"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0000000000000000000000000000000000000000000000000000000000000456"
        "0000000000000000000000000000000000000000000000000000000000000789"
        "000000000000000000000000000000000000000000000000000000000000000d"
        "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
}

TEST_CASE("abi encodes negative integers in two's complement and checks ranges", "[wallet][abi]") {
  CHECK(EncodeHex({"int8"}, Json::parse("[-1]")) == "0x" + std::string(64, 'f'));
  CHECK(EncodeHex({"int8"}, Json::parse("[-128]")) == "0x" + std::string(62, 'f') + "80");
  CHECK(EncodeHex({"int256"}, Json::parse(R"(["-2"])")) == "0x" + std::string(63, 'f') + "e");
  auto int8 = *ParseAbiTypeText("int8");
  auto uint8 = *ParseAbiTypeText("uint8");
  CHECK_FALSE(AbiEncode({int8}, Json::parse("[128]")).ok());
  CHECK_FALSE(AbiEncode({int8}, Json::parse("[-129]")).ok());
  CHECK_FALSE(AbiEncode({uint8}, Json::parse("[256]")).ok());
  CHECK_FALSE(AbiEncode({uint8}, Json::parse("[-1]")).ok());
}

TEST_CASE("abi errors name the argument and the rule", "[wallet][abi]") {
  auto types = std::vector<AbiType>{*ParseAbiTypeText("address"), *ParseAbiTypeText("bytes4[2]")};
  auto bad_address = AbiEncode(types, Json::parse(R"(["0x12", ["0x00000000", "0x00000000"]])"));
  REQUIRE_FALSE(bad_address.ok());
  CHECK_THAT(std::string(bad_address.status().message()), Catch::Contains("args[0]"));
  auto bad_length = AbiEncode(
      types, Json::parse(R"(["0x0000000000000000000000000000000000000001", ["0x00000000"]])"));
  REQUIRE_FALSE(bad_length.ok());
  CHECK_THAT(std::string(bad_length.status().message()), Catch::Contains("args[1]"));
  CHECK_FALSE(AbiEncode(types, Json::parse("[1]")).ok());
  for (const char* bad :
       {"uint7", "uint264", "bytes33", "bytes0", "foo", "uint256[", "(uint8", "uint8[01]", ""}) {
    CHECK_FALSE(ParseAbiTypeText(bad).ok());
  }
}

TEST_CASE("abi resolves overloads by argument count or full signature", "[wallet][abi]") {
  const Json abi = Json::parse(R"({"abi": [
    {"type":"function","name":"put","inputs":[{"type":"uint256"}]},
    {"type":"function","name":"put","inputs":[{"type":"uint256"},{"type":"string"}]},
    {"type":"function","name":"put2","inputs":[{"type":"uint8"}]},
    {"type":"function","name":"put2","inputs":[{"type":"int8"}]},
    {"type":"constructor","inputs":[{"type":"tuple","components":[{"name":"a","type":"uint8"},{"name":"b","type":"string"}]}]}
  ]})");
  CHECK(FindAbiFunction(abi, "put", 2)->signature == "put(uint256,string)");
  CHECK(FindAbiFunction(abi, "put2(int8)", 1)->signature == "put2(int8)");
  auto ambiguous = FindAbiFunction(abi, "put2", 1);
  REQUIRE_FALSE(ambiguous.ok());
  CHECK_THAT(std::string(ambiguous.status().message()), Catch::Contains("put2(uint8)"));
  CHECK(absl::IsNotFound(FindAbiFunction(abi, "nope", 0).status()));
  auto constructor = FindAbiConstructor(abi);
  REQUIRE(constructor.ok());
  CHECK(constructor->inputs.front().Canonical() == "(uint8,string)");
  // Tuples may be given by member name.
  CHECK(ToHex(*AbiEncode(constructor->inputs, Json::parse(R"([{"b": "x", "a": 7}])"))) ==
        ToHex(*AbiEncode(constructor->inputs, Json::parse(R"([[7, "x"]])"))));
}

// ---- Differential test against ethers -----------------------------------------------------

// Random type text first, then random values for the parsed type.
class RandomAbi {
 public:
  explicit RandomAbi(uint64_t seed) : rng_(seed) {}

  std::string TypeText(int depth) {
    switch (rng_() % (depth >= 3 ? 7 : 10)) {
      case 0:
        return absl::StrCat("uint", 8 * (1 + rng_() % 32));
      case 1:
        return absl::StrCat("int", 8 * (1 + rng_() % 32));
      case 2:
        return "address";
      case 3:
        return "bool";
      case 4:
        return absl::StrCat("bytes", 1 + rng_() % 32);
      case 5:
        return "bytes";
      case 6:
        return "string";
      case 7:
        return absl::StrCat(TypeText(depth + 1), "[]");
      case 8:
        return absl::StrCat(TypeText(depth + 1), "[", 1 + rng_() % 3, "]");
      default: {
        std::vector<std::string> members;
        for (size_t i = 0, n = 1 + rng_() % 3; i < n; ++i)
          members.push_back(TypeText(depth + 1));
        return absl::StrCat("(", absl::StrJoin(members, ","), ")");
      }
    }
  }

  Json Value(const AbiType& type) {
    using Kind = AbiType::Kind;
    switch (type.kind) {
      case Kind::kUint:
      case Kind::kInt: {
        uint256 value = uint256::FromLimbs(rng_(), rng_(), rng_(), rng_());
        const uint64_t bits = static_cast<uint64_t>(type.size);
        if (bits < 256) value = value & ((uint256(1) << bits) - 1);
        if (type.kind == Kind::kUint) return value.ToDecimal();
        value = value >> 1;  // below 2^(bits-1)
        return absl::StrCat((rng_() & 1) != 0 ? "-" : "", value.ToDecimal());
      }
      case Kind::kAddress:
        return HexText(20);
      case Kind::kBool:
        return (rng_() & 1) != 0;
      case Kind::kFixedBytes:
        return HexText(static_cast<size_t>(type.size));
      case Kind::kBytes:
        return HexText(rng_() % 70);
      case Kind::kString:
        return Text();
      case Kind::kArray: {
        Json values = Json::array();
        const size_t count = type.length >= 0 ? static_cast<size_t>(type.length) : rng_() % 4;
        for (size_t i = 0; i < count; ++i)
          values.push_back(Value(type.components.front()));
        return values;
      }
      case Kind::kTuple: {
        Json values = Json::array();
        for (const AbiType& member : type.components)
          values.push_back(Value(member));
        return values;
      }
    }
    return Json();
  }

 private:
  std::string HexText(size_t size) {
    std::string out = "0x";
    for (size_t i = 0; i < size; ++i)
      out += absl::StrCat(absl::Hex(rng_() & 0xff, absl::kZeroPad2));
    return out;
  }

  std::string Text() {
    static const std::vector<std::string> pieces = {"a",      "Z",      " ", "theta",
                                                    "\u00e9", "\u20ac", "0", "\n"};
    std::string out;
    for (size_t i = 0, n = rng_() % 40; i < n; ++i)
      out += pieces[rng_() % pieces.size()];
    return out;
  }

  std::mt19937_64 rng_;
};

TEST_CASE("abi encoding matches ethers AbiCoder on random types and values",
          "[wallet][abi][ethers]") {
  const uint64_t seed = 20261205;
  INFO("seed " << seed);
  RandomAbi random(seed);
  Json cases = Json::array();
  std::vector<std::string> ours;
  for (int i = 0; i < 300; ++i) {
    std::vector<std::string> types;
    Json values = Json::array();
    for (size_t j = 0, n = 1 + i % 4; j < n; ++j) {
      types.push_back(random.TypeText(0));
      auto type = ParseAbiTypeText(types.back());
      REQUIRE(type.ok());
      values.push_back(random.Value(*type));
    }
    cases.push_back({{"types", types}, {"values", values}});
    ours.push_back(EncodeHex(types, values));
  }
  const Json answer = testing::AskEthers({{"abi", cases}});
  REQUIRE(answer["abi"].size() == ours.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    INFO("case " << i << ": " << cases[i].dump());
    CHECK(answer["abi"][i] == ours[i]);
  }
}

}  // namespace
}  // namespace theta::wallet
