// ChainService (chain_service.hpp): committing blocks, subscribers and reads.
#include <limits>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "record.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/core/status.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node {

absl::Status ChainService::Commit(const consensus::Block& block, const consensus::QuorumCert& qc) {
  BlockRecord record;
  ledger::BlockResult result;
  {
    std::unique_lock lock(mu_);
    const uint64_t height = block.header.height;
    const uint64_t head = chain_->Height();
    if (height <= head) {
      THETA_ASSIGN_OR_RETURN(ledger::StoredBlock stored, chain_->GetBlock(height));
      if (height > 0 && stored.hash != block.hash)
        return absl::DataLossError(absl::StrCat("node: block ", height, " committed as ",
                                                ToHex(block.hash.view()), " but this node has ",
                                                ToHex(stored.hash.view())));
      return absl::OkStatus();
    }
    if (height != head + 1 || block.header.parent != head_hash_)
      return absl::FailedPreconditionError(
          absl::StrCat("node: block ", height, " does not extend the head ", head));
    // Honest validators refuse undecodable payloads; every node treats one that committed anyway
    // the same way, as an empty block.
    absl::StatusOr<Payload> payload = DecodePayload(block.payload, options_.max_block_txs);
    ledger::BlockInput input;
    input.height = height;
    input.hash = block.hash;
    input.timestamp = static_cast<int64_t>(block.header.timestamp_ms / 1000);
    input.skip_refused = true;
    // The record below keeps the payload, so the ledger need not store the txs again; an
    // undecodable payload (no txs) is stored as the ledger's own empty block.
    input.store_txs = !payload.ok();
    if (payload.ok()) input.txs = std::move(payload->txs);
    input.hashes.reserve(input.txs.size());
    for (const Bytes& tx : input.txs)
      input.hashes.push_back(ledger::TxHash(tx));
    input.verified = SignaturesVerified(input.hashes);
    // The record goes first: after a crash between the two writes, Recover applies it.
    THETA_RETURN_IF_ERROR(
        store_->Put(internal::RecordKey(height), internal::EncodeRecord(block, &qc)));
    THETA_ASSIGN_OR_RETURN(result, chain_->ApplyBlock(input));
    head_hash_ = block.hash;
    record.block = block;
    record.qc = qc;
    std::vector<Hash32> applied;  // the receipts' hashes are the applied txs' (one each, in order)
    applied.reserve(result.receipts.size());
    for (const ledger::StoredReceipt& receipt : result.receipts)
      applied.push_back(receipt.tx_hash);
    THETA_RETURN_IF_ERROR(FillRecord(height, record, std::move(result.txs), std::move(applied)));
    NoteSequences(result.signers, result.signer_sequences);
    (void)mempool_->UpdateSequences(result.signers, result.signer_sequences, record.tx_hashes);
  }
  std::vector<std::pair<uint64_t, Subscriber>> subscribers;
  {
    std::lock_guard<std::mutex> lock(hooks_mu_);
    subscribers = subscribers_;
  }
  const CommitEvent event{&record, &result.receipts};
  for (const auto& [id, subscriber] : subscribers)
    subscriber(event);
  return absl::OkStatus();
}

absl::StatusOr<ledger::GarbageStats> ChainService::CollectGarbage() {
  std::unique_lock lock(mu_);
  return chain_->CollectGarbage();
}

// The ledger's half of a record: applied txs, timestamp, state root, proposer address.
absl::Status ChainService::FillRecord(uint64_t height, BlockRecord& record, std::vector<Bytes> txs,
                                      std::vector<Hash32> hashes) const {
  record.height = height;
  record.hash = height == 0 ? genesis_hash_ : record.block.hash;
  record.parent = record.block.header.parent;
  record.epoch = record.block.header.epoch;
  record.round = record.block.header.round;
  record.timestamp_ms = record.block.header.timestamp_ms;
  record.timestamp = static_cast<int64_t>(record.timestamp_ms / 1000);
  THETA_ASSIGN_OR_RETURN(record.state_root, chain_->StateRootAt(height));
  record.txs = std::move(txs);
  if (hashes.size() != record.txs.size()) {
    hashes.clear();
    hashes.reserve(record.txs.size());
    for (const Bytes& tx : record.txs)
      hashes.push_back(ledger::TxHash(tx));
  }
  record.tx_hashes = std::move(hashes);
  if (height > 0) {
    absl::StatusOr<std::vector<ledger::StakedMember>> validators =
        chain_->ValidatorSetAt(CommitteeStateHeight(height));
    const size_t proposer = record.block.header.proposer;
    if (validators.ok() && proposer < validators->size())
      record.proposer = (*validators)[proposer].address;
  }
  return absl::OkStatus();
}

// The applied txs of a committed block: the ledger stored either them or which of the payload's
// txs it refused (Commit). The payload decoded when the block committed, so no size limit here.
absl::StatusOr<std::vector<Bytes>> ChainService::AppliedTxs(uint64_t height,
                                                            const consensus::Block& block) const {
  THETA_ASSIGN_OR_RETURN(ledger::StoredBlock stored, chain_->GetBlock(height));
  std::vector<Bytes> input;
  if (stored.txs_elsewhere) {
    absl::StatusOr<Payload> payload =
        DecodePayload(block.payload, std::numeric_limits<size_t>::max());
    if (!payload.ok())
      return absl::DataLossError(
          absl::StrCat("node store: the payload of block ", height,
                       " no longer decodes: ", std::string(payload.status().message())));
    input = std::move(payload->txs);
  }
  absl::StatusOr<std::vector<Bytes>> txs = ledger::AppliedTxs(stored, std::move(input));
  if (!txs.ok())
    return absl::DataLossError(
        absl::StrCat("node store: block ", height,
                     " and its record disagree: ", std::string(txs.status().message())));
  return txs;
}

absl::StatusOr<BlockRecord> ChainService::LoadRecord(uint64_t height) const {
  if (height > chain_->Height())
    return absl::NotFoundError(
        absl::StrCat("no block ", height, " yet (the head is ", chain_->Height(), ")"));
  THETA_ASSIGN_OR_RETURN(Bytes bytes, store_->Get(internal::RecordKey(height)));
  BlockRecord record;
  absl::Status decoded = internal::DecodeRecord(bytes, record);
  if (!decoded.ok())
    return absl::DataLossError(absl::StrCat("node store: the record of block ", height,
                                            " is corrupt: ", std::string(decoded.message())));
  THETA_ASSIGN_OR_RETURN(std::vector<Bytes> txs, AppliedTxs(height, record.block));
  THETA_RETURN_IF_ERROR(FillRecord(height, record, std::move(txs)));
  return record;
}

absl::Status ChainService::AddCommitProof(const CommitProof& proof) {
  std::unique_lock lock(mu_);
  if (proof.child.height == 0 || proof.child.height - 1 > chain_->Height())
    return absl::NotFoundError(
        absl::StrCat("node: block ", proof.child.height - 1, " is not committed here"));
  const uint64_t height = proof.child.height - 1;
  THETA_ASSIGN_OR_RETURN(ledger::StoredBlock stored, chain_->GetBlock(height));
  if (stored.hash != proof.child.parent ||
      proof.child_qc.block_hash != consensus::HeaderHash(proof.top()))
    return absl::InvalidArgumentError(
        absl::StrCat("node: the commit proof does not fit block ", height));
  return store_->Put(internal::ProofKey(height), internal::EncodeCommitProof(proof));
}

absl::StatusOr<CommitProof> ChainService::CommitProofAt(uint64_t height) const {
  std::shared_lock lock(mu_);
  absl::StatusOr<Bytes> bytes = store_->Get(internal::ProofKey(height));
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<CommitProof> proof = internal::DecodeCommitProof(*bytes);
  if (!proof.ok())
    return absl::DataLossError(
        absl::StrCat("node store: the commit proof of block ", height, " is corrupt"));
  return proof;
}

absl::StatusOr<Bytes> ChainService::RawRecord(uint64_t height) const {
  std::shared_lock lock(mu_);
  if (height > chain_->Height()) return absl::NotFoundError(absl::StrCat("no block ", height));
  return store_->Get(internal::RecordKey(height));
}

uint64_t ChainService::Subscribe(Subscriber subscriber) {
  std::lock_guard<std::mutex> lock(hooks_mu_);
  const uint64_t id = next_subscriber_++;
  subscribers_.emplace_back(id, std::move(subscriber));
  return id;
}

void ChainService::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(hooks_mu_);
  std::erase_if(subscribers_, [id](const auto& entry) { return entry.first == id; });
}

uint64_t ChainService::SubscribeNewTxs(TxSubscriber subscriber) {
  std::lock_guard<std::mutex> lock(hooks_mu_);
  const uint64_t id = next_subscriber_++;
  auto next = std::make_shared<std::vector<std::pair<uint64_t, TxSubscriber>>>();
  if (tx_subscribers_) *next = *tx_subscribers_;
  next->emplace_back(id, std::move(subscriber));
  tx_subscribers_ = std::move(next);
  return id;
}

void ChainService::UnsubscribeNewTxs(uint64_t id) {
  std::lock_guard<std::mutex> lock(hooks_mu_);
  if (!tx_subscribers_) return;
  auto next = std::make_shared<std::vector<std::pair<uint64_t, TxSubscriber>>>(*tx_subscribers_);
  std::erase_if(*next, [id](const auto& entry) { return entry.first == id; });
  tx_subscribers_ = next->empty() ? nullptr : std::move(next);
}

void ChainService::NotifyNewTxs(std::span<const Hash32> hashes) {
  std::shared_ptr<const std::vector<std::pair<uint64_t, TxSubscriber>>> subscribers;
  {
    std::lock_guard<std::mutex> lock(hooks_mu_);
    subscribers = tx_subscribers_;
  }
  if (!subscribers) return;
  for (const auto& [id, subscriber] : *subscribers)
    subscriber(hashes);
}

uint64_t ChainService::Height() const {
  std::shared_lock lock(mu_);
  return chain_->Height();
}

Hash32 ChainService::HeadHash() const {
  std::shared_lock lock(mu_);
  return head_hash_;
}

absl::StatusOr<BlockRecord> ChainService::BlockAt(uint64_t height) const {
  std::shared_lock lock(mu_);
  return LoadRecord(height);
}

absl::StatusOr<BlockRecord> ChainService::BlockByHash(const Hash32& hash) const {
  std::shared_lock lock(mu_);
  if (hash == genesis_hash_) return LoadRecord(0);
  absl::StatusOr<ledger::StoredBlock> stored = chain_->GetBlockByHash(hash);
  if (!stored.ok()) {
    if (absl::IsNotFound(stored.status()))
      return absl::NotFoundError(absl::StrCat("no block with hash ", ToHex(hash.view())));
    return stored.status();
  }
  return LoadRecord(stored->height);
}

absl::StatusOr<ledger::StoredReceipt> ChainService::Receipt(const Hash32& tx_hash) const {
  std::shared_lock lock(mu_);
  return chain_->GetReceipt(tx_hash);
}

absl::StatusOr<std::vector<uint64_t>> ChainService::BlocksWithLogs(
    uint64_t from, uint64_t to,
    const std::function<bool(const ledger::LogsBloom&)>& may_match) const {
  std::shared_lock lock(mu_);
  return chain_->BlocksWithLogs(from, to, may_match);
}

absl::Status ChainService::WithState(
    std::optional<uint64_t> height,
    const std::function<absl::Status(ledger::LedgerState&)>& read) const {
  std::shared_lock lock(mu_);
  THETA_ASSIGN_OR_RETURN(ledger::LedgerState state,
                         chain_->StateAt(height.value_or(chain_->Height())));
  return read(state);
}

namespace {
constexpr size_t kMaxCachedSequences = 1 << 20;  // about 40 MB at most
}  // namespace

absl::StatusOr<uint64_t> ChainService::HeadSequence(const Address& address) const {
  std::shared_lock lock(mu_);  // the head stays put meanwhile: what is read below is its state
  {
    std::lock_guard cache_lock(sequences_mu_);
    auto it = head_sequences_.find(address);
    if (it != head_sequences_.end()) return it->second;
  }
  THETA_ASSIGN_OR_RETURN(ledger::LedgerState state, chain_->StateAt(chain_->Height()));
  THETA_ASSIGN_OR_RETURN(std::optional<ledger::Account> account, state.GetAccount(address));
  const uint64_t sequence = account ? account->sequence : 0;
  std::lock_guard cache_lock(sequences_mu_);
  if (head_sequences_.size() >= kMaxCachedSequences) head_sequences_.clear();
  head_sequences_.emplace(address, sequence);
  return sequence;
}

// Commit's half of HeadSequence's cache, with mu_ held exclusively: the signers' sequences after
// the block just applied.
void ChainService::NoteSequences(const std::vector<Address>& signers,
                                 const std::vector<uint64_t>& sequences) {
  std::lock_guard cache_lock(sequences_mu_);
  if (head_sequences_.size() + signers.size() > kMaxCachedSequences) head_sequences_.clear();
  for (size_t i = 0; i < signers.size() && i < sequences.size(); ++i)
    head_sequences_.insert_or_assign(signers[i], sequences[i]);
}

absl::StatusOr<std::vector<ledger::StakedMember>> ChainService::ValidatorSetAt(
    uint64_t height) const {
  std::shared_lock lock(mu_);
  return chain_->ValidatorSetAt(height);
}

absl::StatusOr<std::vector<ledger::StakedMember>> ChainService::GuardianSetAt(
    uint64_t height) const {
  std::shared_lock lock(mu_);
  return chain_->GuardianSetAt(height);
}

}  // namespace theta::node
