#include "theta/wallet/tx_builder.hpp"

#include <set>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/wallet/amount.hpp"

namespace theta::wallet {
namespace {

using ledger::Coins;
using ledger::Tx;
using ledger::TxInput;
using ledger::TxOutput;
using Json = nlohmann::json;

absl::Status Bad(std::string_view field, std::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": ", std::string(rule)));
}

TxInput Input(const Address& from, const Coins& coins, uint64_t sequence) {
  return TxInput{from, coins, sequence, {}};
}

absl::Status CheckFee(const uint256& fee, ledger::TxType type, size_t accounts) {
  const uint256 minimum = MinimumFee(type, accounts);
  if (fee < minimum) {
    return Bad("fee", absl::StrCat(FormatAmount(fee), " TFUEL is below the minimum of ",
                                   FormatAmount(minimum), " TFUEL for this transaction"));
  }
  return absl::OkStatus();
}

absl::Status CheckSum(const uint256& a, const uint256& b, std::string_view what) {
  if (a + b < a) return Bad(what, "the total overflows 2^256");
  return absl::OkStatus();
}

Json CoinsJson(const Coins& coins) {
  return {{"theta", FormatAmount(coins.theta_wei)}, {"tfuel", FormatAmount(coins.tfuel_wei)}};
}

// The one signer input of every type the wallet builds.
const TxInput* SignerInput(const Tx& tx) {
  return std::visit(
      [](const auto& t) -> const TxInput* {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>) {
          return t.inputs.empty() ? nullptr : &t.inputs.front();
        } else if constexpr (std::is_same_v<T, ledger::CoinbaseTx> ||
                             std::is_same_v<T, ledger::SlashTx>) {
          return &t.proposer;
        } else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>) {
          return &t.initiator;
        } else if constexpr (std::is_same_v<T, ledger::SmartContractTx>) {
          return &t.from;
        } else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>) {
          return &t.holder;
        } else if constexpr (std::is_same_v<T, ledger::ServicePaymentTx>) {
          return &t.target;
        } else {
          return &t.source;
        }
      },
      tx);
}

}  // namespace

uint256 MinimumFee(ledger::TxType type, size_t accounts) {
  if (type == ledger::TxType::kSend) {
    return kSendFeePerAccountWei * uint256(std::max<uint64_t>(2, accounts));
  }
  return kMinTxFeeWei;
}

absl::StatusOr<Tx> BuildSend(const Address& from, uint64_t sequence,
                             const std::vector<Payment>& outputs, const uint256& fee) {
  if (outputs.empty()) return Bad("send", "name at least one recipient");
  if (outputs.size() + 1 > ledger::kMaxAccountsAffectedPerTx) {
    return Bad("send", absl::StrCat("at most ", ledger::kMaxAccountsAffectedPerTx - 1,
                                    " recipients per transaction"));
  }
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kSend, outputs.size() + 1));
  std::set<Address> seen = {from};
  ledger::SendTx send;
  send.fee = Coins::TFuel(fee);
  Coins total = send.fee;
  for (const Payment& payment : outputs) {
    if (!seen.insert(payment.to).second) {
      return Bad("send",
                 absl::StrCat(ToChecksumHex(payment.to),
                              payment.to == from ? " is the sender" : " is named more than once"));
    }
    if (payment.coins.IsZero()) {
      return Bad("send", absl::StrCat("the payment to ", ToChecksumHex(payment.to), " is zero"));
    }
    THETA_RETURN_IF_ERROR(CheckSum(total.theta_wei, payment.coins.theta_wei, "send"));
    THETA_RETURN_IF_ERROR(CheckSum(total.tfuel_wei, payment.coins.tfuel_wei, "send"));
    total.theta_wei = total.theta_wei + payment.coins.theta_wei;
    total.tfuel_wei = total.tfuel_wei + payment.coins.tfuel_wei;
    send.outputs.push_back(TxOutput{payment.to, payment.coins});
  }
  send.inputs.push_back(Input(from, total, sequence));
  return Tx(std::move(send));
}

