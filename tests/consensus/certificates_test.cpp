#include "theta/consensus/certificates.hpp"

#include <catch2/catch.hpp>

#include "test_committee.hpp"

namespace theta::consensus {
namespace {

using testing::TestCommittee;

TEST_CASE("consensus QC needs more than two thirds of the stake", "[consensus][certificates]") {
  // Stakes 100, 100, 100, 300: total 600, a quorum needs > 400.
  TestCommittee t({100, 100, 100, 300});
  const Hash32 h = Keccak256(AsBytes("block"));
  CHECK(VerifyQuorumCert(t.committee, t.MakeQc({0, 1, 3}, 5, 2, h)).ok());        // 500
  CHECK_FALSE(VerifyQuorumCert(t.committee, t.MakeQc({0, 1, 2}, 5, 2, h)).ok());  // 300
  CHECK_FALSE(VerifyQuorumCert(t.committee, t.MakeQc({0, 3}, 5, 2, h)).ok());     // exactly 400
  CHECK(VerifyQuorumCert(t.committee, t.GenesisQc()).ok());
}

TEST_CASE("consensus QC rejects forged, foreign and repeated signatures",
          "[consensus][certificates]") {
  TestCommittee t({100, 100, 100, 100});
  const Hash32 h = Keccak256(AsBytes("block"));
  QuorumCert qc = t.MakeQc({0, 1, 2}, 5, 2, h);
  REQUIRE(VerifyQuorumCert(t.committee, qc).ok());

  QuorumCert other_height = qc;
  other_height.height = 3;  // the height is signed
  CHECK_FALSE(VerifyQuorumCert(t.committee, other_height).ok());

  QuorumCert swapped = qc;
  swapped.signatures[0].signature = swapped.signatures[1].signature;
  CHECK_FALSE(VerifyQuorumCert(t.committee, swapped).ok());

  QuorumCert repeated = qc;
  repeated.signatures[2] = repeated.signatures[1];
  CHECK_FALSE(VerifyQuorumCert(t.committee, repeated).ok());

  QuorumCert outsider = qc;
  outsider.signatures[2].signer = 9;
  CHECK_FALSE(VerifyQuorumCert(t.committee, outsider).ok());

  QuorumCert epoch = qc;
  epoch.epoch = 1;
  CHECK_FALSE(VerifyQuorumCert(t.committee, epoch).ok());

  QuorumCert fake_genesis;
  fake_genesis.block_hash = h;
  CHECK_FALSE(VerifyQuorumCert(t.committee, fake_genesis).ok());
}

TEST_CASE("consensus TC entries must report QC rounds below the TC round",
          "[consensus][certificates]") {
  TestCommittee t({100, 100, 100, 100});
  TimeoutCert tc{0, 7, {}};
  for (ValidatorIndex i = 0; i < 3; ++i) {
    tc.entries.push_back({i, 4, t.SignWith(i, TimeoutDigest("test-chain", 0, 7, 4))});
  }
  CHECK(VerifyTimeoutCert(t.committee, tc).ok());
  CHECK(tc.MaxHighQcRound() == 4);
  tc.entries[0].high_qc_round = 5;  // not what was signed
  CHECK_FALSE(VerifyTimeoutCert(t.committee, tc).ok());
  tc.entries.pop_back();
  tc.entries[0].high_qc_round = 4;
  CHECK_FALSE(VerifyTimeoutCert(t.committee, tc).ok());  // 2 of 4 is no quorum
}

TEST_CASE("consensus proposals must come from the round's leader", "[consensus][certificates]") {
  TestCommittee t({100, 100, 100, 100});
  Block b = t.MakeBlock(1, t.GenesisQc());
  CHECK(VerifyProposal(t.committee, b).ok());
  Block other = b;
  other.header.proposer = (b.header.proposer + 1) % 4;
  other.hash = HeaderHash(other.header);
  other.signature = t.SignWith(other.header.proposer, ProposalDigest("test-chain", other.hash));
  CHECK_FALSE(VerifyProposal(t.committee, other).ok());
  Block tampered = b;
  tampered.payload.push_back(1);
  CHECK_FALSE(VerifyProposal(t.committee, tampered).ok());
}

TEST_CASE("consensus leader schedule follows stake", "[consensus][certificates]") {
  auto set = ValidatorSet::Create({{Bytes{1}, 100}, {Bytes{2}, 300}});
  REQUIRE(set.ok());
  int counts[2] = {0, 0};
  for (uint64_t r = 0; r < 400; ++r)
    ++counts[set->Leader(r)];
  CHECK(counts[0] == 100);
  CHECK(counts[1] == 300);
  auto equal = ValidatorSet::Create({{Bytes{1}, 5}, {Bytes{2}, 5}, {Bytes{3}, 5}});
  REQUIRE(equal.ok());
  CHECK(equal->Leader(0) != equal->Leader(1));
  CHECK(equal->Leader(1) != equal->Leader(2));
  CHECK_FALSE(ValidatorSet::Create({}).ok());
  CHECK_FALSE(ValidatorSet::Create({{Bytes{1}, 0}}).ok());
}

TEST_CASE("consensus evidence of double votes verifies and round-trips",
          "[consensus][certificates]") {
  TestCommittee t({100, 100, 100, 100});
  Evidence e;
  e.kind = Evidence::Kind::kDoubleVote;
  e.vote_a = t.MakeVote(2, 9, 4, Keccak256(AsBytes("a")));
  e.vote_b = t.MakeVote(2, 9, 4, Keccak256(AsBytes("b")));
  CHECK(VerifyEvidence(t.committee, e).ok());
  absl::StatusOr<Evidence> decoded = DecodeEvidence(EncodeEvidence(e));
  REQUIRE(decoded.ok());
  CHECK(decoded->vote_a == e.vote_a);
  CHECK(decoded->vote_b == e.vote_b);

  Evidence same = e;
  same.vote_b = same.vote_a;
  CHECK_FALSE(VerifyEvidence(t.committee, same).ok());
  Evidence framed = e;
  framed.vote_b.voter = 1;  // someone else's vote: no equivocation by voter 2
  CHECK_FALSE(VerifyEvidence(t.committee, framed).ok());
}

TEST_CASE("consensus evidence of double proposals verifies and round-trips",
          "[consensus][certificates]") {
  TestCommittee t({100, 100, 100, 100});
  const Block a = t.MakeBlock(1, t.GenesisQc(), "one");
  const Block b = t.MakeBlock(1, t.GenesisQc(), "two");
  Evidence e;
  e.kind = Evidence::Kind::kDoubleProposal;
  e.header_a = a.header;
  e.signature_a = a.signature;
  e.header_b = b.header;
  e.signature_b = b.signature;
  CHECK(VerifyEvidence(t.committee, e).ok());
  absl::StatusOr<Evidence> decoded = DecodeEvidence(EncodeEvidence(e));
  REQUIRE(decoded.ok());
  CHECK(VerifyEvidence(t.committee, *decoded).ok());
  e.signature_b = e.signature_a;
  CHECK_FALSE(VerifyEvidence(t.committee, e).ok());
}

}  // namespace
}  // namespace theta::consensus

namespace theta::consensus {
namespace {

TEST_CASE("the address verifier accepts exactly the signatures that recover to the address",
          "[consensus][certificates]") {
  const PrivateKey key = *PrivateKey::FromBytes(Bytes(32, 0x42));
  const PrivateKey other = *PrivateKey::FromBytes(Bytes(32, 0x43));
  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  const Hash32 digest = Keccak256(AsBytes("vote"));
  auto verifier = NewSecp256k1AddressVerifier();
  const Bytes good = NewSecp256k1Signer(key)->Sign(digest);
  const Bytes bad = NewSecp256k1Signer(other)->Sign(digest);
  CHECK(verifier->Verify(address.view(), digest, good));
  CHECK(!verifier->Verify(address.view(), digest, bad));
  CHECK(!verifier->Verify(address.view(), Keccak256(AsBytes("other")), good));
  CHECK(!verifier->Verify(address.view(), digest, Bytes(65, 0)));
  CHECK(!verifier->Verify(ByteView(address.bytes.data(), 19), digest, good));
  CHECK(!verifier->Verify(address.view(), digest, ByteView(good.data(), 64)));
}

}  // namespace
}  // namespace theta::consensus
