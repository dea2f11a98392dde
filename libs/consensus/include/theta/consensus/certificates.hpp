// Signing and checking consensus statements: the Signer/Verifier seams, and verification of
// proposals, votes, timeouts, certificates and evidence against a committee.
//
// Validator signatures are secp256k1 (65-byte recoverable, low-s) over the domain-separated digests
// of codec.hpp: Theta's own account primitive, about 50 µs to verify, and a QC of at most 64
// signers stays under 5 KiB. BLS is kept for the thousands of guardians, where aggregation pays
// (see docs/consensus.md for the trade-off). Verification never throws and never trusts sizes from
// the wire: every failure is InvalidArgument naming the rule. Verifier implementations must be
// thread-safe; Signer implementations need not be.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "theta/consensus/types.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::consensus {

// Signs digests with one validator's key. A real node holds a secp256k1 key; the simulator holds a
// cheap keyed-hash key (see sim.hpp).
class Signer {
 public:
  virtual ~Signer() = default;
  virtual Bytes Sign(const Hash32& digest) = 0;
};

// Checks a signature of `digest` against a validator's public key bytes.
class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual bool Verify(ByteView public_key, const Hash32& digest, ByteView signature) const = 0;
};

std::unique_ptr<Signer> NewSecp256k1Signer(const PrivateKey& key);
// Public keys are 64 bytes x‖y (Secp256k1ValidatorKey), signatures 65 bytes R‖S‖V.
std::unique_ptr<Verifier> NewSecp256k1Verifier();
Bytes Secp256k1ValidatorKey(const PrivateKey& key);
// Public keys are 20-byte account addresses (what the ledger's validator pool holds): a signature
// is valid when it recovers to that address. Costs one recovery (~40 µs) instead of a verify.
std::unique_ptr<Verifier> NewSecp256k1AddressVerifier();

// Everything needed to judge a statement of one epoch. `verifier` is borrowed.
struct Committee {
  std::string chain_id;
  uint64_t epoch = 0;
  ValidatorSet validators;
  // The committed block the epoch grows from: the chain's genesis for the first epoch, the last
  // block of the previous epoch otherwise. An all-zero hash stands for a root the holder does not
  // know (a node restarted in mid-epoch without it): any hash at root_height then passes, which is
  // harmless because such a node never holds a block at or below its committed height to extend.
  Hash32 genesis_hash;
  const Verifier* verifier = nullptr;
  uint64_t root_height = 0;
};

// A QC is valid when it is the epoch's root QC (round 0, the root's height and hash, no
// signatures), or its epoch is the committee's, every signer is a validator with a valid vote
// signature and the signers' stake is a quorum.
absl::Status VerifyQuorumCert(const Committee& committee, const QuorumCert& qc);
// Likewise for a TC: each entry signs (epoch, round, its high QC round); the stake is a quorum.
absl::Status VerifyTimeoutCert(const Committee& committee, const TimeoutCert& tc);
// The block's hash matches its header, its payload hash its payload, it sits above the epoch's
// root, the proposer is the round's leader, and the signature is the proposer's. Does not check the
// embedded QC/TC.
absl::Status VerifyProposal(const Committee& committee, const Block& block);
// The voter is a validator of the epoch and signed this vote.
absl::Status VerifyVote(const Committee& committee, const Vote& vote);
// The voter signed (epoch, round, high_qc.round). Does not check the embedded QC.
absl::Status VerifyTimeout(const Committee& committee, const Timeout& timeout);
// Both statements are validly signed by one validator, in one epoch and round, and differ.
absl::Status VerifyEvidence(const Committee& committee, const Evidence& evidence);

}  // namespace theta::consensus
