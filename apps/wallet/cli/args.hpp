// The subcommand parser of theta-wallet: "theta-wallet [global options] <command> [subcommand]
// [options] [arguments]". Options are "--name value", "--name=value" or boolean "--name"; global
// options may appear anywhere. Each command declares its options, so unknown ones are errors and
// `--help` is generated from the declarations.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace theta::wallet::cli {

struct OptionSpec {
  std::string name;        // without "--"
  std::string value_name;  // empty for a boolean flag
  std::string help;
  bool repeated = false;
};

class Args {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  std::vector<std::string> GetAll(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
  }
  const std::vector<std::string>& positionals() const { return positionals_; }

  void Set(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }
  void SetFlag(const std::string& name) { values_[name]; }
  void AddPositional(std::string value) { positionals_.push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// Parses `words` against `options`. InvalidArgument for an unknown option, a missing value, a
// non-repeatable option given twice, or "--password" (with the reason it is refused).
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& words,
                               const std::vector<OptionSpec>& options);

// "  --name VALUE   help" lines, aligned.
std::string FormatOptions(const std::vector<OptionSpec>& options);

}  // namespace theta::wallet::cli
