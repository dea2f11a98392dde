// Helpers of the theta-wallet tests: a private temporary folder, running the real theta-wallet
// binary, and asking ethers (node, tests/wallet/js/wallet_oracle.mjs) as the oracle.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace theta::wallet::testing {

// A fresh folder under /tmp, removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::filesystem::path Write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs theta-wallet with `args` in a new session (no controlling terminal, stdin /dev/null), so a
// prompt can never hang a test; environment variables `env` ("NAME=value") are added.
RunResult RunWallet(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// "http://127.0.0.1:PORT/rpc" for a loopback port that was just free and is closed again: a node
// that is not running.
std::string ClosedLocalUrl();

// Runs the ethers oracle on `request`; fails the test with the fix when node or ethers is missing.
nlohmann::json AskEthers(const nlohmann::json& request);

}  // namespace theta::wallet::testing
