// RLP encoding and strict decoding of Theta transactions. Field orders follow the Go structs in
// ledger/types/tx.go; each struct is one RLP list of its fields in declaration order.
#include <string>

#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

// ---------------------------------------------------------------------------------------------
// Encoding

void WriteCoins(RlpWriter& w, const Coins& coins) {
  w.BeginList();
  WriteUint256(w, coins.theta_wei);
  WriteUint256(w, coins.tfuel_wei);
  w.EndList();
}

void WriteUint256(RlpWriter& w, const uint256& value) {
  const Hash32 word = value.ToBigEndian();
  w.AddUintBytes(word.view());
}

void WriteTxInput(RlpWriter& w, const TxInput& in) {
  w.BeginList().AddBytes(in.address.view());
  WriteCoins(w, in.coins);
  w.AddUint(in.sequence).AddBytes(in.signature).EndList();
}

void WriteTxOutput(RlpWriter& w, const TxOutput& out) {
  w.BeginList().AddBytes(out.address.view());
  WriteCoins(w, out.coins);
  w.EndList();
}

namespace {

void WriteOutputs(RlpWriter& w, const std::vector<TxOutput>& outputs) {
  w.BeginList();
  for (const TxOutput& out : outputs)
    WriteTxOutput(w, out);
  w.EndList();
}

void WriteStrings(RlpWriter& w, const std::vector<std::string>& strings) {
  w.BeginList();
  for (const std::string& s : strings)
    w.AddString(s);
  w.EndList();
}

struct BodyWriter {
  RlpWriter& w;

  void operator()(const CoinbaseTx& tx) const {
    w.BeginList();
    WriteTxInput(w, tx.proposer);
    WriteOutputs(w, tx.outputs);
    w.AddUint(tx.block_height).EndList();
  }
  void operator()(const SlashTx& tx) const {
    w.BeginList();
    WriteTxInput(w, tx.proposer);
    w.AddBytes(tx.slashed_address.view()).AddUint(tx.reserve_sequence).AddBytes(tx.slash_proof);
    w.EndList();
  }
  void operator()(const SendTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    w.BeginList();
    for (const TxInput& in : tx.inputs)
      WriteTxInput(w, in);
    w.EndList();
    WriteOutputs(w, tx.outputs);
    w.EndList();
  }
  void operator()(const ReserveFundTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    WriteTxInput(w, tx.source);
    WriteCoins(w, tx.collateral);
    WriteStrings(w, tx.resource_ids);
    w.AddUint(tx.duration).EndList();
  }
  void operator()(const ReleaseFundTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    WriteTxInput(w, tx.source);
    w.AddUint(tx.reserve_sequence).EndList();
  }
  void operator()(const ServicePaymentTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    WriteTxInput(w, tx.source);
    WriteTxInput(w, tx.target);
    w.AddUint(tx.payment_sequence).AddUint(tx.reserve_sequence).AddString(tx.resource_id);
    w.EndList();
  }
  void operator()(const SplitRuleTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    w.AddString(tx.resource_id);
    WriteTxInput(w, tx.initiator);
    w.BeginList();
    for (const Split& split : tx.splits)
      w.BeginList().AddBytes(split.address.view()).AddUint(split.percentage).EndList();
    w.EndList();
    w.AddUint(tx.duration).EndList();
  }
  void operator()(const SmartContractTx& tx) const {
    w.BeginList();
    WriteTxInput(w, tx.from);
    WriteTxOutput(w, tx.to);
    w.AddUint(tx.gas_limit);
    WriteUint256(w, tx.gas_price);
    w.AddBytes(tx.data).EndList();
  }
  template <typename StakeTx>
  void WriteStake(const StakeTx& tx) const {
    WriteCoins(w, tx.fee);
    WriteTxInput(w, tx.source);
    WriteTxOutput(w, tx.holder);
    w.AddUint(tx.purpose);
  }
  void operator()(const DepositStakeTx& tx) const {
    w.BeginList();
    WriteStake(tx);
    w.EndList();
  }
  void operator()(const WithdrawStakeTx& tx) const {
    w.BeginList();
    WriteStake(tx);
    w.EndList();
  }
  void operator()(const DepositStakeV2Tx& tx) const {
    w.BeginList();
    WriteStake(tx);
    w.AddBytes(tx.bls_pubkey).AddBytes(tx.bls_pop).AddBytes(tx.holder_sig).EndList();
  }
  void operator()(const StakeRewardDistributionTx& tx) const {
    w.BeginList();
    WriteCoins(w, tx.fee);
    WriteTxInput(w, tx.holder);
    WriteTxOutput(w, tx.beneficiary);
    w.AddUint(tx.split_basis_point).EndList();
  }
};

}  // namespace

