// theta-node: runs a validator, guardian or full node; `theta-node init-devnet` writes a local
// test network. See docs/node.md.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "spdlog/spdlog.h"
#include "theta/core/log.hpp"
#include "theta/node/devnet.hpp"
#include "theta/node/node.hpp"

ABSL_FLAG(std::string, config, "", "path of the node's JSON config file (docs/node.md)");
ABSL_FLAG(std::string, data_dir, "", "override: data directory (default: the config's folder)");
ABSL_FLAG(std::string, role, "", "override: validator, guardian or full");
ABSL_FLAG(std::string, p2p_listen, "", "override: peer-to-peer address, host:port");
ABSL_FLAG(std::string, seeds, "", "override: comma-separated host:port peers to dial");
ABSL_FLAG(std::string, rpc_listen, "", "override: native RPC address, host:port");
ABSL_FLAG(std::string, eth_rpc_listen, "", "override: Ethereum RPC address, host:port");
ABSL_FLAG(std::string, log_level, "", "override: trace, debug, info, warn, error or off");
ABSL_FLAG(std::string, log_file, "", "override: also append logs to this file");
// init-devnet
ABSL_FLAG(std::string, dir, "", "init-devnet: folder to write the devnet into");
ABSL_FLAG(uint32_t, validators, 4, "init-devnet: number of validators (1..31)");
ABSL_FLAG(uint32_t, guardians, 4, "init-devnet: number of guardian nodes");
ABSL_FLAG(uint32_t, edges, 2, "init-devnet: number of edge-node accounts");
ABSL_FLAG(uint32_t, accounts, 4, "init-devnet: number of funded developer accounts");
ABSL_FLAG(std::string, chain_id, "privatenet", "init-devnet: chain ID");
ABSL_FLAG(uint32_t, p2p_port, 30000, "init-devnet: first p2p port (node i uses port + i)");
ABSL_FLAG(uint32_t, rpc_port, 16888, "init-devnet: first native RPC port");
ABSL_FLAG(uint32_t, eth_rpc_port, 18888, "init-devnet: first Ethereum RPC port");
ABSL_FLAG(bool, force, false, "init-devnet: replace a devnet already in --dir");
ABSL_FLAG(uint64_t, epoch_length, 0,
          "init-devnet: blocks per epoch, after which the validator set follows the stakes "
          "(genesis epoch_length; 0: the genesis validators for good)");

