// DecodeTx: the type prefix, then one strict reader per transaction struct.
#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {
namespace {

absl::StatusOr<std::vector<TxOutput>> ReadOutputs(FieldReader& r, std::string_view field) {
  THETA_ASSIGN_OR_RETURN(FieldReader list, r.List(field));
  std::vector<TxOutput> outputs;
  while (!list.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(TxOutput out, list.Output("[]"));  // named "….Outputs[]"
    outputs.push_back(std::move(out));
  }
  return outputs;
}

absl::StatusOr<Tx> ReadCoinbase(FieldReader& r) {
  CoinbaseTx tx;
  THETA_ASSIGN_OR_RETURN(tx.proposer, r.Input("Proposer"));
  THETA_ASSIGN_OR_RETURN(tx.outputs, ReadOutputs(r, "Outputs"));
  THETA_ASSIGN_OR_RETURN(tx.block_height, r.Uint("BlockHeight"));
  return tx;
}

absl::StatusOr<Tx> ReadSlash(FieldReader& r) {
  SlashTx tx;
  THETA_ASSIGN_OR_RETURN(tx.proposer, r.Input("Proposer"));
  THETA_ASSIGN_OR_RETURN(tx.slashed_address, r.Addr("SlashedAddress"));
  THETA_ASSIGN_OR_RETURN(tx.reserve_sequence, r.Uint("ReserveSequence"));
  THETA_ASSIGN_OR_RETURN(tx.slash_proof, r.ByteString("SlashProof"));
  return tx;
}

absl::StatusOr<Tx> ReadSend(FieldReader& r) {
  SendTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(FieldReader inputs, r.List("Inputs"));
  while (!inputs.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(TxInput in, inputs.Input("[]"));  // named "SendTx.Inputs[]"
    tx.inputs.push_back(std::move(in));
  }
  THETA_ASSIGN_OR_RETURN(tx.outputs, ReadOutputs(r, "Outputs"));
  return tx;
}

absl::StatusOr<Tx> ReadReserveFund(FieldReader& r) {
  ReserveFundTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.source, r.Input("Source"));
  THETA_ASSIGN_OR_RETURN(tx.collateral, r.CoinsField("Collateral"));
  THETA_ASSIGN_OR_RETURN(tx.resource_ids, r.Strings("ResourceIDs"));
  THETA_ASSIGN_OR_RETURN(tx.duration, r.Uint("Duration"));
  return tx;
}

absl::StatusOr<Tx> ReadReleaseFund(FieldReader& r) {
  ReleaseFundTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.source, r.Input("Source"));
  THETA_ASSIGN_OR_RETURN(tx.reserve_sequence, r.Uint("ReserveSequence"));
  return tx;
}

absl::StatusOr<ServicePaymentTx> ReadServicePaymentFields(FieldReader& r) {
  ServicePaymentTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.source, r.Input("Source"));
  THETA_ASSIGN_OR_RETURN(tx.target, r.Input("Target"));
  THETA_ASSIGN_OR_RETURN(tx.payment_sequence, r.Uint("PaymentSequence"));
  THETA_ASSIGN_OR_RETURN(tx.reserve_sequence, r.Uint("ReserveSequence"));
  THETA_ASSIGN_OR_RETURN(tx.resource_id, r.String("ResourceID"));
  return tx;
}

absl::StatusOr<Tx> ReadServicePayment(FieldReader& r) {
  return ReadServicePaymentFields(r);
}

absl::StatusOr<Tx> ReadSplitRule(FieldReader& r) {
  SplitRuleTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.resource_id, r.String("ResourceID"));
  THETA_ASSIGN_OR_RETURN(tx.initiator, r.Input("Initiator"));
  THETA_ASSIGN_OR_RETURN(FieldReader splits, r.List("Splits"));
  while (!splits.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(RlpItem item, splits.Next("[]"));
    THETA_ASSIGN_OR_RETURN(FieldReader s, FieldReader::Open(item, "SplitRuleTx.Splits[]"));
    Split split;
    THETA_ASSIGN_OR_RETURN(split.address, s.Addr("Address"));
    THETA_ASSIGN_OR_RETURN(split.percentage, s.Uint("Percentage"));
    THETA_RETURN_IF_ERROR(s.End());
    tx.splits.push_back(split);
  }
  THETA_ASSIGN_OR_RETURN(tx.duration, r.Uint("Duration"));
  return tx;
}

absl::StatusOr<Tx> ReadSmartContract(FieldReader& r) {
  SmartContractTx tx;
  THETA_ASSIGN_OR_RETURN(tx.from, r.Input("From"));
  THETA_ASSIGN_OR_RETURN(tx.to, r.Output("To"));
  THETA_ASSIGN_OR_RETURN(tx.gas_limit, r.Uint("GasLimit"));
  THETA_ASSIGN_OR_RETURN(tx.gas_price, r.BigUint("GasPrice"));
  THETA_ASSIGN_OR_RETURN(tx.data, r.ByteString("Data"));
  return tx;
}

