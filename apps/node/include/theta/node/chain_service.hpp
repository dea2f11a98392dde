// The chain as the node's services see it: the ledger (state, blocks, receipts), the mempool, and
// the consensus facts about each committed block (proposer, round, parent, commit proof). Consensus
// commits into it; the RPC servers, metrics and the guardian read it; transactions enter it.
//
// Execution model: consensus orders payloads, the chain executes them when they commit. A
// committed payload's transactions are applied in order and the ones the ledger refuses (a stale
// sequence, a fee the sender cannot pay) are left out of the stored block, deterministically on
// every node (ledger::BlockInput::skip_refused). The state root after block h is therefore known
// once h commits; proposals carry the root of the last block the proposer had committed so that a
// diverging node notices (Payload::committed_root).
//
// Store layout (beside the ledger's keys in the same LevelDB, see ledger/chain.hpp):
//   "n/blk/" ‖ BE64 h   RLP [consensus block (codec EncodeBlock), QC certifying it (empty:
//   genesis)] "n/cp/" ‖ BE64 h    RLP [child header, QC of the child]: a commit proof of block h.
//   The child
//                       extends h in the next round and both are certified, so h is committed by
//                       the 2-chain rule for anyone holding the validator set; the blocks below h
//                       are committed by their hash links. Consensus hands one over per direct
//                       commit (Application::OnCommitProof), so not every height has one.
//
// Thread-safety: every method may be called from any thread. Reads take a shared lock; Commit takes
// it exclusively, so a reader sees a block, its receipts and its state together or not at all.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "theta/consensus/types.hpp"
#include "theta/core/kv_store.hpp"
#include "theta/ledger/chain.hpp"
#include "theta/ledger/mempool.hpp"

namespace theta::node {

// A committed block as the node's RPC shows it.
struct BlockRecord {
  uint64_t height = 0;
  Hash32 hash;    // the consensus block hash (Keccak-256 of its RLP header)
  Hash32 parent;  // zero for genesis
  uint64_t epoch = 0;
  uint64_t round = 0;
  Address proposer;       // zero for genesis
  int64_t timestamp = 0;  // seconds (the proposer's clock, rounded down)
  uint64_t timestamp_ms = 0;
  Hash32 state_root;       // the state after this block
  std::vector<Bytes> txs;  // the transactions applied, in order (refused ones are not here)
  std::vector<Hash32> tx_hashes;
  consensus::Block block;                   // as consensus committed it (genesis: synthetic)
  std::optional<consensus::QuorumCert> qc;  // certifies the block (absent for genesis)
};

// Why block `child.parent` is committed: see the store layout above. Usually `child` was certified
// (child_qc) in the round right after its parent's: the 2-chain rule. An epoch's last block may
// commit through a longer suffix instead: then `suffix` holds the headers above `child`, each
// extending the one before, and child_qc certifies the last of them, whose round follows its
// parent's.
struct CommitProof {
  consensus::BlockHeader child;
  consensus::QuorumCert child_qc;
  std::vector<consensus::BlockHeader> suffix;

  // The block child_qc certifies.
  const consensus::BlockHeader& top() const { return suffix.empty() ? child : suffix.back(); }
};

// What a proposal's payload carries: RLP [version 1, committed height, committed root, [raw txs]].
struct Payload {
  uint64_t committed_height = 0;  // the proposer's last committed block when it proposed
  Hash32 committed_root;          // and the state root after it
  std::vector<Bytes> txs;
};
Bytes EncodePayload(const Payload& payload);
// Strict: InvalidArgument for anything but the form above, or more than `max_txs` transactions.
absl::StatusOr<Payload> DecodePayload(ByteView bytes, size_t max_txs);

struct ChainServiceOptions {
  ledger::ChainOptions chain;
  ledger::MempoolOptions mempool;  // chain_id is filled in from the genesis
  size_t max_block_txs = 4000;
  size_t max_block_bytes = 3 << 20;  // raw tx bytes per proposal
};

// A block, its receipts and the transactions refused by it, as handed to subscribers after commit.
struct CommitEvent {
  const BlockRecord* block = nullptr;
  const std::vector<ledger::StoredReceipt>* receipts = nullptr;
};

class ChainService {
 public:
  using Subscriber = std::function<void(const CommitEvent&)>;

