// Go-shaped JSON of ledger values for the native RPC (field names from ledger/types/tx.go's *JSON
// structs, account.go, reserved_fund.go, split_rule.go, core/stake.go, blockchain/tx.go).
#include "theta_rpc_json.hpp"

#include <type_traits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::node::theta_rpc {
namespace {

Json InputJson(const ledger::TxInput& input) {
  return Json{{"address", HexLower(input.address.view())},
              {"coins", CoinsJson(input.coins)},
              {"sequence", Dec(input.sequence)},
              {"signature", input.signature.empty() ? Json() : Json(HexLower(input.signature))}};
}

Json OutputJson(const ledger::TxOutput& output) {
  return Json{{"address", HexLower(output.address.view())}, {"coins", CoinsJson(output.coins)}};
}

Json OutputsJson(const std::vector<ledger::TxOutput>& outputs) {
  Json list = Json::array();
  for (const auto& output : outputs)
    list.push_back(OutputJson(output));
  return list;
}

Json SplitsJson(const std::vector<ledger::Split>& splits) {
  Json list = Json::array();
  for (const auto& split : splits) {
    list.push_back({{"address", HexLower(split.address.view())}, {"percentage", split.percentage}});
  }
  return list;
}

Json OptionalHex(const Bytes& bytes) {
  return bytes.empty() ? Json() : Json(HexLower(bytes));
}

Json StakeTxJson(const ledger::Coins& fee, const ledger::TxInput& source,
                 const ledger::TxOutput& holder, uint8_t purpose) {
  return Json{{"fee", CoinsJson(fee)},
              {"source", InputJson(source)},
              {"holder", OutputJson(holder)},
              {"purpose", purpose}};
}

Json ToJson(const ledger::CoinbaseTx& tx) {
  return Json{{"proposer", InputJson(tx.proposer)},
              {"outputs", OutputsJson(tx.outputs)},
              {"block_height", Dec(tx.block_height)}};
}
Json ToJson(const ledger::SlashTx& tx) {
  return Json{{"proposer", InputJson(tx.proposer)},
              {"slashed_address", HexLower(tx.slashed_address.view())},
              {"reserve_sequence", Dec(tx.reserve_sequence)},
              {"slash_proof", Base64(tx.slash_proof)}};
}
Json ToJson(const ledger::SendTx& tx) {
  Json inputs = Json::array();
  for (const auto& input : tx.inputs)
    inputs.push_back(InputJson(input));
  return Json{{"fee", CoinsJson(tx.fee)}, {"inputs", inputs}, {"outputs", OutputsJson(tx.outputs)}};
}
Json ToJson(const ledger::ReserveFundTx& tx) {
  return Json{{"fee", CoinsJson(tx.fee)},
              {"source", InputJson(tx.source)},
              {"collateral", CoinsJson(tx.collateral)},
              {"resource_ids", tx.resource_ids},
              {"duration", Dec(tx.duration)}};
}
Json ToJson(const ledger::ReleaseFundTx& tx) {
  return Json{{"fee", CoinsJson(tx.fee)},
              {"source", InputJson(tx.source)},
              {"reserve_sequence", Dec(tx.reserve_sequence)}};
}
Json ToJson(const ledger::ServicePaymentTx& tx) {
  return Json{{"fee", CoinsJson(tx.fee)},
              {"source", InputJson(tx.source)},
              {"target", InputJson(tx.target)},
              {"payment_sequence", Dec(tx.payment_sequence)},
              {"reserve_sequence", Dec(tx.reserve_sequence)},
              {"resource_id", tx.resource_id}};
}
Json ToJson(const ledger::SplitRuleTx& tx) {
  return Json{{"fee", CoinsJson(tx.fee)},
              {"resource_id", tx.resource_id},
              {"initiator", InputJson(tx.initiator)},
              {"splits", SplitsJson(tx.splits)},
              {"duration", Dec(tx.duration)}};
}
Json ToJson(const ledger::SmartContractTx& tx) {
  return Json{{"from", InputJson(tx.from)},
              {"to", OutputJson(tx.to)},
              {"gas_limit", Dec(tx.gas_limit)},
              {"gas_price", tx.gas_price.ToDecimal()},
              {"data", Base64(tx.data)}};
}
Json ToJson(const ledger::DepositStakeTx& tx) {
  return StakeTxJson(tx.fee, tx.source, tx.holder, tx.purpose);
}
Json ToJson(const ledger::WithdrawStakeTx& tx) {
  return StakeTxJson(tx.fee, tx.source, tx.holder, tx.purpose);
}
Json ToJson(const ledger::DepositStakeV2Tx& tx) {
  // Go's DepositStakeTxV2 tags only the first four fields; the BLS ones keep their Go names.
  Json json = StakeTxJson(tx.fee, tx.source, tx.holder, tx.purpose);
  json["BlsPubkey"] = OptionalHex(tx.bls_pubkey);
  json["BlsPop"] = OptionalHex(tx.bls_pop);
  json["HolderSig"] = OptionalHex(tx.holder_sig);
  return json;
}
Json ToJson(const ledger::StakeRewardDistributionTx& tx) {
  return Json{{"fee", CoinsJson(tx.fee)},
              {"holder", InputJson(tx.holder)},
              {"beneficiary", OutputJson(tx.beneficiary)},
              {"split_basis_point", tx.split_basis_point}};
}

Json ReservedFundJson(const ledger::ReservedFund& fund) {
  Json records = Json::array();
  for (const auto& payment : fund.transfer_records) {
    records.push_back({{"service_payment", ToJson(payment)}});
  }
  return Json{{"collateral", CoinsJson(fund.collateral)},
              {"initial_fund", CoinsJson(fund.initial_fund)},
              {"used_fund", CoinsJson(fund.used_fund)},
              {"resource_ids", fund.resource_ids},
              {"end_block_height", Dec(fund.end_block_height)},
              {"reserve_sequence", Dec(fund.reserve_sequence)},
              {"transfer_records", records}};
}

}  // namespace

