// The values the validator committee agrees on and the certificates that prove agreement.
//
// Protocol: 2-chain HotStuff with timeout certificates (Jolteon / DiemBFT-v4). A block names its
// parent and carries a quorum certificate (QC) for it; a block proposed after a timed-out round
// carries the timeout certificate (TC) of that round too. Every value here is a plain copyable
// struct; hashing and signing go through the canonical RLP encodings in codec.hpp. Stake
// arithmetic is exact (128-bit), so quorum checks cannot overflow. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::consensus {

using ValidatorIndex = uint32_t;

// Most validators a committee may have: signer indices and stake sums stay small and a QC fits a
// network frame. The reference caps the committee at 31; 64 leaves room.
inline constexpr size_t kMaxValidators = 64;

struct Validator {
  Bytes public_key;  // what the Verifier checks signatures against (secp256k1: 64 bytes x‖y)
  uint64_t stake = 0;
};

// How much stake a quorum needs. Production code only ever uses kTwoThirds; the other rule exists
// so that the simulator's test can show its oracle catches a broken quorum (see docs/consensus.md).
enum class QuorumRule { kTwoThirds, kBrokenHalfForTesting };

// The validators of one epoch with their stake, the quorum rule and the proposer schedule.
class ValidatorSet {
 public:
  // InvalidArgument for an empty set, more than kMaxValidators, a zero stake, an empty key, or a
  // total stake above 2^62.
  static absl::StatusOr<ValidatorSet> Create(std::vector<Validator> validators);

  size_t size() const noexcept { return validators_.size(); }
  const Validator& at(ValidatorIndex index) const { return validators_[index]; }
  uint64_t total_stake() const noexcept { return total_stake_; }

  // Stake × 3 > total × 2: any two quorums share an honest validator while faulty stake < 1/3.
  bool IsQuorum(uint64_t stake) const noexcept;
  // Stake × 3 > total: at least one honest validator is among them.
  bool IsWeakQuorum(uint64_t stake) const noexcept;

  // The proposer of `round`: a smooth weighted round-robin over stake (each validator appears in
  // the cycle in proportion to its stake, spread evenly; equal stakes give plain round-robin).
  ValidatorIndex Leader(uint64_t round) const noexcept;

  // Test-only: the simulator's oracle-sanity test breaks the quorum on purpose.
  void SetQuorumRuleForTesting(QuorumRule rule) noexcept { rule_ = rule; }

 private:
  std::vector<Validator> validators_;
  uint64_t total_stake_ = 0;
  std::vector<ValidatorIndex> schedule_;
  QuorumRule rule_ = QuorumRule::kTwoThirds;
};

// One signature of a certificate: who signed and the signature bytes.
struct SignerSignature {
  ValidatorIndex signer = 0;
  Bytes signature;
  friend bool operator==(const SignerSignature&, const SignerSignature&) = default;
};

// Proof that a quorum voted for block `block_hash` in `round`. Signatures are sorted by signer,
// each signer once. The genesis QC has round 0, height 0 and no signatures.
struct QuorumCert {
  uint64_t epoch = 0;
  uint64_t round = 0;
  uint64_t height = 0;
  Hash32 block_hash;
  std::vector<SignerSignature> signatures;

  bool IsGenesis() const noexcept { return round == 0; }
  friend bool operator==(const QuorumCert&, const QuorumCert&) = default;
};

// Proof that a quorum gave up on `round`; each entry also reports the round of the highest QC its
// signer held, and the signature covers (epoch, round, that QC round).
struct TimeoutCert {
  struct Entry {
    ValidatorIndex signer = 0;
    uint64_t high_qc_round = 0;
    Bytes signature;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  uint64_t epoch = 0;
  uint64_t round = 0;
  std::vector<Entry> entries;  // sorted by signer, each once

  uint64_t MaxHighQcRound() const noexcept;
  friend bool operator==(const TimeoutCert&, const TimeoutCert&) = default;
};

struct BlockHeader {
  uint64_t epoch = 0;
  uint64_t round = 0;
  uint64_t height = 0;
  Hash32 parent;
  ValidatorIndex proposer = 0;
  uint64_t timestamp_ms = 0;      // proposer's clock; informational, never trusted for safety
  Hash32 payload_hash;            // Keccak-256 of the payload
  QuorumCert qc;                  // certifies `parent`
  std::optional<TimeoutCert> tc;  // present iff qc.round + 1 != round
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

// A proposed block: header, the application's opaque payload, and the proposer's signature over
// the block hash (Keccak-256 of the RLP header). `hash` is derived, never decoded.
struct Block {
  BlockHeader header;
  Bytes payload;
  Bytes signature;
  Hash32 hash;
};

struct Vote {
  uint64_t epoch = 0;
  uint64_t round = 0;
  uint64_t height = 0;
  Hash32 block_hash;
  ValidatorIndex voter = 0;
  Bytes signature;
  friend bool operator==(const Vote&, const Vote&) = default;
};

struct Timeout {
  uint64_t epoch = 0;
  uint64_t round = 0;
  QuorumCert high_qc;  // the signer's highest QC; its round is what the signature covers
  // The TC that ended the previous round, if the signer has one (not signed: it proves itself);
  // lets a node that missed it catch up to the round everyone else is timing out.
  std::optional<TimeoutCert> last_round_tc;
  ValidatorIndex voter = 0;
  Bytes signature;
};

// Ask a peer for `block_hash` and up to `max_blocks - 1` of its ancestors.
struct SyncRequest {
  Hash32 block_hash;
  uint32_t max_blocks = 0;
};

// Blocks for a SyncRequest, the requested one first, then its parent, and so on.
struct SyncResponse {
  std::vector<Block> blocks;
};

// Proof, for a validator still in `epoch`'s committee, that the epoch's last block is committed:
// that block and its descendants up to the one `qc` certifies, oldest first, where the certified
// block's parent sits in the round just before it (the 2-chain commit rule). Every block and the
// QC are of the old epoch, so the lagging validator checks them with the committee it already
// has. A validator sends it to a peer whose messages show that the peer is an epoch behind.
struct EpochProof {
  uint64_t epoch = 0;  // the epoch that ended
  std::vector<Block> blocks;
  QuorumCert qc;
};

// Two signed statements by one validator that no honest validator makes: two different proposals
// for one round, or two votes for different blocks in one round. Self-verifying (see
// VerifyEvidence): the ledger can slash on it without trusting whoever reported it.
struct Evidence {
  enum class Kind : uint8_t { kDoubleProposal = 1, kDoubleVote = 2 };
  Kind kind = Kind::kDoubleVote;
  // For kDoubleVote: two votes. For kDoubleProposal: the two headers and their signatures.
  Vote vote_a, vote_b;
  BlockHeader header_a, header_b;
  Bytes signature_a, signature_b;
};

}  // namespace theta::consensus