void WriteTx(RlpWriter& w, const Tx& tx) {
  w.AddUint(tx.index());
  std::visit(BodyWriter{w}, tx);
}

Bytes EncodeTx(const Tx& tx) {
  RlpWriter w;
  WriteTx(w, tx);
  return std::move(w).Finish();
}

Hash32 TxHash(ByteView raw) noexcept {
  return Keccak256(raw);
}

std::string_view TxTypeName(TxType type) noexcept {
  switch (type) {
    case TxType::kCoinbase:
      return "Coinbase";
    case TxType::kSlash:
      return "Slash";
    case TxType::kSend:
      return "Send";
    case TxType::kReserveFund:
      return "ReserveFund";
    case TxType::kReleaseFund:
      return "ReleaseFund";
    case TxType::kServicePayment:
      return "ServicePayment";
    case TxType::kSplitRule:
      return "SplitRule";
    case TxType::kSmartContract:
      return "SmartContract";
    case TxType::kDepositStake:
      return "DepositStake";
    case TxType::kWithdrawStake:
      return "WithdrawStake";
    case TxType::kDepositStakeV2:
      return "DepositStakeV2";
    case TxType::kStakeRewardDistribution:
      return "StakeRewardDistribution";
  }
  return "Unknown";
}

// ---------------------------------------------------------------------------------------------
// Decoding

absl::Status FieldError(std::string_view field, const absl::Status& status) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), ": ", std::string(status.message())));
}

namespace {

// The name of a struct `name` read inside `parent` (none: a top-level struct).
std::string NameOf(const FieldReader* parent, std::string_view name) {
  if (parent == nullptr) return std::string(name);
  const bool index = !name.empty() && name[0] == '[';
  return absl::StrCat(parent->what(), index ? "" : ".", std::string(name));
}

}  // namespace

std::string FieldReader::what() const {
  return NameOf(parent_, name_);
}

std::string FieldReader::FieldName(std::string_view field) const {
  return absl::StrCat(what(), ".", std::string(field));
}

absl::StatusOr<RlpItem> FieldReader::Next(std::string_view field) {
  absl::StatusOr<RlpItem> item = reader_.Next();
  if (!item.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(what(), " has too few fields: ", std::string(field), " is missing"));
  return item;
}

absl::StatusOr<FieldReader> FieldReader::Open(const RlpItem& item, const FieldReader* parent,
                                              std::string_view name) {
  if (!item.is_list)
    return absl::InvalidArgumentError(absl::StrCat(NameOf(parent, name), " is not an RLP list"));
  THETA_ASSIGN_OR_RETURN(RlpListReader reader, RlpListReader::Open(item));
  return FieldReader(reader, parent, name);
}

absl::StatusOr<FieldReader> FieldReader::Open(const RlpItem& item, std::string_view what) {
  return Open(item, nullptr, what);
}

absl::Status FieldReader::End() const {
  if (!reader_.AtEnd())
    return absl::InvalidArgumentError(absl::StrCat(what(), " has too many fields"));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FieldReader::Uint(std::string_view field, uint64_t max) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Next(field));
  absl::StatusOr<uint64_t> value = RlpUint64(item);
  if (!value.ok()) return FieldError(FieldName(field), value.status());
  if (*value > max)
    return absl::InvalidArgumentError(
        absl::StrCat(FieldName(field), " is ", *value, ", above its maximum ", max));
  return *value;
}

absl::StatusOr<uint256> FieldReader::BigUint(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Next(field));
  absl::StatusOr<ByteView> bytes = RlpUintBytes(item, 32);
  if (!bytes.ok()) return FieldError(FieldName(field), bytes.status());
  return uint256::LoadBigEndian(*bytes);
}

