#include "theta/consensus/wal.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "sim_world.hpp"
#include "test_committee.hpp"

namespace theta::consensus {
namespace {

using testing::TestCommittee;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "theta-wal-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

SafetyState Safety(uint64_t voted) {
  SafetyState s;
  s.last_voted_round = voted;
  s.last_proposed_round = voted - 1;
  return s;
}

TEST_CASE("consensus wal replays safety state, blocks and QCs from a file", "[consensus][wal]") {
  TempDir dir;
  const std::string file = (dir.path / "wal").string();
  TestCommittee t({100, 100, 100, 100});
  const Block block = t.MakeBlock(1, t.GenesisQc());
  const QuorumCert qc = t.MakeQc({0, 1, 2}, 1, 1, block.hash);
  {
    WalStorage wal(*OpenPosixWalFile(file));
    REQUIRE(wal.SaveBlock(block).ok());
    REQUIRE(wal.SaveSafety(Safety(3)).ok());
    REQUIRE(wal.SaveQuorumCert(qc).ok());
    REQUIRE(wal.SaveSafety(Safety(4)).ok());
  }
  WalStorage wal(*OpenPosixWalFile(file));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  REQUIRE(state->safety.has_value());
  CHECK(*state->safety == Safety(4));
  REQUIRE(state->blocks.size() == 1);
  CHECK(state->blocks[0].hash == block.hash);
  REQUIRE(state->qcs.size() == 1);
  CHECK(state->qcs[0] == qc);
  CHECK(wal.truncated_bytes() == 0);
}

TEST_CASE("consensus wal keeps epoch proofs across a reload and a compaction", "[consensus][wal]") {
  sim::internal::SimDisk disk;
  TestCommittee t({100, 100, 100, 100});
  const Block b1 = t.MakeBlock(1, t.GenesisQc());
  const Block b2 = t.MakeBlock(2, t.MakeQc({0, 1, 2}, 1, 1, b1.hash));
  const EpochProof proof{7, {b1, b2}, t.MakeQc({0, 1, 3}, 2, 2, b2.hash)};
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveEpochProof(proof).ok());
    REQUIRE(wal.SaveSafety(Safety(4)).ok());  // syncs the proof with it
  }
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  REQUIRE(state->epoch_proofs.size() == 1);
  CHECK(state->epoch_proofs[0].epoch == 7);
  CHECK(state->epoch_proofs[0].qc == proof.qc);
  REQUIRE(state->epoch_proofs[0].blocks.size() == 2);
  CHECK(state->epoch_proofs[0].blocks[1].hash == b2.hash);

  RecoveredState live;
  live.safety = Safety(5);
  live.epoch_proofs.push_back(proof);
  REQUIRE(wal.Compact(live).ok());
  WalStorage reopened(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> compacted = reopened.Load();
  REQUIRE(compacted.ok());
  REQUIRE(compacted->epoch_proofs.size() == 1);
  CHECK(compacted->epoch_proofs[0].qc == proof.qc);
  CHECK(*compacted->safety == Safety(5));
}

TEST_CASE("consensus wal truncates a torn tail at every cut point", "[consensus][wal]") {
  sim::internal::SimDisk disk;
  TestCommittee t({100, 100, 100, 100});
  size_t whole = 0;
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveSafety(Safety(7)).ok());
    whole = disk.durable.size();
    REQUIRE(wal.SaveBlock(t.MakeBlock(1, t.GenesisQc())).ok());
    REQUIRE(wal.SaveSafety(Safety(8)).ok());
  }
  const Bytes full = disk.durable;
  for (size_t cut = whole; cut < full.size(); ++cut) {
    disk.durable.assign(full.begin(), full.begin() + static_cast<long>(cut));
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    absl::StatusOr<RecoveredState> state = wal.Load();
    REQUIRE(state.ok());
    REQUIRE(state->safety.has_value());
    // Either the block record survived whole or nothing after the first record did.
    CHECK((state->safety->last_voted_round == 7));
    CHECK(disk.durable.size() <= cut);
    CHECK(wal.truncated_bytes() == cut - disk.durable.size());
    // A fresh append after the truncation replays cleanly.
    REQUIRE(wal.SaveSafety(Safety(9)).ok());
    WalStorage again(std::make_unique<sim::internal::SimWalFile>(&disk));
    absl::StatusOr<RecoveredState> replayed = again.Load();
    REQUIRE(replayed.ok());
    CHECK(replayed->safety->last_voted_round == 9);
  }
}

TEST_CASE("consensus wal refuses to start on corruption in the middle", "[consensus][wal]") {
  sim::internal::SimDisk disk;
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveSafety(Safety(1)).ok());
    REQUIRE(wal.SaveSafety(Safety(2)).ok());
    REQUIRE(wal.SaveSafety(Safety(3)).ok());
  }
  disk.durable[12] ^= 0x40;  // inside the first record's payload
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE_FALSE(state.ok());
  CHECK(state.status().code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(state.status().message()).find("offset 0") != std::string::npos);
  CHECK(std::string(state.status().message()).find("refusing to start") != std::string::npos);
}