  // Opens the chain in `store` (must outlive the service), creating it from `genesis` if the store
  // is empty. FailedPrecondition when the store's chain has another chain ID or genesis.
  static absl::StatusOr<std::unique_ptr<ChainService>> Open(KvStore& store,
                                                            const ledger::Genesis& genesis,
                                                            ChainServiceOptions options = {});

  const std::string& chain_id() const { return chain_id_; }
  // The Ethereum chain ID of this chain (ledger::EvmChainId).
  uint64_t eth_chain_id() const;
  const Hash32& genesis_hash() const { return genesis_hash_; }
  // Blocks per consensus epoch, from the genesis (0: the genesis validators for good).
  uint64_t epoch_length() const { return epoch_length_; }
  // The height whose state holds the validator set that certified the block at `height`: the
  // last block before its epoch (0 for the first epoch, or without epochs).
  uint64_t CommitteeStateHeight(uint64_t height) const {
    if (epoch_length_ == 0 || height == 0) return 0;
    return (height - 1) - (height - 1) % epoch_length_;
  }

  // --- transactions ---------------------------------------------------------------------------
  // Admits a raw tx (Theta or Ethereum form) into the mempool: its hash, or the mempool's error.
  // New txs are handed to the on_new_tx hook (the node gossips them).
  absl::StatusOr<Hash32> Submit(ByteView raw);
  std::vector<absl::StatusOr<Hash32>> SubmitBatch(const std::vector<Bytes>& raws);
  void SetNewTxHook(std::function<void(const Hash32&, ByteView raw)> hook);
  // Pending txs, best first (the order a proposal would take them), at most `max`.
  std::vector<Bytes> PendingTxs(size_t max) const;
  size_t PendingCount() const;
  ledger::Mempool& mempool() { return *mempool_; }

  // Deletes the trie nodes only pruned state roots reached (ledger::Chain::CollectGarbage), under
  // the write lock: no reader holds a pruned state meanwhile.
  absl::StatusOr<ledger::GarbageStats> CollectGarbage();

  // --- consensus ---------------------------------------------------------------------------------
  // The payload of a new proposal on top of what is committed now and of `uncommitted`: the
  // payloads of the proposal's ancestors above the committed block, whose txs are left out (the
  // mempool still holds them until they are executed).
  Bytes BuildPayload(const std::vector<ByteView>& uncommitted = {});
  // Checks a proposal's payload (decodes, sizes, every tx's signature; a committed root that
  // disagrees with this node's). Signatures are checked once: valid txs enter the mempool's cache.
  absl::Status ValidatePayload(ByteView payload);
  // Executes and stores a committed block and the QC that certifies it. Blocks at or below the
  // head are ignored if their hash matches and DataLoss if not (the node diverged); a block that
  // does not extend the head is FailedPrecondition. Subscribers are called after the write,
  // outside the lock.
  absl::Status Commit(const consensus::Block& block, const consensus::QuorumCert& qc);
  // Stores the commit proof of the committed block `proof.child.parent`; NotFound if that block
  // is not committed here, InvalidArgument if the proof does not name it (hashes).
  absl::Status AddCommitProof(const CommitProof& proof);
  // The commit proof stored for `height`; NotFound when that block was committed indirectly.
  absl::StatusOr<CommitProof> CommitProofAt(uint64_t height) const;
  // The raw record of block `height` (what peers sync from): RLP [block, qc]. NotFound above head.
  absl::StatusOr<Bytes> RawRecord(uint64_t height) const;
  // Subscribers are called (on the committing thread) after each block. Returns an id for
  // Unsubscribe.
  uint64_t Subscribe(Subscriber subscriber);
  void Unsubscribe(uint64_t id);
  // New-tx subscribers are called with the hashes of txs that entered the mempool, whatever
  // brought them (RPC, peers' gossip, a proposal's check), on the admitting thread and outside the
  // service's locks; they must be quick and must not submit txs. Ids are shared with Subscribe's.
  using TxSubscriber = std::function<void(std::span<const Hash32>)>;
  uint64_t SubscribeNewTxs(TxSubscriber subscriber);
  void UnsubscribeNewTxs(uint64_t id);

