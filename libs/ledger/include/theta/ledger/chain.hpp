// The ledger side of a chain, for the node: genesis, block execution with one atomic write per
// block, historical state roots, and the block store (blocks, transactions by hash, receipts,
// indexes by height and block hash).
//
// ApplyBlock executes a block's raw transactions (Theta or Ethereum form, raw_tx.cpp) in order on
// the state of the previous block: first the stake returns due at this height
// (ReturnMaturedStakes), then every transaction. A block is all or nothing: if any transaction is
// refused (or a CoinbaseTx is not the first one, or appears twice) ApplyBlock returns that error
// naming the transaction's index, and nothing is written; otherwise the new state trie nodes, the
// block, its receipts and the indexes go to the store in one WriteBatch.
//
// Store layout (KvStore keys beside the trie nodes, which are keyed by 32-byte hashes):
//   "c/head"            RLP height of the last block
//   "c/root/" ‖ BE64 h  state root after block h (h = 0: genesis)
//   "c/blk/" ‖ BE64 h   RLP [height, hash, timestamp, [raw txs]]; with BlockInput::store_txs
//                        false [height, hash, timestamp, [], [indexes of the refused txs]]
//   "c/bh/" ‖ hash      RLP height
//   "c/rc/" ‖ tx hash   RLP receipt [height, index, status, evmError, return, contractAddress
//                        (empty when none), gasUsed, logs[[address, topics[], data]]]: also the
//                        transaction's index entry (its block and position). Stores written
//                        before this form hold [txHash, height, ...] with a 20-byte address;
//                        both are read.
//   "c/lb/" ‖ BE64 h    the 256-byte logs bloom of block h, for blocks with at least one log
//   "c/lbfrom"          RLP height from which every block is in the "c/lb/" index (0 on a new
//                        chain; a store written before the index starts it after its head then)
// Pruning: with pruning_depth d > 0, roots of heights below head − d are forgotten (StateAt gives
// NotFound); CollectGarbage then deletes the trie nodes that only forgotten roots reach. Not
// thread-safe: the node serializes calls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/kv_store.hpp"
#include "theta/core/trie_node_cache.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/logs_bloom.hpp"
#include "theta/ledger/stake.hpp"

namespace theta::ledger {

// Genesis, from JSON (documented in docs/ledger.md):
// {"chain_id": "privatenet",
//  "accounts":   [{"address": "0x…", "theta": "<wei>", "tfuel": "<wei>"}],
//  "validators": [{"holder": "0x…", "source": "0x…", "amount": "<THETA wei>"}],
//  "guardians":  [{"holder": "0x…", "source": "0x…", "amount": "<THETA wei>",
//                  "bls_pubkey": "0x<48 bytes>"}],
//  "epoch_length": 100}   (optional)
// Stakes are created in the pools directly (they are part of the supply, not taken from
// balances). Amounts are decimal strings; addresses 0x-prefixed hex.
struct GenesisStake {
  Address holder;
  Address source;
  uint256 amount;
  Bytes bls_pubkey;  // guardians only
};
struct Genesis {
  std::string chain_id;
  std::vector<Account> accounts;
  std::vector<GenesisStake> validators;
  std::vector<GenesisStake> guardians;
  // Blocks per consensus epoch, when the validator set follows the stakes ("epoch_length", a
  // whole number, optional); 0: the genesis validators for the chain's life.
  uint64_t epoch_length = 0;
};
// InvalidArgument naming the field for malformed JSON, a bad address or amount, a duplicate
// account, a guardian key that is not 48 bytes, or a zero stake.
absl::StatusOr<Genesis> ParseGenesisJson(std::string_view json);

struct BlockInput {
  uint64_t height = 0;
  Hash32 hash;            // the block's hash, as consensus computed it
  int64_t timestamp = 0;  // seconds; the EVM's TIMESTAMP
  std::vector<Bytes> txs;
  // TxHash of each of txs, when the caller has them (empty: computed here; else the same length).
  std::vector<Hash32> hashes;
  const RewardVotes* reward_votes = nullptr;  // for its CoinbaseTx; not stored
  // Every Theta signature was checked on admission (the mempool's cache): skip re-checking.
  // Ethereum txs are recovered regardless (their sender comes from the signature).
  bool signatures_verified = false;
  // Per tx, when not empty: txs[i]'s signatures were checked (overrides signatures_verified;
  // indexes past its end count as unchecked). One unknown tx then costs one check, not the block's.
  std::vector<bool> verified;
  // Leave refused transactions out instead of refusing the block (a node executing what consensus
  // ordered: every node skips the same ones, since the state is the same). A transaction is
  // refused when the ledger rejects it (any error but DataLoss, Internal, Unavailable or Unknown,
  // which still fail the block); the executors check before they write, so a refused tx leaves
  // no trace. The stored block holds the applied transactions only, and receipts index into them.
  bool skip_refused = false;
  // False: the caller keeps the block's transactions (a node's consensus record holds its
  // payload), so the stored block names only the refused ones and GetBlock returns no txs. Each
  // transaction is then written once, not twice: at thousands of transactions per second these
  // bytes dominate what the store writes and compacts.
  bool store_txs = true;
};

struct StoredReceipt {
  Hash32 tx_hash;
  uint64_t height = 0;
  uint32_t index = 0;
  TxReceipt receipt;
};

struct RefusedTx {
  Hash32 tx_hash;
  uint32_t index = 0;  // in BlockInput::txs
  absl::Status status;
};

struct BlockResult {
  Hash32 state_root;
  std::vector<StoredReceipt> receipts;  // one per applied transaction, in order
  std::vector<Bytes> txs;               // the applied transactions (all of them unless skipping)
  std::vector<RefusedTx> refused;       // with BlockInput::skip_refused only
  // Every account that signed an applied transaction (its inputs): the only accounts whose
  // sequence the block can have moved, sorted, each once. The mempool re-checks just these.
  std::vector<Address> signers;
  // signers[i]'s sequence in the state after the block (0: no account): read from the state the
  // block left in memory, so the mempool and the RPC's sequence screen need not read it again.
  std::vector<uint64_t> signer_sequences;
};

struct StoredBlock {
  uint64_t height = 0;
  Hash32 hash;
  int64_t timestamp = 0;
  std::vector<Bytes> txs;  // the applied transactions (empty when txs_elsewhere)
  // Applied with BlockInput::store_txs false: the applied transactions are the block's input
  // without the ones at these indexes (ascending; usually none). AppliedTxs composes them.
  bool txs_elsewhere = false;
  std::vector<uint32_t> refused;
};

// A stored block's applied transactions: block.txs, or, when the caller kept them, `input` (the
// transactions ApplyBlock was given) less the refused ones. InvalidArgument when an index is past
// `input`'s end (the input is not this block's).
absl::StatusOr<std::vector<Bytes>> AppliedTxs(const StoredBlock& block, std::vector<Bytes> input);

// What one CollectGarbage pass found and did.
struct GarbageStats {
  uint64_t roots = 0;          // retained state roots (c/root/ entries) walked
  uint64_t live_nodes = 0;     // trie nodes they reach, state and storage tries together
  uint64_t deleted_nodes = 0;  // trie nodes deleted
  uint64_t deleted_bytes = 0;  // their keys and values
};

struct ChainOptions {
  // Keep the roots of the last `pruning_depth` blocks (0: keep every root).
  uint64_t pruning_depth = 0;
  const BlsPopVerifier* bls_verifier = nullptr;  // not owned
  // Gate features by Theta's mainnet fork heights (a chain replaying mainnet's rules); by default
  // a new chain runs every fork from block 1 (ExecutionContext::all_forks).
  bool mainnet_fork_heights = false;
  // Bytes of trie nodes kept in memory for every state this chain opens (0: none). Nodes are
  // content-addressed, so the cache is never stale; it saves a store read (and a Keccak) for each
  // node on a hot path, such as the top of the account trie that every transaction walks.
  size_t trie_cache_bytes = 64 << 20;
  // Blocks in a row that ApplyBlock executes on the state the block before left in memory, with
  // the trie nodes it decoded, instead of reopening the state at its root (0: reopen every block).
  // Decoding the nodes every transaction walks, the top of the account trie above all, again for
  // every block is a large share of a block's work; the nodes kept grow with what those blocks
  // touched until the next reopen bounds them.
  uint64_t reuse_state_blocks = 16;
};

class Chain {
 public:
  // Opens the chain kept in `store` (which must outlive it). FailedPrecondition when the store
  // holds no genesis yet: call Create.
  static absl::StatusOr<std::unique_ptr<Chain>> Open(KvStore& store, std::string chain_id,
                                                     ChainOptions options = {});
  // Writes `genesis` as block 0 into an empty store and opens the chain. AlreadyExists if the store
  // has a chain.
  static absl::StatusOr<std::unique_ptr<Chain>> Create(KvStore& store, const Genesis& genesis,
                                                       ChainOptions options = {});

