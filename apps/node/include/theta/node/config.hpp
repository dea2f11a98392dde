// theta-node's configuration: the JSON file documented in docs/node.md, with relative paths
// resolved against the file's folder. Parsing is strict: an unknown key, a wrong type or a bad
// value is InvalidArgument naming the key, so that a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace theta::node {

enum class Role { kValidator, kGuardian, kFull };
std::string_view RoleName(Role role);

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};
// "host:port" with a numeric IPv4 host, or "[v6]:port". InvalidArgument otherwise.
absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text);
std::string FormatEndpoint(const Endpoint& endpoint);

struct ConsensusConfig {
  uint64_t base_timeout_ms = 3000;  // first round timer (doubles ×1.5 per timeout in a row)
  uint64_t max_timeout_ms = 30000;
  uint64_t idle_block_ms = 1000;  // a leader with nothing to propose waits this long
  uint64_t min_block_ms = 25;     // and at least this long when transactions wait
  uint64_t max_block_txs = 4000;
  uint64_t checkpoint_interval = 10;  // guardians finalize every block whose height divides by it
  uint64_t guardian_round_ms = 300;
  // The consensus WAL is rewritten to what a restart needs every this many committed blocks
  // (0: never, the log grows without bound).
  uint64_t wal_compact_interval = 256;
  // Niceness (0..19) of the threads that admit transactions (RPC submissions, peers' batches)
  // and serve RPC. When the cores are short, consensus (the core and network threads) then runs
  // first, blocks keep their pace, and admission waits instead (0: every thread alike).
  uint64_t admission_nice = 5;
};

// How much history the state keeps (docs/node.md, "State pruning").
struct StateConfig {
  uint64_t pruning_depth = 0;  // keep the state of the last N blocks; 0 keeps all (an archive node)
  uint64_t gc_interval = 1000;  // with pruning: delete unreachable trie nodes every N blocks
  // Niceness (0..19) of the database's flush-and-compaction thread: compaction bursts then yield
  // the CPU to consensus instead of stalling it (0: LevelDB's shared thread at normal priority).
  uint64_t compaction_nice = 10;
};

// The Ethereum RPC's limits (docs/node.md, "Ethereum RPC"): what one eth_getLogs or filter poll may
// read and return, and how many polled filters live, for how long without a poll.
struct EthRpcConfig {
  uint64_t max_log_blocks = 10'000;
  uint64_t max_logs = 10'000;
  uint64_t max_filters = 10'000;
  uint64_t filter_timeout_s = 300;
};

struct NodeConfig {
  Role role = Role::kFull;
  std::string chain_id;            // when set, must match the genesis
  std::filesystem::path data_dir;  // default: the config file's folder
  std::filesystem::path genesis;
  std::filesystem::path key_file;       // plain hex secp256k1 key (devnets; warned about)
  std::filesystem::path keystore;       // or an encrypted keystore (theta-wallet's format)
  std::filesystem::path password_file;  // its password
  std::filesystem::path bls_key_file;   // a guardian's BLS secret key (hex)
  std::filesystem::path node_key_file;  // p2p identity seed (hex); created when missing
  Endpoint p2p_listen{"127.0.0.1", 30000};
  std::vector<Endpoint> seeds;
  uint32_t network_id = 366;
  size_t max_peers = 64;
  Endpoint rpc_listen{"127.0.0.1", 16888};
  Endpoint eth_rpc_listen{"127.0.0.1", 18888};
  EthRpcConfig eth_rpc;
  bool rpc_enabled = true;
  ConsensusConfig consensus;
  StateConfig state;
  std::string log_level = "info";
  std::filesystem::path log_file;  // empty: stderr only
  bool log_json = false;
};

// Parses the config file's text; `base_dir` resolves relative paths (the file's folder).
absl::StatusOr<NodeConfig> ParseNodeConfig(std::string_view json,
                                           const std::filesystem::path& base_dir);
// Reads and parses a config file; NotFound / InvalidArgument naming the path.
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::filesystem::path& path);

}  // namespace theta::node
