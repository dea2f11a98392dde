// ChainService (chain_service.hpp): the ledger, the mempool and the commit records behind one
// reader-writer lock.
#include "theta/node/chain_service.hpp"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "record.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

using internal::DecodeRecord;
using internal::EncodeRecord;
using internal::RecordKey;

}  // namespace

absl::StatusOr<std::unique_ptr<ChainService>> ChainService::Open(KvStore& store,
                                                                 const ledger::Genesis& genesis,
                                                                 ChainServiceOptions options) {
  std::unique_ptr<ChainService> service(new ChainService());
  service->store_ = &store;
  service->options_ = options;
  service->chain_id_ = genesis.chain_id;
  // The genesis state root this genesis makes, computed in memory, names the chain.
  std::unique_ptr<KvStore> scratch = NewMemoryStore();
  THETA_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Chain> fresh,
                         ledger::Chain::Create(*scratch, genesis, options.chain));
  const consensus::Block genesis_block =
      GenesisBlock(genesis.chain_id, fresh->StateRoot(), genesis.epoch_length);
  service->genesis_hash_ = genesis_block.hash;
  service->epoch_length_ = genesis.epoch_length;

  absl::StatusOr<std::unique_ptr<ledger::Chain>> chain =
      ledger::Chain::Open(store, genesis.chain_id, options.chain);
  if (absl::IsFailedPrecondition(chain.status())) {
    chain = ledger::Chain::Create(store, genesis, options.chain);
    if (chain.ok()) {
      THETA_RETURN_IF_ERROR(store.Put(RecordKey(0), EncodeRecord(genesis_block, nullptr)));
    }
  }
  if (!chain.ok()) return chain.status();
  service->chain_ = *std::move(chain);
  THETA_ASSIGN_OR_RETURN(Hash32 root0, service->chain_->StateRootAt(0));
  if (root0 != fresh->StateRoot())
    return absl::FailedPreconditionError(absl::StrCat(
        "node store: the data directory holds another chain (genesis state root ",
        ToHex(root0.view()), ", the genesis file makes ", ToHex(fresh->StateRoot().view()), ")"));
  options.mempool.chain_id = genesis.chain_id;
  options.mempool.on_admitted =
      [service = service.get(),
       theirs = std::move(options.mempool.on_admitted)](std::span<const Hash32> hashes) {
        if (theirs) theirs(hashes);
        service->NotifyNewTxs(hashes);
      };
  service->mempool_ = std::make_unique<ledger::Mempool>(options.mempool);
  THETA_RETURN_IF_ERROR(service->Recover());
  return service;
}

// A crash between writing a block's record and applying it leaves the record one above the
// ledger's head: apply it now (the record holds everything that is needed).
absl::Status ChainService::Recover() {
  const uint64_t head = chain_->Height();
  if (head == 0) {
    head_hash_ = genesis_hash_;
  } else {
    THETA_ASSIGN_OR_RETURN(ledger::StoredBlock block, chain_->GetBlock(head));
    head_hash_ = block.hash;
  }
  absl::StatusOr<Bytes> next = store_->Get(RecordKey(head + 1));
  if (absl::IsNotFound(next.status())) return absl::OkStatus();
  if (!next.ok()) return next.status();
  BlockRecord record;
  absl::Status decoded = DecodeRecord(*next, record);
  if (!decoded.ok() || !record.qc)
    return absl::DataLossError(absl::StrCat("node store: the record of block ", head + 1,
                                            " is corrupt: ", std::string(decoded.message())));
  return Commit(record.block, *record.qc);
}

uint64_t ChainService::eth_chain_id() const {
  return ledger::EvmChainId(chain_id_, ledger::kAllForksHeight).limbs()[0];
}

absl::StatusOr<Hash32> ChainService::Submit(ByteView raw) {
  THETA_ASSIGN_OR_RETURN(Hash32 hash, mempool_->Add(raw));
  std::function<void(const Hash32&, ByteView)> hook;
  {
    std::lock_guard<std::mutex> lock(hooks_mu_);
    hook = new_tx_hook_;
  }
  if (hook) hook(hash, raw);
  return hash;
}

std::vector<absl::StatusOr<Hash32>> ChainService::SubmitBatch(const std::vector<Bytes>& raws) {
  std::vector<absl::StatusOr<Hash32>> results = mempool_->AddBatch(raws);
  std::function<void(const Hash32&, ByteView)> hook;
  {
    std::lock_guard<std::mutex> lock(hooks_mu_);
    hook = new_tx_hook_;
  }
  if (hook) {
    for (size_t i = 0; i < raws.size(); ++i) {
      if (results[i].ok()) hook(*results[i], raws[i]);
    }
  }
  return results;
}

