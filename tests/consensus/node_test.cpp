#include "theta/consensus/node.hpp"

#include <catch2/catch.hpp>

#include "sim_world.hpp"
#include "test_committee.hpp"
#include "theta/consensus/wal.hpp"

namespace theta::consensus {
namespace {

using testing::TestCommittee;

// Records what the node sends, times out never on its own, and accepts every payload.
struct Harness final : public Transport, public Clock, public Application {
  TestCommittee t{{100, 100, 100, 100}};
  sim::internal::SimDisk disk;
  std::vector<std::pair<std::optional<ValidatorIndex>, Message>> sent;
  std::vector<Block> commits;
  std::vector<size_t> sent_before_commit;  // sent.size() when each commit ran
  std::vector<Evidence> evidence;
  std::unique_ptr<Signer> signer;
  std::unique_ptr<WalStorage> storage;
  std::unique_ptr<Node> node;
  ValidatorIndex self;
  bool fail_storage = false;
  uint64_t proposal_delay = 0;
  uint64_t compact_every = 0;
  uint64_t anchor_depth = 16;
  std::vector<std::pair<uint64_t, uint64_t>> timers;  // (delay, token)
  std::vector<std::pair<BlockHeader, QuorumCert>> proofs;

  explicit Harness(ValidatorIndex me) : self(me) { Restart(); }

  void Restart() {
    node.reset();
    storage = std::make_unique<WalStorage>(std::make_unique<sim::internal::SimWalFile>(&disk));
    signer = NewSecp256k1Signer(t.keys[self]);
    NodeOptions options;
    options.chain_id = t.committee.chain_id;
    options.genesis_hash = t.committee.genesis_hash;
    options.self = self;
    options.compact_wal_every = compact_every;
    options.wal_anchor_depth = anchor_depth;
    node = std::make_unique<Node>(
        options, NodeEnv{signer.get(), t.verifier.get(), this, this, storage.get(), this});
    REQUIRE(node->Start().ok());
  }

  void Send(ValidatorIndex to, Bytes message) override {
    sent.emplace_back(to, *DecodeMessage(message));
  }
  void Broadcast(Bytes message) override {
    sent.emplace_back(std::nullopt, *DecodeMessage(message));
  }
  uint64_t NowMs() const override { return 0; }
  void SetTimer(uint64_t delay, uint64_t token) override { timers.emplace_back(delay, token); }
  uint64_t ProposalDelayMs(uint64_t) override { return proposal_delay; }
  void OnCommitProof(const BlockHeader& child, const QuorumCert& qc) override {
    proofs.emplace_back(child, qc);
  }
  Bytes Propose(uint64_t, const Hash32&) override { return Bytes{1, 2, 3}; }
  absl::Status Validate(const Block&) override { return absl::OkStatus(); }
  void Commit(const Block& block, const QuorumCert&) override {
    commits.push_back(block);
    sent_before_commit.push_back(sent.size());
  }
  std::pair<uint64_t, Hash32> LastCommitted() const override {
    if (commits.empty()) return {0, t.committee.genesis_hash};
    return {commits.back().header.height, commits.back().hash};
  }
  absl::StatusOr<ValidatorSet> ValidatorsAt(uint64_t) override { return t.committee.validators; }
  void ReportEvidence(const Evidence& e) override { evidence.push_back(e); }