absl::StatusOr<StakePurpose> ParseStakePurpose(std::string_view text) {
  if (text == "validator" || text == "0") return StakePurpose::kValidator;
  if (text == "guardian" || text == "1") return StakePurpose::kGuardian;
  if (text == "een" || text == "elite-edge-node" || text == "2")
    return StakePurpose::kEliteEdgeNode;
  return Bad("purpose",
             absl::StrCat("\"", std::string(text), "\" is not validator, guardian or een"));
}

std::string_view StakePurposeName(StakePurpose purpose) {
  switch (purpose) {
    case StakePurpose::kValidator:
      return "validator";
    case StakePurpose::kGuardian:
      return "guardian";
    case StakePurpose::kEliteEdgeNode:
      return "een";
  }
  return "?";
}

absl::StatusOr<Tx> BuildDepositStake(const Address& from, uint64_t sequence, const Address& holder,
                                     StakePurpose purpose, const uint256& amount,
                                     const std::optional<HolderSummary>& summary,
                                     const uint256& fee) {
  if (amount.IsZero()) return Bad("stake", "the amount is zero");
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kDepositStake, 2));
  if (summary && summary->holder != holder) {
    return Bad("holder summary", absl::StrCat("it is for ", ToChecksumHex(summary->holder),
                                              ", not the holder ", ToChecksumHex(holder)));
  }
  if (summary && purpose == StakePurpose::kValidator) {
    return Bad("holder summary", "validators take no BLS summary; stake with --holder ADDRESS");
  }
  const Coins coins =
      purpose == StakePurpose::kEliteEdgeNode ? Coins::TFuel(amount) : Coins::Theta(amount);
  const uint8_t code = static_cast<uint8_t>(purpose);
  if (purpose == StakePurpose::kValidator) {
    return Tx(ledger::DepositStakeTx{Coins::TFuel(fee), Input(from, coins, sequence),
                                     TxOutput{holder, {}}, code});
  }
  ledger::DepositStakeV2Tx tx{
      Coins::TFuel(fee), Input(from, coins, sequence), TxOutput{holder, {}}, code, {}, {}, {}};
  if (summary) {
    tx.bls_pubkey = summary->bls_pubkey;
    tx.bls_pop = summary->bls_pop;
    tx.holder_sig = summary->holder_sig;
  }
  return Tx(std::move(tx));
}

absl::StatusOr<Tx> BuildWithdrawStake(const Address& from, uint64_t sequence, const Address& holder,
                                      StakePurpose purpose, const uint256& fee) {
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kWithdrawStake, 2));
  return Tx(ledger::WithdrawStakeTx{Coins::TFuel(fee), Input(from, {}, sequence),
                                    TxOutput{holder, {}}, static_cast<uint8_t>(purpose)});
}

absl::StatusOr<Tx> BuildReserveFund(const Address& from, uint64_t sequence, const uint256& fund,
                                    const uint256& collateral,
                                    const std::vector<std::string>& resource_ids, uint64_t duration,
                                    const uint256& fee) {
  if (fund.IsZero()) return Bad("reserve-fund", "the fund is zero");
  if (collateral <= fund) {
    return Bad("reserve-fund",
               absl::StrCat("the collateral (", FormatAmount(collateral),
                            " TFUEL) must exceed the fund (", FormatAmount(fund), " TFUEL)"));
  }
  if (duration < ledger::kMinimumFundReserveDuration ||
      duration > ledger::kMaximumFundReserveDuration) {
    return Bad("reserve-fund", absl::StrCat("the duration ", duration, " is outside ",
                                            ledger::kMinimumFundReserveDuration, "..",
                                            ledger::kMaximumFundReserveDuration, " blocks"));
  }
  if (resource_ids.empty()) return Bad("reserve-fund", "name at least one resource id");
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kReserveFund, 1));
  return Tx(ledger::ReserveFundTx{Coins::TFuel(fee), Input(from, Coins::TFuel(fund), sequence),
                                  Coins::TFuel(collateral), resource_ids, duration});
}

