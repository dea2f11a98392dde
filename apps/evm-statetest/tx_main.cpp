// theta-evm-txtest: runs Ethereum's TransactionTests (JSON) against theta-evm's decoder.
//
//   theta-evm-txtest [--quiet] PATH...
//
// Each PATH is a test file or a folder searched recursively. For each test and each revision
// theta-evm implements (Istanbul, Berlin, London, Paris = London's transaction rules, Shanghai,
// Cancun) it decodes txbytes with DecodeTransaction: an expected "exception" must be a rejection;
// otherwise the transaction must be accepted with the expected hash, sender and intrinsic gas.
// Older revisions in the files are not run. Prints FAIL lines (and PASS lines without --quiet) and
// a summary per revision. Exit status: 0 when nothing failed, 1 when a case failed, 2 on bad
// usage.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "theta/evm/transaction_codec.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace theta::evm {
namespace {

std::optional<Revision> TxRevision(const std::string& name) {
  if (name == "Paris") return Revision::kLondon;  // the Merge changed no transaction rule
  return ParseRevision(name);
}

// Empty when the case passes, else why it failed.
std::string CheckCase(ByteView raw, Revision rev, const json& expected) {
  const absl::StatusOr<DecodedTransaction> decoded = DecodeTransaction(raw, rev);
  if (expected.contains("exception")) {
    if (!decoded.ok()) return {};
    return "accepted, expected " + expected.at("exception").get<std::string>();
  }
  if (!decoded.ok()) return "rejected: " + std::string(decoded.status().message());
  std::string why;
  const std::string hash = ToHex(decoded->hash.view());
  const std::string sender = ToHex(decoded->tx.sender.view());
  const uint256 intrinsic = static_cast<uint64_t>(decoded->intrinsic_gas);
  if (hash != expected.value("hash", "")) why += "hash " + hash + "; ";
  if (sender != expected.value("sender", "")) why += "sender " + sender + "; ";
  if (intrinsic != uint256::FromHex(expected.value("intrinsicGas", "0x0")).value_or(0)) {
    why += "intrinsic gas " + intrinsic.ToHex() + "; ";
  }
  return why;
}

struct Counts {
  size_t pass = 0;
  size_t fail = 0;
};

void RunFile(const fs::path& path, bool quiet, std::map<std::string, Counts>& counts) {
  json file;
  try {
    std::ifstream in(path);
    file = json::parse(in);
  } catch (const json::exception& e) {
    ++counts["(file)"].fail;
    std::printf("FAIL %s: %s\n", path.string().c_str(), e.what());
    return;
  }
  for (const auto& [name, test] : file.items()) {
    const absl::StatusOr<Bytes> raw = ParseHex(test.at("txbytes").get<std::string>());
    for (const auto& [fork, expected] : test.at("result").items()) {
      const std::optional<Revision> rev = TxRevision(fork);
      if (!rev.has_value()) continue;
      const std::string why =
          raw.ok() ? CheckCase(*raw, *rev, expected) : std::string("txbytes is not hex");
      Counts& c = counts[fork];
      ++(why.empty() ? c.pass : c.fail);
      if (quiet && why.empty()) continue;
      std::printf("%s %s %s %s %s\n", why.empty() ? "PASS" : "FAIL", path.string().c_str(),
                  name.c_str(), fork.c_str(), why.c_str());
    }
  }
}

}  // namespace
}  // namespace theta::evm

int main(int argc, char** argv) {
  bool quiet = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: %s [--quiet] PATH...\n", argv[0]);
      return 2;
    } else if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
      }
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--quiet] PATH...\n", argv[0]);
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, theta::evm::Counts> counts;
  for (const fs::path& f : files)
    theta::evm::RunFile(f, quiet, counts);
  size_t failed = 0;
  for (const auto& [fork, c] : counts) {
    std::printf("%-9s pass %zu  fail %zu\n", fork.c_str(), c.pass, c.fail);
    failed += c.fail;
  }
  return failed == 0 ? 0 : 1;
}