std::string HexLower(ByteView bytes) {
  return ToHex(bytes);
}

std::string Base64(ByteView bytes) {
  return absl::Base64Escape(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string Dec(uint64_t value) {
  return std::to_string(value);
}

Json CoinsJson(const ledger::Coins& coins) {
  return Json{{"thetawei", coins.theta_wei.ToDecimal()}, {"tfuelwei", coins.tfuel_wei.ToDecimal()}};
}

Json TxJson(const ledger::Tx& tx) {
  return std::visit([](const auto& typed) { return ToJson(typed); }, tx);
}

Json AccountJson(const ledger::Account& account) {
  Json funds = Json::array();
  for (const auto& fund : account.reserved_funds)
    funds.push_back(ReservedFundJson(fund));
  return Json{{"sequence", Dec(account.sequence)},
              {"coins", CoinsJson(account.balance)},
              {"reserved_funds", funds},
              {"last_updated_block_height", Dec(account.last_updated_block_height)},
              {"root", HexLower(account.root.view())},
              {"code", HexLower(account.code_hash.view())}};
}

Json SplitRuleJson(const ledger::SplitRule& rule) {
  return Json{{"initiator_address", HexLower(rule.initiator.view())},
              {"resource_id", rule.resource_id},
              {"splits", SplitsJson(rule.splits)},
              {"end_block_height", Dec(rule.end_block_height)}};
}

Json ReceiptJson(const ledger::StoredReceipt& stored) {
  const ledger::TxReceipt& receipt = stored.receipt;
  Json logs = Json::array();
  for (const auto& log : receipt.logs) {
    Json topics = Json::array();
    for (const auto& topic : log.topics)
      topics.push_back(HexLower(topic.view()));
    logs.push_back({{"address", HexLower(log.address.view())},
                    {"topics", topics},
                    {"data", Base64(log.data)}});
  }
  return Json{{"TxHash", HexLower(stored.tx_hash.view())},
              {"Logs", logs},
              {"EvmRet", Base64(receipt.evm_return)},
              {"ContractAddress", HexLower(receipt.contract_address.view())},
              {"GasUsed", receipt.gas_used},
              {"EvmErr", receipt.evm_error}};
}

Json StakeHolderJson(const ledger::StakeHolder& holder) {
  Json stakes = Json::array();
  for (const auto& stake : holder.stakes) {
    stakes.push_back({{"source", HexLower(stake.source.view())},
                      {"amount", stake.amount.ToDecimal()},
                      {"withdrawn", stake.withdrawn},
                      {"return_height", Dec(stake.return_height)}});
  }
  return Json{{"holder", HexLower(holder.holder.view())}, {"stakes", stakes}};
}

Json BlsHolderJson(const ledger::BlsStakeHolder& holder) {
  Json json = StakeHolderJson(holder.stake_holder);
  json["Pubkey"] = HexLower(holder.bls_pubkey);
  return json;
}

Hash32 TransactionsRoot(const std::vector<Bytes>& txs) {
  Trie trie;
  for (size_t i = 0; i < txs.size(); ++i) {
    // An in-memory trie with 1-byte-to-few-byte keys cannot fail; a failure would be a bug.
    absl::Status status = trie.Put(RlpEncodeUint(i), txs[i]);
    if (!status.ok()) return Hash32{};
  }
  return trie.RootHash();
}

Json HccJson(const consensus::QuorumCert& qc, const std::vector<ledger::StakedMember>* validators) {
  Json votes = Json::array();
  for (const auto& signature : qc.signatures) {
    Json vote = {{"Block", HexLower(qc.block_hash.view())},
                 {"Height", qc.height},
                 {"Epoch", qc.epoch},
                 {"Signature", HexLower(signature.signature)}};
    if (validators != nullptr && signature.signer < validators->size()) {
      vote["ID"] = HexLower((*validators)[signature.signer].address.view());
    }
    votes.push_back(std::move(vote));
  }
  return Json{{"Votes", votes}, {"BlockHash", HexLower(qc.block_hash.view())}};
}

absl::StatusOr<TxView> DecodeStoredTx(ByteView raw, std::string_view chain_id) {
  auto decoded = ledger::DecodeRawTx(raw, chain_id, ledger::kAllForksHeight);
  if (!decoded.ok()) {
    return absl::DataLossError(absl::StrCat("stored transaction ",
                                            HexLower(ledger::TxHash(raw).view()),
                                            " does not decode: ", decoded.status().message()));
  }
  TxView view;
  view.hash = decoded->hash;
  view.type = static_cast<int>(decoded->tx.index());
  view.from_ethereum = decoded->from_ethereum;
  view.tx = std::move(decoded->tx);
  return view;
}

}  // namespace theta::node::theta_rpc
