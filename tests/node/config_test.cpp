// theta-node's config file: strict keys, defaults, relative paths, clear errors.
#include "theta/node/config.hpp"

#include <catch2/catch.hpp>

namespace theta::node {
namespace {

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

TEST_CASE("a minimal config gets the documented defaults", "[node][config]") {
  auto config = ParseNodeConfig(R"({"role": "full", "genesis": "genesis.json"})", "/data/n0");
  REQUIRE(config.ok());
  CHECK(config->role == Role::kFull);
  CHECK(config->data_dir == "/data/n0");
  CHECK(config->genesis == "/data/n0/genesis.json");
  CHECK(config->node_key_file == "/data/n0/node.key");
  CHECK(config->rpc_listen == Endpoint{"127.0.0.1", 16888});
  CHECK(config->eth_rpc_listen == Endpoint{"127.0.0.1", 18888});
  CHECK(config->p2p_listen == Endpoint{"127.0.0.1", 30000});
  CHECK(config->consensus.max_block_txs == 4000);
  CHECK(config->consensus.min_block_ms == 25);
  CHECK(config->consensus.idle_block_ms == 1000);
  CHECK(config->consensus.wal_compact_interval == 256);
  CHECK(config->eth_rpc.max_log_blocks == 10'000);
  CHECK(config->eth_rpc.max_logs == 10'000);
  CHECK(config->eth_rpc.max_filters == 10'000);
  CHECK(config->eth_rpc.filter_timeout_s == 300);
}

TEST_CASE("every key of the documented example is read", "[node][config]") {
  auto config = ParseNodeConfig(R"({
    "role": "validator", "chain_id": "privatenet", "genesis": "/g/genesis.json",
    "key_file": "validator.key", "bls_key_file": "bls.key",
    "p2p": {"listen": "127.0.0.1:30005", "seeds": ["127.0.0.1:30001", "[::1]:30002"],
            "network_id": 7},
    "rpc": {"listen": "0.0.0.0:1"},
    "eth_rpc": {"listen": "127.0.0.1:2", "max_log_blocks": 500, "max_logs": 600,
                "max_filters": 70, "filter_timeout_s": 80},
    "consensus": {"base_timeout_ms": 2000, "idle_block_ms": 1000, "min_block_ms": 50,
                  "max_block_txs": 10, "checkpoint_interval": 3, "wal_compact_interval": 0,
                  "admission_nice": 0},
    "state": {"pruning_depth": 100, "gc_interval": 50, "compaction_nice": 5},
    "log_level": "debug"})",
                                "/d");
  REQUIRE(config.ok());
  CHECK(config->role == Role::kValidator);
  CHECK(config->genesis == "/g/genesis.json");
  CHECK(config->key_file == "/d/validator.key");
  REQUIRE(config->seeds.size() == 2);
  CHECK(config->seeds[1] == Endpoint{"::1", 30002});
  CHECK(FormatEndpoint(config->seeds[1]) == "[::1]:30002");
  CHECK(config->network_id == 7);
  CHECK(config->rpc_listen == Endpoint{"0.0.0.0", 1});
  CHECK(config->eth_rpc_listen == Endpoint{"127.0.0.1", 2});
  CHECK(config->eth_rpc.max_log_blocks == 500);
  CHECK(config->eth_rpc.max_logs == 600);
  CHECK(config->eth_rpc.max_filters == 70);
  CHECK(config->eth_rpc.filter_timeout_s == 80);
  CHECK(config->consensus.checkpoint_interval == 3);
  CHECK(config->consensus.wal_compact_interval == 0);
  CHECK(config->consensus.admission_nice == 0);
  CHECK(config->state.pruning_depth == 100);
  CHECK(config->state.gc_interval == 50);
  CHECK(config->state.compaction_nice == 5);
  CHECK(config->log_level == "debug");
}

TEST_CASE("mistakes in a config are errors that name the key", "[node][config]") {
  auto error = [](std::string_view json) {
    auto config = ParseNodeConfig(json, "/d");
    REQUIRE(!config.ok());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    return Message(config.status());
  };
  CHECK_THAT(error("{"), Catch::Contains("not valid JSON"));
  CHECK_THAT(error(R"({"genesis": "g"})"), Catch::Contains("role"));
  CHECK_THAT(error(R"({"role": "miner", "genesis": "g"})"), Catch::Contains("role"));
  CHECK_THAT(error(R"({"role": "full"})"), Catch::Contains("genesis"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "rpcc": {}})"), Catch::Contains("rpcc"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "p2p": {"listen": "localhost"}})"),
             Catch::Contains("p2p.listen"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "p2p": {"listen": "1.2.3.4:70000"}})"),
             Catch::Contains("port"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "p2p": {"seeds": "1.2.3.4:1"}})"),
             Catch::Contains("p2p.seeds"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "consensus": {"max_block_txs": -1}})"),
             Catch::Contains("consensus.max_block_txs"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "consensus": {"idle_block_ms": 5000}})"),
             Catch::Contains("idle_block_ms"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "state": {"gc_interval": 0}})"),
             Catch::Contains("state.gc_interval"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "state": {"compaction_nice": 20}})"),
             Catch::Contains("state.compaction_nice"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "consensus": {"admission_nice": 20}})"),
             Catch::Contains("consensus.admission_nice"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "state": {"prune": 1}})"),
             Catch::Contains("prune"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "eth_rpc": {"max_log_blocks": 0}})"),
             Catch::Contains("eth_rpc.max_log_blocks"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "eth_rpc": {"filter_timeout_s": 1e9}})"),
             Catch::Contains("eth_rpc.filter_timeout_s"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "rpc": {"max_logs": 5}})"),
             Catch::Contains("max_logs"));  // the native RPC has no such limit
  CHECK_THAT(error(R"({"role": "validator", "genesis": "g"})"), Catch::Contains("key_file"));
  CHECK_THAT(error(R"({"role": "guardian", "genesis": "g", "key_file": "k"})"),
             Catch::Contains("bls_key_file"));
  CHECK_THAT(error(R"({"role": "full", "genesis": "g", "keystore": "k"})"),
             Catch::Contains("password_file"));
}

TEST_CASE("a missing config file is NotFound naming it", "[node][config]") {
  auto config = LoadNodeConfig("/nonexistent/theta/config.json");
  CHECK(config.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(Message(config.status()), Catch::Contains("/nonexistent/theta/config.json"));
}

}  // namespace
}  // namespace theta::node