absl::StatusOr<Tx> BuildReleaseFund(const Address& from, uint64_t sequence,
                                    uint64_t reserve_sequence, const uint256& fee) {
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kReleaseFund, 1));
  return Tx(ledger::ReleaseFundTx{Coins::TFuel(fee), Input(from, {}, sequence), reserve_sequence});
}

absl::StatusOr<Tx> BuildSplitRule(const Address& from, uint64_t sequence,
                                  const std::string& resource_id,
                                  const std::vector<ledger::Split>& splits, uint64_t duration,
                                  const uint256& fee) {
  if (resource_id.empty()) return Bad("split-rule", "the resource id is empty");
  if (splits.size() > 511) return Bad("split-rule", "at most 511 splits");
  uint64_t total = 0;
  for (const ledger::Split& split : splits) {
    if (split.percentage > 100) {
      return Bad("split-rule",
                 absl::StrCat("the share of ", ToChecksumHex(split.address), " is over 100%"));
    }
    total += split.percentage;
  }
  if (total > 100)
    return Bad("split-rule", absl::StrCat("the shares add up to ", total, "% > 100%"));
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kSplitRule, 1));
  return Tx(ledger::SplitRuleTx{Coins::TFuel(fee), resource_id, Input(from, {}, sequence), splits,
                                duration});
}

absl::StatusOr<Tx> BuildSmartContract(const Address& from, uint64_t sequence,
                                      const std::optional<Address>& to, const uint256& value,
                                      uint64_t gas_limit, const uint256& gas_price, Bytes data) {
  if (gas_limit == 0 || gas_limit > kMaxGasLimit) {
    return Bad("gas limit", absl::StrCat(gas_limit, " is outside 1..", kMaxGasLimit));
  }
  if (gas_price < uint256(kDefaultGasPriceWei)) {
    return Bad("gas price", absl::StrCat(gas_price.ToDecimal(), " wei is below the minimum ",
                                         kDefaultGasPriceWei, " wei (4000 Gwei)"));
  }
  if (!to && data.empty()) return Bad("contract deploy", "the bytecode is empty");
  return Tx(ledger::SmartContractTx{Input(from, Coins::TFuel(value), sequence),
                                    TxOutput{to.value_or(Address{}), {}}, gas_limit, gas_price,
                                    std::move(data)});
}

absl::StatusOr<Tx> BuildStakeRewardDistribution(const Address& holder, uint64_t sequence,
                                                const Address& beneficiary, uint64_t basis_points,
                                                const uint256& fee) {
  if (basis_points > 1000) {
    return Bad("split basis points", absl::StrCat(basis_points, " is over 1000 (10%)"));
  }
  THETA_RETURN_IF_ERROR(CheckFee(fee, ledger::TxType::kStakeRewardDistribution, 1));
  return Tx(ledger::StakeRewardDistributionTx{Coins::TFuel(fee), Input(holder, {}, sequence),
                                              TxOutput{beneficiary, {}}, basis_points});
}

Address SignerOf(const Tx& tx) {
  const TxInput* input = SignerInput(tx);
  return input ? input->address : Address{};
}

uint64_t SequenceOf(const Tx& tx) {
  const TxInput* input = SignerInput(tx);
  return input ? input->sequence : 0;
}