template <typename StakeTx>
absl::Status ReadStakeFields(FieldReader& r, StakeTx& tx) {
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.source, r.Input("Source"));
  THETA_ASSIGN_OR_RETURN(tx.holder, r.Output("Holder"));
  THETA_ASSIGN_OR_RETURN(uint64_t purpose, r.Uint("Purpose", 0xff));  // Go: uint8
  tx.purpose = static_cast<uint8_t>(purpose);
  return absl::OkStatus();
}

absl::StatusOr<Tx> ReadDepositStake(FieldReader& r) {
  DepositStakeTx tx;
  THETA_RETURN_IF_ERROR(ReadStakeFields(r, tx));
  return tx;
}

absl::StatusOr<Tx> ReadWithdrawStake(FieldReader& r) {
  WithdrawStakeTx tx;
  THETA_RETURN_IF_ERROR(ReadStakeFields(r, tx));
  return tx;
}

absl::StatusOr<Bytes> ReadBlsField(FieldReader& r, std::string_view field, size_t size) {
  THETA_ASSIGN_OR_RETURN(Bytes bytes, r.ByteString(field));
  if (!bytes.empty() && bytes.size() != size)
    return absl::InvalidArgumentError(absl::StrCat(r.what(), ".", std::string(field), " has ",
                                                   bytes.size(), " bytes, expected 0 or ", size));
  return bytes;
}

absl::StatusOr<Tx> ReadDepositStakeV2(FieldReader& r) {
  DepositStakeV2Tx tx;
  THETA_RETURN_IF_ERROR(ReadStakeFields(r, tx));
  THETA_ASSIGN_OR_RETURN(tx.bls_pubkey, ReadBlsField(r, "BlsPubkey", 48));
  THETA_ASSIGN_OR_RETURN(tx.bls_pop, ReadBlsField(r, "BlsPop", 96));
  THETA_ASSIGN_OR_RETURN(tx.holder_sig, r.ByteString("HolderSig"));
  return tx;
}

absl::StatusOr<Tx> ReadStakeRewardDistribution(FieldReader& r) {
  StakeRewardDistributionTx tx;
  THETA_ASSIGN_OR_RETURN(tx.fee, r.CoinsField("Fee"));
  THETA_ASSIGN_OR_RETURN(tx.holder, r.Input("Holder"));
  THETA_ASSIGN_OR_RETURN(tx.beneficiary, r.Output("Beneficiary"));
  THETA_ASSIGN_OR_RETURN(tx.split_basis_point, r.Uint("SplitBasisPoint"));
  return tx;
}

using BodyReader = absl::StatusOr<Tx> (*)(FieldReader&);
constexpr BodyReader kReaders[] = {
    ReadCoinbase,     ReadSlash,          ReadSend,           ReadReserveFund,
    ReadReleaseFund,  ReadServicePayment, ReadSplitRule,      ReadSmartContract,
    ReadDepositStake, ReadWithdrawStake,  ReadDepositStakeV2, ReadStakeRewardDistribution,
};
static_assert(std::size(kReaders) == std::variant_size_v<Tx>);

}  // namespace

absl::StatusOr<ServicePaymentTx> ReadServicePaymentBody(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, "ServicePaymentTx"));
  THETA_ASSIGN_OR_RETURN(ServicePaymentTx tx, ReadServicePaymentFields(r));
  THETA_RETURN_IF_ERROR(r.End());
  return tx;
}

absl::StatusOr<Tx> DecodeTx(ByteView raw) {
  if (raw.size() > kMaxTxBytes)
    return absl::InvalidArgumentError(
        absl::StrCat("tx: ", raw.size(), " bytes exceed the maximum of ", kMaxTxBytes));
  ByteView rest;
  absl::StatusOr<RlpItem> type_item = DecodeRlpPrefix(raw, &rest);
  if (!type_item.ok()) return FieldError("tx: type", type_item.status());
  absl::StatusOr<uint64_t> type = RlpUint64(*type_item);
  if (!type.ok()) return FieldError("tx: type", type.status());
  if (*type >= std::size(kReaders))
    return absl::InvalidArgumentError(absl::StrCat("tx: unknown transaction type ", *type));
  const std::string what = absl::StrCat(std::string(TxTypeName(static_cast<TxType>(*type))), "Tx");
  absl::StatusOr<RlpItem> body = DecodeRlp(rest);
  if (!body.ok()) return FieldError(absl::StrCat("tx: ", what), body.status());
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(*body, what));
  THETA_ASSIGN_OR_RETURN(Tx tx, kReaders[*type](r));
  THETA_RETURN_IF_ERROR(r.End());
  return tx;
}

}  // namespace theta::ledger