  uint64_t Height() const { return height_; }
  const Hash32& StateRoot() const { return root_; }
  const std::string& chain_id() const { return chain_id_; }

  // See the header comment. InvalidArgument when block.height != Height() + 1.
  absl::StatusOr<BlockResult> ApplyBlock(const BlockInput& block);

  // The state after block `height` (read-only use); NotFound above the head or when pruned.
  absl::StatusOr<LedgerState> StateAt(uint64_t height) const;
  absl::StatusOr<Hash32> StateRootAt(uint64_t height) const;
  // The sets consensus uses, read from the state after block `height`.
  absl::StatusOr<std::vector<StakedMember>> ValidatorSetAt(uint64_t height) const;
  absl::StatusOr<std::vector<StakedMember>> GuardianSetAt(uint64_t height) const;

  absl::StatusOr<StoredBlock> GetBlock(uint64_t height) const;
  absl::StatusOr<StoredBlock> GetBlockByHash(const Hash32& hash) const;
  // The receipt of a transaction (by Theta or Ethereum hash); NotFound if unknown.
  absl::StatusOr<StoredReceipt> GetReceipt(const Hash32& tx_hash) const;

  // The heights in [from, to] (ascending, `to` capped at the head) whose blocks may hold a log
  // that `may_match` accepts, judged by each block's logs bloom: blocks without logs are never
  // listed, blocks whose bloom it refuses neither. A block committed before this store had the
  // index (chain_logs.cpp) is always listed (its logs are unknown here). Reads one small entry per
  // block with logs, so a range of many blocks with few logs costs little.
  absl::StatusOr<std::vector<uint64_t>> BlocksWithLogs(
      uint64_t from, uint64_t to, const std::function<bool(const LogsBloom&)>& may_match) const;

  // Trie-node garbage collection, an exact mark-and-sweep (chain_gc.cpp): marks every node that a
  // retained state root reaches (its state trie and the storage trie of each account in it), then
  // deletes every other stored trie node (a 32-byte key whose value hashes to it; nothing else in
  // the store is touched), `batch_ops` deletes per write. Memory: one hash per live node. Call it
  // between blocks while no one reads a pruned state (their nodes go). Interrupted, it leaves a
  // consistent store (only unreachable nodes are ever deleted) and can simply run again.
  // DataLoss when a retained trie is missing a node; InvalidArgument for batch_ops = 0.
  absl::StatusOr<GarbageStats> CollectGarbage(size_t batch_ops = 10'000);

 private:
  Chain(KvStore& store, std::string chain_id, ChainOptions options)
      : store_(&store),
        chain_id_(std::move(chain_id)),
        options_(options),
        node_cache_(std::make_unique<TrieNodeCache>(options.trie_cache_bytes)) {}
  absl::Status ApplyTxs(LedgerState& state, const BlockInput& block, BlockResult& result) const;

  // The state to execute block height_ + 1 on: the one kept from the block before, or reopened.
  absl::StatusOr<LedgerState> HeadState();
  // Reads where the logs index starts; a store from before the index starts it after its head.
  absl::Status OpenLogsIndex();
  // Adds block `height`'s bloom to `batch` when its receipts hold logs.
  void IndexLogs(uint64_t height, const std::vector<StoredReceipt>& receipts,
                 WriteBatch& batch) const;

  KvStore* store_;
  std::string chain_id_;
  ChainOptions options_;
  uint64_t height_ = 0;
  Hash32 root_;
  std::unique_ptr<TrieNodeCache> node_cache_;  // thread-safe: readers of StateAt share it
  // The state after the head as ApplyBlock left it (reuse_state_blocks), and for how many blocks
  // in a row it has been reused. A failed block leaves it empty: the next one reopens the state.
  std::optional<LedgerState> head_state_;
  uint64_t head_state_uses_ = 0;
  uint64_t logs_index_from_ = 0;  // every block from this height on has its logs indexed
};

// The RLP receipt stored under "c/rc/" ‖ tx hash; strict decoder for it, of either form, given
// the hash from its key (DataLoss is the caller's mapping).
Bytes EncodeReceipt(const StoredReceipt& receipt);
absl::StatusOr<StoredReceipt> DecodeReceipt(ByteView bytes, const Hash32& tx_hash);

}  // namespace theta::ledger
