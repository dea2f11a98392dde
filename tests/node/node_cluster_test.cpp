// Real theta-node instances (validators and guardians) in one process on loopback: blocks commit,
// a transfer reaches every node with equal state roots, guardians finalize checkpoints, a stopped
// validator restarts from its data directory and catches up.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "theta/ledger/tx.hpp"
#include "theta/node/devnet.hpp"
#include "theta/node/node.hpp"

namespace theta::node {
namespace {

using Clock = std::chrono::steady_clock;

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

constexpr size_t kPruningNode = 2;
constexpr size_t kRestartedNode = 3;

class Cluster {
 public:
  explicit Cluster(size_t validators, size_t guardians) {
    dir_ = std::filesystem::temp_directory_path() / ("theta-cluster-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    DevnetOptions options;
    options.dir = dir_;
    options.validators = validators;
    options.guardians = guardians;
    options.edges = 0;
    options.accounts = 2;
    REQUIRE(InitDevnet(options).ok());
    std::ifstream in(dir_ / "devnet.json");
    summary_ = nlohmann::json::parse(in);
    logger_ = MakeNullLogger();
    for (const auto& node : summary_["nodes"]) {
      auto config = LoadNodeConfig(node["config"].get<std::string>());
      REQUIRE(config.ok());
      // Ephemeral ports; everyone dials the first node and learns the rest by peer exchange.
      config->p2p_listen.port = 0;
      config->rpc_listen.port = 0;
      config->eth_rpc_listen.port = 0;
      config->consensus.idle_block_ms = 100;
      config->consensus.min_block_ms = 20;
      config->consensus.checkpoint_interval = 5;
      // One validator prunes its state hard, so garbage collection runs under real commits.
      if (configs_.size() == kPruningNode) config->state = StateConfig{4, 5};
      // The validator that restarts compacts its WAL often, so it restarts from a compacted one.
      if (configs_.size() == kRestartedNode) config->consensus.wal_compact_interval = 3;
      configs_.push_back(*config);
    }
    nodes_.resize(configs_.size());
    for (size_t i = 0; i < configs_.size(); ++i)
      StartNode(i);
  }
  ~Cluster() {
    for (auto& node : nodes_) {
      if (node) node->Stop();
    }
    nodes_.clear();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void StartNode(size_t i) {
    NodeConfig config = configs_[i];
    config.seeds.clear();
    if (i != 0 && nodes_[0])
      config.seeds.push_back(Endpoint{"127.0.0.1", nodes_[0]->Status().p2p_port});
    if (i == 0) {
      for (size_t j = 1; j < nodes_.size(); ++j) {
        if (nodes_[j]) config.seeds.push_back(Endpoint{"127.0.0.1", nodes_[j]->Status().p2p_port});
      }
    }
    auto node = ThetaNode::Create(config, logger_);
    REQUIRE(node.ok());
    REQUIRE((*node)->Start().ok());
    nodes_[i] = *std::move(node);
  }
  void StopNode(size_t i) {
    nodes_[i]->Stop();
    nodes_[i].reset();
  }

  ThetaNode& node(size_t i) { return *nodes_[i]; }
  std::filesystem::path data_dir(size_t i) const { return configs_[i].data_dir; }
  size_t size() const { return nodes_.size(); }
  const nlohmann::json& summary() const { return summary_; }

 private:
  std::filesystem::path dir_;
  nlohmann::json summary_;
  Logger logger_;
  std::vector<NodeConfig> configs_;
  std::vector<std::unique_ptr<ThetaNode>> nodes_;
};

Bytes SendTfuel(const PrivateKey& key, uint64_t sequence, const Address& to, uint64_t coins) {
  const uint256 wei = uint256(1'000'000'000'000'000'000ULL);
  const uint256 fee = uint256(300'000'000'000'000'000ULL);
  const Address from = AddressFromPublicKey(key.DerivePublicKey());
  ledger::Tx tx = ledger::SendTx{
      ledger::Coins::TFuel(fee),
      {ledger::TxInput{from, ledger::Coins::TFuel(uint256(coins) * wei + fee), sequence, {}}},
      {ledger::TxOutput{to, ledger::Coins::TFuel(uint256(coins) * wei)}}};
  REQUIRE(ledger::SignTx(tx, "privatenet", key).ok());
  return ledger::EncodeTx(tx);
}

TEST_CASE("validators and guardians commit, agree, finalize and recover", "[node][cluster]") {
  Cluster cluster(4, 2);
  auto min_height = [&] {
    uint64_t h = UINT64_MAX;
    for (size_t i = 0; i < cluster.size(); ++i)
      h = std::min(h, cluster.node(i).Status().height);
    return h;
  };
  REQUIRE(WaitFor([&] { return min_height() >= 3; }, std::chrono::seconds(60)));

  const auto key =
      PrivateKey::FromHex(cluster.summary()["accounts"][0]["private_key"].get<std::string>());
  REQUIRE(key.ok());
  Address bob;
  bob.bytes.fill(0xb0);
  auto hash = cluster.node(1).chain().Submit(SendTfuel(*key, 1, bob, 5));
  REQUIRE(hash.ok());
  // The transaction reaches every node (gossip), commits once, and every node agrees on the state.
  REQUIRE(WaitFor(
      [&] {
        for (size_t i = 0; i < cluster.size(); ++i) {
          if (!cluster.node(i).chain().Receipt(*hash).ok()) return false;
        }
        return true;
      },
      std::chrono::seconds(30)));
  const uint64_t height = cluster.node(0).chain().Receipt(*hash)->height;
  auto reference = cluster.node(0).chain().BlockAt(height);
  REQUIRE(reference.ok());
  for (size_t i = 1; i < cluster.size(); ++i) {
    auto block = cluster.node(i).chain().BlockAt(height);
    REQUIRE(block.ok());
    CHECK(block->hash == reference->hash);
    CHECK(block->state_root == reference->state_root);
  }

  // Guardians finalize checkpoints and every node learns of it.
  REQUIRE(WaitFor([&] { return cluster.node(0).Status().finalized_height >= 5; },
                  std::chrono::seconds(60)));
  CHECK(cluster.node(0).Status().finalized_height % 5 == 0);

  // A validator stops; three of four keep committing; it restarts from disk and catches up. Its
  // WAL was compacted with an anchor 64 blocks deep: the first record is the anchor (type 4).
  REQUIRE(WaitFor([&] { return min_height() >= 70; }, std::chrono::seconds(90)));
  cluster.StopNode(3);
  {
    std::ifstream wal(cluster.data_dir(kRestartedNode) / "consensus.wal", std::ios::binary);
    std::vector<char> header(9);
    REQUIRE(wal.read(header.data(), 9));
    CHECK(static_cast<int>(header[8]) == 4);
  }
  const uint64_t before = cluster.node(0).Status().height;
  REQUIRE(WaitFor([&] { return cluster.node(0).Status().height >= before + 5; },
                  std::chrono::seconds(60)));
  cluster.StartNode(3);
  REQUIRE(WaitFor(
      [&] { return cluster.node(3).Status().height >= cluster.node(0).Status().height - 1; },
      std::chrono::seconds(60)));
  CHECK(cluster.node(3).health().ok());

  // The pruning validator kept up and agrees; old states are gone there, recent ones readable.
  ThetaNode& pruner = cluster.node(kPruningNode);
  CHECK(pruner.health().ok());
  const uint64_t head = pruner.Status().height;
  REQUIRE(head >= 10);
  auto noop = [](const ledger::LedgerState&) { return absl::OkStatus(); };
  CHECK(absl::IsNotFound(pruner.chain().WithState(1, noop)));
  CHECK(pruner.chain().WithState(head - 1, noop).ok());
  auto mine = pruner.chain().BlockAt(head - 1);
  auto theirs = cluster.node(0).chain().BlockAt(head - 1);
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  CHECK(mine->state_root == theirs->state_root);
}

}  // namespace
}  // namespace theta::node
