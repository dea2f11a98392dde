// theta-evm-statetest: runs Ethereum state test files with theta-evm.
//
//   theta-evm-statetest [--fork NAME] [--quiet] PATH...
//
// Each PATH is a JSON state test file or a folder searched recursively for them. Prints one line
// per case (PASS, FAIL with the reason, or SKIP with the reason; --quiet prints only FAIL and SKIP)
// and a summary per revision. Exit status: 0 when nothing failed, 1 when a case failed, 2 on bad
// usage.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "state_test.hpp"

namespace fs = std::filesystem;
using theta::evm::statetest::Outcome;

int main(int argc, char** argv) {
  theta::evm::statetest::RunOptions options;
  bool quiet = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--fork" && i + 1 < argc) {
      options.only_revision = theta::evm::ParseRevision(argv[++i]);
      if (!options.only_revision) {
        std::fprintf(stderr, "unknown fork %s (Istanbul, Berlin, London, Shanghai, Cancun)\n",
                     argv[i]);
        return 2;
      }
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: %s [--fork NAME] [--quiet] PATH...\n", argv[0]);
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
    std::fprintf(stderr, "usage: %s [--fork NAME] [--quiet] PATH...\n", argv[0]);
    return 2;
  }
  std::sort(files.begin(), files.end());
  struct Counts {
    size_t pass = 0, fail = 0, skip = 0;
  };
  std::map<std::string, Counts> per_revision;
  for (const fs::path& file : files) {
    for (const auto& r : theta::evm::statetest::RunFile(file, options)) {
      Counts& c = per_revision[r.revision];
      const char* tag = r.outcome == Outcome::kPass   ? "PASS"
                        : r.outcome == Outcome::kFail ? "FAIL"
                                                      : "SKIP";
      if (r.outcome == Outcome::kPass) ++c.pass;
      if (r.outcome == Outcome::kFail) ++c.fail;
      if (r.outcome == Outcome::kSkip) ++c.skip;
      if (quiet && r.outcome == Outcome::kPass) continue;
      std::printf("%s %s %s %s[%zu] %s\n", tag, file.string().c_str(), r.test.c_str(),
                  r.revision.c_str(), r.index, r.detail.c_str());
    }
  }
  size_t failed = 0;
  for (const auto& [rev, c] : per_revision) {
    std::printf("%-9s pass %zu  fail %zu  skip %zu\n", rev.empty() ? "(file)" : rev.c_str(), c.pass,
                c.fail, c.skip);
    failed += c.fail;
  }
  return failed == 0 ? 0 : 1;
}
