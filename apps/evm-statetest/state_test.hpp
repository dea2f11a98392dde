// Runner for Ethereum's filled GeneralStateTests (JSON): for each test, revision and post entry,
// builds the pre-state, applies the transaction with theta-evm and compares the post-state root and
// the logs hash with the expected ones (see ../../../shared/data/README.md for the format).
//
// A case whose result differs only because it called a precompile this build lacks (BN254 0x06-0x08
// until theta-crypto is wired in, point evaluation 0x0a) is reported as skipped with that reason,
// never as passed. Thread-compatible; each call builds its own state.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "theta/evm/revision.hpp"

namespace theta::evm::statetest {

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  std::string test;      // the test's name in the file
  std::string revision;  // the post key ("Cancun", ...)
  size_t index = 0;      // position in post.<revision>
  Outcome outcome = Outcome::kFail;
  std::string detail;  // why it failed or was skipped
};

struct RunOptions {
  std::optional<Revision> only_revision;  // nullopt: every implemented revision in the file
};

// Runs every case of one file. A file that cannot be read or parsed gives one failed case naming
// the problem.
std::vector<CaseResult> RunFile(const std::filesystem::path& path, const RunOptions& options);

}  // namespace theta::evm::statetest