  absl::Status Deliver(ValidatorIndex from, const Message& m) {
    return node->OnMessage(from, EncodeMessage(m));
  }
  size_t VotesSent() const {
    size_t n = 0;
    for (const auto& [to, m] : sent)
      n += std::holds_alternative<Vote>(m);
    return n;
  }
};

ValidatorIndex NotLeaderOf(const TestCommittee& t, uint64_t round) {
  for (ValidatorIndex i = 0; i < 4; ++i) {
    if (t.committee.validators.Leader(round) != i &&
        t.committee.validators.Leader(round + 1) != i) {
      return i;
    }
  }
  return 0;
}

TEST_CASE("consensus node votes once per round, also after a restart", "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  Harness h(NotLeaderOf(probe, 1));
  const Block first = h.t.MakeBlock(1, h.t.GenesisQc(), "first");
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), first).ok());
  REQUIRE(h.VotesSent() == 1);
  CHECK(h.sent.back().first == h.t.committee.validators.Leader(2));

  const Block second = h.t.MakeBlock(1, h.t.GenesisQc(), "second");  // the leader equivocates
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), second).ok());
  CHECK(h.VotesSent() == 1);
  REQUIRE(h.evidence.size() == 1);
  CHECK(h.evidence[0].kind == Evidence::Kind::kDoubleProposal);

  h.disk.pending.clear();  // a crash loses everything not synced; the vote's safety record was
  h.Restart();
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), second).ok());
  CHECK(h.VotesSent() == 1);
}

TEST_CASE("consensus node commits on two consecutive certified rounds", "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  Harness h(NotLeaderOf(probe, 3));
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b2 = h.t.MakeBlock(2, h.t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b2");
  const ValidatorIndex leader3 = h.t.committee.validators.Leader(3);
  REQUIRE(h.Deliver(0, b1).ok());
  REQUIRE(h.Deliver(0, b2).ok());
  CHECK(h.commits.empty());  // b1 is certified by b2's QC but b2 is not certified yet
  const Block b3 = h.t.MakeBlock(3, h.t.MakeQc({1, 2, 3}, 2, 2, b2.hash), "b3");
  REQUIRE(h.Deliver(leader3, b3).ok());
  REQUIRE(h.commits.size() == 1);
  CHECK(h.commits[0].hash == b1.hash);
  CHECK(h.node->committed_height() == 1);
  CHECK(h.node->round() == 3);
  // The commit proof: b2 extends b1 in the next round, and b3's QC certifies b2.
  REQUIRE(h.proofs.size() == 1);
  CHECK(h.proofs[0].first == b2.header);
  CHECK(h.proofs[0].second == b3.header.qc);
  // A block synced by other means becomes the committed root; an older one changes nothing.
  const Block b4 = h.t.MakeBlock(4, h.t.MakeQc({0, 1, 2}, 3, 3, b3.hash), "b4");
  h.node->AdoptCommitted(b4);
  CHECK(h.node->committed_height() == 4);
  CHECK(h.node->committed_hash() == b4.hash);
  h.node->AdoptCommitted(b2);
  CHECK(h.node->committed_height() == 4);
}

// Executing a block is the slowest step of an event; the next round waits for the vote or the
// proposal, so those leave first.
TEST_CASE("consensus node sends its vote before it executes the block the event commits",
          "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  Harness h(NotLeaderOf(probe, 3));
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b2 = h.t.MakeBlock(2, h.t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b2");
  const Block b3 = h.t.MakeBlock(3, h.t.MakeQc({1, 2, 3}, 2, 2, b2.hash), "b3");
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), b1).ok());
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(2), b2).ok());
  const size_t before = h.sent.size();
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(3), b3).ok());
  REQUIRE(h.commits.size() == 1);  // b3's QC certifies b2, which commits b1
  CHECK(h.commits[0].hash == b1.hash);
  REQUIRE(h.sent_before_commit[0] > before);
  const Vote* vote = std::get_if<Vote>(&h.sent[h.sent_before_commit[0] - 1].second);
  REQUIRE(vote != nullptr);
  CHECK(vote->block_hash == b3.hash);
}

TEST_CASE("a leader proposes before it executes the block its new QC commits",
          "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  const ValidatorIndex leader3 = probe.committee.validators.Leader(3);
  Harness h(leader3);
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b2 = h.t.MakeBlock(2, h.t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b2");
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), b1).ok());
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(2), b2).ok());
  REQUIRE(h.commits.empty());
  for (ValidatorIndex v = 0; v < 4 && h.commits.empty(); ++v) {
    if (v != leader3) REQUIRE(h.Deliver(v, h.t.MakeVote(v, 2, 2, b2.hash)).ok());
  }
  REQUIRE(h.commits.size() == 1);  // the QC of b2 commits b1
  CHECK(h.commits[0].hash == b1.hash);
  bool proposed_first = false;
  for (size_t i = 0; i < h.sent_before_commit[0]; ++i) {
    const Block* b = std::get_if<Block>(&h.sent[i].second);
    if (b && b->header.round == 3 && b->header.qc.block_hash == b2.hash) proposed_first = true;
  }
  CHECK(proposed_first);
}

