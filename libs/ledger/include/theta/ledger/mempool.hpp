// The mempool: transactions admitted once (decoded, signatures checked, cached by hash), ordered
// per sender by sequence and across senders by fee priority, bounded with eviction, re-checked
// against the state after each block (Go mempool/mempool.go; brief §3.5).
//
// Admission: a raw tx (Theta or Ethereum form) is decoded and every signature it carries verified;
// AddBatch spreads the verification over worker threads (the costly part: one secp256k1 recovery
// per signature). A pending hash is refused (AlreadyExists) without work; the cache of hashes is
// the pending set, so it stays bounded (a tx included in a block fails later on its sequence).
// CoinbaseTx and SlashTx are never admitted (the proposer makes the former, the latter is not
// executable). Ordering key: the sender is the sequence-bearing signer (Send's first input, the
// source/initiator/holder/from of the others); a ServicePayment, which has no sequence of its own,
// is its own group. Priority = effective gas price: gas price for SmartContract, else fee TFUEL ÷
// nominal gas (Send 40,000 per account, others 80,000; Go getRegularTxGas). A sender's tx with the
// same sequence as a pending one replaces it only with a higher priority.
//
// Bound: at most max_txs; when full, a new tx evicts the lowest-priority sender's last tx if it
// has a higher priority (among equals the latest to arrive), else it is refused
// (ResourceExhausted). Update(state) drops every tx whose sequence the state has passed (included
// or replaced by a block) and forgets nothing else. Reap(n) returns up to n txs for a block: the
// best group head first (equal priorities first come, first served), each sender's txs in sequence
// order with no gaps from its next sequence. Thread-safe (one mutex; verification runs outside it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {

struct MempoolOptions {
  std::string chain_id;
  size_t max_txs = 25'600;  // Go MaxMempoolTxs
  size_t workers = 4;       // threads verifying an AddBatch, the caller included (one per 8 txs)
  // Rules height for decoding (Ethereum chain ID, wrapper): kAllForksHeight on a new chain.
  uint64_t rules_height = kAllForksHeight;
  // Called after txs enter the pool with their hashes in admission order: once per Add or
  // AddBatch that admitted any, on the admitting thread, outside the pool's lock. It must not call
  // back into the pool. What a node's "new pending transactions" notifications are made of.
  std::function<void(std::span<const Hash32>)> on_admitted;
};

class Mempool {
 public:
  explicit Mempool(MempoolOptions options) : options_(std::move(options)) {}

  // Admits one raw tx; its hash on success. InvalidArgument (undecodable, bad signature, Coinbase
  // or Slash), AlreadyExists (seen), ResourceExhausted (full of better txs), FailedPrecondition
  // (same sequence pending with a priority at least as high).
  absl::StatusOr<Hash32> Add(ByteView raw);
  // Admits many; verification runs on up to `workers` threads, the caller's among them. One
  // result per input, in order. `hashes`: TxHash of each raw when the caller has them (empty:
  // computed here; else the same length, or every result is InvalidArgument).
  std::vector<absl::StatusOr<Hash32>> AddBatch(const std::vector<Bytes>& raws,
                                               std::span<const Hash32> hashes = {});

  // Up to `max` raw txs for a block (see the header comment). Their signatures are verified, so
  // the block may be applied with BlockInput::signatures_verified. With `state` (the head's), a
  // sender's txs are offered only when the first is its next sequence, so that a block is not
  // refused for a tx that cannot apply yet. DataLoss from the state as it comes.
  // `in_flight` (optional): hashes of txs in proposed blocks that are not executed yet. They are
  // not offered again, and count as applied: a sender's next sequence moves past them.
  absl::StatusOr<std::vector<Bytes>> Reap(size_t max, const LedgerState* state = nullptr,
                                          const std::set<Hash32>* in_flight = nullptr) const;
  // Drops the txs the state has passed: sequence ≤ the sender's sequence in `state`; and the
  // ServicePayments listed in `included` (block tx hashes).
  absl::Status Update(const LedgerState& state, const std::vector<Hash32>& included);
  // Like Update, for a block whose signers are known (BlockResult::signers): only their accounts
  // are read, since no other sequence can have moved. The node's path after each block; a sender's
  // next sequence is remembered from here (and from Reap's reads) until its txs leave the pool.
  absl::Status UpdateSigners(const LedgerState& state, const std::vector<Address>& signers,
                             const std::vector<Hash32>& included);
  // Like UpdateSigners, with each signer's sequence after the block known (sequences[i] for
  // signers[i], BlockResult::signer_sequences): no state is read, and the pool is locked only for
  // the drops. InvalidArgument when the two lists differ in length.
  absl::Status UpdateSequences(const std::vector<Address>& signers,
                               const std::vector<uint64_t>& sequences,
                               const std::vector<Hash32>& included);

  size_t size() const;
  bool Contains(const Hash32& hash) const;
  // The sequence of `sender`'s last pending tx in an unbroken run from `next` (its next sequence
  // in the head's state), or next − 1 when it has none pending at `next`: what an Ethereum client
  // asks as the "pending" nonce.
  uint64_t LastPendingSequence(const Address& sender, uint64_t next) const;

 private:
  struct Entry {
    Hash32 hash;
    Bytes raw;
    uint256 priority;
    uint64_t arrival = 0;  // admission order, the tie-break between equal priorities
  };
  struct Admitted {
    Hash32 hash;
    Address sender;
    uint64_t sequence = 0;  // 0: a ServicePayment (no sequence)
    Entry entry;
  };
  // Decodes and verifies (no lock held); hash = TxHash(raw).
  absl::StatusOr<Admitted> Verify(ByteView raw, const Hash32& hash) const;
  absl::StatusOr<Hash32> Insert(Admitted admitted);
  bool EvictFor(const uint256& priority);
  void Erase(const Address& sender, uint64_t sequence);

  MempoolOptions options_;
  mutable std::mutex mu_;
  // Hash tables: every admitted tx is looked up and inserted here, and every committed one erased,
  // thousands per second; no order among senders is needed (Reap orders by priority and arrival,
  // eviction by priority, then the latest arrival).
  absl::flat_hash_map<Address, std::map<uint64_t, Entry>> by_sender_;
  absl::flat_hash_map<Hash32, Entry> payments_;  // ServicePayments by hash
  absl::flat_hash_set<Hash32> seen_;             // hashes pending (the admission cache)
  size_t size_ = 0;
  uint64_t next_arrival_ = 0;
  // Each pending sender's next sequence in the head state, once read (Reap) or refreshed
  // (UpdateSigners); forgotten when the sender's last tx leaves.
  mutable absl::flat_hash_map<Address, uint64_t> next_sequence_;
};

}  // namespace theta::ledger
