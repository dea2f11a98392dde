// Account codec and the state trie.
#include "theta/ledger/state.hpp"

#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {

const Hash32 kEmptyCodeHash = Keccak256({});

namespace {

constexpr std::string_view kAccountPrefix = "ls/a/";
constexpr std::string_view kCodePrefix = "ls/ch/";
constexpr std::string_view kSplitRulePrefix = "ls/ssc/split/";

void WriteReservedFund(RlpWriter& w, const ReservedFund& fund) {
  w.BeginList();
  WriteCoins(w, fund.collateral);
  WriteCoins(w, fund.initial_fund);
  WriteCoins(w, fund.used_fund);
  w.BeginList();
  for (const std::string& id : fund.resource_ids)
    w.AddString(id);
  w.EndList();
  w.AddUint(fund.end_block_height).AddUint(fund.reserve_sequence);
  w.BeginList();
  for (const ServicePaymentTx& record : fund.transfer_records) {
    // A TransferRecord is a struct with one field, the ServicePaymentTx: its body is a list
    // inside a list. WriteTx writes the type first, so take the body from the encoded tx.
    const Bytes raw = EncodeTx(record);
    w.BeginList().AddRaw(ByteView(raw).subspan(1)).EndList();
  }
  w.EndList();
  w.EndList();
}

absl::StatusOr<ReservedFund> ReadReservedFund(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, "ReservedFund"));
  ReservedFund fund;
  THETA_ASSIGN_OR_RETURN(fund.collateral, r.CoinsField("Collateral"));
  THETA_ASSIGN_OR_RETURN(fund.initial_fund, r.CoinsField("InitialFund"));
  THETA_ASSIGN_OR_RETURN(fund.used_fund, r.CoinsField("UsedFund"));
  THETA_ASSIGN_OR_RETURN(fund.resource_ids, r.Strings("ResourceIDs"));
  THETA_ASSIGN_OR_RETURN(fund.end_block_height, r.Uint("EndBlockHeight"));
  THETA_ASSIGN_OR_RETURN(fund.reserve_sequence, r.Uint("ReserveSequence"));
  THETA_ASSIGN_OR_RETURN(FieldReader records, r.List("TransferRecords"));
  while (!records.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(FieldReader record, records.List("[]"));
    THETA_ASSIGN_OR_RETURN(RlpItem body, record.Next("ServicePayment"));
    THETA_RETURN_IF_ERROR(record.End());
    THETA_ASSIGN_OR_RETURN(ServicePaymentTx sp, ReadServicePaymentBody(body));
    fund.transfer_records.push_back(std::move(sp));
  }
  THETA_RETURN_IF_ERROR(r.End());
  return fund;
}

}  // namespace

Bytes EncodeSplitRule(const SplitRule& rule) {
  RlpWriter w;
  w.BeginList().AddBytes(rule.initiator.view()).AddString(rule.resource_id).BeginList();
  for (const Split& split : rule.splits)
    w.BeginList().AddBytes(split.address.view()).AddUint(split.percentage).EndList();
  w.EndList().AddUint(rule.end_block_height).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<SplitRule> DecodeSplitRule(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("SplitRule", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "SplitRule"));
  SplitRule rule;
  THETA_ASSIGN_OR_RETURN(rule.initiator, r.Addr("InitiatorAddress"));
  THETA_ASSIGN_OR_RETURN(rule.resource_id, r.String("ResourceID"));
  THETA_ASSIGN_OR_RETURN(FieldReader splits, r.List("Splits"));
  while (!splits.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(RlpItem split_item, splits.Next("[]"));
    THETA_ASSIGN_OR_RETURN(FieldReader s, FieldReader::Open(split_item, "SplitRule.Splits[]"));
    Split split;
    THETA_ASSIGN_OR_RETURN(split.address, s.Addr("Address"));
    THETA_ASSIGN_OR_RETURN(split.percentage, s.Uint("Percentage"));
    THETA_RETURN_IF_ERROR(s.End());
    rule.splits.push_back(split);
  }
  THETA_ASSIGN_OR_RETURN(rule.end_block_height, r.Uint("EndBlockHeight"));
  THETA_RETURN_IF_ERROR(r.End());
  return rule;
}

