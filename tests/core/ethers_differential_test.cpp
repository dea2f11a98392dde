// Differential tests against ethers (npm), the library MetaMask-era tooling derives and decrypts
// with: HD derivation from random mnemonics, and keystores written by each side and read by the
// other. ethers runs in node on tests/core/js/ethers_oracle.mjs; it is pinned by
// tests/package-lock.json and installed into tests/node_modules by scripts/bootstrap. A missing
// install fails these tests (it does not skip them), so that CI cannot silently lose the oracle.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/test_data.hpp"
#include "theta/core/address.hpp"
#include "theta/core/hd_wallet.hpp"
#include "theta/core/keystore.hpp"

namespace theta {
namespace {

using Json = nlohmann::json;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

std::filesystem::path TestsDir() {
  return testing::RepoTestDataDir().parent_path();
}

// Runs the ethers oracle on `request` and returns its answer; fails the test with the fix when
// node or ethers is missing.
Json AskEthers(const Json& request) {
  const auto ethers = TestsDir() / "node_modules/ethers/package.json";
  if (!std::filesystem::exists(ethers)) {
    FAIL("ethers is not installed in " << (TestsDir() / "node_modules").string()
                                       << ": run scripts/bootstrap (it runs npm ci in tests/)");
  }
  char dir_template[] = "/tmp/theta-ethers-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir = dir_template;
  const auto request_path = dir / "request.json";
  std::ofstream(request_path) << request.dump();
  const std::string command = "node '" + (TestsDir() / "core/js/ethers_oracle.mjs").string() +
                              "' '" + request_path.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  std::filesystem::remove_all(dir);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    FAIL("`" << command << "` failed (status " << status
             << "); is node on PATH? scripts/bootstrap installs it. Output: " << output);
  }
  Json answer = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(answer.is_discarded());
  return answer;
}

Bytes RandomBytes(std::mt19937_64& rng, size_t size) {
  Bytes out(size);
  for (uint8_t& b : out)
    b = static_cast<uint8_t>(rng());
  return out;
}

TEST_CASE("hd wallet derivation matches ethers on random mnemonics", "[ethers]") {
  const uint64_t seed = 20240611;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> passphrases = {"", "TREZOR", "correct horse battery staple"};

  struct Case {
    std::string phrase;
    std::string passphrase;
    std::vector<std::string> paths;
  };
  std::vector<Case> cases;
  Json request = {{"derive", Json::array()}};
  for (int i = 0; i < 16; ++i) {
    const size_t entropy_size = 16 + 4 * (i % 5);  // 12, 15, 18, 21 and 24 words
    auto phrase = MnemonicFromEntropy(RandomBytes(rng, entropy_size));
    REQUIRE(phrase.ok());
    const uint32_t index = static_cast<uint32_t>(rng() % 1000);
    Case c{*phrase,
           passphrases[i % passphrases.size()],
           {ThetaDerivationPath(0), ThetaDerivationPath(index), EthereumDerivationPath(0),
            EthereumDerivationPath(index), "m/0/1'/2", "m"}};
    request["derive"].push_back(
        {{"phrase", c.phrase}, {"passphrase", c.passphrase}, {"paths", c.paths}});
    cases.push_back(std::move(c));
  }

  const Json answer = AskEthers(request);
  INFO("ethers " << answer["version"].get<std::string>());
  REQUIRE(answer["derive"].size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    auto hd_seed = MnemonicToSeed(c.phrase, c.passphrase);
    REQUIRE(hd_seed.ok());
    auto master = ExtendedPrivateKey::FromSeed(*hd_seed);
    REQUIRE(master.ok());
    for (size_t j = 0; j < c.paths.size(); ++j) {
      INFO(c.phrase << " / passphrase \"" << c.passphrase << "\" / " << c.paths[j]);
      const Json& theirs = answer["derive"][i][j];
      auto path = ParseDerivationPath(c.paths[j]);
      REQUIRE(path.ok());
      auto node = master->Derive(*path);
      REQUIRE(node.ok());
      CHECK(node->ToXprv() == theirs["extendedKey"].get<std::string>());
      CHECK(ToHex(node->private_key().bytes()) == theirs["privateKey"].get<std::string>());
      CHECK(ToChecksumHex(AddressFromPublicKey(node->public_key())) ==
            theirs["address"].get<std::string>());
    }
  }
}

TEST_CASE("keystores written by us decrypt in ethers and theirs in ours", "[ethers]") {
  const uint64_t seed = 7;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 3; ++i) {
    auto key = PrivateKey::FromBytes(RandomBytes(rng, 32));
    REQUIRE(key.ok());
    keys.push_back(*key);
  }
  const std::vector<std::string> passwords = {"", "hunter2", "p\xc3\xa4ss \xe2\x9c\x93"};
  const std::vector<KeystoreEncryptOptions> options = {KeystoreEncryptOptions::Light(),
                                                       KeystoreEncryptOptions::Pbkdf2(1000),
                                                       KeystoreEncryptOptions::Light()};
  Json request = {{"decrypt", Json::array()}, {"encrypt", Json::array()}};
  for (size_t i = 0; i < keys.size(); ++i) {
    auto ours = EncryptKeystore(keys[i], passwords[i], options[i]);
    REQUIRE(ours.ok());
    request["decrypt"].push_back({{"json", *ours}, {"password", passwords[i]}});
    request["encrypt"].push_back(
        {{"privateKey", ToHex(keys[i].bytes())}, {"password", passwords[i]}, {"n", 4096}});
  }

  const Json answer = AskEthers(request);
  INFO("ethers " << answer["version"].get<std::string>());
  REQUIRE(answer["decrypt"].size() == keys.size());
  REQUIRE(answer["encrypt"].size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << i << ", password \"" << passwords[i] << "\"");
    CHECK(answer["decrypt"][i].get<std::string>() == ToHex(keys[i].bytes()));
    const std::string theirs = answer["encrypt"][i].get<std::string>();
    auto key = DecryptKeystore(theirs, passwords[i]);
    REQUIRE(key.ok());
    CHECK(*key == keys[i]);
    CHECK(Message(DecryptKeystore(theirs, passwords[i] + "!").status()) ==
          "keystore: wrong password (MAC mismatch)");
  }
}

}  // namespace
}  // namespace theta
