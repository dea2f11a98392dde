// Epoch changes in the consensus Node: the suffix rule, the switch to the next committee, proofs
// for validators that missed the change, and restarts across a change.
#include <catch2/catch.hpp>

#include "sim_world.hpp"
#include "test_committee.hpp"
#include "theta/consensus/node.hpp"
#include "theta/consensus/wal.hpp"

namespace theta::consensus {
namespace {

using testing::TestCommittee;

constexpr uint64_t kEpochLength = 2;

// One validator on a chain whose epochs are two blocks long. Epoch 0 has equal stakes; epoch 1
// gives validator 0 half of the stake, so {1, 2, 3} is a quorum in epoch 0 and not in epoch 1.
struct EpochHarness final : public Transport, public Clock, public Application {
  TestCommittee e0{{100, 100, 100, 100}, 0};
  TestCommittee e1{{300, 100, 100, 100}, 1};
  sim::internal::SimDisk disk;
  std::vector<std::pair<std::optional<ValidatorIndex>, Message>> sent;
  std::vector<Block> commits;
  std::unique_ptr<Signer> signer;
  std::unique_ptr<WalStorage> storage;
  std::unique_ptr<Node> node;
  ValidatorIndex self;
  uint64_t now = 0;

  explicit EpochHarness(ValidatorIndex me) : self(me) { Restart(); }

  void Restart() {
    node.reset();
    storage = std::make_unique<WalStorage>(std::make_unique<sim::internal::SimWalFile>(&disk));
    signer = NewSecp256k1Signer(e0.keys[self]);
    NodeOptions options;
    options.chain_id = e0.committee.chain_id;
    options.genesis_hash = e0.committee.genesis_hash;
    options.self = self;
    options.epoch_length = kEpochLength;
    node = std::make_unique<Node>(
        options, NodeEnv{signer.get(), e0.verifier.get(), this, this, storage.get(), this});
    REQUIRE(node->Start().ok());
  }

  void Send(ValidatorIndex to, Bytes message) override {
    sent.emplace_back(to, *DecodeMessage(message));
  }
  void Broadcast(Bytes message) override {
    sent.emplace_back(std::nullopt, *DecodeMessage(message));
  }
  uint64_t NowMs() const override { return now; }
  void SetTimer(uint64_t, uint64_t) override {}
  uint64_t ProposalDelayMs(uint64_t) override { return 1'000'000; }  // never proposes on its own
  Bytes Propose(uint64_t, const Hash32&) override { return Bytes{1}; }
  absl::Status Validate(const Block&) override { return absl::OkStatus(); }
  void Commit(const Block& block, const QuorumCert&) override { commits.push_back(block); }
  std::pair<uint64_t, Hash32> LastCommitted() const override {
    if (commits.empty()) return {0, e0.committee.genesis_hash};
    return {commits.back().header.height, commits.back().hash};
  }
  std::optional<Hash32> CommittedHashAt(uint64_t height) const override {
    if (height == 0) return e0.committee.genesis_hash;
    if (height > commits.size()) return std::nullopt;
    return commits[height - 1].hash;
  }
  absl::StatusOr<ValidatorSet> ValidatorsAt(uint64_t height) override {
    return height <= kEpochLength ? e0.committee.validators : e1.committee.validators;
  }
  void ReportEvidence(const Evidence&) override {}

  absl::Status Deliver(ValidatorIndex from, const Message& m) {
    return node->OnMessage(from, EncodeMessage(m));
  }
  template <typename T>
  std::vector<std::pair<std::optional<ValidatorIndex>, T>> Sent() const {
    std::vector<std::pair<std::optional<ValidatorIndex>, T>> out;
    for (const auto& [to, m] : sent)
      if (const T* value = std::get_if<T>(&m)) out.emplace_back(to, *value);
    return out;
  }
};

// Epoch 0 on a 4-validator committee: b1, b2 (its last block), and b3, b4 of its suffix, where
// qc3 (inside b4) certifies b3 in the round right after b2's: b2 commits.
struct EpochZero {
  Block b1, b2, b3, b4;
  QuorumCert qc3;

