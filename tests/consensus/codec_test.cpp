#include "theta/consensus/codec.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "sim_world.hpp"
#include "test_committee.hpp"
#include "theta/consensus/guardian.hpp"
#include "theta/consensus/wal.hpp"
#include "theta/core/rlp.hpp"

namespace theta::consensus {
namespace {

using testing::TestCommittee;

TimeoutCert SomeTc(TestCommittee& t, uint64_t round) {
  TimeoutCert tc{0, round, {}};
  for (ValidatorIndex i = 0; i < 3; ++i) {
    tc.entries.push_back(
        {i, round - 1, t.SignWith(i, TimeoutDigest("test-chain", 0, round, round - 1))});
  }
  return tc;
}

TEST_CASE("consensus codec round-trips every message kind", "[consensus][codec]") {
  TestCommittee t({100, 100, 100, 100});
  const QuorumCert qc = t.MakeQc({0, 1, 3}, 1, 1, Keccak256(AsBytes("b1")));
  Block block = t.MakeBlock(3, qc);
  block.header.tc = SomeTc(t, 2);
  block.hash = HeaderHash(block.header);

  for (const Message& m : std::vector<Message>{
           block, t.MakeVote(2, 3, 2, block.hash), Timeout{0, 4, qc, SomeTc(t, 3), 1, Bytes(65, 7)},
           SyncRequest{block.hash, 17}, SyncResponse{{block, t.MakeBlock(2, qc)}},
           EpochProof{5, {block, t.MakeBlock(2, qc)}, qc}}) {
    const Bytes encoded = EncodeMessage(m);
    absl::StatusOr<Message> decoded = DecodeMessage(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded->index() == m.index());
    CHECK(EncodeMessage(*decoded) == encoded);
  }
  absl::StatusOr<Block> b = DecodeBlock(EncodeBlock(block));
  REQUIRE(b.ok());
  CHECK(b->hash == block.hash);
  CHECK(b->header == block.header);
  absl::StatusOr<QuorumCert> q = DecodeQuorumCert(EncodeQuorumCert(qc));
  REQUIRE(q.ok());
  CHECK(*q == qc);
}

TEST_CASE("consensus codec rejects unsorted or repeated signers", "[consensus][codec]") {
  TestCommittee t({100, 100, 100, 100});
  QuorumCert qc = t.MakeQc({0, 1, 2}, 1, 1, Keccak256(AsBytes("b1")));
  std::swap(qc.signatures[0], qc.signatures[1]);
  absl::StatusOr<QuorumCert> unsorted = DecodeQuorumCert(EncodeQuorumCert(qc));
  REQUIRE_FALSE(unsorted.ok());
  CHECK(std::string(unsorted.status().message()).find("strictly increase") != std::string::npos);
  qc.signatures[0] = qc.signatures[1];
  CHECK_FALSE(DecodeQuorumCert(EncodeQuorumCert(qc)).ok());
}

TEST_CASE("consensus codec rejects wrong field counts, kinds and trailing bytes",
          "[consensus][codec]") {
  TestCommittee t({100, 100, 100, 100});
  const Vote vote = t.MakeVote(0, 1, 1, Keccak256(AsBytes("x")));
  Bytes encoded = EncodeVote(vote);
  REQUIRE(DecodeVote(encoded).ok());
  Bytes trailing = encoded;
  trailing.push_back(0x80);
  CHECK_FALSE(DecodeVote(trailing).ok());

  RlpWriter short_vote;
  short_vote.BeginList().AddUint(0).AddUint(1).EndList();
  absl::StatusOr<Vote> bad = DecodeVote(short_vote.bytes());
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find("vote has 2 fields") != std::string::npos);

  RlpWriter unknown;
  unknown.BeginList().AddUint(9).AddRaw(encoded).EndList();
  CHECK_FALSE(DecodeMessage(unknown.bytes()).ok());