TEST_CASE("consensus wal corruption of the last record counts as a torn write",
          "[consensus][wal]") {
  sim::internal::SimDisk disk;
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveSafety(Safety(1)).ok());
    REQUIRE(wal.SaveSafety(Safety(2)).ok());
  }
  disk.durable.back() ^= 1;
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  CHECK(state->safety->last_voted_round == 1);
  CHECK(wal.truncated_bytes() > 0);
}

TEST_CASE("consensus wal loses unsynced records only", "[consensus][wal]") {
  sim::internal::SimDisk disk;
  sim::internal::Rng rng(3);
  TestCommittee t({100, 100, 100, 100});
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveSafety(Safety(5)).ok());
    REQUIRE(wal.SaveBlock(t.MakeBlock(1, t.GenesisQc())).ok());  // not synced
  }
  disk.pending.resize(disk.pending.size() / 2);
  disk.Crash(rng);
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  CHECK(state->safety->last_voted_round == 5);
  CHECK(state->blocks.empty());
}

TEST_CASE("consensus wal compaction keeps exactly the live state, on a real file",
          "[consensus][wal]") {
  TempDir dir;
  const std::string file = (dir.path / "wal").string();
  TestCommittee t({100, 100, 100, 100});
  std::vector<Block> chain{t.MakeBlock(1, t.GenesisQc(), std::string(500, 'x'))};
  for (uint64_t r = 2; r <= 12; ++r)
    chain.push_back(t.MakeBlock(r, t.MakeQc({0, 1, 2}, r - 1, r - 1, chain.back().hash),
                                std::string(500, 'x')));
  const QuorumCert high = t.MakeQc({1, 2, 3}, 12, 12, chain.back().hash);
  RecoveredState live;
  live.safety = Safety(12);
  live.anchor = chain[9];
  live.blocks = {chain[10], chain[11]};
  live.qcs = {high};
  uint64_t full_size = 0;
  {
    WalStorage wal(*OpenPosixWalFile(file));
    for (const Block& b : chain) {
      REQUIRE(wal.SaveBlock(b).ok());
      REQUIRE(wal.SaveSafety(Safety(b.header.round)).ok());
    }
    full_size = wal.size_bytes();
    REQUIRE(wal.Compact(live).ok());
    CHECK(wal.size_bytes() < full_size / 3);
    CHECK(std::filesystem::file_size(file) == wal.size_bytes());
    REQUIRE(wal.SaveSafety(Safety(13)).ok());  // appends go after the compacted log
  }
  CHECK_FALSE(std::filesystem::exists(file + ".compact"));
  WalStorage wal(*OpenPosixWalFile(file));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  REQUIRE(state->anchor.has_value());
  CHECK(state->anchor->hash == chain[9].hash);
  CHECK(state->anchor->payload == chain[9].payload);
  REQUIRE(state->blocks.size() == 2);
  CHECK(state->blocks[0].hash == chain[10].hash);
  CHECK(state->blocks[1].hash == chain[11].hash);
  REQUIRE(state->qcs.size() == 1);
  CHECK(state->qcs[0] == high);
  CHECK(*state->safety == Safety(13));
  CHECK(full_size > 12 * 500);
}

TEST_CASE("consensus wal compaction is atomic across a crash", "[consensus][wal]") {
  sim::internal::SimDisk disk;
  sim::internal::Rng rng(11);
  TestCommittee t({100, 100, 100, 100});
  const Block b1 = t.MakeBlock(1, t.GenesisQc());
  const Block b2 = t.MakeBlock(2, t.MakeQc({0, 1, 2}, 1, 1, b1.hash));
  {
    WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
    REQUIRE(wal.SaveBlock(b1).ok());
    REQUIRE(wal.SaveSafety(Safety(1)).ok());
    RecoveredState live;
    live.safety = Safety(1);
    live.anchor = b1;
    REQUIRE(wal.Compact(live).ok());
    REQUIRE(wal.SaveBlock(b2).ok());  // not synced: the crash may tear it
  }
  disk.Crash(rng);
  WalStorage wal(std::make_unique<sim::internal::SimWalFile>(&disk));
  absl::StatusOr<RecoveredState> state = wal.Load();
  REQUIRE(state.ok());
  REQUIRE(state->anchor.has_value());
  CHECK(state->anchor->hash == b1.hash);
  CHECK(state->blocks.size() <= 1);
  CHECK(state->safety->last_voted_round == 1);
}

TEST_CASE("consensus crc32c matches the standard check value", "[consensus][wal]") {
  CHECK(Crc32c(AsBytes("123456789")) == 0xE3069283u);
}

}  // namespace
}  // namespace theta::consensus