Bytes SplitRuleKey(std::string_view resource_id) {
  Bytes key(kSplitRulePrefix.begin(), kSplitRulePrefix.end());
  key.insert(key.end(), resource_id.begin(), resource_id.end());
  return key;
}

Bytes EncodeAccount(const Account& a) {
  RlpWriter w;
  w.Reserve(a.reserved_funds.empty() ? 160 : 512);
  w.BeginList().AddBytes(a.address.view()).AddUint(a.sequence);
  WriteCoins(w, a.balance);
  w.BeginList();
  for (const ReservedFund& fund : a.reserved_funds)
    WriteReservedFund(w, fund);
  w.EndList();
  w.AddUint(a.last_updated_block_height).AddBytes(a.root.view()).AddBytes(a.code_hash.view());
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<Account> DecodeAccount(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return FieldError("Account", item.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*item, "Account"));
  Account a;
  THETA_ASSIGN_OR_RETURN(a.address, r.Addr("Address"));
  THETA_ASSIGN_OR_RETURN(a.sequence, r.Uint("Sequence"));
  THETA_ASSIGN_OR_RETURN(a.balance, r.CoinsField("Balance"));
  THETA_ASSIGN_OR_RETURN(FieldReader funds, r.List("ReservedFunds"));
  while (!funds.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(RlpItem fund_item, funds.Next("[]"));
    THETA_ASSIGN_OR_RETURN(ReservedFund fund, ReadReservedFund(fund_item));
    a.reserved_funds.push_back(std::move(fund));
  }
  THETA_ASSIGN_OR_RETURN(a.last_updated_block_height, r.Uint("LastUpdatedBlockHeight"));
  THETA_ASSIGN_OR_RETURN(a.root, r.Hash("Root"));
  THETA_ASSIGN_OR_RETURN(a.code_hash, r.Hash("CodeHash"));
  THETA_RETURN_IF_ERROR(r.End());
  return a;
}

Bytes AccountKey(const Address& address) {
  Bytes key(kAccountPrefix.begin(), kAccountPrefix.end());
  key.insert(key.end(), address.view().begin(), address.view().end());
  return key;
}

Bytes CodeKey(const Hash32& code_hash) {
  Bytes key(kCodePrefix.begin(), kCodePrefix.end());
  key.insert(key.end(), code_hash.view().begin(), code_hash.view().end());
  return key;
}

LedgerState::LedgerState(const KvStore& store) : store_(&store), trie_(store) {}

absl::StatusOr<LedgerState> LedgerState::Open(const KvStore& store, const Hash32& root,
                                              TrieNodeCache* node_cache) {
  TrieOptions options;
  options.node_cache = node_cache;
  THETA_ASSIGN_OR_RETURN(Trie trie, Trie::Open(store, root, std::move(options)));
  return LedgerState(store, std::move(trie), node_cache);
}

absl::Status LedgerState::DeleteAccount(const Address& address) {
  storage_tries_.erase(address);
  return trie_.Delete(AccountKey(address));
}

absl::StatusOr<std::optional<SplitRule>> LedgerState::GetSplitRule(
    std::string_view resource_id) const {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, trie_.Get(SplitRuleKey(resource_id)));
  if (!value) return std::optional<SplitRule>();
  absl::StatusOr<SplitRule> rule = DecodeSplitRule(*value);
  if (!rule.ok())
    return absl::DataLossError(
        absl::StrCat("state: split rule \"", std::string(resource_id),
                     "\" is corrupt: ", std::string(rule.status().message())));
  return std::optional<SplitRule>(std::move(*rule));
}

absl::Status LedgerState::SetSplitRule(const SplitRule& rule) {
  return trie_.Put(SplitRuleKey(rule.resource_id), EncodeSplitRule(rule));
}