absl::StatusOr<ByteView> FieldReader::BytesView(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Next(field));
  absl::StatusOr<ByteView> bytes = RlpBytes(item);
  if (!bytes.ok()) return FieldError(FieldName(field), bytes.status());
  return *bytes;
}

absl::StatusOr<Bytes> FieldReader::ByteString(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(ByteView bytes, BytesView(field));
  return Bytes(bytes.begin(), bytes.end());
}

absl::StatusOr<std::string> FieldReader::String(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(ByteView bytes, BytesView(field));
  return std::string(bytes.begin(), bytes.end());
}

absl::StatusOr<Address> FieldReader::Addr(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(ByteView bytes, BytesView(field));
  if (bytes.size() != Address::kSize)
    return absl::InvalidArgumentError(
        absl::StrCat(FieldName(field), " has ", bytes.size(), " bytes, an address has 20"));
  return *Address::FromBytes(bytes);
}

absl::StatusOr<Hash32> FieldReader::Hash(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(ByteView bytes, BytesView(field));
  if (bytes.size() != Hash32::kSize)
    return absl::InvalidArgumentError(
        absl::StrCat(FieldName(field), " has ", bytes.size(), " bytes, a hash has 32"));
  return *Hash32::FromBytes(bytes);
}

absl::StatusOr<uint256> ReadUint256(const RlpItem& item, std::string_view what) {
  absl::StatusOr<ByteView> bytes = RlpUintBytes(item, 32);
  if (!bytes.ok()) return FieldError(what, bytes.status());
  return uint256::LoadBigEndian(*bytes);
}

namespace {

absl::StatusOr<Coins> ReadCoinsFields(FieldReader& r) {
  Coins coins;
  THETA_ASSIGN_OR_RETURN(coins.theta_wei, r.BigUint("ThetaWei"));
  THETA_ASSIGN_OR_RETURN(coins.tfuel_wei, r.BigUint("TFuelWei"));
  THETA_RETURN_IF_ERROR(r.End());
  return coins;
}

absl::StatusOr<TxInput> ReadTxInputFields(FieldReader& r) {
  TxInput in;
  THETA_ASSIGN_OR_RETURN(in.address, r.Addr("Address"));
  THETA_ASSIGN_OR_RETURN(in.coins, r.CoinsField("Coins"));
  THETA_ASSIGN_OR_RETURN(in.sequence, r.Uint("Sequence"));
  THETA_ASSIGN_OR_RETURN(in.signature, r.ByteString("Signature"));
  THETA_RETURN_IF_ERROR(r.End());
  return in;
}

absl::StatusOr<TxOutput> ReadTxOutputFields(FieldReader& r) {
  TxOutput out;
  THETA_ASSIGN_OR_RETURN(out.address, r.Addr("Address"));
  THETA_ASSIGN_OR_RETURN(out.coins, r.CoinsField("Coins"));
  THETA_RETURN_IF_ERROR(r.End());
  return out;
}

}  // namespace

absl::StatusOr<Coins> ReadCoins(const RlpItem& item, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, what));
  return ReadCoinsFields(r);
}

absl::StatusOr<TxInput> ReadTxInput(const RlpItem& item, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, what));
  return ReadTxInputFields(r);
}

absl::StatusOr<TxOutput> ReadTxOutput(const RlpItem& item, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, what));
  return ReadTxOutputFields(r);
}

absl::StatusOr<FieldReader> FieldReader::List(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Next(field));
  return Open(item, this, field);
}

absl::StatusOr<Coins> FieldReader::CoinsField(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, List(field));
  return ReadCoinsFields(r);
}

absl::StatusOr<TxInput> FieldReader::Input(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, List(field));
  return ReadTxInputFields(r);
}

absl::StatusOr<TxOutput> FieldReader::Output(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, List(field));
  return ReadTxOutputFields(r);
}

absl::StatusOr<std::vector<std::string>> FieldReader::Strings(std::string_view field) {
  THETA_ASSIGN_OR_RETURN(FieldReader list, List(field));
  std::vector<std::string> out;
  while (!list.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(std::string s, list.String("[]"));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace theta::ledger
