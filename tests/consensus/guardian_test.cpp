#include "theta/consensus/guardian.hpp"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "theta/consensus/sim.hpp"
#include "theta/core/hash.hpp"

namespace theta::consensus {
namespace {
namespace bls = crypto::bls;

struct Keys {
  std::vector<bls::SecretKey> secret;
  GuardianSet set;
};

Keys MakeKeys(int n) {
  std::vector<bls::SecretKey> secret;
  std::vector<GuardianInfo> infos;
  for (int i = 0; i < n; ++i) {
    secret.push_back(*bls::KeyGen(Keccak256(AsBytes(absl::StrCat("guardian-test-", i)))));
    infos.push_back({bls::SkToPk(secret.back()), 1});
  }
  return {std::move(secret), *GuardianSet::Create(infos)};
}

GuardianMessage Certificate(const Keys& k, const std::vector<int>& signers, uint64_t height,
                            const Hash32& hash) {
  bls::WeightedAggregate aggregate;
  for (int i : signers) {
    const bls::Signature sig = bls::Sign(k.secret[i], CheckpointMessage("c", height, hash));
    aggregate = *bls::Merge(aggregate, *bls::SingleSigner(sig, i, k.set.size()));
  }
  while (!aggregate.multiplicity.empty() && aggregate.multiplicity.back() == 0) {
    aggregate.multiplicity.pop_back();
  }
  const auto bytes = aggregate.signature.ToBytes();
  return {GuardianMessage::Kind::kFinal, height, hash, aggregate.multiplicity,
          Bytes(bytes.begin(), bytes.end())};
}

TEST_CASE("guardian certificate needs more than two thirds of guardian stake",
          "[consensus][guardian]") {
  const Keys k = MakeKeys(4);
  const Hash32 h = Keccak256(AsBytes("cp"));
  CHECK(VerifyCheckpointCertificate(k.set, "c", Certificate(k, {0, 1, 3}, 100, h)).ok());
  CHECK_FALSE(VerifyCheckpointCertificate(k.set, "c", Certificate(k, {0, 1}, 100, h)).ok());

  GuardianMessage inflated = Certificate(k, {0, 1}, 100, h);
  inflated.multiplicity = {1, 1, 1};  // claims guardian 2 without its signature
  CHECK_FALSE(VerifyCheckpointCertificate(k.set, "c", inflated).ok());

  GuardianMessage other_height = Certificate(k, {0, 1, 2}, 100, h);
  other_height.height = 200;  // replayed under another checkpoint
  CHECK_FALSE(VerifyCheckpointCertificate(k.set, "c", other_height).ok());
}

TEST_CASE("guardian messages round-trip and decode strictly", "[consensus][guardian]") {
  const Keys k = MakeKeys(4);
  GuardianMessage m = Certificate(k, {0, 2}, 7, Keccak256(AsBytes("cp")));
  m.multiplicity = {300, 0, 1};
  absl::StatusOr<GuardianMessage> decoded = DecodeGuardianMessage(EncodeGuardianMessage(m));
  REQUIRE(decoded.ok());
  CHECK(decoded->multiplicity == m.multiplicity);
  CHECK(decoded->signature == m.signature);

  GuardianMessage trailing_zero = m;
  trailing_zero.multiplicity.push_back(0);
  CHECK_FALSE(DecodeGuardianMessage(EncodeGuardianMessage(trailing_zero)).ok());
  GuardianMessage short_sig = m;
  short_sig.signature.pop_back();
  CHECK_FALSE(DecodeGuardianMessage(EncodeGuardianMessage(short_sig)).ok());
  GuardianMessage pull{GuardianMessage::Kind::kPull, 7, m.block_hash, {}, {}};
  CHECK(DecodeGuardianMessage(EncodeGuardianMessage(pull)).ok());
}

TEST_CASE("guardian gossip finalizes a checkpoint despite faulty guardians",
          "[consensus][guardian]") {
  sim::GuardianRunOptions options;
  options.guardians = 16;
  options.byzantine = 0.3;
  options.peers = 4;
  const sim::GuardianRunResult r = sim::RunGuardians(options);
  INFO(r.violation);
  REQUIRE(r.ok);
  CHECK(r.max_rounds <= 8);
  CHECK(r.verifications_per_guardian < 20);
}

TEST_CASE("consensus sim: validators and guardians under random faults, 2 seeds",
          "[consensus][sim][guardian]") {
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    sim::Options options;
    options.seed = seed;
    options.validators = 4;
    options.guardians = 5;
    options.checkpoint_interval = 4;
    options.fault_phase_ms = 2000;
    options.faults = sim::FaultSet::All();
    options.fault_probability = 1.0;
    options.target_commits_after_heal = 5;  // a checkpoint past the heal
    const sim::Result r = sim::Run(options);
    INFO("replay: theta-sim --first_seed=" << seed << " --seeds=1 --guardians=5 "
                                           << "--checkpoint_interval=4 --fault_probability=1");
    REQUIRE(r.violation == "");
    CHECK(r.checkpoints_finalized >= 1);
  }
}

}  // namespace
}  // namespace theta::consensus