  explicit EpochZero(TestCommittee& t) {
    b1 = t.MakeBlock(1, t.GenesisQc(), "b1");
    b2 = t.MakeBlock(2, t.MakeQc({0, 1, 2}, 1, 1, b1.hash), "b2");
    b3 = t.MakeBlock(3, t.MakeQc({0, 1, 2}, 2, 2, b2.hash), "");
    qc3 = t.MakeQc({1, 2, 3}, 3, 3, b3.hash);
    b4 = t.MakeBlock(4, qc3, "");
  }
};

QuorumCert RootQc(const Block& root) {
  return QuorumCert{1, 0, root.header.height, root.hash, {}};
}

TEST_CASE(
    "consensus epochs: the last block commits through an empty suffix, then the next "
    "committee takes over",
    "[consensus][node][epoch]") {
  EpochHarness h(3);
  EpochZero z(h.e0);
  REQUIRE(h.Deliver(0, z.b1).ok());
  REQUIRE(h.Deliver(0, z.b2).ok());
  // Past the epoch's last height a block must not carry transactions.
  const Block stuffed = h.e0.MakeBlock(3, h.e0.MakeQc({0, 1, 2}, 2, 2, z.b2.hash), "tx");
  absl::Status st = h.Deliver(0, stuffed);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(st.message()).find("no payload") != std::string::npos);
  REQUIRE(h.Deliver(0, z.b3).ok());
  REQUIRE(h.commits.size() == 1);  // b1
  CHECK(h.node->epoch() == 0);
  REQUIRE(h.Deliver(0, z.b4).ok());
  REQUIRE(h.commits.size() == 2);  // b2, never the suffix
  CHECK(h.commits[1].hash == z.b2.hash);
  CHECK(h.node->epoch() == 1);
  CHECK(h.node->stats().epochs_entered == 1);
  CHECK(h.node->committee().validators.at(0).stake == 300);
  CHECK(h.node->committee().genesis_hash == z.b2.hash);
  CHECK(h.node->round() == 1);

  // Epoch 1 starts at round 1 on the root's QC, with epoch 1's leaders and stakes.
  h.e1.committee.genesis_hash = z.b2.hash;
  const Block c1 = h.e1.MakeBlock(1, RootQc(z.b2), "c1");
  REQUIRE(c1.header.height == 3);
  h.sent.clear();
  REQUIRE(h.Deliver(c1.header.proposer, c1).ok());
  auto votes = h.Sent<Vote>();
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].second.epoch == 1);
  CHECK(votes[0].second.block_hash == c1.hash);
  // 300 of 600 is no quorum in epoch 1, although those three held 3/4 in epoch 0.
  const Block weak = h.e1.MakeBlock(2, h.e1.MakeQc({1, 2, 3}, 1, 3, c1.hash), "c2");
  CHECK(h.Deliver(weak.header.proposer, weak).code() == absl::StatusCode::kInvalidArgument);
  const Block c2 = h.e1.MakeBlock(2, h.e1.MakeQc({0, 1, 2}, 1, 3, c1.hash), "c2");
  REQUIRE(h.Deliver(c2.header.proposer, c2).ok());
  CHECK(h.node->round() == 2);
  // An epoch-0 QC carried into epoch 1 is refused, even one the node checked before.
  const Block stale = h.e1.MakeBlock(3, z.qc3, "c3");
  CHECK_FALSE(h.Deliver(stale.header.proposer, stale).ok());
}

