// One validator's consensus state machine: 2-chain HotStuff (Jolteon / DiemBFT-v4) with a
// pacemaker, timeout certificates, block sync, equivocation detection and epoch changes.
//
// Rules (proofs in the Jolteon paper, Gelashvili et al., FC 2022; summary in docs/consensus.md):
//   vote    for block B of round r only if r > last voted round, B extends the block its QC
//           certifies, and either B.qc.round = r - 1 or B carries TC(r - 1) with
//           B.qc.round >= the highest QC round reported in that TC;
//   timeout round r only if r >= last voted round; afterwards never vote in r;
//   commit  block P when a QC certifies a child B of P with B.round = P.round + 1; P's
//           uncommitted ancestors commit with it, in height order;
//   advance to round r + 1 on QC(r) or TC(r); the round timer doubles (×1.5) per timeout in a row.
// Epochs (NodeOptions::epoch_length): an epoch ends with the block at its last height. Blocks the
// epoch's committee adds above that height carry no payload and are never committed; they exist
// to certify the last block (as DiemBFT's reconfiguration suffix). Once it commits, the node
// starts the next epoch as a fresh instance of the protocol: the next committee, round 1, a safety
// state of its own, and the committed block as root (its round-0 QC). A node that sees messages of
// an older epoch answers with an EpochProof (the last block, its suffix and the QC that commits
// it, all checkable by the old committee), so validators that missed the change catch up.
// The safety state (last voted round, highest QC) reaches Storage::SaveSafety before any vote or
// timeout is handed to the Transport. Votes go to the next round's leader; proposals and timeouts
// to everyone; a timeout carries the sender's highest QC and last TC so lagging nodes catch up.
//
// A Node is single-threaded and event-driven: Start once, then OnMessage/OnTimer from one thread.
// It never blocks. Bad messages are dropped (OnMessage returns why), never fatal.
#pragma once

#include <deque>
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
  // Committed blocks per epoch (0: the whole chain is one epoch). Epoch `epoch + k` holds heights
  // k·L+1 … (k+1)·L; its committee is Application::ValidatorsAt(k·L + 1), asked once the block at
  // height k·L is committed, so stake changes take effect at the next boundary. Every validator of
  // a chain must use the same value (it is a chain parameter, like the genesis).
  uint64_t epoch_length = 0;
  // Proofs of the last this many epoch ends are kept (in memory and in Storage) to hand to peers
  // that lag behind an epoch change; a peer further behind catches up by the application's block
  // sync (AdoptCommitted).
  uint64_t keep_epoch_proofs = 64;
  // This validator's public key as ValidatorSet lists it. When set, the node finds its index in
  // each epoch's committee and only follows the chain (never signs) in epochs that leave it out;
  // when empty, `self` is its index in every epoch.
  Bytes self_key;
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
  uint64_t epoch() const { return epoch_; }
  // Counters since Start, for metrics and the simulator.
  struct Stats {
    uint64_t epochs_entered = 0;         // epoch changes (not counting the one Start enters)
    uint64_t epoch_proofs_sent = 0;      // to peers found an epoch behind
    uint64_t epoch_proofs_accepted = 0;  // valid proofs of our current epoch's end
  };
  const Stats& stats() const { return stats_; }
  // This node's index in the current committee; empty while the epoch leaves it out.
  std::optional<ValidatorIndex> self() const { return self_; }

 private:
  struct VoteTally;
  struct TimeoutTally;

  absl::Status HandleProposal(ValidatorIndex from, Block block);
  absl::Status HandleVote(const Vote& vote);
  absl::Status HandleTimeout(ValidatorIndex from, const Timeout& timeout);
  absl::Status HandleSyncRequest(ValidatorIndex from, const SyncRequest& request);
  absl::Status HandleSyncResponse(ValidatorIndex from, SyncResponse response);
  absl::Status HandleEpochProof(ValidatorIndex from, EpochProof proof);
  absl::Status CheckEpochProof(const EpochProof& proof);

  absl::Status CheckQc(const QuorumCert& qc);
  absl::Status CheckTc(const TimeoutCert& tc);
  absl::Status CheckBlock(const Block& block);
  absl::Status InsertBlock(ValidatorIndex from, const Block& block, bool persist);
  void ProcessQc(ValidatorIndex from, const QuorumCert& qc);
  void ProcessTc(const TimeoutCert& tc);
  void TryCommit(ValidatorIndex from, const QuorumCert& qc);
  void RunDeferredCommits();
  void FinishEvent();
  void CommitUpTo(ValidatorIndex from, const Hash32& target, const QuorumCert& proof);
  void AdvanceRound(uint64_t round, bool by_qc);
  void ForgetRounds();  // a new epoch: every per-round record of the old one goes
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
  // Epochs (node_epoch.cpp).
  uint64_t EpochAfter(uint64_t height) const;
  absl::Status EnterEpoch(uint64_t epoch, const Hash32& root_hash, uint64_t root_height);
  void EndEpoch(const QuorumCert& qc);
  void SwitchEpoch();
  bool Routed(ValidatorIndex from, const Message& message, ByteView bytes);
  void SendEpochProofs(ValidatorIndex to, uint64_t from_epoch);
  void ResolveSelf();
  bool Signing() const;
  QuorumCert RootQc() const;
  uint64_t TimerToken(uint64_t round) const;
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
  // QCs whose commits wait for the end of the current event (TryCommit).
  bool defer_commits_ = false;
  std::vector<std::pair<ValidatorIndex, QuorumCert>> deferred_commits_;
  // Messages handled after the current event: our own, and those of the next epoch that arrived
  // early (replayed once we enter it).
  std::deque<std::pair<ValidatorIndex, Bytes>> inbox_;

  // Epochs.
  uint64_t epoch_ = 0;
  uint64_t epoch_end_height_ = UINT64_MAX;  // the epoch's last block that carries a payload
  uint64_t timer_generation_ = 0;           // bumped per epoch: stale round timers are ignored
  std::optional<ValidatorIndex> self_;
  std::optional<EpochProof> ended_;  // the epoch's last block is committed: switch after the event
  // A safety state stored for a later epoch than the one the application's commits put us in (its
  // last commits were lost in a crash): no signing until we are back in that epoch.
  std::optional<SafetyState> later_safety_;
  std::map<uint64_t, EpochProof> epoch_proofs_;  // ended epoch -> proof, the last few
  // Proofs for epochs we have not reached yet, as received (sender, message), applied on arrival.
  std::map<uint64_t, std::pair<ValidatorIndex, Bytes>> future_proofs_;
  std::vector<std::pair<ValidatorIndex, Bytes>> next_epoch_inbox_;
  absl::flat_hash_map<ValidatorIndex, uint64_t> proofs_sent_at_;
  Stats stats_;
};

// The genesis block of a chain: height 0, round 0, the given payload (e.g. the genesis state
// root), no proposer signature. Its hash is NodeOptions::genesis_hash.
Block MakeGenesisBlock(uint64_t epoch, ByteView payload);

}  // namespace theta::consensus
