// Strict parsing of theta-node's JSON config (config.hpp).
#include "theta/node/config.hpp"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

using Json = nlohmann::json;

absl::Status Bad(std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("config: ", std::string(key), ": ", std::string(why)));
}

// Refuses keys outside `known`: a misspelt key would otherwise be ignored silently.
absl::Status CheckKeys(const Json& object, std::string_view where,
                       const std::set<std::string>& known) {
  if (!object.is_object()) return Bad(where, "must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      std::string list;
      for (const std::string& k : known)
        absl::StrAppend(&list, list.empty() ? "" : ", ", k);
      return Bad(where.empty() ? key : absl::StrCat(std::string(where), ".", key),
                 absl::StrCat("unknown key (known: ", list, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadString(const Json& object, const std::string& key, std::string_view where,
                        std::string& out) {
  if (!object.contains(key)) return absl::OkStatus();
  if (!object[key].is_string())
    return Bad(absl::StrCat(std::string(where), key), "must be a string");
  out = object[key].get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadPath(const Json& object, const std::string& key, const std::filesystem::path& base,
                      std::filesystem::path& out) {
  std::string text;
  THETA_RETURN_IF_ERROR(ReadString(object, key, "", text));
  if (!text.empty()) out = base / text;  // an absolute `text` replaces `base`
  return absl::OkStatus();
}

absl::Status ReadUint(const Json& object, const std::string& key, std::string_view where,
                      uint64_t min, uint64_t max, uint64_t& out) {
  if (!object.contains(key)) return absl::OkStatus();
  const Json& value = object[key];
  const std::string name = absl::StrCat(std::string(where), key);
  if (!value.is_number_unsigned()) return Bad(name, "must be a non-negative integer");
  const uint64_t n = value.get<uint64_t>();
  if (n < min || n > max) return Bad(name, absl::StrCat("must be in [", min, ", ", max, "]"));
  out = n;
  return absl::OkStatus();
}

absl::Status ReadEndpoint(const Json& object, std::string_view where, Endpoint& out) {
  if (!object.contains("listen")) return absl::OkStatus();
  if (!object["listen"].is_string())
    return Bad(absl::StrCat(std::string(where), ".listen"), "must be a string");
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(object["listen"].get<std::string>());
  if (!endpoint.ok())
    return Bad(absl::StrCat(std::string(where), ".listen"),
               std::string(endpoint.status().message()));
  out = *endpoint;
  return absl::OkStatus();
}

absl::Status ReadP2p(const Json& p2p, NodeConfig& config) {
  THETA_RETURN_IF_ERROR(CheckKeys(p2p, "p2p", {"listen", "seeds", "network_id", "max_peers"}));
  THETA_RETURN_IF_ERROR(ReadEndpoint(p2p, "p2p", config.p2p_listen));
  if (p2p.contains("seeds")) {
    if (!p2p["seeds"].is_array()) return Bad("p2p.seeds", "must be an array of \"host:port\"");
    for (const Json& seed : p2p["seeds"]) {
      if (!seed.is_string()) return Bad("p2p.seeds", "must be an array of \"host:port\"");
      absl::StatusOr<Endpoint> endpoint = ParseEndpoint(seed.get<std::string>());
      if (!endpoint.ok()) return Bad("p2p.seeds", std::string(endpoint.status().message()));
      config.seeds.push_back(*endpoint);
    }
  }
  uint64_t network_id = config.network_id;
  THETA_RETURN_IF_ERROR(ReadUint(p2p, "network_id", "p2p.", 0, UINT32_MAX, network_id));
  config.network_id = static_cast<uint32_t>(network_id);
  uint64_t max_peers = config.max_peers;
  THETA_RETURN_IF_ERROR(ReadUint(p2p, "max_peers", "p2p.", 1, 10000, max_peers));
  config.max_peers = max_peers;
  return absl::OkStatus();
}

absl::Status ReadConsensus(const Json& c, ConsensusConfig& out) {
  THETA_RETURN_IF_ERROR(CheckKeys(
      c, "consensus",
      {"base_timeout_ms", "max_timeout_ms", "idle_block_ms", "min_block_ms", "max_block_txs",
       "checkpoint_interval", "guardian_round_ms", "wal_compact_interval", "admission_nice"}));
  THETA_RETURN_IF_ERROR(
      ReadUint(c, "base_timeout_ms", "consensus.", 100, 600000, out.base_timeout_ms));
  THETA_RETURN_IF_ERROR(
      ReadUint(c, "max_timeout_ms", "consensus.", 100, 3600000, out.max_timeout_ms));
  THETA_RETURN_IF_ERROR(ReadUint(c, "idle_block_ms", "consensus.", 0, 600000, out.idle_block_ms));
  THETA_RETURN_IF_ERROR(ReadUint(c, "min_block_ms", "consensus.", 0, 600000, out.min_block_ms));
  THETA_RETURN_IF_ERROR(ReadUint(c, "max_block_txs", "consensus.", 1, 100000, out.max_block_txs));
  THETA_RETURN_IF_ERROR(
      ReadUint(c, "checkpoint_interval", "consensus.", 1, 1000000, out.checkpoint_interval));
  THETA_RETURN_IF_ERROR(
      ReadUint(c, "guardian_round_ms", "consensus.", 10, 60000, out.guardian_round_ms));
  THETA_RETURN_IF_ERROR(
      ReadUint(c, "wal_compact_interval", "consensus.", 0, 100'000'000, out.wal_compact_interval));
  THETA_RETURN_IF_ERROR(ReadUint(c, "admission_nice", "consensus.", 0, 19, out.admission_nice));
  if (out.max_timeout_ms < out.base_timeout_ms)
    return Bad("consensus.max_timeout_ms", "must be at least base_timeout_ms");
  if (out.idle_block_ms * 2 > out.base_timeout_ms)
    return Bad("consensus.idle_block_ms",
               "must be at most half of base_timeout_ms (an idle leader would look faulty)");
  return absl::OkStatus();
}

absl::Status ReadState(const Json& s, StateConfig& out) {
  THETA_RETURN_IF_ERROR(CheckKeys(s, "state", {"pruning_depth", "gc_interval", "compaction_nice"}));
  THETA_RETURN_IF_ERROR(ReadUint(s, "pruning_depth", "state.", 0, UINT64_MAX, out.pruning_depth));
  THETA_RETURN_IF_ERROR(ReadUint(s, "gc_interval", "state.", 1, 100000000, out.gc_interval));
  THETA_RETURN_IF_ERROR(ReadUint(s, "compaction_nice", "state.", 0, 19, out.compaction_nice));
  return absl::OkStatus();
}

absl::Status ReadEthRpc(const Json& e, EthRpcConfig& out) {
  THETA_RETURN_IF_ERROR(CheckKeys(
      e, "eth_rpc",
      {"listen", "enabled", "max_log_blocks", "max_logs", "max_filters", "filter_timeout_s"}));
  THETA_RETURN_IF_ERROR(
      ReadUint(e, "max_log_blocks", "eth_rpc.", 1, 1'000'000, out.max_log_blocks));
  THETA_RETURN_IF_ERROR(ReadUint(e, "max_logs", "eth_rpc.", 1, 1'000'000, out.max_logs));
  THETA_RETURN_IF_ERROR(ReadUint(e, "max_filters", "eth_rpc.", 1, 1'000'000, out.max_filters));
  return ReadUint(e, "filter_timeout_s", "eth_rpc.", 1, 86'400, out.filter_timeout_s);
}

absl::Status ReadRole(const Json& root, NodeConfig& config) {
  if (!root.contains("role")) return Bad("role", "missing (validator, guardian or full)");
  const std::string role = root["role"].is_string() ? root["role"].get<std::string>() : "";
  if (role == "validator") {
    config.role = Role::kValidator;
  } else if (role == "guardian") {
    config.role = Role::kGuardian;
  } else if (role == "full") {
    config.role = Role::kFull;
  } else {
    return Bad("role", "must be \"validator\", \"guardian\" or \"full\"");
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kValidator:
      return "validator";
    case Role::kGuardian:
      return "guardian";
    case Role::kFull:
      return "full";
  }
  return "full";
}

absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return absl::InvalidArgumentError(absl::StrCat("\"", std::string(text), "\" is not host:port"));
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\": the port must be a number in [0, 65535]"));
  return Endpoint{std::string(host), static_cast<uint16_t>(port)};
}

std::string FormatEndpoint(const Endpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  return absl::StrCat(v6 ? "[" : "", endpoint.host, v6 ? "]" : "", ":", endpoint.port);
}

absl::StatusOr<NodeConfig> ParseNodeConfig(std::string_view json,
                                           const std::filesystem::path& base_dir) {
  const Json root = Json::parse(json, nullptr, false);
  if (root.is_discarded()) return Bad("file", "is not valid JSON");
  THETA_RETURN_IF_ERROR(
      CheckKeys(root, "",
                {"role", "chain_id", "data_dir", "genesis", "key_file", "keystore", "password_file",
                 "bls_key_file", "node_key_file", "p2p", "rpc", "eth_rpc", "consensus", "state",
                 "log_level", "log_file", "log_json"}));
  NodeConfig config;
  THETA_RETURN_IF_ERROR(ReadRole(root, config));
  config.data_dir = base_dir;
  THETA_RETURN_IF_ERROR(ReadPath(root, "data_dir", base_dir, config.data_dir));
  if (!root.contains("genesis")) return Bad("genesis", "missing (path of the genesis JSON)");
  THETA_RETURN_IF_ERROR(ReadPath(root, "genesis", base_dir, config.genesis));
  THETA_RETURN_IF_ERROR(ReadPath(root, "key_file", base_dir, config.key_file));
  THETA_RETURN_IF_ERROR(ReadPath(root, "keystore", base_dir, config.keystore));
  THETA_RETURN_IF_ERROR(ReadPath(root, "password_file", base_dir, config.password_file));
  THETA_RETURN_IF_ERROR(ReadPath(root, "bls_key_file", base_dir, config.bls_key_file));
  config.node_key_file = config.data_dir / "node.key";
  THETA_RETURN_IF_ERROR(ReadPath(root, "node_key_file", base_dir, config.node_key_file));
  THETA_RETURN_IF_ERROR(ReadString(root, "chain_id", "", config.chain_id));
  if (root.contains("p2p")) THETA_RETURN_IF_ERROR(ReadP2p(root["p2p"], config));
  for (const char* name : {"rpc", "eth_rpc"}) {
    if (!root.contains(name)) continue;
    if (std::string(name) == "rpc")
      THETA_RETURN_IF_ERROR(CheckKeys(root[name], name, {"listen", "enabled"}));
    else
      THETA_RETURN_IF_ERROR(ReadEthRpc(root[name], config.eth_rpc));
    THETA_RETURN_IF_ERROR(ReadEndpoint(
        root[name], name, std::string(name) == "rpc" ? config.rpc_listen : config.eth_rpc_listen));
    if (root[name].contains("enabled")) {
      if (!root[name]["enabled"].is_boolean())
        return Bad(absl::StrCat(name, ".enabled"), "must be true or false");
      config.rpc_enabled = config.rpc_enabled && root[name]["enabled"].get<bool>();
    }
  }
  if (root.contains("consensus"))
    THETA_RETURN_IF_ERROR(ReadConsensus(root["consensus"], config.consensus));
  if (root.contains("state")) THETA_RETURN_IF_ERROR(ReadState(root["state"], config.state));
  THETA_RETURN_IF_ERROR(ReadString(root, "log_level", "", config.log_level));
  THETA_RETURN_IF_ERROR(ReadPath(root, "log_file", base_dir, config.log_file));
  if (root.contains("log_json")) {
    if (!root["log_json"].is_boolean()) return Bad("log_json", "must be true or false");
    config.log_json = root["log_json"].get<bool>();
  }
  if (config.role != Role::kFull && config.key_file.empty() && config.keystore.empty())
    return Bad("key_file", absl::StrCat("a ", std::string(RoleName(config.role)),
                                        " needs its account key (key_file or keystore)"));
  if (!config.keystore.empty() && config.password_file.empty())
    return Bad("password_file", "a keystore needs a password file");
  if (config.role == Role::kGuardian && config.bls_key_file.empty())
    return Bad("bls_key_file", "a guardian needs its BLS key");
  return config;
}

absl::StatusOr<NodeConfig> LoadNodeConfig(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("config: cannot read ", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<NodeConfig> config =
      ParseNodeConfig(text.str(), std::filesystem::absolute(path).parent_path());
  if (!config.ok())
    return absl::Status(config.status().code(),
                        absl::StrCat(path.string(), ": ", std::string(config.status().message())));
  return config;
}

}  // namespace theta::node