TEST_CASE("consensus epochs: a validator that missed the change catches up by an epoch proof",
          "[consensus][node][epoch]") {
  EpochHarness ahead(3);
  EpochZero z(ahead.e0);
  for (const Block* b : {&z.b1, &z.b2, &z.b3, &z.b4})
    REQUIRE(ahead.Deliver(0, *b).ok());
  REQUIRE(ahead.node->epoch() == 1);

  EpochHarness behind(2);  // saw the epoch's blocks but not the QC that ends it
  for (const Block* b : {&z.b1, &z.b2, &z.b3})
    REQUIRE(behind.Deliver(0, *b).ok());
  REQUIRE(behind.node->epoch() == 0);
  // A proposal of the new epoch that arrives early waits for the change.
  behind.e1.committee.genesis_hash = z.b2.hash;
  const Block c1 = behind.e1.MakeBlock(1, RootQc(z.b2), "c1");
  REQUIRE(behind.Deliver(c1.header.proposer, c1).ok());
  CHECK(behind.Sent<Vote>().empty() == false);  // its epoch-0 vote for b3 only
  const size_t votes_before = behind.Sent<Vote>().size();

  // The lagging validator's epoch-0 vote reaches the node ahead: it answers with the proof, once
  // per retry interval.
  const Vote old_vote = behind.Sent<Vote>().back().second;
  REQUIRE(old_vote.epoch == 0);
  REQUIRE(ahead.Deliver(2, old_vote).ok());
  REQUIRE(ahead.Deliver(2, old_vote).ok());
  auto proofs = ahead.Sent<EpochProof>();
  REQUIRE(proofs.size() == 1);
  CHECK(proofs[0].first == ValidatorIndex{2});
  const EpochProof& proof = proofs[0].second;
  CHECK(proof.epoch == 0);
  REQUIRE(proof.blocks.size() == 2);
  CHECK(proof.blocks[0].hash == z.b2.hash);
  CHECK(proof.qc == z.qc3);

  // A forged proof (its QC lacks a quorum) changes nothing.
  EpochProof forged = proof;
  forged.qc = behind.e0.MakeQc({1, 2}, 3, 3, z.b3.hash);
  CHECK_FALSE(behind.Deliver(3, forged).ok());
  CHECK(behind.node->epoch() == 0);

  REQUIRE(behind.Deliver(3, proof).ok());
  CHECK(behind.node->epoch() == 1);
  REQUIRE(behind.commits.size() == 2);
  CHECK(behind.commits[1].hash == z.b2.hash);
  CHECK(behind.node->stats().epoch_proofs_accepted == 1);
  // The early proposal was replayed in epoch 1: a vote for c1 followed.
  auto votes = behind.Sent<Vote>();
  REQUIRE(votes.size() == votes_before + 1);
  CHECK(votes.back().second.epoch == 1);
  CHECK(votes.back().second.block_hash == c1.hash);

  // After a restart the node is still in epoch 1, keeps its epoch-1 vote, and still holds the
  // proof (from the WAL) for validators that lag.
  behind.Restart();
  CHECK(behind.node->epoch() == 1);
  behind.sent.clear();
  REQUIRE(behind.Deliver(c1.header.proposer, c1).ok());
  CHECK(behind.Sent<Vote>().empty());
  REQUIRE(behind.Deliver(0, old_vote).ok());
  auto kept = behind.Sent<EpochProof>();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].second.qc == z.qc3);
}

TEST_CASE(
    "consensus epochs: a node that synced the epoch's last block by other means fetches it "
    "to root the new epoch",
    "[consensus][node][epoch]") {
  EpochHarness h(3);
  EpochZero z(h.e0);
  // The application committed b1 and b2 by its own block sync: the WAL never saw them.
  h.commits = {z.b1, z.b2};
  h.disk = {};
  h.Restart();
  REQUIRE(h.node->epoch() == 1);
  h.e1.committee.genesis_hash = z.b2.hash;
  const Block c1 = h.e1.MakeBlock(1, RootQc(z.b2), "c1");
  h.sent.clear();
  REQUIRE(h.Deliver(c1.header.proposer, c1).ok());
  auto requests = h.Sent<SyncRequest>();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].second.block_hash == z.b2.hash);
  CHECK(h.Sent<Vote>().empty());
  // The answer holds the root, a block of epoch 0, and its parent below the committed height.
  REQUIRE(h.Deliver(c1.header.proposer, SyncResponse{{z.b2, z.b1}}).ok());
  auto votes = h.Sent<Vote>();
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].second.block_hash == c1.hash);
  // A root whose payload was swapped is refused.
  EpochHarness other(3);
  other.commits = {z.b1, z.b2};
  other.disk = {};
  other.Restart();
  REQUIRE(other.Deliver(c1.header.proposer, c1).ok());
  Block forged = z.b2;
  forged.payload = {9};
  CHECK_FALSE(other.Deliver(c1.header.proposer, SyncResponse{{forged}}).ok());
  CHECK(other.Sent<Vote>().empty());
}

}  // namespace
}  // namespace theta::consensus
