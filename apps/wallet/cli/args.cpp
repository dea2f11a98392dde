#include "args.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace theta::wallet::cli {

absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& words,
                               const std::vector<OptionSpec>& options) {
  Args args;
  bool options_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (options_done || word.size() < 3 || word.substr(0, 2) != "--") {
      if (word == "--") {
        options_done = true;
        continue;
      }
      args.AddPositional(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "password" || name == "passphrase" || name == "private-key-hex") {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", name,
          " is refused: secrets on the command line are visible to every user (ps, "
          "/proc) and stay in shell history; use --password-file FILE, the THETA_WALLET_PASSWORD "
          "environment variable, or type it at the prompt"));
    }
    auto spec = std::find_if(options.begin(), options.end(),
                             [&](const OptionSpec& o) { return o.name == name; });
    if (spec == options.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name, " (see --help)"));
    }
    if (args.Has(name) && !spec->repeated) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " is given twice"));
    }
    if (spec->value_name.empty()) {
      if (inline_value)
        return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      args.SetFlag(name);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= words.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value (", spec->value_name, ")"));
      }
      inline_value = words[++i];
    }
    args.Set(name, *inline_value);
  }
  return args;
}

std::string FormatOptions(const std::vector<OptionSpec>& options) {
  std::vector<std::string> lefts;
  size_t width = 0;
  for (const OptionSpec& option : options) {
    std::string left = absl::StrCat("  --", option.name);
    if (!option.value_name.empty()) absl::StrAppend(&left, " ", option.value_name);
    width = std::max(width, left.size());
    lefts.push_back(std::move(left));
  }
  std::string out;
  for (size_t i = 0; i < options.size(); ++i) {
    absl::StrAppend(&out, lefts[i], std::string(width + 2 - lefts[i].size(), ' '), options[i].help,
                    options[i].repeated ? " (repeatable)" : "", "\n");
  }
  return out;
}

}  // namespace theta::wallet::cli