TEST_CASE("a leader waits out the application's proposal delay, or proposes when told",
          "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  const ValidatorIndex leader2 = probe.committee.validators.Leader(2);
  const ValidatorIndex leader1 = probe.committee.validators.Leader(1);
  REQUIRE(leader1 != leader2);
  Harness h(leader2);
  h.proposal_delay = 700;
  auto proposals_in = [&](uint64_t round) {
    size_t n = 0;
    for (const auto& [to, m] : h.sent) {
      const auto* block = std::get_if<Block>(&m);
      n += block != nullptr && block->header.round == round;
    }
    return n;
  };
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  REQUIRE(h.Deliver(leader1, b1).ok());
  for (ValidatorIndex v = 0; v < 4; ++v) {
    if (v != leader2) (void)h.Deliver(v, h.t.MakeVote(v, 1, 1, b1.hash));
  }
  REQUIRE(h.node->round() == 2);
  CHECK(proposals_in(2) == 0);  // waiting
  bool timer = false;
  for (const auto& [delay, token] : h.timers)
    timer = timer || (delay == 700 && token != 2 && (token & 0xffffffff) == 2);
  CHECK(timer);
  h.node->ProposeNow();
  CHECK(proposals_in(2) == 1);
  h.node->ProposeNow();
  CHECK(proposals_in(2) == 1);  // never twice in one round
}

TEST_CASE("consensus node fetches missing ancestors and then commits", "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  Harness h(NotLeaderOf(probe, 3));
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b2 = h.t.MakeBlock(2, h.t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b2");
  const Block b3 = h.t.MakeBlock(3, h.t.MakeQc({1, 2, 3}, 2, 2, b2.hash), "b3");
  REQUIRE(h.Deliver(2, b3).ok());
  REQUIRE_FALSE(h.sent.empty());
  const auto* request = std::get_if<SyncRequest>(&h.sent.back().second);
  REQUIRE(request != nullptr);
  CHECK(request->block_hash == b2.hash);
  CHECK(h.commits.empty());
  REQUIRE(h.Deliver(2, SyncResponse{{b2, b1}}).ok());
  REQUIRE(h.commits.size() == 1);
  CHECK(h.commits[0].hash == b1.hash);
}

TEST_CASE("consensus node rejects a block whose QC lacks a quorum", "[consensus][node]") {
  Harness h(0);
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b2 = h.t.MakeBlock(2, h.t.MakeQc({0, 1}, 1, 1, b1.hash), "b2");
  REQUIRE(h.Deliver(0, b1).ok());
  absl::Status st = h.Deliver(0, b2);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK(h.node->round() == 1);
}

TEST_CASE("consensus node rejects a block after a gap without a matching TC", "[consensus][node]") {
  Harness h(0);
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  const Block b3 = h.t.MakeBlock(3, h.t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b3");
  REQUIRE(h.Deliver(0, b1).ok());
  CHECK_FALSE(h.Deliver(0, b3).ok());
}

TEST_CASE("consensus node forms a QC from votes as next leader and proposes", "[consensus][node]") {
  TestCommittee probe({100, 100, 100, 100});
  const ValidatorIndex leader2 = probe.committee.validators.Leader(2);
  Harness h(leader2);
  const Block b1 = h.t.MakeBlock(1, h.t.GenesisQc(), "b1");
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(1), b1).ok());
  for (ValidatorIndex v = 0; v < 4; ++v) {
    if (v != leader2) REQUIRE(h.Deliver(v, h.t.MakeVote(v, 1, 1, b1.hash)).ok());
  }
  CHECK(h.node->round() == 2);
  bool proposed = false;
  for (const auto& [to, m] : h.sent) {
    if (const Block* b = std::get_if<Block>(&m); b && !to) {
      proposed = b->header.round == 2 && b->header.qc.block_hash == b1.hash;
    }
  }
  CHECK(proposed);
}

}  // namespace
}  // namespace theta::consensus

