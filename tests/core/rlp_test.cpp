// RLP encoder and strict decoder. Besides the hand-written cases, every vector of Ethereum's
// RLPTests
// (../shared/data/ethereum-tests/RLPTests: rlptest.json, invalidRLPTest.json, RandomRLPTests/) runs
// here.
#include "theta/core/rlp.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/test_data.hpp"

namespace theta {
namespace {

Bytes Hex(std::string_view text) {
  auto bytes = ParseHex(text);
  REQUIRE(bytes.ok());
  return *bytes;
}

// The vectors' "out" fields are hex with or without the 0x prefix.
Bytes VectorHex(const std::string& text) {
  auto bytes = text.rfind("0x", 0) == 0 ? ParseHex(text) : ParseHexDigits(text);
  REQUIRE(bytes.ok());
  return *bytes;
}

// "#<decimal>" in the vectors is a big integer: its minimal big-endian bytes.
Bytes BigDecimalBytes(std::string_view digits) {
  Bytes value;  // big-endian
  for (char c : digits) {
    REQUIRE((c >= '0' && c <= '9'));
    int carry = c - '0';
    for (auto it = value.rbegin(); it != value.rend(); ++it) {
      const int v = *it * 10 + carry;
      *it = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    while (carry != 0) {
      value.insert(value.begin(), static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  return value;
}

void EncodeJson(RlpWriter& w, const nlohmann::json& in) {
  if (in.is_array()) {
    w.BeginList();
    for (const auto& item : in)
      EncodeJson(w, item);
    w.EndList();
  } else if (in.is_number_unsigned() || in.is_number_integer()) {
    w.AddUint(in.get<uint64_t>());
  } else {
    const std::string text = in.get<std::string>();
    if (!text.empty() && text[0] == '#') {
      w.AddUintBytes(BigDecimalBytes(std::string_view(text).substr(1)));
    } else {
      w.AddString(text);
    }
  }
}

// Checks that a decoded item has the structure and contents of the vector's "in".
void CheckMatches(const RlpItem& item, const nlohmann::json& in) {
  if (in.is_array()) {
    REQUIRE(item.is_list);
    auto items = RlpListItems(item);
    REQUIRE(items.ok());
    REQUIRE(items->size() == in.size());
    for (size_t i = 0; i < in.size(); ++i)
      CheckMatches((*items)[i], in[i]);
    return;
  }
  REQUIRE(item.is_string());
  if (in.is_number()) {
    auto value = RlpUint64(item);
    REQUIRE(value.ok());
    CHECK(*value == in.get<uint64_t>());
    return;
  }
  const std::string text = in.get<std::string>();
  const Bytes expected = !text.empty() && text[0] == '#'
                             ? BigDecimalBytes(std::string_view(text).substr(1))
                             : Bytes(text.begin(), text.end());
  CHECK(Bytes(item.payload.begin(), item.payload.end()) == expected);
}

// Rebuilds an encoding from a decoded tree, item by item.
void Reencode(RlpWriter& w, const RlpItem& item) {
  if (!item.is_list) {
    w.AddBytes(item.payload);
    return;
  }
  w.BeginList();
  auto items = RlpListItems(item);
  REQUIRE(items.ok());
  for (const RlpItem& child : *items)
    Reencode(w, child);
  w.EndList();
}

void RunVectorFile(const std::filesystem::path& path, int* cases) {
  const nlohmann::json vectors = testing::LoadJson(path);
  for (const auto& [name, vector] : vectors.items()) {
    INFO(path.filename().string() << ": " << name);
    const Bytes out = VectorHex(vector.at("out").get<std::string>());
    const nlohmann::json& in = vector.at("in");
    auto decoded = DecodeRlp(out);
    if (in.is_string() && in.get<std::string>() == "INVALID") {
      CHECK_FALSE(decoded.ok());
    } else if (in.is_string() && in.get<std::string>() == "VALID") {
      REQUIRE(decoded.ok());
      RlpWriter w;
      Reencode(w, *decoded);
      CHECK(w.bytes() == out);
    } else {
      RlpWriter w;
      EncodeJson(w, in);
      CHECK(ToHex(w.bytes()) == ToHex(out));
      INFO("decode error: " << decoded.status().ToString());
      REQUIRE(decoded.ok());
      CheckMatches(*decoded, in);
    }
    ++*cases;
  }
}

TEST_CASE("rlp passes every vector of Ethereum's RLPTests", "[rlp]") {
  const auto dir = testing::SharedDataDir() / "ethereum-tests" / "RLPTests";
  int cases = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".json") RunVectorFile(entry.path(), &cases);
  }
  // rlptest.json (28) + invalidRLPTest.json (26) + RandomRLPTests/example.json (1) at the pinned
  // commit.
  CHECK(cases >= 55);
}

TEST_CASE("rlp encodes the Yellow Paper's examples", "[rlp]") {
  CHECK(ToHex(RlpEncodeBytes(AsBytes("dog"))) == "0x83646f67");
  CHECK(ToHex(RlpEncodeBytes({})) == "0x80");
  CHECK(ToHex(RlpEncodeUint(0)) == "0x80");
  CHECK(ToHex(RlpEncodeUint(15)) == "0x0f");
  CHECK(ToHex(RlpEncodeUint(1024)) == "0x820400");
  RlpWriter w;
  w.BeginList().AddString("cat").AddString("dog").EndList();
  CHECK(ToHex(w.bytes()) == "0xc88363617483646f67");
  RlpWriter set;  // the set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ]
  set.BeginList().BeginList().EndList().BeginList().BeginList().EndList().EndList();
  set.BeginList().BeginList().EndList().BeginList().BeginList().EndList().EndList().EndList();
  set.EndList();
  CHECK(ToHex(set.bytes()) == "0xc7c0c1c0c3c0c1c0");
}

TEST_CASE("rlp writer widens a list header past 55 bytes, nested too", "[rlp]") {
  const std::string long_text(60, 'x');
  RlpWriter w;
  w.BeginList().BeginList().AddString(long_text).EndList().AddUint(7).EndList();
  const Bytes& out = w.bytes();
  // inner list: payload 62 (0xb8 0x3c + 60) -> f8 3e; outer: 64 + 1 = 65 -> f8 41
  CHECK(ToHex(Bytes(out.begin(), out.begin() + 4)) == "0xf841f83e");
  auto decoded = DecodeRlp(out);
  REQUIRE(decoded.ok());
  auto items = RlpListItems(*decoded);
  REQUIRE(items.ok());
  REQUIRE(items->size() == 2);
  CHECK(*RlpUint64((*items)[1]) == 7);
}

TEST_CASE("rlp writer strips leading zeros of big-endian integers", "[rlp]") {
  const Bytes padded = {0, 0, 0x01, 0x00};
  CHECK(ToHex(RlpWriter().AddUintBytes(padded).bytes()) == "0x820100");
  CHECK(ToHex(RlpWriter().AddUintBytes(Bytes{0, 0}).bytes()) == "0x80");
  CHECK(ToHex(RlpWriter().AddUint(0x7f).bytes()) == "0x7f");
  CHECK(ToHex(RlpWriter().AddUint(0x80).bytes()) == "0x8180");
  CHECK(ToHex(RlpWriter().AddUint(~uint64_t{0}).bytes()) == "0x88ffffffffffffffff");
}

TEST_CASE("rlp rejects trailing bytes after the item", "[rlp]") {
  auto decoded = DecodeRlp(Hex("0x83646f6700"));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(decoded.status().message()), Catch::Contains("1 trailing byte"));
}

TEST_CASE("rlp prefix decoding returns the bytes after the item", "[rlp]") {
  const Bytes wire = Hex("0x02c3010203");  // Theta's RLP(type) || RLP(tx) shape
  ByteView rest;
  auto type = DecodeRlpPrefix(wire, &rest);
  REQUIRE(type.ok());
  CHECK(*RlpUint64(*type) == 2);
  auto body = DecodeRlp(rest);
  REQUIRE(body.ok());
  CHECK(body->is_list);
}

TEST_CASE("rlp rejects a length with a leading zero and non-canonical forms", "[rlp]") {
  CHECK_FALSE(DecodeRlp(Hex("0xb80100")).ok());    // long form for 1 byte
  CHECK_FALSE(DecodeRlp(Hex("0xb9000100")).ok());  // leading zero in the length
  CHECK_FALSE(DecodeRlp(Hex("0x8105")).ok());      // single byte under 0x80 wrapped
  CHECK_FALSE(DecodeRlp(Hex("0xc2c0")).ok());      // list length past the end
  CHECK_FALSE(DecodeRlp(Hex("0xc3c28100")).ok());  // invalid item nested in a list
  CHECK_FALSE(DecodeRlp({}).ok());
  auto big = DecodeRlp(Hex("0xbfffffffffffffffff00"));  // 8-byte length far past the input
  REQUIRE_FALSE(big.ok());
  CHECK_THAT(std::string(big.status().message()), Catch::Contains("exceeds"));
}

TEST_CASE("rlp names the offset of a nested error", "[rlp]") {
  auto decoded = DecodeRlp(Hex("0xc4018281ff8100"));
  REQUIRE_FALSE(decoded.ok());
  CHECK_THAT(std::string(decoded.status().message()), Catch::Contains("at offset 5"));
}

TEST_CASE("rlp limits nesting depth instead of exhausting the stack", "[rlp]") {
  RlpWriter w;
  for (int i = 0; i < 600; ++i)
    w.BeginList();
  for (int i = 0; i < 600; ++i)
    w.EndList();
  auto too_deep = DecodeRlp(w.bytes());
  REQUIRE_FALSE(too_deep.ok());
  CHECK_THAT(std::string(too_deep.status().message()), Catch::Contains("nested deeper than 512"));
  RlpLimits generous;
  generous.max_depth = 1000;
  CHECK(DecodeRlp(w.bytes(), generous).ok());
}

TEST_CASE("rlp integers reject leading zeros, lists and oversize values", "[rlp]") {
  // Decoded items borrow their input, so each input lives in a named variable.
  const Bytes zero_lead_bytes = Hex("0x820001");
  const Bytes nine_bytes = Hex("0x89010000000000000000");
  const Bytes list_bytes = Hex("0xc0");
  const Bytes empty_bytes = Hex("0x80");
  auto zero_lead = DecodeRlp(zero_lead_bytes);
  REQUIRE(zero_lead.ok());
  CHECK_FALSE(RlpUint64(*zero_lead).ok());
  auto nine = DecodeRlp(nine_bytes);
  REQUIRE(nine.ok());
  CHECK_FALSE(RlpUint64(*nine).ok());
  CHECK(RlpUintBytes(*nine, 9).ok());
  auto list = DecodeRlp(list_bytes);
  REQUIRE(list.ok());
  CHECK_FALSE(RlpUint64(*list).ok());
  CHECK_FALSE(RlpBytes(*list).ok());
  auto empty = DecodeRlp(empty_bytes);
  REQUIRE(empty.ok());
  CHECK(*RlpUint64(*empty) == 0);
}

TEST_CASE("rlp list reader walks fields and checks their count", "[rlp]") {
  const Bytes encoded = Hex("0xc88363617483646f67");
  auto decoded = DecodeRlp(encoded);
  REQUIRE(decoded.ok());
  auto reader = RlpListReader::Open(*decoded);
  REQUIRE(reader.ok());
  CHECK(ToString(*RlpBytes(*reader->Next())) == "cat");
  CHECK_FALSE(reader->ExpectEnd().ok());
  CHECK(ToString(*RlpBytes(*reader->Next())) == "dog");
  CHECK(reader->AtEnd());
  CHECK(reader->ExpectEnd().ok());
  CHECK_FALSE(reader->Next().ok());
  const Bytes dog = Hex("0x83646f67");
  auto string_item = DecodeRlp(dog);
  CHECK_FALSE(RlpListReader::Open(*string_item).ok());
  auto address = RlpFixed<3>(*string_item);
  REQUIRE(address.ok());
  CHECK_FALSE(RlpFixed<4>(*string_item).ok());
}

}  // namespace
}  // namespace theta