void ChainService::SetNewTxHook(std::function<void(const Hash32&, ByteView raw)> hook) {
  std::lock_guard<std::mutex> lock(hooks_mu_);
  new_tx_hook_ = std::move(hook);
}

std::vector<Bytes> ChainService::PendingTxs(size_t max) const {
  absl::StatusOr<std::vector<Bytes>> txs = mempool_->Reap(max);
  return txs.ok() ? *std::move(txs) : std::vector<Bytes>{};
}

size_t ChainService::PendingCount() const {
  return mempool_->size();
}

Bytes ChainService::BuildPayload(const std::vector<ByteView>& uncommitted) {
  std::set<Hash32> in_flight;
  for (ByteView bytes : uncommitted) {
    absl::StatusOr<Payload> ancestor = DecodePayload(bytes, options_.max_block_txs);
    if (!ancestor.ok()) continue;  // executed as an empty block (see Commit)
    for (const Bytes& tx : ancestor->txs)
      in_flight.insert(ledger::TxHash(tx));
  }
  std::shared_lock lock(mu_);
  Payload payload;
  payload.committed_height = chain_->Height();
  payload.committed_root = chain_->StateRoot();
  absl::StatusOr<ledger::LedgerState> state = chain_->StateAt(chain_->Height());
  absl::StatusOr<std::vector<Bytes>> txs =
      mempool_->Reap(options_.max_block_txs, state.ok() ? &*state : nullptr, &in_flight);
  if (txs.ok()) {
    size_t bytes = 0;
    for (Bytes& tx : *txs) {
      bytes += tx.size();
      if (bytes > options_.max_block_bytes) break;
      payload.txs.push_back(std::move(tx));
    }
  }
  return EncodePayload(payload);
}

absl::Status ChainService::ValidatePayload(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(Payload payload, DecodePayload(bytes, options_.max_block_txs));
  size_t total = 0;
  for (const Bytes& tx : payload.txs)
    total += tx.size();
  if (total > options_.max_block_bytes)
    return absl::InvalidArgumentError(absl::StrCat(
        "payload: ", total, " bytes of transactions, at most ", options_.max_block_bytes));
  {
    std::shared_lock lock(mu_);
    if (payload.committed_height <= chain_->Height()) {
      absl::StatusOr<Hash32> root = chain_->StateRootAt(payload.committed_height);
      if (root.ok() && *root != payload.committed_root)
        return absl::InvalidArgumentError(absl::StrCat(
            "payload: the proposer's state root after block ", payload.committed_height,
            " differs from this node's (one of us diverged)"));
    }
  }
  // Checking the signatures now puts the valid txs in the mempool's cache, so the commit of this
  // block need not check them again.
  std::vector<Bytes> unknown;
  std::vector<Hash32> hashes;
  for (Bytes& tx : payload.txs) {
    const Hash32 hash = ledger::TxHash(tx);
    if (mempool_->Contains(hash)) continue;
    unknown.push_back(std::move(tx));
    hashes.push_back(hash);
  }
  if (unknown.empty()) return absl::OkStatus();
  std::vector<absl::StatusOr<Hash32>> results = mempool_->AddBatch(unknown, hashes);
  for (size_t i = 0; i < results.size(); ++i) {
    if (absl::IsInvalidArgument(results[i].status()))
      return absl::InvalidArgumentError(
          absl::StrCat("payload: transaction ", ToHex(hashes[i].view()),
                       " is invalid: ", std::string(results[i].status().message())));
  }
  // Every other outcome (admitted, or refused for room or sequence) passed the signature check.
  for (const Hash32& hash : hashes)
    NoteVerified(hash);
  return absl::OkStatus();
}

void ChainService::NoteVerified(const Hash32& hash) {
  constexpr size_t kMaxVerified = 1 << 18;
  std::lock_guard<std::mutex> lock(verified_mu_);
  if (!verified_.insert(hash).second) return;
  verified_order_.push_back(hash);
  if (verified_order_.size() > kMaxVerified) {
    verified_.erase(verified_order_.front());
    verified_order_.pop_front();
  }
}

std::vector<bool> ChainService::SignaturesVerified(const std::vector<Hash32>& hashes) const {
  std::vector<bool> verified(hashes.size());
  std::lock_guard<std::mutex> lock(verified_mu_);
  for (size_t i = 0; i < hashes.size(); ++i)
    verified[i] = mempool_->Contains(hashes[i]) || verified_.contains(hashes[i]);
  return verified;
}

}  // namespace theta::node