namespace theta::node {
namespace {

constexpr char kUsage[] =
    "runs a theta-cpp node.\n\n"
    "  theta-node --config <file> [overrides]    run a validator, guardian or full node\n"
    "  theta-node init-devnet --dir <folder>     write a local test network (genesis, configs, "
    "keys)\n"
    "  theta-node version                        print the version\n\n"
    "SIGINT or SIGTERM stop the node cleanly. Exit status: 0 after a clean stop, 1 when the node\n"
    "cannot start or stops on a fatal error, 2 for bad usage. docs/node.md describes the config.";

int Usage(const std::string& message) {
  std::cerr << "theta-node: " << message << "\n(see theta-node --help)\n";
  return 2;
}

absl::Status ApplyOverrides(NodeConfig& config) {
  if (const std::string v = absl::GetFlag(FLAGS_data_dir); !v.empty()) config.data_dir = v;
  if (const std::string v = absl::GetFlag(FLAGS_role); !v.empty()) {
    if (v == "validator") {
      config.role = Role::kValidator;
    } else if (v == "guardian") {
      config.role = Role::kGuardian;
    } else if (v == "full") {
      config.role = Role::kFull;
    } else {
      return absl::InvalidArgumentError("--role must be validator, guardian or full");
    }
  }
  struct EndpointFlag {
    std::string value;
    Endpoint* target;
    const char* name;
  };
  for (const EndpointFlag& f :
       {EndpointFlag{absl::GetFlag(FLAGS_p2p_listen), &config.p2p_listen, "--p2p_listen"},
        EndpointFlag{absl::GetFlag(FLAGS_rpc_listen), &config.rpc_listen, "--rpc_listen"},
        EndpointFlag{absl::GetFlag(FLAGS_eth_rpc_listen), &config.eth_rpc_listen,
                     "--eth_rpc_listen"}}) {
    if (f.value.empty()) continue;
    absl::StatusOr<Endpoint> endpoint = ParseEndpoint(f.value);
    if (!endpoint.ok())
      return absl::InvalidArgumentError(
          absl::StrCat(f.name, ": ", std::string(endpoint.status().message())));
    *f.target = *endpoint;
  }
  if (const std::string v = absl::GetFlag(FLAGS_seeds); !v.empty()) {
    config.seeds.clear();
    for (const std::string& seed :
         std::vector<std::string>(absl::StrSplit(v, ',', absl::SkipEmpty()))) {
      absl::StatusOr<Endpoint> endpoint = ParseEndpoint(seed);
      if (!endpoint.ok())
        return absl::InvalidArgumentError(
            absl::StrCat("--seeds: ", std::string(endpoint.status().message())));
      config.seeds.push_back(*endpoint);
    }
  }
  if (const std::string v = absl::GetFlag(FLAGS_log_level); !v.empty()) config.log_level = v;
  if (const std::string v = absl::GetFlag(FLAGS_log_file); !v.empty()) config.log_file = v;
  return absl::OkStatus();
}

int InitDevnetCommand() {
  DevnetOptions options;
  options.dir = absl::GetFlag(FLAGS_dir);
  if (options.dir.empty()) return Usage("init-devnet needs --dir");
  options.validators = absl::GetFlag(FLAGS_validators);
  options.guardians = absl::GetFlag(FLAGS_guardians);
  options.edges = absl::GetFlag(FLAGS_edges);
  options.accounts = absl::GetFlag(FLAGS_accounts);
  options.chain_id = absl::GetFlag(FLAGS_chain_id);
  for (uint32_t port : {absl::GetFlag(FLAGS_p2p_port), absl::GetFlag(FLAGS_rpc_port),
                        absl::GetFlag(FLAGS_eth_rpc_port)}) {
    if (port == 0 || port > 65535) return Usage("ports must be in [1, 65535]");
  }
  options.p2p_port = static_cast<uint16_t>(absl::GetFlag(FLAGS_p2p_port));
  options.rpc_port = static_cast<uint16_t>(absl::GetFlag(FLAGS_rpc_port));
  options.eth_rpc_port = static_cast<uint16_t>(absl::GetFlag(FLAGS_eth_rpc_port));
  options.overwrite = absl::GetFlag(FLAGS_force);
  options.epoch_length = absl::GetFlag(FLAGS_epoch_length);
  absl::StatusOr<std::filesystem::path> summary = InitDevnet(options);
  if (!summary.ok()) {
    std::cerr << "theta-node: " << summary.status().message() << "\n";
    return absl::IsInvalidArgument(summary.status()) ? 2 : 1;
  }
  std::cout << "wrote a devnet of " << options.validators << " validators and " << options.guardians
            << " guardians: " << summary->string() << "\n";
  return 0;
}

int RunNode() {
  const std::string path = absl::GetFlag(FLAGS_config);
  if (path.empty()) return Usage("--config is required");
  absl::StatusOr<NodeConfig> config = LoadNodeConfig(path);
  if (!config.ok()) {
    std::cerr << "theta-node: " << config.status().message() << "\n";
    return absl::IsNotFound(config.status()) ? 1 : 2;
  }
  if (absl::Status st = ApplyOverrides(*config); !st.ok()) return Usage(std::string(st.message()));
  absl::StatusOr<LogLevel> level = ParseLogLevel(config->log_level);
  if (!level.ok()) return Usage(absl::StrCat("log level: ", std::string(level.status().message())));
  absl::StatusOr<Logger> logger =
      MakeLogger("node", LoggerOptions{*level, config->log_file.string(), config->log_json});
  if (!logger.ok()) {
    std::cerr << "theta-node: " << logger.status().message() << "\n";
    return 1;
  }
  // Signals are taken by this thread alone (sigwait), never by the node's threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<ThetaNode>> node = ThetaNode::Create(*config, *logger);
  if (!node.ok()) {
    (*logger)->error("cannot start: {}", std::string(node.status().message()));
    return 1;
  }
  if (absl::Status st = (*node)->Start(); !st.ok()) {
    (*logger)->error("cannot start: {}", std::string(st.message()));
    (*node)->Stop();
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  (*logger)->info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  (*node)->Stop();
  const absl::Status health = (*node)->health();
  node->reset();
  return health.ok() ? 0 : 1;
}

}  // namespace
}  // namespace theta::node

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(theta::node::kUsage);
  // --help lists this file's flags (Abseil's default looks for a file named after the binary).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return file.find("apps/node/cli/") != absl::string_view::npos;
  };
  absl::SetFlagsUsageConfig(usage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() > 2) return theta::node::Usage("too many arguments");
  if (args.size() == 2) {
    const std::string command = args[1];
    if (command == "init-devnet") return theta::node::InitDevnetCommand();
    if (command == "version") {
      std::cout << "theta-node " << THETA_VERSION << "\n";
      return 0;
    }
    return theta::node::Usage("unknown command \"" + command + "\"");
  }
  return theta::node::RunNode();
}