Coins RequiredFunds(const Tx& tx) {
  return std::visit(
      [](const auto& t) -> Coins {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>) {
          return t.inputs.empty() ? Coins{} : t.inputs.front().coins;
        } else if constexpr (std::is_same_v<T, ledger::SmartContractTx>) {
          return Coins::TFuel(t.from.coins.tfuel_wei + uint256(t.gas_limit) * t.gas_price);
        } else if constexpr (std::is_same_v<T, ledger::ReserveFundTx>) {
          return Coins::TFuel(t.source.coins.tfuel_wei + t.collateral.tfuel_wei + t.fee.tfuel_wei);
        } else if constexpr (std::is_same_v<T, ledger::SplitRuleTx> ||
                             std::is_same_v<T, ledger::StakeRewardDistributionTx> ||
                             std::is_same_v<T, ledger::ReleaseFundTx> ||
                             std::is_same_v<T, ledger::WithdrawStakeTx>) {
          return t.fee;
        } else if constexpr (std::is_same_v<T, ledger::DepositStakeTx> ||
                             std::is_same_v<T, ledger::DepositStakeV2Tx>) {
          return Coins{t.source.coins.theta_wei, t.source.coins.tfuel_wei + t.fee.tfuel_wei};
        } else {
          return Coins{};
        }
      },
      tx);
}

Json DescribeTx(const Tx& tx) {
  Json out;
  out["type"] = std::string(ledger::TxTypeName(ledger::TypeOf(tx)));
  out["from"] = ToChecksumHex(SignerOf(tx));
  out["sequence"] = SequenceOf(tx);
  std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          Json outputs = Json::array();
          for (const TxOutput& o : t.outputs)
            outputs.push_back({{"to", ToChecksumHex(o.address)}, {"amount", CoinsJson(o.coins)}});
          out["outputs"] = outputs;
        } else if constexpr (std::is_same_v<T, ledger::DepositStakeTx> ||
                             std::is_same_v<T, ledger::DepositStakeV2Tx> ||
                             std::is_same_v<T, ledger::WithdrawStakeTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          out["holder"] = ToChecksumHex(t.holder.address);
          out["purpose"] = std::string(StakePurposeName(static_cast<StakePurpose>(t.purpose)));
          if constexpr (!std::is_same_v<T, ledger::WithdrawStakeTx>) {
            out["stake"] = CoinsJson(t.source.coins);
          }
          if constexpr (std::is_same_v<T, ledger::DepositStakeV2Tx>) {
            if (!t.bls_pubkey.empty()) out["bls_pubkey"] = ToHex(t.bls_pubkey);
          }
        } else if constexpr (std::is_same_v<T, ledger::ReserveFundTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          out["fund_tfuel"] = FormatAmount(t.source.coins.tfuel_wei);
          out["collateral_tfuel"] = FormatAmount(t.collateral.tfuel_wei);
          out["resource_ids"] = t.resource_ids;
          out["duration"] = t.duration;
        } else if constexpr (std::is_same_v<T, ledger::ReleaseFundTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          out["reserve_sequence"] = t.reserve_sequence;
        } else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          out["resource_id"] = t.resource_id;
          Json splits = Json::array();
          for (const ledger::Split& s : t.splits)
            splits.push_back({{"address", ToChecksumHex(s.address)}, {"percentage", s.percentage}});
          out["splits"] = splits;
          out["duration"] = t.duration;
        } else if constexpr (std::is_same_v<T, ledger::SmartContractTx>) {
          out["to"] = t.to.address == Address{} ? Json("(new contract)")
                                                : Json(ToChecksumHex(t.to.address));
          out["value_tfuel"] = FormatAmount(t.from.coins.tfuel_wei);
          out["gas_limit"] = t.gas_limit;
          out["gas_price_wei"] = t.gas_price.ToDecimal();
          out["max_fee_tfuel"] = FormatAmount(uint256(t.gas_limit) * t.gas_price);
          out["data_bytes"] = t.data.size();
        } else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>) {
          out["fee_tfuel"] = FormatAmount(t.fee.tfuel_wei);
          out["beneficiary"] = ToChecksumHex(t.beneficiary.address);
          out["split_basis_points"] = t.split_basis_point;
        }
      },
      tx);
  return out;
}

}  // namespace theta::wallet