namespace theta::consensus {
namespace {

// Delivers blocks of rounds first..last, each certifying the one before, from their leaders.
void DeliverChain(Harness& h, std::vector<Block>& chain, uint64_t last) {
  while (chain.size() < last) {
    const uint64_t round = chain.size() + 1;
    const QuorumCert qc = chain.empty()
                              ? h.t.GenesisQc()
                              : h.t.MakeQc({0, 1, 2}, round - 1, round - 1, chain.back().hash);
    chain.push_back(h.t.MakeBlock(round, qc, std::string(1000, char('a' + round % 26))));
    REQUIRE(h.Deliver(h.t.committee.validators.Leader(round), chain.back()).ok());
  }
}

TEST_CASE("consensus node compacts its WAL and restarts from the compacted log",
          "[consensus][node][wal]") {
  const bool compact = GENERATE(true, false);
  Harness h(0);
  h.compact_every = compact ? 4 : 0;
  h.anchor_depth = 2;
  h.proposal_delay = 1'000'000;  // its own proposals wait on a timer that never fires
  h.Restart();
  std::vector<Block> chain;
  DeliverChain(h, chain, 30);
  REQUIRE(h.commits.size() == 28);
  const uint64_t wal_bytes = h.disk.durable.size() + h.disk.pending.size();
  CHECK(wal_bytes == h.storage->size_bytes());
  if (!compact) {
    CHECK(wal_bytes > 30 * 1000);  // every block since genesis
    return;
  }
  // Compacted at height 28: anchor 26, blocks 27-30, the high QC and the safety record.
  CHECK(wal_bytes < 6 * 1400);

  h.Restart();  // the application keeps its 28 commits; the node roots at the anchor
  DeliverChain(h, chain, 31);
  REQUIRE(h.commits.size() == 29);
  CHECK(h.commits.back().hash == chain[28].hash);
  CHECK(h.node->status().ok());

  // Crash right after a compaction, losing the unsynced tail: still safe and live.
  DeliverChain(h, chain, 32);  // commits 30; the next compaction comes at 32
  DeliverChain(h, chain, 34);
  REQUIRE(h.commits.size() == 32);
  h.disk.pending.clear();
  h.Restart();
  const size_t votes = h.VotesSent();
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(34), chain[33]).ok());
  CHECK(h.VotesSent() == votes);  // voted for round 34 before the crash: never again
  DeliverChain(h, chain, 36);
  CHECK(h.commits.size() == 34);
  CHECK(h.commits.back().hash == chain[33].hash);
}

TEST_CASE("consensus node syncs nothing below its committed block and roots at it",
          "[consensus][node]") {
  Harness h(0);
  h.proposal_delay = 1'000'000;
  std::vector<Block> chain;
  {
    Harness source(1);
    source.proposal_delay = 1'000'000;
    source.Restart();
    DeliverChain(source, chain, 7);
  }
  // The application committed heights 1-4; the node lost every block (a fresh WAL).
  h.commits.assign(chain.begin(), chain.begin() + 4);
  h.disk = {};
  h.Restart();
  h.sent.clear();
  // Newest first, reaching below the committed height without reaching genesis.
  REQUIRE(h.Deliver(1, SyncResponse{{chain[5], chain[4], chain[3], chain[2], chain[1]}}).ok());
  for (const auto& [to, message] : h.sent)
    CHECK_FALSE(std::holds_alternative<SyncRequest>(message));  // no walk back to genesis
  REQUIRE(h.Deliver(h.t.committee.validators.Leader(7), chain[6]).ok());
  REQUIRE(h.commits.size() == 5);
  CHECK(h.commits.back().hash == chain[4].hash);
  CHECK(h.node->status().ok());
}

}  // namespace
}  // namespace theta::consensus
