// The seams between the consensus state machine and the world: the network (Transport), time
// (Clock), durable state (Storage) and the chain's application logic (Application).
//
// The state machine (Node) is pure: it never blocks, starts threads, reads a wall clock or touches
// a file except through these interfaces, so the simulator can drive it deterministically. Calls
// into them come from the thread that drives the Node; implementations need no locking for that
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/consensus/types.hpp"
#include "theta/core/bytes.hpp"

namespace theta::consensus {

// Delivers opaque messages to validators by index. Delivery may fail silently, duplicate, delay
// or reorder: the protocol copes. Must not call back into the Node synchronously.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void Send(ValidatorIndex to, Bytes message) = 0;
  // To every validator except the caller.
  virtual void Broadcast(Bytes message) = 0;
};

// Milliseconds on a monotonic clock, and one-shot timers that come back through Node::OnTimer with
// their token. Setting a timer never cancels another; the Node ignores stale tokens.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMs() const = 0;
  virtual void SetTimer(uint64_t delay_ms, uint64_t token) = 0;
};

// What must survive a crash for the node to stay safe: its last voted round and its highest QC.
// last_proposed_round keeps a restarted leader from proposing twice in one round, which would be
// slashable equivocation although it cannot hurt safety.
struct SafetyState {
  uint64_t epoch = 0;
  uint64_t last_voted_round = 0;
  uint64_t last_proposed_round = 0;
  QuorumCert high_qc;
  friend bool operator==(const SafetyState&, const SafetyState&) = default;
};

// What Storage::Load hands back after a restart, and what Storage::Compact keeps.
struct RecoveredState {
  std::optional<SafetyState> safety;  // absent on first start
  // A committed block the retained blocks grow from, set once the log has been compacted: the
  // restarted Node roots its tree there instead of at genesis. The application must already hold
  // it and every block below it.
  std::optional<Block> anchor;
  std::vector<Block> blocks;             // in the order saved (parents before children)
  std::vector<QuorumCert> qcs;           // in the order saved
  std::vector<EpochProof> epoch_proofs;  // in the order saved (older epochs first)
};

// Durable consensus state. SaveSafety must be durable (fsynced) when it returns OK: a vote or
// timeout leaves the node only after it. SaveBlock and SaveQuorumCert may be buffered (a block lost
// in a crash is fetched again by block sync) but must be replayed in order. Any error is sticky:
// the Node stops voting and reports it (FailedPrecondition from Node::status()).
class Storage {
 public:
  virtual ~Storage() = default;
  virtual absl::Status SaveSafety(const SafetyState& state) = 0;
  virtual absl::Status SaveBlock(const Block& block) = 0;
  virtual absl::Status SaveQuorumCert(const QuorumCert& qc) = 0;
  // The proof that an epoch ended, kept to hand to lagging peers (may be buffered like blocks).
  virtual absl::Status SaveEpochProof(const EpochProof& proof) = 0;
  // Everything saved before, or DataLoss when the stored log is corrupt (not merely torn at the
  // tail: see wal.hpp).
  virtual absl::StatusOr<RecoveredState> Load() = 0;
  // Replaces everything stored by `live` (safety state, anchor, blocks, QCs), atomically: a crash
  // during the call leaves either the old contents or the new ones, never a mix. It must be
  // durable when it returns OK. The Node calls it to keep the log from growing without bound.
  virtual absl::Status Compact(const RecoveredState& live) = 0;
};

// The chain behind consensus: it fills, judges and applies the opaque payloads, and says who
// validates and who guards. Commit is called once per height in height order; after a restart the
// Node resumes after LastCommitted(), so the application owns the durable commit point.
class Application {
 public:
  virtual ~Application() = default;
  // The payload of a new block at `height` on top of `parent`.
  virtual Bytes Propose(uint64_t height, const Hash32& parent) = 0;
  // How long a leader waits before proposing on a parent proposed at `parent_timestamp_ms`: a
  // chain paces its blocks here (e.g. short while transactions wait, longer when idle). The Node
  // proposes when the delay ends, or earlier on Node::ProposeNow. Must stay well below the round
  // timeout. Default: at once.
  virtual uint64_t ProposalDelayMs(uint64_t parent_timestamp_ms) {
    (void)parent_timestamp_ms;
    return 0;
  }
  // Whether the payload of `block` is acceptable (executes) on top of its parent; a node votes only
  // for blocks that pass.
  virtual absl::Status Validate(const Block& block) = 0;
  // `block` is committed (two consecutive certified blocks extend it). `proof` certifies `block`.
  // Called at the end of the event (message or timer) that made it committed, after that event's
  // vote or proposal went out, so Propose and Validate may run before the commit of an ancestor:
  // Node::UncommittedChain then still lists it. Only a commit that may end the epoch runs at once.
  virtual void Commit(const Block& block, const QuorumCert& proof) = 0;
  // After the Commit calls of one direct commit: `child` (certified by `child_qc`) extends the last
  // block committed in the very next round, which is what made it committed. With the validator
  // set, the pair proves the commit to anyone (followers syncing the chain). Default: ignored.
  virtual void OnCommitProof(const BlockHeader& child, const QuorumCert& child_qc) {
    (void)child;
    (void)child_qc;
  }
  // An epoch ended (NodeOptions::epoch_length): `proof` shows that its last block, proof.blocks[0],
  // is committed, whether directly (two blocks) or through a longer suffix. With the epoch's
  // validator set it convinces anyone; a chain keeps it for followers. Default: ignored.
  virtual void OnEpochEnd(const struct EpochProof& proof) { (void)proof; }
  // The last block committed durably: (0, genesis hash) before the first commit.
  virtual std::pair<uint64_t, Hash32> LastCommitted() const = 0;
  // The committee that validates blocks at `height`. The Node asks for the first height of each
  // epoch once the block before it is committed (see NodeOptions::epoch_length), and on Start.
  virtual absl::StatusOr<ValidatorSet> ValidatorsAt(uint64_t height) = 0;
  // The hash of the committed block at `height` (not above LastCommitted), if the application
  // still has it: a node restarted in mid-epoch asks for the epoch's root. Default: unknown, which
  // only costs that node the acceptance of the epoch's first, root-certified proposals.
  virtual std::optional<Hash32> CommittedHashAt(uint64_t height) const {
    (void)height;
    return std::nullopt;
  }
  // Self-verifying proof that a validator equivocated, for the ledger to slash.
  virtual void ReportEvidence(const struct Evidence& evidence) = 0;
};

}  // namespace theta::consensus
