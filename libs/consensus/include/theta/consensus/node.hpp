// One validator's consensus state machine: 2-chain HotStuff (Jolteon / DiemBFT-v4) with a
// pacemaker, timeout certificates, block sync and equivocation detection.
//
// Rules (proofs in the Jolteon paper, Gelashvili et al., FC 2022; summary in docs/consensus.md):
//   vote    for block B of round r only if r > last voted round, B extends the block its QC
//           certifies, and either B.qc.round = r - 1 or B carries TC(r - 1) with
//           B.qc.round >= the highest QC round reported in that TC;
//   timeout round r only if r >= last voted round; afterwards never vote in r;
//   commit  block P when a QC certifies a child B of P with B.round = P.round + 1; P's
//           uncommitted ancestors commit with it, in height order;
//   advance to round r + 1 on QC(r) or TC(r); the round timer doubles (×1.5) per timeout in a row.
// The safety state (last voted round, highest QC) reaches Storage::SaveSafety before any vote or
// timeout is handed to the Transport. Votes go to the next round's leader; proposals and timeouts
// to everyone; a timeout carries the sender's highest QC and last TC so lagging nodes catch up.
//
// A Node is single-threaded and event-driven: Start once, then OnMessage/OnTimer from one thread.
// It never blocks. Bad messages are dropped (OnMessage returns why), never fatal.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "theta/consensus/certificates.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/consensus/environment.hpp"

namespace theta::consensus {

struct NodeOptions {
  std::string chain_id = "theta-consensus";
  uint64_t epoch = 0;
  Hash32 genesis_hash;              // the committed root every chain grows from (height 0, round 0)
  ValidatorIndex self = 0;          // this validator's index in the committee
  uint64_t base_timeout_ms = 1000;  // first round timer
  uint64_t max_timeout_ms = 8000;   // cap of the exponential backoff
  // Committed blocks kept in memory below the committed height, to serve peers' block sync; older
  // ones are forgotten (0: keep all). A node that forgets must let lagging peers catch up another
  // way (the application's block sync, then AdoptCommitted).
  uint64_t keep_committed_blocks = 0;
  // Every this many committed blocks the Node compacts its Storage to what a restart needs: the
  // safety state, the highest QC, and the blocks from an anchor `wal_anchor_depth` blocks below
  // the committed one (or the oldest still in memory) upward (0: never; the log grows forever).
  // The application must hold every block up to the anchor durably, since the restarted Node
  // roots its tree there and replays commits only above it.
  uint64_t compact_wal_every = 0;
  uint64_t wal_anchor_depth = 16;
};

// The environment a Node runs in; everything is borrowed and must outlive the Node.
struct NodeEnv {
  Signer* signer = nullptr;
  const Verifier* verifier = nullptr;
  Transport* transport = nullptr;
  Clock* clock = nullptr;
  Storage* storage = nullptr;
  Application* app = nullptr;
};

class Node {
 public:
  Node(NodeOptions options, NodeEnv env);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Loads the committee and the durable state, then enters the first round. DataLoss when the
  // stored state is corrupt, FailedPrecondition when called twice, other errors from the seams.
  absl::Status Start();

  // One message from validator `from`. OK if it was useful or harmless; InvalidArgument naming the
  // rule it broke otherwise (the caller may score the peer). Never crashes on bad input.
  absl::Status OnMessage(ValidatorIndex from, ByteView message);
  // A timer set through Clock fired.
  void OnTimer(uint64_t token);
  // The application committed `block` by other means (it synced the chain from peers): it becomes
  // this node's committed root, so that block sync and commits start from it. No effect unless it
  // is above the committed height. The caller vouches that it is committed (it checked a proof).
  void AdoptCommitted(const Block& block);
  // The application has a payload worth proposing (transactions arrived): a leader still waiting
  // out Application::ProposalDelayMs proposes now. No effect otherwise.
  void ProposeNow();
  // The blocks from `hash` back to the committed block (excluded), newest first: what a proposal
  // extending `hash` builds on but nobody has executed yet, so the application can leave their
  // transactions out. Empty when `hash` is the committed block; ends early at a block not held.
  std::vector<const Block*> UncommittedChain(const Hash32& hash) const;

