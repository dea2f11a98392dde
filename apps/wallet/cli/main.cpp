// theta-wallet: keys, keystores and every Theta transaction from the command line.
//
// Exit status: 0 success, 1 the command failed (message on stderr), 2 a usage error.
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "context.hpp"

namespace theta::wallet::cli {
namespace {

// Every example (here, in each command's --help and in docs/wallet.md) runs on the devnet.
constexpr const char* kDevnetNote =
    "\nThe examples run as shown on the devnet of ./scripts/devnet (docs/devnet.md), with\n"
    "  export THETA_WALLET_PASSWORD=devnet THETA_WALLET_NODE=http://127.0.0.1:16888/rpc\n"
    "  D=~/.theta-devnet   A0..A3=its accounts   V0=validator0's address\n"
    "and the variables earlier steps set; docs/wallet.md walks through every command in order.\n"
    "Offline, for a cold machine:\n"
    "  theta-wallet sign send --from $A1 --to $A0 --tfuel 1 --chain-id privatenet --sequence $S "
    "--out tx.hex --yes\n";

std::vector<Command> AllCommands() {
  std::vector<Command> all = KeyCommands();
  for (auto group : {TxCommands(), QueryCommands()})
    all.insert(all.end(), group.begin(), group.end());
  return all;
}

std::string Overview(const std::vector<Command>& commands) {
  std::ostringstream out;
  out << "theta-wallet: keys, keystores and Theta transactions\n\n"
      << "usage: theta-wallet <command> [options] [arguments]\n"
      << "       theta-wallet sign <tx command> [options]   build and sign offline\n"
      << "       theta-wallet <command> --help\n\ncommands:\n";
  size_t width = 0;
  for (const Command& c : commands)
    width = std::max(width, c.name.size());
  for (const Command& c : commands) {
    out << "  " << c.name << std::string(width + 2 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "  sign" << std::string(width - 2, ' ')
      << "build and sign any transaction command offline (--chain-id, --sequence; raw hex out)\n"
      << "\nglobal options:\n"
      << FormatOptions(GlobalOptions())
      << "\nPasswords never go on the command line: --password-file, $THETA_WALLET_PASSWORD or "
         "the\n"
         "prompt. Amounts are tokens with up to 18 decimals (1.5) or wei "
         "(1500000000000000000wei).\n"
      << kDevnetNote;
  return out.str();
}

std::string CommandHelp(const Command& c, bool under_sign) {
  std::ostringstream out;
  out << "usage: theta-wallet " << (under_sign ? "sign " : "") << c.name << " [options]"
      << (c.args.empty() ? "" : " " + c.args) << "\n\n"
      << c.summary << "\n";
  if (c.signs_tx) {
    out << "Online it fetches the chain ID, sequence and balance from --node, shows the "
           "transaction,\n"
           "asks, signs and broadcasts. As `theta-wallet sign "
        << c.name << "` it only signs (needs --chain-id and --sequence).\n";
  }
  out << "\noptions:\n" << FormatOptions(c.options) << FormatOptions(GlobalOptions());
  out << "\nexample:\n  " << c.example << "\n" << kDevnetNote;
  return out.str();
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  const std::vector<Command> commands = AllCommands();
  bool under_sign = false;
  if (!words.empty() && words.front() == "sign") {
    under_sign = true;
    words.erase(words.begin());
  }
  // The longest command name that matches the leading words ("stake deposit" before "stake").
  const Command* command = nullptr;
  size_t used = 0;
  for (const Command& c : commands) {
    std::vector<std::string> parts = absl::StrSplit(c.name, ' ');
    if (parts.size() > words.size() || parts.size() <= used) continue;
    if (std::equal(parts.begin(), parts.end(), words.begin())) {
      command = &c;
      used = parts.size();
    }
  }
  if (command == nullptr) {
    const bool help = words.empty() || words.front() == "--help" || words.front() == "-h" ||
                      words.front() == "help";
    (help ? std::cout : std::cerr) << Overview(commands);
    if (!help)
      std::cerr << "\ntheta-wallet: unknown command \"" << absl::StrJoin(words, " ") << "\"\n";
    return help ? 0 : 2;
  }
  if (under_sign && !command->signs_tx) {
    std::cerr << "theta-wallet: `" << command->name
              << "` is not a transaction; `sign` takes one of "
              << "send, stake ..., reserve-fund, release-fund, split-rule, contract ...\n";
    return 2;
  }
  words.erase(words.begin(), words.begin() + static_cast<long>(used));
  std::vector<OptionSpec> options = command->options;
  options.insert(options.end(), GlobalOptions().begin(), GlobalOptions().end());
  auto args = ParseArgs(words, options);
  if (!args.ok()) {
    std::cerr << "theta-wallet " << command->name << ": " << args.status().message() << "\n";
    return 2;
  }
  if (args->Has("help")) {
    std::cout << CommandHelp(*command, under_sign);
    return 0;
  }
  Context ctx(*std::move(args), std::cout, std::cerr, under_sign);
  absl::Status status = command->run(ctx);
  if (!status.ok()) {
    if (ctx.json()) {
      std::cout << Json{{"error",
                         {{"code", absl::StatusCodeToString(status.code())},
                          {"message", std::string(status.message())}}}}
                       .dump(2)
                << "\n";
    }
    std::cerr << "theta-wallet " << command->name << ": " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace theta::wallet::cli

int main(int argc, char** argv) {
  return theta::wallet::cli::Main(argc, argv);
}
