#include "theta/net/gossip.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>

#include "net_test_util.hpp"

namespace theta::net {
namespace {

using testing::ConnectAndWait;
using testing::TestNode;
using testing::WaitFor;

constexpr uint32_t kTxChannel = 7;

// A node with gossip on the transaction channel that counts what it delivers.
struct GossipNode {
  explicit GossipNode(bool reject = false)
      : gossip(node.host(), kTxChannel, [this, reject](const NodeId&, ByteView) {
          ++delivered;
          return reject ? absl::InvalidArgumentError("bad transaction") : absl::OkStatus();
        }) {
    REQUIRE(gossip.status().ok());
    REQUIRE(node->Start().ok());
  }
  ~GossipNode() { node->Stop(); }

  std::atomic<int> delivered{0};
  TestNode node;
  Gossip gossip;
};

TEST_CASE("gossip carries an item down a chain of nodes exactly once each", "[net][gossip]") {
  std::vector<std::unique_ptr<GossipNode>> chain;
  for (int i = 0; i < 4; ++i)
    chain.push_back(std::make_unique<GossipNode>());
  for (int i = 1; i < 4; ++i) {
    REQUIRE(ConnectAndWait(chain[i]->node.host(), chain[i - 1]->node.address()).ok());
  }
  REQUIRE(WaitFor(
      [&] { return chain[1]->node->PeerCount() == 2 && chain[2]->node->PeerCount() == 2; }));
  CHECK(chain[0]->gossip.Publish(AsBytes("tx-1")) == 1);
  CHECK(chain[0]->gossip.Publish(AsBytes("tx-1")) == 0);
  CHECK(chain[0]->gossip.Seen(Gossip::ItemId(AsBytes("tx-1"))));
  REQUIRE(WaitFor([&] { return chain[3]->delivered == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK(chain[0]->delivered == 0);
  for (int i = 1; i < 4; ++i) {
    CAPTURE(i);
    CHECK(chain[i]->delivered == 1);
    CHECK(chain[i]->gossip.received() == 1);  // nobody sends it back upstream
  }
}

TEST_CASE("gossip in a full mesh never sends an item twice to the same peer", "[net][gossip]") {
  constexpr int kNodes = 4;
  constexpr int kItems = 25;
  std::vector<std::unique_ptr<GossipNode>> mesh;
  for (int i = 0; i < kNodes; ++i) {
    mesh.push_back(std::make_unique<GossipNode>());
    for (int j = 0; j < i; ++j) {
      REQUIRE(ConnectAndWait(mesh[i]->node.host(), mesh[j]->node.address()).ok());
    }
  }
  for (auto& n : mesh)
    REQUIRE(WaitFor([&] { return n->node->PeerCount() == kNodes - 1; }));
  for (int item = 0; item < kItems; ++item) {
    mesh[item % kNodes]->gossip.Publish(AsBytes("item " + std::to_string(item)));
  }
  for (int i = 0; i < kNodes; ++i) {
    CAPTURE(i);
    const int own = kItems / kNodes + (i < kItems % kNodes ? 1 : 0);
    REQUIRE(WaitFor([&] { return mesh[i]->delivered == kItems - own; }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (int i = 0; i < kNodes; ++i) {
    const int own = kItems / kNodes + (i < kItems % kNodes ? 1 : 0);
    CHECK(mesh[i]->delivered == kItems - own);
    // At most one copy of each item from each peer (an origin may get its own item back from a
    // peer that had it from a third node first, but only once from that peer).
    CHECK(mesh[i]->gossip.received() <= uint64_t{kItems} * (kNodes - 1));
    CHECK(mesh[i]->gossip.received() >= uint64_t(kItems - own));
  }
}

TEST_CASE("gossip does not relay an item its handler rejects", "[net][gossip]") {
  GossipNode a, b(/*reject=*/true), c;
  REQUIRE(ConnectAndWait(b.node.host(), a.node.address()).ok());
  REQUIRE(ConnectAndWait(c.node.host(), b.node.address()).ok());
  REQUIRE(WaitFor([&] { return b.node->PeerCount() == 2; }));
  CHECK(a.gossip.Publish(AsBytes("forged tx")) == 1);
  REQUIRE(WaitFor([&] { return b.delivered == 1; }));
  REQUIRE(WaitFor([&] {
    auto peers = b.node->Peers();
    for (const auto& p : peers) {
      if (p.id == a.node->id()) return p.score == -10;
    }
    return false;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK(c.delivered == 0);
}

}  // namespace
}  // namespace theta::net