  // OK while healthy; the sticky Storage error once persisting failed (the node then stays silent).
  const absl::Status& status() const { return status_; }
  uint64_t round() const { return round_; }
  uint64_t committed_height() const { return committed_height_; }
  const Hash32& committed_hash() const { return committed_hash_; }
  const QuorumCert& high_qc() const { return safety_.high_qc; }
  const Committee& committee() const { return committee_; }

 private:
  struct VoteTally;
  struct TimeoutTally;

  absl::Status HandleProposal(ValidatorIndex from, Block block);
  absl::Status HandleVote(const Vote& vote);
  absl::Status HandleTimeout(ValidatorIndex from, const Timeout& timeout);
  absl::Status HandleSyncRequest(ValidatorIndex from, const SyncRequest& request);
  absl::Status HandleSyncResponse(ValidatorIndex from, SyncResponse response);

  absl::Status CheckQc(const QuorumCert& qc);
  absl::Status CheckTc(const TimeoutCert& tc);
  absl::Status CheckBlock(const Block& block);
  absl::Status InsertBlock(ValidatorIndex from, const Block& block, bool persist);
  void ProcessQc(ValidatorIndex from, const QuorumCert& qc);
  void ProcessTc(const TimeoutCert& tc);
  void TryCommit(ValidatorIndex from, const QuorumCert& qc);
  void CommitUpTo(ValidatorIndex from, const Hash32& target, const QuorumCert& proof);
  void AdvanceRound(uint64_t round, bool by_qc);
  void Propose();
  void ScheduleProposal();
  void PruneCommitted();
  void MaybeCompact();
  std::optional<RecoveredState> LiveState() const;
  void MaybeVote(const Block& block);
  void LocalTimeout();
  void RequestSync(ValidatorIndex from, const Hash32& hash);
  bool Persist(const SafetyState& next);
  void Deliver(ValidatorIndex to, Bytes message);
  absl::Status Dispatch(ValidatorIndex from, ByteView message);
  void Drain();
  void NoteVote(const Vote& vote);
  void NoteProposal(const Block& block);
  uint64_t TimeoutDuration() const;

  NodeOptions options_;
  NodeEnv env_;
  Committee committee_;
  absl::Status status_;
  bool started_ = false;

  SafetyState safety_;
  uint64_t round_ = 0;
  uint64_t timeouts_in_a_row_ = 0;
  std::optional<TimeoutCert> last_tc_;
  std::optional<Timeout> my_timeout_;  // signed for round_, re-sent on each timer
  uint64_t committed_height_ = 0;
  uint64_t compacted_at_height_ = 0;  // committed height at the last compaction (or the anchor's)
  Hash32 committed_hash_;

  absl::flat_hash_map<Hash32, Block> blocks_;
  absl::flat_hash_map<Hash32, std::vector<Block>> orphans_;  // waiting for their parent
  absl::flat_hash_set<Hash32> verified_qcs_;                 // digests of QCs already checked
  absl::flat_hash_map<Hash32, uint64_t> sync_requested_at_;
  std::map<uint64_t, std::map<Hash32, VoteTally>> votes_;
  std::map<uint64_t, TimeoutTally> timeouts_;
  std::map<std::pair<uint64_t, ValidatorIndex>, Vote> seen_votes_;
  std::map<uint64_t, Block> seen_proposals_;
  std::optional<QuorumCert> pending_commit_;  // a commit that waits for blocks from sync
  std::vector<Bytes> self_inbox_;             // our own messages, handled after the current event
};

// The genesis block of a chain: height 0, round 0, the given payload (e.g. the genesis state
// root), no proposer signature. Its hash is NodeOptions::genesis_hash.
Block MakeGenesisBlock(uint64_t epoch, ByteView payload);

}  // namespace theta::consensus
