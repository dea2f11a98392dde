#include "theta/core/keystore.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/test_data.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta {
namespace {

using Json = nlohmann::json;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

PrivateKey Key(std::string_view hex) {
  auto key = PrivateKey::FromHex(hex);
  REQUIRE(key.ok());
  return *key;
}

const PrivateKey& TestKey() {
  static const PrivateKey key =
      Key("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  return key;
}

// One light-scrypt keystore of TestKey under "pass", made once: the malformed-field cases below
// each change one thing in it.
const Json& LightKeystore() {
  static const Json json = [] {
    auto text = EncryptKeystore(TestKey(), "pass", KeystoreEncryptOptions::Light());
    REQUIRE(text.ok());
    return Json::parse(*text);
  }();
  return json;
}

Json KeyStoreTests() {
  return testing::LoadJson(testing::SharedDataDir() /
                           "ethereum-tests/KeyStoreTests/basic_tests.json");
}

// A fresh empty folder under the system temp folder, removed when the test ends.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "theta-keystore-XXXXXX");
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST_CASE("keystore decrypts every KeyStoreTests vector", "[keystore]") {
  const Json tests = KeyStoreTests();
  REQUIRE(tests.size() == 5);
  for (const auto& [name, test] : tests.items()) {
    DYNAMIC_SECTION(name) {
      const auto start = std::chrono::steady_clock::now();
      auto key = DecryptKeystore(test["json"].dump(), test["password"].get<std::string>());
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      INFO(name << " took " << ms << " ms");
      REQUIRE(key.ok());
      CHECK(ToHex(key->bytes(), false) == test["priv"].get<std::string>());
      auto wrong = DecryptKeystore(test["json"].dump(), "not the password");
      CHECK(Message(wrong.status()) == "keystore: wrong password (MAC mismatch)");
    }
  }
}

TEST_CASE("keystore reproduces a vector's ciphertext and MAC from its salt and IV", "[keystore]") {
  const Json tests = KeyStoreTests();
  for (const char* name : {"test1", "mycrypto"}) {
    DYNAMIC_SECTION(name) {
      const Json& test = tests[name];
      const Json& crypto = test["json"]["crypto"];
      const Json& params = crypto["kdfparams"];
      KeystoreEncryptOptions options;
      if (crypto["kdf"] == "scrypt") {
        options.scrypt_n = params["n"].get<uint64_t>();
        options.scrypt_r = params["r"].get<uint32_t>();
        options.scrypt_p = params["p"].get<uint32_t>();
      } else {
        options = KeystoreEncryptOptions::Pbkdf2(params["c"].get<uint32_t>());
      }
      options.salt = *ParseHexDigits(params["salt"].get<std::string>());
      options.iv = *ParseHexDigits(crypto["cipherparams"]["iv"].get<std::string>());
      auto text = EncryptKeystore(Key("0x" + test["priv"].get<std::string>()),
                                  test["password"].get<std::string>(), options);
      REQUIRE(text.ok());
      const Json ours = Json::parse(*text);
      CHECK(ours["crypto"]["ciphertext"] == crypto["ciphertext"]);
      CHECK(ours["crypto"]["mac"] == crypto["mac"]);
      CHECK(ours["crypto"]["kdfparams"] == params);
    }
  }
}

TEST_CASE("keystore round-trips a key through scrypt and pbkdf2", "[keystore]") {
  const auto options =
      GENERATE(KeystoreEncryptOptions::Light(), KeystoreEncryptOptions::Pbkdf2(1000));
  auto text = EncryptKeystore(TestKey(), "correct horse", options);
  REQUIRE(text.ok());
  auto key = DecryptKeystore(*text, "correct horse");
  REQUIRE(key.ok());
  CHECK(*key == TestKey());

  const Json json = Json::parse(*text);
  CHECK(json["version"] == 3);
  // geth's form: 40 lower-case hex digits, no "0x".
  CHECK(json["address"] == ToHex(AddressFromPublicKey(TestKey().DerivePublicKey()), false));
  CHECK(std::regex_match(json["id"].get<std::string>(),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")));
  CHECK(json["crypto"]["kdf"] == (options.kdf == KeystoreKdf::kScrypt ? "scrypt" : "pbkdf2"));
  CHECK(json["crypto"]["kdfparams"]["salt"].get<std::string>().size() == 64);
  auto address = KeystoreAddress(*text);
  REQUIRE(address.ok());
  CHECK(*address == AddressFromPublicKey(TestKey().DerivePublicKey()));

  // Fresh salt, IV and id each time.
  auto again = EncryptKeystore(TestKey(), "correct horse", options);
  REQUIRE(again.ok());
  const Json json2 = Json::parse(*again);
  CHECK(json2["id"] != json["id"]);
  CHECK(json2["crypto"]["ciphertext"] != json["crypto"]["ciphertext"]);
}

TEST_CASE("keystore round-trips an empty and a non-ASCII password", "[keystore]") {
  for (std::string password : {std::string(), std::string("p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93")}) {
    auto text = EncryptKeystore(TestKey(), password, KeystoreEncryptOptions::Light());
    REQUIRE(text.ok());
    auto key = DecryptKeystore(*text, password);
    REQUIRE(key.ok());
    CHECK(*key == TestKey());
    CHECK_FALSE(DecryptKeystore(*text, password + "x").ok());
  }
}

TEST_CASE("keystore refuses a tampered ciphertext or MAC as a wrong password", "[keystore]") {
  for (const char* field : {"ciphertext", "mac"}) {
    DYNAMIC_SECTION(field) {
      Json json = LightKeystore();
      std::string hex = json["crypto"][field].get<std::string>();
      hex[10] = hex[10] == '0' ? '1' : '0';
      json["crypto"][field] = hex;
      auto key = DecryptKeystore(json.dump(), "pass");
      CHECK(Message(key.status()) == "keystore: wrong password (MAC mismatch)");
    }
  }
}

TEST_CASE("keystore refuses an address field that does not match the key", "[keystore]") {
  Json json = LightKeystore();
  json["address"] = "0000000000000000000000000000000000000001";
  auto key = DecryptKeystore(json.dump(), "pass");
  CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Message(key.status()), Catch::Contains("belongs to"));

  json["address"] = "0x" + LightKeystore()["address"].get<std::string>();  // a prefix is fine
  CHECK(DecryptKeystore(json.dump(), "pass").ok());
  json.erase("address");  // and so is no address at all
  CHECK(DecryptKeystore(json.dump(), "pass").ok());
  CHECK(KeystoreAddress(json.dump()).status().code() == absl::StatusCode::kNotFound);
}

struct Mutation {
  const char* what;
  std::function<void(Json&)> apply;
  const char* message;  // a part of the expected error
};

TEST_CASE("keystore refuses malformed fields with a clear InvalidArgument", "[keystore]") {
  const std::vector<Mutation> mutations = {
      {"version 1", [](Json& j) { j["version"] = 1; }, "field \"version\" must be 3, got 1"},
      {"version as text", [](Json& j) { j["version"] = "3"; }, "\"version\" must be a non-neg"},
      {"no version", [](Json& j) { j.erase("version"); }, "field \"version\" is missing"},
      {"no crypto", [](Json& j) { j.erase("crypto"); }, "field \"crypto\" is missing"},
      {"crypto and Crypto", [](Json& j) { j["Crypto"] = j["crypto"]; }, "appears twice"},
      {"crypto as array", [](Json& j) { j["crypto"] = Json::array(); }, "must be an object"},
      {"other cipher", [](Json& j) { j["crypto"]["cipher"] = "aes-128-cbc"; },
       "\"crypto.cipher\" must be \"aes-128-ctr\""},
      {"short iv", [](Json& j) { j["crypto"]["cipherparams"]["iv"] = "00"; },
       "\"crypto.cipherparams.iv\" must be 16 bytes, got 1"},
      {"iv not hex", [](Json& j) { j["crypto"]["cipherparams"]["iv"] = "zz"; },
       "\"crypto.cipherparams.iv\" is not hex"},
      {"long ciphertext", [](Json& j) { j["crypto"]["ciphertext"] = std::string(66, 'a'); },
       "\"crypto.ciphertext\" must be 32 bytes, got 33"},
      {"odd mac", [](Json& j) { j["crypto"]["mac"] = "abc"; }, "\"crypto.mac\" is not hex"},
      {"mac as number", [](Json& j) { j["crypto"]["mac"] = 7; }, "\"crypto.mac\" must be a string"},
      {"other kdf", [](Json& j) { j["crypto"]["kdf"] = "argon2"; },
       "\"crypto.kdf\" must be \"scrypt\" or \"pbkdf2\""},
      {"no kdfparams", [](Json& j) { j["crypto"].erase("kdfparams"); },
       "\"crypto.kdfparams\" is missing"},
      {"dklen 64", [](Json& j) { j["crypto"]["kdfparams"]["dklen"] = 64; },
       "\"crypto.kdfparams.dklen\" must be 32, got 64"},
      {"negative n", [](Json& j) { j["crypto"]["kdfparams"]["n"] = -4096; },
       "\"crypto.kdfparams.n\" must be a non-negative integer"},
      {"fractional n", [](Json& j) { j["crypto"]["kdfparams"]["n"] = 4096.5; },
       "\"crypto.kdfparams.n\" must be a non-negative integer"},
      {"n not a power of two", [](Json& j) { j["crypto"]["kdfparams"]["n"] = 4095; },
       "must be a power of two >= 2, got 4095"},
      {"r zero", [](Json& j) { j["crypto"]["kdfparams"]["r"] = 0; }, "\"crypto.kdfparams.r\""},
      {"p zero", [](Json& j) { j["crypto"]["kdfparams"]["p"] = 0; }, "\"crypto.kdfparams.p\""},
      {"empty salt", [](Json& j) { j["crypto"]["kdfparams"]["salt"] = ""; }, "must not be empty"},
      {"huge salt", [](Json& j) { j["crypto"]["kdfparams"]["salt"] = std::string(4096, 'a'); },
       "exceeds the limit of 1024"},
      {"n of 2^30", [](Json& j) { j["crypto"]["kdfparams"]["n"] = uint64_t{1} << 30; },
       "of memory"},
      {"n of 2^63", [](Json& j) { j["crypto"]["kdfparams"]["n"] = uint64_t{1} << 63; },
       "of memory"},
      {"r of 2^32", [](Json& j) { j["crypto"]["kdfparams"]["r"] = uint64_t{1} << 32; },
       "break r*p < 2^30"},
      {"p of 2^40", [](Json& j) { j["crypto"]["kdfparams"]["p"] = uint64_t{1} << 40; },
       "break r*p < 2^30"},
      {"p beyond the memory limit", [](Json& j) { j["crypto"]["kdfparams"]["p"] = 1 << 20; },
       "of memory"},
      {"work beyond the limit",
       [](Json& j) {
         j["crypto"]["kdfparams"]["n"] = 1 << 18;
         j["crypto"]["kdfparams"]["r"] = 1;
         j["crypto"]["kdfparams"]["p"] = 64;
       },
       "exceed the work limit"},
      {"pbkdf2 with other prf",
       [](Json& j) {
         j["crypto"]["kdf"] = "pbkdf2";
         j["crypto"]["kdfparams"] = {
             {"c", 10}, {"dklen", 32}, {"prf", "hmac-sha512"}, {"salt", "00"}};
       },
       "\"crypto.kdfparams.prf\" must be \"hmac-sha256\""},
      {"pbkdf2 with huge c",
       [](Json& j) {
         j["crypto"]["kdf"] = "pbkdf2";
         j["crypto"]["kdfparams"] = {
             {"c", uint64_t{1} << 40}, {"dklen", 32}, {"prf", "hmac-sha256"}, {"salt", "00"}};
       },
       "exceeds the limit of 10000000"},
      {"address not hex", [](Json& j) { j["address"] = "xyz"; }, "field \"address\" is not hex"},
  };
  for (const Mutation& mutation : mutations) {
    DYNAMIC_SECTION(mutation.what) {
      Json json = LightKeystore();
      mutation.apply(json);
      const auto start = std::chrono::steady_clock::now();
      auto key = DecryptKeystore(json.dump(), "pass");
      CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK_THAT(Message(key.status()), Catch::Contains(mutation.message));
      // Refused before any expensive work.
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    }
  }
}

TEST_CASE("keystore refuses text that is not a JSON object", "[keystore]") {
  for (const char* text : {"", "{", "[]", "3", "{\"version\":3", "\xff\xfe", "null"}) {
    auto key = DecryptKeystore(text, "pass");
    CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Message(key.status()), Catch::StartsWith("keystore: "));
  }
  const std::string big(64 * 1024 + 1, ' ');
  CHECK_THAT(Message(DecryptKeystore(big, "pass").status()),
             Catch::Contains("exceeds the limit of 65536"));
}

TEST_CASE("keystore honours tighter limits passed by the caller", "[keystore]") {
  KeystoreLimits limits;
  limits.max_scrypt_memory_bytes = 1 << 20;  // the light preset needs 4 MiB
  auto key = DecryptKeystore(LightKeystore().dump(), "pass", limits);
  CHECK_THAT(Message(key.status()), Catch::Contains("limit of 1048576 bytes of memory"));
}

TEST_CASE("keystore encryption refuses options it could not read back", "[keystore]") {
  KeystoreEncryptOptions options = KeystoreEncryptOptions::Light();
  options.scrypt_n = 3;
  CHECK(EncryptKeystore(TestKey(), "p", options).status().code() ==
        absl::StatusCode::kInvalidArgument);
  options.scrypt_n = uint64_t{1} << 20;  // 1 GiB with r = 8
  CHECK_THAT(Message(EncryptKeystore(TestKey(), "p", options).status()),
             Catch::Contains("of memory"));
  options = KeystoreEncryptOptions::Light();
  options.iv = Bytes(15, 0);
  CHECK_THAT(Message(EncryptKeystore(TestKey(), "p", options).status()),
             Catch::Contains("iv must be 16 bytes"));
  CHECK(EncryptKeystore(TestKey(), "p", KeystoreEncryptOptions::Pbkdf2(0)).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("keystore files are written with mode 0600 and read back", "[keystore]") {
  TempFolder folder;
  const auto path = folder.path() / "UTC--key.json";
  const std::string text = LightKeystore().dump();
  const mode_t old_umask = ::umask(0);  // the mode must not depend on a permissive umask
  const absl::Status written = WriteKeystoreFile(path, text);
  ::umask(old_umask);
  REQUIRE(written.ok());
  struct stat info;
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  auto read = ReadKeystoreFile(path);
  REQUIRE(read.ok());
  CHECK(*read == text);
  CHECK(DecryptKeystore(*read, "pass").ok());
}

TEST_CASE("keystore file writes replace the old file atomically", "[keystore]") {
  TempFolder folder;
  const auto path = folder.path() / "key.json";
  REQUIRE(WriteKeystoreFile(path, "first").ok());
  REQUIRE(WriteKeystoreFile(path, "second, longer text").ok());
  CHECK(*ReadKeystoreFile(path) == "second, longer text");
  // No temporary file is left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder.path())) {
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("keystore file errors name the path and their cause", "[keystore]") {
  TempFolder folder;
  const auto missing_folder = folder.path() / "no" / "key.json";
  CHECK(WriteKeystoreFile(missing_folder, "x").code() == absl::StatusCode::kNotFound);
  auto missing = ReadKeystoreFile(folder.path() / "absent.json");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(Message(missing.status()), Catch::Contains("absent.json"));
  CHECK(ReadKeystoreFile(folder.path()).status().code() == absl::StatusCode::kInvalidArgument);

  const auto big = folder.path() / "big.json";
  REQUIRE(WriteKeystoreFile(big, std::string(64 * 1024 + 1, ' ')).ok());
  CHECK_THAT(Message(ReadKeystoreFile(big).status()), Catch::Contains("larger than the limit"));
  KeystoreLimits roomy;
  roomy.max_json_bytes = 1 << 20;
  CHECK(ReadKeystoreFile(big, roomy).ok());
  CHECK(WriteKeystoreFile(folder.path() / "", "x").code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta
