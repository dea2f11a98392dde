// Block execution and the block store (chain.hpp).
#include "theta/ledger/chain.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "chain_keys.hpp"
#include "codec.hpp"
#include "exec_util.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

constexpr std::string_view kHeadKey = "c/head";

using internal::ChainHeightKey;
using internal::ChainKey;

absl::Status Corrupt(std::string_view what, const absl::Status& status) {
  return absl::DataLossError(
      absl::StrCat("chain: ", std::string(what), " is corrupt: ", std::string(status.message())));
}

absl::StatusOr<std::optional<Bytes>> Read(const KvStore& store, ByteView key) {
  absl::StatusOr<Bytes> value = store.Get(key);
  if (value.ok()) return std::optional<Bytes>(std::move(*value));
  if (absl::IsNotFound(value.status())) return std::optional<Bytes>();
  return value.status();
}

absl::StatusOr<uint64_t> ReadUint(const KvStore& store, ByteView key, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, Read(store, key));
  if (!value) return absl::NotFoundError(absl::StrCat("chain: no ", std::string(what)));
  absl::StatusOr<RlpItem> item = DecodeRlp(*value);
  absl::StatusOr<uint64_t> n = item.ok() ? RlpUint64(*item) : item.status();
  if (!n.ok()) return Corrupt(what, n.status());
  return *n;
}

Bytes EncodeBlock(const StoredBlock& block) {
  RlpWriter w;
  w.BeginList().AddUint(block.height).AddBytes(block.hash.view());
  w.AddUint(static_cast<uint64_t>(block.timestamp)).BeginList();
  for (const Bytes& tx : block.txs)
    w.AddBytes(tx);
  w.EndList();
  if (block.txs_elsewhere) {
    w.BeginList();
    for (uint32_t index : block.refused)
      w.AddUint(index);
    w.EndList();
  }
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<StoredBlock> DecodeBlock(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("Block", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "Block"));
  StoredBlock block;
  THETA_ASSIGN_OR_RETURN(block.height, r.Uint("Height"));
  THETA_ASSIGN_OR_RETURN(block.hash, r.Hash("Hash"));
  THETA_ASSIGN_OR_RETURN(uint64_t timestamp, r.Uint("Timestamp"));
  block.timestamp = static_cast<int64_t>(timestamp);
  THETA_ASSIGN_OR_RETURN(FieldReader txs, r.List("Txs"));
  while (!txs.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(Bytes tx, txs.ByteString("[]"));
    block.txs.push_back(std::move(tx));
  }
  if (!r.AtEnd()) {
    block.txs_elsewhere = true;
    THETA_ASSIGN_OR_RETURN(FieldReader refused, r.List("Refused"));
    while (!refused.AtEnd()) {
      THETA_ASSIGN_OR_RETURN(uint64_t index, refused.Uint("[]", 0xffffffffu));
      block.refused.push_back(static_cast<uint32_t>(index));
    }
    if (!block.txs.empty())
      return absl::InvalidArgumentError("Block: transactions kept elsewhere, yet some are here");
  }
  THETA_RETURN_IF_ERROR(r.End());
  return block;
}

}  // namespace

// The compact form leaves out the hash (the key holds it) and a zero contract address: most
// receipts are plain transfers, and every committed transaction has one.
Bytes EncodeReceipt(const StoredReceipt& r) {
  RlpWriter w;
  w.Reserve(48 + r.receipt.evm_error.size() + r.receipt.evm_return.size());
  w.BeginList().AddUint(r.height).AddUint(r.index);
  w.AddUint(static_cast<uint64_t>(r.receipt.status)).AddString(r.receipt.evm_error);
  w.AddBytes(r.receipt.evm_return);
  if (r.receipt.contract_address.IsZero()) {
    w.AddBytes(ByteView{});
  } else {
    w.AddBytes(r.receipt.contract_address.view());
  }
  w.AddUint(r.receipt.gas_used).BeginList();
  for (const evm::Log& log : r.receipt.logs) {
    w.BeginList().AddBytes(log.address.view()).BeginList();
    for (const Hash32& topic : log.topics)
      w.AddBytes(topic.view());
    w.EndList().AddBytes(log.data).EndList();
  }
  w.EndList().EndList();
  return std::move(w).Finish();
}

namespace {

// The fields after the index, the same in both forms; `compact` allows an empty contract address.
absl::Status ReadReceiptBody(FieldReader& r, bool compact, StoredReceipt& out) {
  THETA_ASSIGN_OR_RETURN(out.height, r.Uint("Height"));
  THETA_ASSIGN_OR_RETURN(uint64_t index, r.Uint("Index", 0xffffffffu));
  out.index = static_cast<uint32_t>(index);
  THETA_ASSIGN_OR_RETURN(uint64_t status,
                         r.Uint("Status", static_cast<uint64_t>(evm::StatusCode::kInternalError)));
  out.receipt.status = static_cast<evm::StatusCode>(status);
  THETA_ASSIGN_OR_RETURN(out.receipt.evm_error, r.String("EvmErr"));
  THETA_ASSIGN_OR_RETURN(out.receipt.evm_return, r.ByteString("EvmRet"));
  if (compact) {
    THETA_ASSIGN_OR_RETURN(Bytes address, r.ByteString("ContractAddress"));
    if (!address.empty()) {
      absl::StatusOr<Address> contract = Address::FromBytes(address);
      if (!contract.ok()) return FieldError("Receipt.ContractAddress", contract.status());
      out.receipt.contract_address = *contract;
    }
  } else {
    THETA_ASSIGN_OR_RETURN(out.receipt.contract_address, r.Addr("ContractAddress"));
  }
  THETA_ASSIGN_OR_RETURN(out.receipt.gas_used, r.Uint("GasUsed"));
  THETA_ASSIGN_OR_RETURN(FieldReader logs, r.List("Logs"));
  while (!logs.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(FieldReader l, logs.List("[]"));
    evm::Log log;
    THETA_ASSIGN_OR_RETURN(log.address, l.Addr("Address"));
    THETA_ASSIGN_OR_RETURN(FieldReader topics, l.List("Topics"));
    while (!topics.AtEnd()) {
      THETA_ASSIGN_OR_RETURN(Hash32 topic, topics.Hash("[]"));
      log.topics.push_back(topic);
    }
    THETA_ASSIGN_OR_RETURN(log.data, l.ByteString("Data"));
    THETA_RETURN_IF_ERROR(l.End());
    out.receipt.logs.push_back(std::move(log));
  }
  return r.End();
}

}  // namespace

absl::StatusOr<StoredReceipt> DecodeReceipt(ByteView bytes, const Hash32& tx_hash) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("Receipt", item.status());
  // The earlier form (nine fields) starts with the 32-byte hash; the compact one with the height.
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok()) return FieldError("Receipt", fields.status());
  const bool compact = fields->size() != 9;
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "Receipt"));
  StoredReceipt out;
  out.tx_hash = tx_hash;
  if (!compact) {
    THETA_ASSIGN_OR_RETURN(Hash32 stored, r.Hash("TxHash"));
    if (stored != tx_hash)
      return absl::InvalidArgumentError("Receipt.TxHash: not the hash it is stored under");
  }
  THETA_RETURN_IF_ERROR(ReadReceiptBody(r, compact, out));
  return out;
}

absl::StatusOr<std::unique_ptr<Chain>> Chain::Open(KvStore& store, std::string chain_id,
                                                   ChainOptions options) {
  absl::StatusOr<uint64_t> head = ReadUint(store, AsBytes(kHeadKey), "head");
  if (absl::IsNotFound(head.status()))
    return absl::FailedPreconditionError("chain: the store holds no chain; create it from genesis");
  if (!head.ok()) return head.status();
  std::unique_ptr<Chain> chain(new Chain(store, std::move(chain_id), options));
  chain->height_ = *head;
  THETA_ASSIGN_OR_RETURN(chain->root_, chain->StateRootAt(*head));
  THETA_RETURN_IF_ERROR(chain->OpenLogsIndex());
  return chain;
}

absl::StatusOr<std::unique_ptr<Chain>> Chain::Create(KvStore& store, const Genesis& genesis,
                                                     ChainOptions options) {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> head, Read(store, AsBytes(kHeadKey)));
  if (head) return absl::AlreadyExistsError("chain: the store already holds a chain");
  LedgerState state(store);
  for (const Account& account : genesis.accounts)
    THETA_RETURN_IF_ERROR(state.SetAccount(account));
  ValidatorCandidatePool vcp;
  for (const GenesisStake& s : genesis.validators) {
    StakeHolder* holder = nullptr;
    for (StakeHolder& h : vcp.sorted_candidates) {
      if (h.holder == s.holder) holder = &h;
    }
    if (holder == nullptr) holder = &vcp.sorted_candidates.emplace_back(StakeHolder{s.holder, {}});
    holder->stakes.push_back(Stake{s.source, s.amount});
  }
  ledger::internal::SortValidatorPool(vcp);
  THETA_RETURN_IF_ERROR(SetValidatorPool(state, vcp));
  BlsCandidatePool gcp;
  for (const GenesisStake& s : genesis.guardians) {
    BlsStakeHolder* entry = nullptr;
    for (BlsStakeHolder& e : gcp.sorted) {
      if (e.stake_holder.holder == s.holder) entry = &e;
    }
    if (entry == nullptr)
      entry = &gcp.sorted.emplace_back(BlsStakeHolder{{s.holder, {}}, s.bls_pubkey});
    entry->stake_holder.stakes.push_back(Stake{s.source, s.amount});
  }
  std::sort(gcp.sorted.begin(), gcp.sorted.end(), [](const auto& a, const auto& b) {
    return a.stake_holder.holder < b.stake_holder.holder;
  });
  THETA_RETURN_IF_ERROR(SetGuardianPool(state, gcp));
  WriteBatch batch;
  const Hash32 root = state.Commit(batch);
  batch.Put(ChainHeightKey("c/root/", 0), root.view());
  batch.Put(ChainHeightKey("c/blk/", 0), EncodeBlock(StoredBlock{0, {}, 0, {}}));
  batch.Put(AsBytes(kHeadKey), RlpEncodeUint(0));
  batch.Put(AsBytes(internal::kLogsIndexFromKey), RlpEncodeUint(0));
  THETA_RETURN_IF_ERROR(store.Write(batch));
  return Open(store, genesis.chain_id, options);
}

absl::StatusOr<Hash32> Chain::StateRootAt(uint64_t height) const {
  if (height > height_ && !(height == 0 && height_ == 0))
    return absl::NotFoundError(absl::StrCat("chain: no block ", height, " yet"));
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> root,
                         Read(*store_, ChainHeightKey("c/root/", height)));
  if (!root)
    return absl::NotFoundError(absl::StrCat("chain: the state of block ", height, " is pruned"));
  if (root->size() != 32) return Corrupt("state root", absl::InvalidArgumentError("length"));
  Hash32 out;
  std::copy(root->begin(), root->end(), out.bytes.begin());
  return out;
}

absl::StatusOr<LedgerState> Chain::StateAt(uint64_t height) const {
  THETA_ASSIGN_OR_RETURN(Hash32 root, StateRootAt(height));
  return LedgerState::Open(*store_, root, node_cache_.get());
}

absl::StatusOr<std::vector<StakedMember>> Chain::ValidatorSetAt(uint64_t height) const {
  THETA_ASSIGN_OR_RETURN(LedgerState state, StateAt(height));
  return ValidatorSet(state);
}

absl::StatusOr<std::vector<StakedMember>> Chain::GuardianSetAt(uint64_t height) const {
  THETA_ASSIGN_OR_RETURN(LedgerState state, StateAt(height));
  return GuardianSet(state);
}

namespace {

// Errors that say the node, not the transaction, is at fault: they fail the block even when
// refused transactions are skipped.
bool IsNodeFault(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

void AddSigners(const Tx& tx, std::vector<Address>& out) {
  std::visit(
      [&](const auto& t) {
        if constexpr (requires { t.inputs; }) {
          for (const TxInput& in : t.inputs)
            out.push_back(in.address);
        }
        if constexpr (requires { t.proposer.address; }) out.push_back(t.proposer.address);
        if constexpr (requires { t.source.address; }) out.push_back(t.source.address);
        if constexpr (requires { t.target.address; }) out.push_back(t.target.address);
        if constexpr (requires { t.initiator.address; }) out.push_back(t.initiator.address);
        if constexpr (requires { t.from.address; }) out.push_back(t.from.address);
        if constexpr (requires { t.holder.address; }) out.push_back(t.holder.address);
      },
      tx);
}

}  // namespace

absl::Status Chain::ApplyTxs(LedgerState& state, const BlockInput& block,
                             BlockResult& result) const {
  ExecutionContext context{chain_id_, block.height, block.signatures_verified};
  context.timestamp = block.timestamp;
  context.bls_verifier = options_.bls_verifier;
  context.reward_votes = block.reward_votes;
  context.all_forks = !options_.mainnet_fork_heights;
  for (size_t i = 0; i < block.txs.size(); ++i) {
    if (!block.verified.empty())
      context.signatures_verified = i < block.verified.size() && block.verified[i];
    const Hash32 hash = i < block.hashes.size() ? block.hashes[i] : TxHash(block.txs[i]);
    absl::StatusOr<DecodedTx> tx = DecodeRawTx(block.txs[i], hash, chain_id_, RulesHeight(context));
    absl::Status status = tx.status();
    if (tx.ok() && i > 0 && std::holds_alternative<CoinbaseTx>(tx->tx))
      status = absl::InvalidArgumentError("a CoinbaseTx may only be the block's first transaction");
    StoredReceipt receipt{hash, block.height, static_cast<uint32_t>(result.txs.size()), {}};
    if (status.ok()) status = ApplyDecodedTx(state, *tx, context, &receipt.receipt);
    if (!status.ok() && block.skip_refused && !IsNodeFault(status)) {
      result.refused.push_back({receipt.tx_hash, static_cast<uint32_t>(i), std::move(status)});
      continue;
    }
    if (!status.ok())
      return absl::Status(status.code(), absl::StrCat("chain: block ", block.height, " tx ", i,
                                                      ": ", std::string(status.message())));
    result.txs.push_back(block.txs[i]);
    result.receipts.push_back(std::move(receipt));
    AddSigners(tx->tx, result.signers);
  }
  std::sort(result.signers.begin(), result.signers.end());
  result.signers.erase(std::unique(result.signers.begin(), result.signers.end()),
                       result.signers.end());
  return absl::OkStatus();
}

absl::StatusOr<BlockResult> Chain::ApplyBlock(const BlockInput& block) {
  if (block.height != height_ + 1)
    return absl::InvalidArgumentError(
        absl::StrCat("chain: block ", block.height, " does not follow the head ", height_));
  if (!block.hashes.empty() && block.hashes.size() != block.txs.size())
    return absl::InvalidArgumentError(absl::StrCat("chain: block ", block.height, " has ",
                                                   block.txs.size(), " txs but ",
                                                   block.hashes.size(), " hashes"));
  THETA_ASSIGN_OR_RETURN(LedgerState state, HeadState());
  THETA_RETURN_IF_ERROR(ReturnMaturedStakes(state, block.height).status());
  BlockResult result;
  THETA_RETURN_IF_ERROR(ApplyTxs(state, block, result));
  result.signer_sequences.reserve(result.signers.size());
  for (const Address& signer : result.signers) {
    THETA_ASSIGN_OR_RETURN(std::optional<Account> account, state.GetAccount(signer));
    result.signer_sequences.push_back(account ? account->sequence : 0);
  }
  WriteBatch batch;
  result.state_root = state.Commit(batch);
  batch.Put(ChainHeightKey("c/root/", block.height), result.state_root.view());
  StoredBlock stored{block.height, block.hash, block.timestamp, {}};
  if (block.store_txs) {
    stored.txs = result.txs;
  } else {
    stored.txs_elsewhere = true;
    for (const RefusedTx& refused : result.refused)
      stored.refused.push_back(refused.index);
  }
  batch.Put(ChainHeightKey("c/blk/", block.height), EncodeBlock(stored));
  batch.Put(ChainKey("c/bh/", block.hash.view()), RlpEncodeUint(block.height));
  // The receipt names its block and index too: it is the transaction's only index entry.
  for (const StoredReceipt& r : result.receipts)
    batch.Put(ChainKey("c/rc/", r.tx_hash.view()), EncodeReceipt(r));
  IndexLogs(block.height, result.receipts, batch);
  if (options_.pruning_depth > 0 && block.height > options_.pruning_depth)
    batch.Delete(ChainHeightKey("c/root/", block.height - options_.pruning_depth - 1));
  batch.Put(AsBytes(kHeadKey), RlpEncodeUint(block.height));
  THETA_RETURN_IF_ERROR(store_->Write(batch));
  height_ = block.height;
  root_ = result.state_root;
  if (options_.reuse_state_blocks > 0) head_state_ = std::move(state);
  return result;
}

absl::StatusOr<LedgerState> Chain::HeadState() {
  std::optional<LedgerState> kept = std::move(head_state_);
  head_state_.reset();
  if (kept && head_state_uses_ < options_.reuse_state_blocks) {
    ++head_state_uses_;
    return *std::move(kept);
  }
  head_state_uses_ = 0;
  return LedgerState::Open(*store_, root_, node_cache_.get());
}

absl::StatusOr<std::vector<Bytes>> AppliedTxs(const StoredBlock& block, std::vector<Bytes> input) {
  if (!block.txs_elsewhere) return block.txs;
  std::vector<Bytes> applied;
  applied.reserve(input.size());
  size_t next = 0;  // into block.refused
  for (size_t i = 0; i < input.size(); ++i) {
    if (next < block.refused.size() && block.refused[next] == i) {
      ++next;
      continue;
    }
    applied.push_back(std::move(input[i]));
  }
  if (next != block.refused.size())
    return absl::InvalidArgumentError(
        absl::StrCat("chain: block ", block.height, " refused a transaction past its input's end"));
  return applied;
}

absl::StatusOr<StoredBlock> Chain::GetBlock(uint64_t height) const {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value,
                         Read(*store_, ChainHeightKey("c/blk/", height)));
  if (!value) return absl::NotFoundError(absl::StrCat("chain: no block ", height));
  absl::StatusOr<StoredBlock> block = DecodeBlock(*value);
  if (!block.ok()) return Corrupt("block", block.status());
  return block;
}

absl::StatusOr<StoredBlock> Chain::GetBlockByHash(const Hash32& hash) const {
  THETA_ASSIGN_OR_RETURN(uint64_t height,
                         ReadUint(*store_, ChainKey("c/bh/", hash.view()), "block"));
  return GetBlock(height);
}

absl::StatusOr<StoredReceipt> Chain::GetReceipt(const Hash32& tx_hash) const {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value,
                         Read(*store_, ChainKey("c/rc/", tx_hash.view())));
  if (!value)
    return absl::NotFoundError(absl::StrCat("chain: no transaction ", ToHex(tx_hash.view())));
  absl::StatusOr<StoredReceipt> receipt = DecodeReceipt(*value, tx_hash);
  if (!receipt.ok()) return Corrupt("receipt", receipt.status());
  return receipt;
}

}  // namespace theta::ledger
