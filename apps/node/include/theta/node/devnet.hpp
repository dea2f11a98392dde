// `theta-node init-devnet`: the files of a local test network — a genesis, one folder per node
// with its config and keys, and devnet.json, which lists every node, its ports and the funded
// developer accounts (with their private keys: a devnet's keys are public by design).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace theta::node {

struct DevnetOptions {
  std::filesystem::path dir;
  size_t validators = 4;
  size_t guardians = 4;
  size_t edges = 2;
  size_t accounts = 4;
  std::string chain_id = "privatenet";
  uint16_t p2p_port = 30000;  // node i (validators first, then guardians) uses port + i
  uint16_t rpc_port = 16888;
  uint16_t eth_rpc_port = 18888;
  bool overwrite = false;     // replace an existing devnet in `dir`
  uint64_t epoch_length = 0;  // genesis epoch_length: blocks per validator-set epoch (0: none)
};

// Writes the devnet; returns the path of devnet.json. AlreadyExists when `dir` holds one and
// overwrite is false; InvalidArgument for counts out of range (1..31 validators, 0..1000 others)
// or ports that would overflow.
absl::StatusOr<std::filesystem::path> InitDevnet(const DevnetOptions& options);

}  // namespace theta::node
