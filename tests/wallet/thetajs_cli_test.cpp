// theta-wallet's signed bytes against @thetalabs/theta-js: the ledger's theta-js oracle
// (tests/ledger/js/thetajs_oracle.mjs) signs random Send and SmartContract transactions; the real
// binary imports each key and signs the same transaction offline, and the raw bytes must be equal.
// Cases the wallet refuses on purpose (a fee below the chain minimum, a gas price below 4000 Gwei)
// are skipped; enough remain over the seeds used.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "support/test_data.hpp"
#include "theta/core/uint256.hpp"
#include "theta/wallet/tx_builder.hpp"
#include "wallet_test_util.hpp"

namespace theta::wallet {
namespace {

using Json = nlohmann::json;

Json ThetaJsCases(int seed) {
  const auto tests_dir = theta::testing::RepoTestDataDir().parent_path();
  if (!std::filesystem::exists(tests_dir / "node_modules/@thetalabs/theta-js/package.json")) {
    FAIL("theta-js is not installed in tests/node_modules: run scripts/bootstrap");
  }
  const std::string command =
      absl::StrCat("node '", (tests_dir / "ledger/js/thetajs_oracle.mjs").string(), "' ", seed);
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  REQUIRE((status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0));
  Json cases = Json::parse(output, nullptr, false);
  REQUIRE((cases.is_object() && cases["txs"].is_array()));
  return cases["txs"];
}

uint256 Dec(const Json& value) {
  auto parsed = uint256::FromDecimal(value.is_string() ? value.get<std::string>() : value.dump());
  REQUIRE(parsed.ok());
  return *parsed;
}

TEST_CASE("theta-wallet signs the same bytes as theta-js", "[wallet][cli][thetajs]") {
  testing::TempDir dir;
  const std::string keystore = (dir.path() / "keystore").string();
  const std::string password = dir.Write("pw", "pw").string();
  int compared = 0;
  for (int seed = 1; seed <= 6; ++seed) {
    for (const Json& c : ThetaJsCases(seed)) {
      const int type = c["type"];
      const Json& f = c["fields"];
      std::vector<std::string> args;
      if (type == 2) {
        if (Dec(f["fee"]) < MinimumFee(ledger::TxType::kSend, f["outputs"].size() + 1)) continue;
        args = {"send", "--fee", absl::StrCat(f["fee"].get<std::string>(), "wei")};
        for (const Json& o : f["outputs"]) {
          args.push_back("--to");
          args.push_back(absl::StrCat(o["address"].get<std::string>(), "=",
                                      o["thetaWei"].get<std::string>(), "thetawei,",
                                      o["tfuelWei"].get<std::string>(), "tfuelwei"));
        }
      } else if (type == 7) {
        if (Dec(f["gasPrice"]) < uint256(kDefaultGasPriceWei)) continue;
        if (f["gasLimit"].get<uint64_t>() > kMaxGasLimit) continue;
        const bool create = f["to"] == "0x0000000000000000000000000000000000000000";
        if (create && f["data"] == "0x") continue;
        args = {"contract", create ? "deploy" : "call"};
        if (create) {
          args.insert(args.end(), {"--bytecode", f["data"].get<std::string>()});
        } else {
          args.insert(args.end(),
                      {"--to", f["to"].get<std::string>(), "--data", f["data"].get<std::string>()});
        }
        args.insert(args.end(),
                    {"--value", absl::StrCat(f["value"].get<std::string>(), "wei"), "--gas-limit",
                     f["gasLimit"].dump(), "--gas-price", f["gasPrice"].get<std::string>()});
      } else {
        continue;
      }
      const std::string key_file =
          dir.Write(absl::StrCat("key", compared), c["privateKey"].get<std::string>()).string();
      const testing::RunResult imported =
          testing::RunWallet({"import", "--private-key-file", key_file, "--light-kdf",
                              "--keystore-dir", keystore, "--password-file", password});
      REQUIRE((imported.exit_code == 0 || imported.err.find("already in") != std::string::npos));
      args.insert(args.begin(), "sign");
      args.insert(args.end(),
                  {"--from", c["signer"].get<std::string>(), "--chain-id",
                   c["chainId"].get<std::string>(), "--sequence", f["sequence"].dump(), "--yes",
                   "--json", "--keystore-dir", keystore, "--password-file", password});
      const testing::RunResult signed_tx = testing::RunWallet(args);
      INFO("case " << c.dump() << "\nstderr " << signed_tx.err);
      REQUIRE(signed_tx.exit_code == 0);
      CHECK(Json::parse(signed_tx.out)["raw"] == c["raw"]);
      ++compared;
    }
  }
  INFO("compared " << compared);
  CHECK(compared >= 8);
}

}  // namespace
}  // namespace theta::wallet