absl::Status LedgerState::DeleteSplitRule(std::string_view resource_id) {
  return trie_.Delete(SplitRuleKey(resource_id));
}

absl::StatusOr<Bytes> LedgerState::GetCode(const Hash32& code_hash) const {
  if (code_hash == kEmptyCodeHash) return Bytes{};
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> code, trie_.Get(CodeKey(code_hash)));
  if (!code)
    return absl::DataLossError(
        absl::StrCat("state: code ", ToHex(code_hash.view()), " is missing"));
  return std::move(*code);
}

absl::StatusOr<Hash32> LedgerState::SetCode(ByteView code) {
  const Hash32 hash = Keccak256(code);
  if (code.empty()) return hash;
  THETA_RETURN_IF_ERROR(trie_.Put(CodeKey(hash), code));
  return hash;
}

absl::StatusOr<Trie*> LedgerState::StorageTrie(const Account& account) const {
  // Go's NewAccount leaves Root as 32 zero bytes: an empty storage trie.
  const Hash32 root = account.root == Hash32{} ? kEmptyTrieRoot : account.root;
  auto it = storage_tries_.find(account.address);
  if (it != storage_tries_.end() && it->second.RootHash() == root) return &it->second;
  TrieOptions options;
  options.node_cache = node_cache_;
  THETA_ASSIGN_OR_RETURN(Trie trie, Trie::Open(*store_, root, std::move(options)));
  it = storage_tries_.insert_or_assign(account.address, std::move(trie)).first;
  return &it->second;
}

absl::StatusOr<uint256> LedgerState::GetStorage(const Account& account, const Hash32& slot) const {
  THETA_ASSIGN_OR_RETURN(Trie * trie, StorageTrie(account));
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, trie->Get(slot.view()));
  if (!value) return uint256(0);
  absl::StatusOr<RlpItem> item = DecodeRlp(*value);
  absl::StatusOr<uint256> word =
      item.ok() && item->is_string() && item->payload.size() <= 32
          ? uint256::FromBigEndian(item->payload)
          : absl::StatusOr<uint256>(absl::InvalidArgumentError("not an RLP word"));
  if (!word.ok())
    return absl::DataLossError(absl::StrCat("state: storage slot ", ToHex(slot.view()), " of ",
                                            ToChecksumHex(account.address), " is corrupt"));
  return *word;
}

absl::Status LedgerState::SetStorage(Account& account, const Hash32& slot, const uint256& value) {
  THETA_ASSIGN_OR_RETURN(Trie * trie, StorageTrie(account));
  if (value.IsZero()) {
    THETA_RETURN_IF_ERROR(trie->Delete(slot.view()));
  } else {
    RlpWriter w;
    w.AddBytes(value.ToBigEndianTrimmed());
    THETA_RETURN_IF_ERROR(trie->Put(slot.view(), std::move(w).Finish()));
  }
  account.root = trie->RootHash();
  return absl::OkStatus();
}

Hash32 LedgerState::Commit(WriteBatch& batch) {
  for (auto& [address, trie] : storage_tries_)
    trie.Commit(batch);
  return trie_.Commit(batch);
}

absl::StatusOr<std::optional<Account>> LedgerState::GetAccount(const Address& address) const {
  THETA_ASSIGN_OR_RETURN(std::optional<Bytes> value, trie_.GetAndKeep(AccountKey(address)));
  if (!value) return std::optional<Account>();
  absl::StatusOr<Account> account = DecodeAccount(*value);
  if (!account.ok())
    return absl::DataLossError(
        absl::StrCat("state: account ", ToChecksumHex(address),
                     " is corrupt: ", std::string(account.status().message())));
  return std::optional<Account>(std::move(*account));
}

absl::Status LedgerState::SetAccount(const Account& account) {
  return trie_.Put(AccountKey(account.address), EncodeAccount(account));
}

}  // namespace theta::ledger
