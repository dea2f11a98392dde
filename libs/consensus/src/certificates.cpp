#include "theta/consensus/certificates.hpp"

#include "absl/strings/str_cat.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {
namespace {

class Secp256k1Signer final : public Signer {
 public:
  explicit Secp256k1Signer(const PrivateKey& key) : key_(key) {}
  Bytes Sign(const Hash32& digest) override {
    const Signature sig = theta::Sign(key_, digest);
    return Bytes(sig.bytes.bytes.begin(), sig.bytes.bytes.end());
  }

 private:
  PrivateKey key_;
};

class Secp256k1Verifier final : public Verifier {
 public:
  bool Verify(ByteView public_key, const Hash32& digest, ByteView signature) const override {
    absl::StatusOr<PublicKey> key = PublicKey::FromBytes(public_key);
    absl::StatusOr<Signature> sig = Signature::FromBytes(signature);
    return key.ok() && sig.ok() && theta::Verify(*key, digest, *sig);
  }
};

// Validators known by their account address, as a ledger stores them: the signer is whoever the
// signature recovers to (Theta's own check for votes).
class Secp256k1AddressVerifier final : public Verifier {
 public:
  bool Verify(ByteView address, const Hash32& digest, ByteView signature) const override {
    if (address.size() != Address::kSize) return false;
    absl::StatusOr<Signature> sig = Signature::FromBytes(signature);
    if (!sig.ok()) return false;
    absl::StatusOr<Address> signer = RecoverAddress(digest, *sig);
    return signer.ok() && std::equal(address.begin(), address.end(), signer->bytes.begin());
  }
};

absl::Status CheckSigner(const Committee& c, uint32_t signer, const Hash32& digest,
                         ByteView signature, std::string_view what) {
  if (signer >= c.validators.size()) {
    return absl::InvalidArgumentError(absl::StrCat("consensus: ", std::string(what), " signer ",
                                                   signer, " is not among the ",
                                                   c.validators.size(), " validators"));
  }
  if (!c.verifier->Verify(c.validators.at(signer).public_key, digest, signature)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consensus: ", std::string(what), " signature of validator ", signer, " does not verify"));
  }
  return absl::OkStatus();
}

absl::Status CheckEpoch(const Committee& c, uint64_t epoch, std::string_view what) {
  if (epoch != c.epoch) {
    return absl::InvalidArgumentError(absl::StrCat("consensus: ", std::string(what), " of epoch ",
                                                   epoch, ", committee is of epoch ", c.epoch));
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Signer> NewSecp256k1Signer(const PrivateKey& key) {
  return std::make_unique<Secp256k1Signer>(key);
}
std::unique_ptr<Verifier> NewSecp256k1Verifier() {
  return std::make_unique<Secp256k1Verifier>();
}
std::unique_ptr<Verifier> NewSecp256k1AddressVerifier() {
  return std::make_unique<Secp256k1AddressVerifier>();
}
Bytes Secp256k1ValidatorKey(const PrivateKey& key) {
  const FixedBytes<64> xy = key.DerivePublicKey().xy();
  return Bytes(xy.bytes.begin(), xy.bytes.end());
}

absl::Status VerifyQuorumCert(const Committee& c, const QuorumCert& qc) {
  if (qc.IsGenesis()) {
    const bool root_known = c.genesis_hash != Hash32{};
    if (qc.height != c.root_height || (root_known && qc.block_hash != c.genesis_hash) ||
        !qc.signatures.empty()) {
      return absl::InvalidArgumentError("consensus: a round-0 QC must be the epoch's root QC");
    }
    return absl::OkStatus();
  }
  THETA_RETURN_IF_ERROR(CheckEpoch(c, qc.epoch, "qc"));
  const Hash32 digest = VoteDigest(c.chain_id, qc.epoch, qc.round, qc.height, qc.block_hash);
  uint64_t stake = 0;
  for (size_t i = 0; i < qc.signatures.size(); ++i) {
    const SignerSignature& s = qc.signatures[i];
    if (i > 0 && s.signer <= qc.signatures[i - 1].signer) {
      return absl::InvalidArgumentError("consensus: qc signers not strictly increasing");
    }
    THETA_RETURN_IF_ERROR(CheckSigner(c, s.signer, digest, s.signature, "qc"));
    stake += c.validators.at(s.signer).stake;
  }
  if (!c.validators.IsQuorum(stake)) {
    return absl::InvalidArgumentError(absl::StrCat("consensus: qc for round ", qc.round,
                                                   " carries stake ", stake, " of ",
                                                   c.validators.total_stake(), ", not > 2/3"));
  }
  return absl::OkStatus();
}

absl::Status VerifyTimeoutCert(const Committee& c, const TimeoutCert& tc) {
  THETA_RETURN_IF_ERROR(CheckEpoch(c, tc.epoch, "tc"));
  uint64_t stake = 0;
  for (size_t i = 0; i < tc.entries.size(); ++i) {
    const TimeoutCert::Entry& e = tc.entries[i];
    if (i > 0 && e.signer <= tc.entries[i - 1].signer) {
      return absl::InvalidArgumentError("consensus: tc signers not strictly increasing");
    }
    if (e.high_qc_round >= tc.round) {
      return absl::InvalidArgumentError("consensus: tc entry reports a QC round not below its own");
    }
    const Hash32 digest = TimeoutDigest(c.chain_id, tc.epoch, tc.round, e.high_qc_round);
    THETA_RETURN_IF_ERROR(CheckSigner(c, e.signer, digest, e.signature, "tc"));
    stake += c.validators.at(e.signer).stake;
  }
  if (!c.validators.IsQuorum(stake)) {
    return absl::InvalidArgumentError(absl::StrCat("consensus: tc for round ", tc.round,
                                                   " carries stake ", stake, ", not > 2/3"));
  }
  return absl::OkStatus();
}

absl::Status VerifyProposal(const Committee& c, const Block& block) {
  const BlockHeader& h = block.header;
  THETA_RETURN_IF_ERROR(CheckEpoch(c, h.epoch, "proposal"));
  if (block.hash != HeaderHash(h)) {
    return absl::InvalidArgumentError("consensus: block hash does not match its header");
  }
  if (h.payload_hash != Keccak256(block.payload)) {
    return absl::InvalidArgumentError("consensus: payload hash does not match the payload");
  }
  if (h.round == 0 || h.height <= c.root_height) {
    return absl::InvalidArgumentError(
        "consensus: a proposal needs a round above 0 and a height above the epoch's root");
  }
  if (h.proposer != c.validators.Leader(h.round)) {
    return absl::InvalidArgumentError(absl::StrCat("consensus: validator ", h.proposer,
                                                   " proposed in round ", h.round, " led by ",
                                                   c.validators.Leader(h.round)));
  }
  return CheckSigner(c, h.proposer, ProposalDigest(c.chain_id, block.hash), block.signature,
                     "proposal");
}

absl::Status VerifyVote(const Committee& c, const Vote& vote) {
  THETA_RETURN_IF_ERROR(CheckEpoch(c, vote.epoch, "vote"));
  return CheckSigner(c, vote.voter,
                     VoteDigest(c.chain_id, vote.epoch, vote.round, vote.height, vote.block_hash),
                     vote.signature, "vote");
}

absl::Status VerifyTimeout(const Committee& c, const Timeout& t) {
  THETA_RETURN_IF_ERROR(CheckEpoch(c, t.epoch, "timeout"));
  if (t.high_qc.round >= t.round) {
    return absl::InvalidArgumentError("consensus: timeout carries a QC of its own round or later");
  }
  return CheckSigner(c, t.voter, TimeoutDigest(c.chain_id, t.epoch, t.round, t.high_qc.round),
                     t.signature, "timeout");
}

absl::Status VerifyEvidence(const Committee& c, const Evidence& e) {
  if (e.kind == Evidence::Kind::kDoubleVote) {
    const Vote& a = e.vote_a;
    const Vote& b = e.vote_b;
    if (a.voter != b.voter || a.epoch != b.epoch || a.round != b.round ||
        a.block_hash == b.block_hash) {
      return absl::InvalidArgumentError(
          "consensus: evidence votes are not one voter's for different blocks in one round");
    }
    THETA_RETURN_IF_ERROR(VerifyVote(c, a));
    return VerifyVote(c, b);
  }
  const BlockHeader& a = e.header_a;
  const BlockHeader& b = e.header_b;
  const Hash32 ha = HeaderHash(a);
  const Hash32 hb = HeaderHash(b);
  if (a.proposer != b.proposer || a.epoch != b.epoch || a.round != b.round || ha == hb) {
    return absl::InvalidArgumentError(
        "consensus: evidence proposals are not one proposer's different blocks in one round");
  }
  THETA_RETURN_IF_ERROR(CheckEpoch(c, a.epoch, "evidence"));
  THETA_RETURN_IF_ERROR(
      CheckSigner(c, a.proposer, ProposalDigest(c.chain_id, ha), e.signature_a, "evidence"));
  return CheckSigner(c, b.proposer, ProposalDigest(c.chain_id, hb), e.signature_b, "evidence");
}

}  // namespace theta::consensus
