// A committee of real secp256k1 validators for the consensus tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "theta/consensus/certificates.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/consensus/node.hpp"
#include "theta/core/hash.hpp"

namespace theta::consensus::testing {

struct TestCommittee {
  std::vector<PrivateKey> keys;
  std::unique_ptr<Verifier> verifier = NewSecp256k1Verifier();
  Committee committee;

  explicit TestCommittee(std::vector<uint64_t> stakes, uint64_t epoch = 0) {
    std::vector<Validator> validators;
    for (size_t i = 0; i < stakes.size(); ++i) {
      keys.push_back(*PrivateKey::FromBytes(Keccak256(AsBytes(absl::StrCat("test-key-", i)))));
      validators.push_back({Secp256k1ValidatorKey(keys.back()), stakes[i]});
    }
    committee = Committee{"test-chain", epoch, *ValidatorSet::Create(validators),
                          MakeGenesisBlock(epoch, AsBytes("genesis")).hash, verifier.get()};
  }

  Bytes SignWith(ValidatorIndex i, const Hash32& digest) {
    return NewSecp256k1Signer(keys[i])->Sign(digest);
  }

  Vote MakeVote(ValidatorIndex voter, uint64_t round, uint64_t height, const Hash32& hash) {
    Vote v{committee.epoch, round, height, hash, voter, {}};
    v.signature =
        SignWith(voter, VoteDigest(committee.chain_id, committee.epoch, round, height, hash));
    return v;
  }

  QuorumCert MakeQc(const std::vector<ValidatorIndex>& signers, uint64_t round, uint64_t height,
                    const Hash32& hash) {
    QuorumCert qc{committee.epoch, round, height, hash, {}};
    for (ValidatorIndex s : signers)
      qc.signatures.push_back({s, MakeVote(s, round, height, hash).signature});
    return qc;
  }

  QuorumCert GenesisQc() const {
    QuorumCert qc;
    qc.block_hash = committee.genesis_hash;
    return qc;
  }

  // A signed block of `round` on `parent_qc` (whose block is at height parent_qc.height).
  Block MakeBlock(uint64_t round, const QuorumCert& parent_qc, std::string payload = "payload") {
    Block b;
    b.header.epoch = committee.epoch;
    b.header.round = round;
    b.header.height = parent_qc.height + 1;
    b.header.parent = parent_qc.block_hash;
    b.header.proposer = committee.validators.Leader(round);
    b.header.qc = parent_qc;
    b.payload.assign(payload.begin(), payload.end());
    b.header.payload_hash = Keccak256(b.payload);
    b.hash = HeaderHash(b.header);
    b.signature = SignWith(b.header.proposer, ProposalDigest(committee.chain_id, b.hash));
    return b;
  }
};

}  // namespace theta::consensus::testing