  RlpWriter big_hash;
  big_hash.BeginList()
      .AddUint(0)
      .AddUint(1)
      .AddUint(1)
      .AddBytes(Bytes(33, 1))
      .AddUint(0)
      .AddBytes(Bytes(65, 0));
  big_hash.EndList();
  CHECK_FALSE(DecodeVote(big_hash.bytes()).ok());
}

TEST_CASE("consensus codec rejects sync responses over the block limit", "[consensus][codec]") {
  TestCommittee t({100, 100, 100, 100});
  SyncResponse response;
  for (uint32_t i = 0; i <= kMaxSyncBlocks; ++i)
    response.blocks.push_back(t.MakeBlock(1, t.GenesisQc()));
  CHECK_FALSE(DecodeMessage(EncodeMessage(response)).ok());
  response.blocks.pop_back();
  CHECK(DecodeMessage(EncodeMessage(response)).ok());
}

TEST_CASE("consensus codec rejects epoch proofs without blocks or over the block limit",
          "[consensus][codec]") {
  TestCommittee t({100, 100, 100, 100});
  const QuorumCert qc = t.MakeQc({0, 1, 2}, 1, 1, Keccak256(AsBytes("b1")));
  EpochProof proof{3, {}, qc};
  absl::StatusOr<Message> empty = DecodeMessage(EncodeMessage(proof));
  REQUIRE_FALSE(empty.ok());
  CHECK(std::string(empty.status().message()).find("without blocks") != std::string::npos);
  for (uint32_t i = 0; i <= kMaxSyncBlocks; ++i)
    proof.blocks.push_back(t.MakeBlock(1, t.GenesisQc()));
  CHECK_FALSE(DecodeMessage(EncodeMessage(proof)).ok());
  proof.blocks.pop_back();
  absl::StatusOr<Message> full = DecodeMessage(EncodeMessage(proof));
  REQUIRE(full.ok());
  CHECK(std::get<EpochProof>(*full).epoch == 3);
  CHECK(std::get<EpochProof>(*full).qc == qc);
}

TEST_CASE("consensus digests separate purposes and chains", "[consensus][codec]") {
  const Hash32 h = Keccak256(AsBytes("h"));
  CHECK(VoteDigest("a", 0, 1, 1, h) != VoteDigest("b", 0, 1, 1, h));
  CHECK(VoteDigest("a", 0, 1, 1, h) != VoteDigest("a", 0, 1, 2, h));
  CHECK(TimeoutDigest("a", 0, 1, 0) != TimeoutDigest("a", 0, 1, 1));
  CHECK(ProposalDigest("a", h) != VoteDigest("a", 0, 0, 0, h));
}

}  // namespace
}  // namespace theta::consensus

// Hidden: writes seed inputs for the consensus fuzz targets into $THETA_CORPUS_DIR
// (run: THETA_CORPUS_DIR=tests/fuzz/corpus theta_consensus_tests "[.corpus]").

namespace theta::consensus {
namespace {

void WriteSeed(const std::string& dir, const std::string& name, const Bytes& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST_CASE("consensus fuzz corpus writer", "[.corpus]") {
  const char* root = std::getenv("THETA_CORPUS_DIR");
  REQUIRE(root != nullptr);
  TestCommittee t({100, 100, 100, 100});
  const QuorumCert qc = t.MakeQc({0, 1, 3}, 1, 1, Keccak256(AsBytes("b1")));
  Block block = t.MakeBlock(3, qc);
  block.header.tc = SomeTc(t, 2);
  block.hash = HeaderHash(block.header);
  const std::string m = std::string(root) + "/consensus_message";
  WriteSeed(m, "proposal", EncodeMessage(block));
  WriteSeed(m, "vote", EncodeMessage(t.MakeVote(2, 3, 2, block.hash)));
  WriteSeed(m, "timeout", EncodeMessage(Timeout{0, 4, qc, SomeTc(t, 3), 1, Bytes(65, 7)}));
  WriteSeed(m, "sync_request", EncodeMessage(SyncRequest{block.hash, 17}));
  WriteSeed(m, "sync_response", EncodeMessage(SyncResponse{{block, t.MakeBlock(2, qc)}}));
  WriteSeed(m, "epoch_proof", EncodeMessage(EpochProof{1, {block, t.MakeBlock(2, qc)}, qc}));
  Evidence e;
  e.vote_a = t.MakeVote(2, 9, 4, Keccak256(AsBytes("a")));
  e.vote_b = t.MakeVote(2, 9, 4, Keccak256(AsBytes("b")));
  WriteSeed(m, "evidence_votes", EncodeEvidence(e));

  const std::string g = std::string(root) + "/consensus_guardian";
  GuardianMessage vote{GuardianMessage::Kind::kVote, 100, block.hash, {1, 0, 300, 2}, Bytes(96, 0)};
  vote.signature[0] = 0xc0;  // the compressed point at infinity
  WriteSeed(g, "vote", EncodeGuardianMessage(vote));
  WriteSeed(g, "pull",
            EncodeGuardianMessage({GuardianMessage::Kind::kPull, 100, block.hash, {}, {}}));

  sim::internal::SimDisk disk;
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  SafetyState s;
  s.last_voted_round = 3;
  s.high_qc = qc;
  REQUIRE(wal.SaveBlock(block).ok());
  REQUIRE(wal.SaveQuorumCert(qc).ok());
  REQUIRE(wal.SaveSafety(s).ok());
  WriteSeed(std::string(root) + "/consensus_wal", "three_records", disk.durable);
}

}  // namespace
}  // namespace theta::consensus