  // --- reads -------------------------------------------------------------------------------------
  uint64_t Height() const;
  Hash32 HeadHash() const;
  absl::StatusOr<BlockRecord> BlockAt(uint64_t height) const;
  absl::StatusOr<BlockRecord> BlockByHash(const Hash32& hash) const;
  // The receipt of a committed tx (by its Theta or Ethereum hash); NotFound if not committed.
  absl::StatusOr<ledger::StoredReceipt> Receipt(const Hash32& tx_hash) const;
  // The heights in [from, to] whose blocks may hold logs `may_match` accepts, from the ledger's
  // logs index (ledger::Chain::BlocksWithLogs).
  absl::StatusOr<std::vector<uint64_t>> BlocksWithLogs(
      uint64_t from, uint64_t to,
      const std::function<bool(const ledger::LogsBloom&)>& may_match) const;
  // Runs `read` on the state after block `height` (the head when nullopt), under the shared lock.
  // NotFound above the head or when pruned. `read` must not call back into the service.
  absl::Status WithState(std::optional<uint64_t> height,
                         const std::function<absl::Status(ledger::LedgerState&)>& read) const;
  // The sequence of `address`'s account in the head state (0: no account). Answered from a cache
  // each commit keeps exact (a block moves only its signers' sequences, and the ledger reports
  // them), so screening a submitted tx reads the state only for a sender not seen before.
  absl::StatusOr<uint64_t> HeadSequence(const Address& address) const;
  // The validator set (and guardian set) after block `height`.
  absl::StatusOr<std::vector<ledger::StakedMember>> ValidatorSetAt(uint64_t height) const;
  absl::StatusOr<std::vector<ledger::StakedMember>> GuardianSetAt(uint64_t height) const;

 private:
  ChainService() = default;
  absl::Status Recover();
  absl::StatusOr<BlockRecord> LoadRecord(uint64_t height) const;  // shared lock held
  // `hashes`: TxHash of each of txs when the caller has them (empty: computed here).
  absl::Status FillRecord(uint64_t height, BlockRecord& record, std::vector<Bytes> txs,
                          std::vector<Hash32> hashes = {}) const;
  absl::StatusOr<std::vector<Bytes>> AppliedTxs(uint64_t height,
                                                const consensus::Block& block) const;
  void NoteVerified(const Hash32& hash);
  void NotifyNewTxs(std::span<const Hash32> hashes);
  void NoteSequences(const std::vector<Address>& signers, const std::vector<uint64_t>& sequences);
  std::vector<bool> SignaturesVerified(const std::vector<Hash32>& hashes) const;

  KvStore* store_ = nullptr;
  ChainServiceOptions options_;
  std::string chain_id_;
  Hash32 genesis_hash_;
  uint64_t epoch_length_ = 0;
  std::unique_ptr<ledger::Chain> chain_;
  std::unique_ptr<ledger::Mempool> mempool_;
  mutable std::shared_mutex mu_;
  Hash32 head_hash_;
  std::mutex hooks_mu_;
  std::function<void(const Hash32&, ByteView)> new_tx_hook_;
  uint64_t next_subscriber_ = 1;
  // Hashes of txs whose signatures a proposal check verified although the mempool did not keep
  // them (full, or a same-sequence rival): a commit of them need not verify again. Bounded FIFO.
  mutable std::mutex verified_mu_;
  absl::flat_hash_set<Hash32> verified_;
  std::deque<Hash32> verified_order_;
  std::vector<std::pair<uint64_t, Subscriber>> subscribers_;
  // Replaced (never changed in place) under hooks_mu_, so that admission copies a pointer, not
  // the functions, for each batch.
  std::shared_ptr<const std::vector<std::pair<uint64_t, TxSubscriber>>> tx_subscribers_;
  // HeadSequence's cache: account sequences at the head, updated by Commit under mu_. Bounded: it
  // starts over when full.
  mutable std::mutex sequences_mu_;
  mutable absl::flat_hash_map<Address, uint64_t> head_sequences_;
};

// The genesis block of a chain as consensus sees it: height 0, its payload RLP [chain ID, genesis
// state root]; its hash is the chain's genesis hash.
consensus::Block GenesisBlock(std::string_view chain_id, const Hash32& genesis_state_root,
                              uint64_t epoch_length = 0);

}  // namespace theta::node
