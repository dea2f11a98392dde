// Transaction commands. Each builds one transaction type from its options; RunTx then either
// signs it offline (`theta-wallet sign <command>`: --sequence and --chain-id from the user, the
// raw hex to stdout or --out) or fetches chain ID, sequence and balance from the node, checks
// them, signs and broadcasts.
#include <fstream>
#include <ostream>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "context.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/wallet/abi.hpp"
#include "theta/wallet/amount.hpp"
#include "theta/wallet/tx_builder.hpp"

namespace theta::wallet::cli {
namespace {

using ledger::Coins;
using ledger::Tx;
using TxFactory =
    std::function<absl::StatusOr<Tx>(Context&, const Address& from, uint64_t sequence)>;

absl::StatusOr<uint256> AmountOption(const Context& ctx, const std::string& name,
                                     std::optional<uint256> fallback = std::nullopt) {
  auto text = ctx.args().Get(name);
  if (!text) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  auto amount = ParseAmount(*text);
  if (!amount.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", amount.status().message()));
  }
  return *amount;
}

absl::StatusOr<uint64_t> UintOption(const Context& ctx, const std::string& name,
                                    std::optional<uint64_t> fallback = std::nullopt) {
  auto text = ctx.args().Get(name);
  if (!text) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  return ParseUint64(*text, absl::StrCat("--", name));
}

absl::StatusOr<uint256> FeeOption(const Context& ctx, ledger::TxType type, size_t accounts = 2) {
  return AmountOption(ctx, "fee", MinimumFee(type, accounts));
}

absl::StatusOr<Bytes> HexOrFile(std::string_view text, std::string_view what) {
  std::string content(text);
  if (text.substr(0, 2) != "0x") {
    std::ifstream in{std::string(text)};
    if (!in)
      return absl::NotFoundError(
          absl::StrCat(std::string(what), ": cannot read ", std::string(text)));
    content.assign(std::istreambuf_iterator<char>(in), {});
    content = std::string(absl::StripAsciiWhitespace(content));
    if (content.substr(0, 2) != "0x") content = "0x" + content;
  }
  auto bytes = ParseHex(content);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": ", bytes.status().message()));
  }
  return *bytes;
}

absl::StatusOr<nlohmann::json> JsonFileOption(const Context& ctx, const std::string& name) {
  THETA_ASSIGN_OR_RETURN(std::string path, ctx.Required(name));
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--", name, ": cannot read ", path));
  Json json = Json::parse(in, nullptr, false);
  if (json.is_discarded())
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", path, " is not JSON"));
  return json;
}

absl::StatusOr<Json> ArgsOption(const Context& ctx) {
  const std::string text = ctx.args().Get("args").value_or("[]");
  Json args = Json::parse(text, nullptr, false);
  if (args.is_discarded() || !args.is_array()) {
    return absl::InvalidArgumentError("--args must be a JSON array, e.g. '[\"0xabc...\", \"5\"]'");
  }
  return args;
}

// "1.5theta,2tfuel" or "100thetawei" into coins.
absl::StatusOr<Coins> ParseCoins(const std::string& text) {
  Coins coins;
  const std::vector<std::string> parts = absl::StrSplit(text, ',');
  for (const std::string& part : parts) {
    const std::string lower = absl::AsciiStrToLower(part);
    bool matched = false;
    for (auto [unit, field] : {std::pair{std::string("tfuelwei"), &coins.tfuel_wei},
                               std::pair{std::string("thetawei"), &coins.theta_wei},
                               std::pair{std::string("tfuel"), &coins.tfuel_wei},
                               std::pair{std::string("theta"), &coins.theta_wei}}) {
      if (!lower.ends_with(unit)) continue;
      std::string amount = lower.substr(0, lower.size() - unit.size());
      if (unit.ends_with("wei")) amount += "wei";
      THETA_ASSIGN_OR_RETURN(*field, ParseAmount(amount));
      matched = true;
      break;
    }
    if (!matched) {
      return absl::InvalidArgumentError(
          absl::StrCat("amount \"", part, "\": end it with theta, tfuel, thetawei or tfuelwei"));
    }
  }
  return coins;
}

absl::StatusOr<Tx> MakeSend(Context& ctx, const Address& from, uint64_t sequence) {
  std::vector<Payment> payments;
  const std::vector<std::string> recipients = ctx.args().GetAll("to");
  if (recipients.empty()) return absl::InvalidArgumentError("--to is required");
  for (const std::string& recipient : recipients) {
    const size_t eq = recipient.find('=');
    Payment payment;
    auto address = ParseAddress(recipient.substr(0, eq));
    if (!address.ok())
      return absl::InvalidArgumentError(absl::StrCat("--to: ", address.status().message()));
    payment.to = *address;
    if (eq != std::string::npos) {
      auto coins = ParseCoins(recipient.substr(eq + 1));
      if (!coins.ok())
        return absl::InvalidArgumentError(absl::StrCat("--to: ", coins.status().message()));
      payment.coins = *coins;
    } else {
      if (recipients.size() > 1) {
        return absl::InvalidArgumentError(
            "with several --to, give each its amounts: --to ADDRESS=1.5theta,2tfuel");
      }
      THETA_ASSIGN_OR_RETURN(payment.coins.theta_wei, AmountOption(ctx, "theta", uint256(0)));
      THETA_ASSIGN_OR_RETURN(payment.coins.tfuel_wei, AmountOption(ctx, "tfuel", uint256(0)));
    }
    payments.push_back(payment);
  }
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kSend, payments.size() + 1));
  return BuildSend(from, sequence, payments, fee);
}

absl::StatusOr<Tx> MakeStakeDeposit(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(std::string purpose_text, ctx.Required("purpose"));
  THETA_ASSIGN_OR_RETURN(StakePurpose purpose, ParseStakePurpose(purpose_text));
  THETA_ASSIGN_OR_RETURN(uint256 amount, AmountOption(ctx, "amount"));
  std::optional<HolderSummary> summary;
  Address holder;
  if (auto text = ctx.args().Get("holder-summary")) {
    THETA_ASSIGN_OR_RETURN(summary, ParseHolderSummary(*text));
    holder = summary->holder;
    if (ctx.args().Has("holder")) {
      THETA_ASSIGN_OR_RETURN(Address named, ctx.AddressOption("holder"));
      if (named != holder)
        return absl::InvalidArgumentError("--holder differs from the summary's holder");
    }
  } else {
    THETA_ASSIGN_OR_RETURN(holder, ctx.AddressOption("holder"));
  }
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kDepositStake));
  return BuildDepositStake(from, sequence, holder, purpose, amount, summary, fee);
}

absl::StatusOr<Tx> MakeStakeWithdraw(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(std::string purpose_text, ctx.Required("purpose"));
  THETA_ASSIGN_OR_RETURN(StakePurpose purpose, ParseStakePurpose(purpose_text));
  THETA_ASSIGN_OR_RETURN(Address holder, ctx.AddressOption("holder"));
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kWithdrawStake));
  return BuildWithdrawStake(from, sequence, holder, purpose, fee);
}

absl::StatusOr<Tx> MakeStakeReward(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(Address beneficiary, ctx.AddressOption("beneficiary"));
  THETA_ASSIGN_OR_RETURN(uint64_t bp, UintOption(ctx, "split-basis-points"));
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kStakeRewardDistribution));
  return BuildStakeRewardDistribution(from, sequence, beneficiary, bp, fee);
}

absl::StatusOr<Tx> MakeReserveFund(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(uint256 fund, AmountOption(ctx, "fund"));
  THETA_ASSIGN_OR_RETURN(uint256 collateral, AmountOption(ctx, "collateral"));
  THETA_ASSIGN_OR_RETURN(uint64_t duration, UintOption(ctx, "duration"));
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kReserveFund));
  return BuildReserveFund(from, sequence, fund, collateral, ctx.args().GetAll("resource-id"),
                          duration, fee);
}

absl::StatusOr<Tx> MakeReleaseFund(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(uint64_t reserve_sequence, UintOption(ctx, "reserve-sequence"));
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kReleaseFund));
  return BuildReleaseFund(from, sequence, reserve_sequence, fee);
}

absl::StatusOr<Tx> MakeSplitRule(Context& ctx, const Address& from, uint64_t sequence) {
  THETA_ASSIGN_OR_RETURN(std::string resource, ctx.Required("resource-id"));
  std::vector<ledger::Split> splits;
  for (const std::string& text : ctx.args().GetAll("split")) {
    const size_t colon = text.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--split \"", text, "\": write ADDRESS:PERCENT"));
    }
    auto address = ParseAddress(text.substr(0, colon));
    if (!address.ok())
      return absl::InvalidArgumentError(absl::StrCat("--split: ", address.status().message()));
    THETA_ASSIGN_OR_RETURN(uint64_t percent,
                           ParseUint64(text.substr(colon + 1), "--split percent"));
    splits.push_back({*address, percent});
  }
  THETA_ASSIGN_OR_RETURN(uint64_t duration, UintOption(ctx, "duration"));
  THETA_ASSIGN_OR_RETURN(uint256 fee, FeeOption(ctx, ledger::TxType::kSplitRule));
  return BuildSplitRule(from, sequence, resource, splits, duration, fee);
}

absl::StatusOr<Tx> MakeContract(Context& ctx, const Address& from, uint64_t sequence, bool deploy) {
  Bytes data;
  std::optional<Address> to;
  if (deploy) {
    THETA_ASSIGN_OR_RETURN(std::string bytecode, ctx.Required("bytecode"));
    THETA_ASSIGN_OR_RETURN(data, HexOrFile(bytecode, "--bytecode"));
    if (ctx.args().Has("abi")) {
      THETA_ASSIGN_OR_RETURN(Json abi, JsonFileOption(ctx, "abi"));
      THETA_ASSIGN_OR_RETURN(AbiFunction constructor, FindAbiConstructor(abi));
      THETA_ASSIGN_OR_RETURN(Json args, ArgsOption(ctx));
      THETA_ASSIGN_OR_RETURN(Bytes encoded, AbiEncode(constructor.inputs, args));
      data.insert(data.end(), encoded.begin(), encoded.end());
    } else if (ctx.args().Has("args")) {
      return absl::InvalidArgumentError("--args needs --abi to know the constructor's types");
    }
  } else {
    THETA_ASSIGN_OR_RETURN(to, ctx.AddressOption("to"));
    if (auto raw = ctx.args().Get("data")) {
      THETA_ASSIGN_OR_RETURN(data, HexOrFile(*raw, "--data"));
    } else {
      THETA_ASSIGN_OR_RETURN(Json abi, JsonFileOption(ctx, "abi"));
      THETA_ASSIGN_OR_RETURN(std::string name, ctx.Required("function"));
      THETA_ASSIGN_OR_RETURN(Json args, ArgsOption(ctx));
      THETA_ASSIGN_OR_RETURN(AbiFunction function, FindAbiFunction(abi, name, args.size()));
      THETA_ASSIGN_OR_RETURN(data, EncodeFunctionCall(function, args));
    }
  }
  THETA_ASSIGN_OR_RETURN(uint256 value, AmountOption(ctx, "value", uint256(0)));
  THETA_ASSIGN_OR_RETURN(uint64_t gas_limit, UintOption(ctx, "gas-limit", kDefaultGasLimit));
  THETA_ASSIGN_OR_RETURN(uint64_t gas_price, UintOption(ctx, "gas-price", kDefaultGasPriceWei));
  return BuildSmartContract(from, sequence, to, value, gas_limit, gas_price, std::move(data));
}

absl::Status WriteRaw(Context& ctx, const Bytes& raw, const Tx& tx) {
  const std::string hex = ToHex(raw);
  const std::string hash = ledger::TxHash(raw).ToHex();
  if (auto out = ctx.args().Get("out")) {
    std::ofstream file(*out, std::ios::trunc);
    file << hex << "\n";
    if (!file.flush()) return absl::InternalError(absl::StrCat("--out: cannot write ", *out));
    ctx.Emit(Json{{"file", *out}, {"hash", hash}, {"tx", DescribeTx(tx)}},
             absl::StrCat("signed   ", *out, "\nhash     ", hash, "\n"));
  } else {
    ctx.Emit(Json{{"raw", hex}, {"hash", hash}, {"tx", DescribeTx(tx)}}, hex);
  }
  return absl::OkStatus();
}

// A string member of a node's JSON answer, else "" (another type must not throw).
std::string StringMember(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Prints what the node answered. `sequence` is the signer's sequence in the tx (release-fund names
// a reserve fund by it); a waited-for contract creation also shows the new contract's address,
// read from the node's receipt.
absl::Status PrintBroadcast(Context& ctx, const NodeClient& node, const Json& answer,
                            const Bytes& raw, const Tx& tx) {
  const std::string hash =
      answer.is_object() && answer.contains("hash") && answer["hash"].is_string()
          ? answer["hash"].get<std::string>()
          : ledger::TxHash(raw).ToHex();
  Json json{{"hash", hash}, {"node", answer}};
  std::string text = absl::StrCat("hash     ", hash, "\n");
  if (answer.is_object() && answer.contains("block") && answer["block"].is_object()) {
    absl::StrAppend(&text, "block    ", answer["block"].value("height", Json()).dump(), "\n");
  }
  json["sequence"] = SequenceOf(tx);
  absl::StrAppend(&text, "sequence ", SequenceOf(tx), "\n");
  const auto* contract = std::get_if<ledger::SmartContractTx>(&tx);
  if (contract != nullptr && contract->to.address == Address{} && !ctx.args().Has("async")) {
    auto included = node.GetTransaction(hash);
    if (included.ok() && included->is_object() && included->contains("receipt") &&
        (*included)["receipt"].is_object()) {
      const Json& receipt = (*included)["receipt"];
      const std::string address = StringMember(receipt, "ContractAddress");
      const std::string error = StringMember(receipt, "EvmErr");
      json["contract_address"] = address;
      json["evm_error"] = error;
      absl::StrAppend(&text, "contract ", address, "\n");
      if (!error.empty()) absl::StrAppend(&text, "evm error ", error, "\n");
    }
  }
  ctx.Emit(json, text);
  return absl::OkStatus();
}

absl::Status RunTx(Context& ctx, const TxFactory& factory) {
  THETA_ASSIGN_OR_RETURN(Address from, ctx.From());
  if (ctx.offline()) {
    THETA_ASSIGN_OR_RETURN(std::string chain_id, ctx.Required("chain-id"));
    if (!ctx.args().Has("sequence")) {
      return absl::InvalidArgumentError(
          "--sequence is required offline: the account's last sequence + 1 (`theta-wallet "
          "balance` on an online machine shows it)");
    }
    THETA_ASSIGN_OR_RETURN(uint64_t sequence, UintOption(ctx, "sequence"));
    THETA_ASSIGN_OR_RETURN(Tx tx, factory(ctx, from, sequence));
    Json what = DescribeTx(tx);
    what["chain_id"] = chain_id;
    THETA_RETURN_IF_ERROR(ctx.ConfirmOrYes(what, "Sign this transaction?"));
    THETA_ASSIGN_OR_RETURN(PrivateKey key, ctx.Unlock(from));
    THETA_RETURN_IF_ERROR(ledger::SignTx(tx, chain_id, key));
    return WriteRaw(ctx, ledger::EncodeTx(tx), tx);
  }
  THETA_ASSIGN_OR_RETURN(NodeClient node, ctx.Node());
  THETA_ASSIGN_OR_RETURN(std::string chain_id, node.ChainId());
  if (auto wanted = ctx.args().Get("chain-id"); wanted && *wanted != chain_id) {
    return absl::FailedPreconditionError(absl::StrCat("chain mismatch: the node at ", node.url(),
                                                      " runs ", chain_id, ", not ", *wanted));
  }
  THETA_ASSIGN_OR_RETURN(AccountState account, node.GetAccount(from));
  uint64_t sequence = account.sequence + 1;
  if (ctx.args().Has("sequence")) {
    THETA_ASSIGN_OR_RETURN(sequence, UintOption(ctx, "sequence"));
    THETA_RETURN_IF_ERROR(CheckSequence(from, account, sequence));
  }
  THETA_ASSIGN_OR_RETURN(Tx tx, factory(ctx, from, sequence));
  THETA_RETURN_IF_ERROR(CheckFunds(from, account, RequiredFunds(tx)));
  Json what = DescribeTx(tx);
  what["chain_id"] = chain_id;
  what["node"] = node.url();
  THETA_RETURN_IF_ERROR(ctx.ConfirmOrYes(what, "Sign and broadcast this transaction?"));
  THETA_ASSIGN_OR_RETURN(PrivateKey key, ctx.Unlock(from));
  THETA_RETURN_IF_ERROR(ledger::SignTx(tx, chain_id, key));
  const Bytes raw = ledger::EncodeTx(tx);
  THETA_ASSIGN_OR_RETURN(Json answer, node.Broadcast(raw, ctx.args().Has("async")));
  return PrintBroadcast(ctx, node, answer, raw, tx);
}

absl::Status RunBroadcast(Context& ctx) {
  if (ctx.args().positionals().size() != 1) {
    return absl::InvalidArgumentError(
        "name one FILE with a signed raw transaction (or - for stdin)");
  }
  const std::string source = ctx.args().positionals().front();
  std::string text;
  if (source == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(source);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", source));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text = std::string(absl::StripAsciiWhitespace(text));
  if (text.substr(0, 2) != "0x") text = "0x" + text;
  auto raw = ParseHex(text);
  if (!raw.ok())
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", raw.status().message()));
  auto tx = ledger::DecodeTx(*raw);
  if (!tx.ok())
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", tx.status().message()));
  THETA_ASSIGN_OR_RETURN(NodeClient node, ctx.Node());
  Json what = DescribeTx(*tx);
  what["node"] = node.url();
  THETA_RETURN_IF_ERROR(ctx.ConfirmOrYes(what, "Broadcast this signed transaction?"));
  THETA_ASSIGN_OR_RETURN(Json answer, node.Broadcast(*raw, ctx.args().Has("async")));
  return PrintBroadcast(ctx, node, answer, *raw, *tx);
}

std::vector<OptionSpec> TxOptions(std::vector<OptionSpec> own, bool has_fee = true) {
  own.push_back({"from", "ADDRESS", "signing account (default: the only key in the keystore)"});
  if (has_fee) own.push_back({"fee", "TFUEL", "fee in TFUEL (default: the chain minimum)"});
  own.push_back(
      {"sequence", "N", "the account's next sequence (online: fetched; offline: required)"});
  own.push_back(
      {"chain-id", "ID", "chain ID (online: checked against the node; offline: required)"});
  own.push_back({"async", "", "return once the node accepts the tx, without waiting for a block"});
  own.push_back({"out", "FILE", "under `sign`: write the raw tx here instead of stdout"});
  return own;
}

Command TxCommand(std::string name, std::string summary, std::vector<OptionSpec> options,
                  std::string example, TxFactory factory, bool has_fee = true) {
  Command command{std::move(name),
                  "",
                  std::move(summary),
                  TxOptions(std::move(options), has_fee),
                  std::move(example),
                  nullptr,
                  true};
  command.run = [factory](Context& ctx) { return RunTx(ctx, factory); };
  return command;
}

}  // namespace

std::vector<Command> TxCommands() {
  const OptionSpec purpose{"purpose", "KIND", "validator, guardian or een (elite edge node)"};
  std::vector<Command> commands = {
      TxCommand("send", "send THETA and/or TFUEL to one or many recipients",
                {{"to", "ADDRESS[=AMOUNTS]",
                  "recipient; with several, AMOUNTS like 1.5theta,2tfuel", true},
                 {"theta", "AMOUNT", "THETA for a single --to (decimal, or an integer with wei)"},
                 {"tfuel", "AMOUNT", "TFUEL for a single --to"}},
                "theta-wallet send --from $A0 --to $A1 --tfuel 10 --yes", MakeSend),
      TxCommand("stake deposit", "stake THETA (validator, guardian) or TFUEL (een) with a holder",
                {purpose,
                 {"holder", "ADDRESS", "the validator, guardian or EEN account"},
                 {"holder-summary", "HEX", "guardian/EEN summary (first deposit to a new holder)"},
                 {"amount", "AMOUNT", "stake in THETA (validator, guardian) or TFUEL (een)"}},
                "theta-wallet stake deposit --purpose guardian --holder-summary $G --amount 1000 "
                "--from $A0 "
                "--yes",
                MakeStakeDeposit),
      TxCommand("stake withdraw", "withdraw a stake (returned after 28,800 blocks)",
                {purpose, {"holder", "ADDRESS", "the holder staked with"}},
                "theta-wallet stake withdraw --purpose validator --holder $V0 --from $A0 --yes",
                MakeStakeWithdraw),
      TxCommand(
          "stake reward-split", "send a share of a holder's stake rewards to a beneficiary",
          {{"beneficiary", "ADDRESS", "who receives the share"},
           {"split-basis-points", "N", "share in basis points, 0..1000 (0 removes the rule)"}},
          "theta-wallet stake reward-split --beneficiary $A1 --split-basis-points 500 --from $A3 "
          "--yes",
          MakeStakeReward),
      TxCommand("reserve-fund", "lock TFUEL for off-chain micropayments",
                {{"fund", "TFUEL", "deposit paid out through service payments"},
                 {"collateral", "TFUEL", "collateral, more than the fund"},
                 {"duration", "BLOCKS", "300..43200"},
                 {"resource-id", "ID", "resource the fund pays for", true}},
                "theta-wallet reserve-fund --from $A1 --fund 10 --collateral 11 --duration 300 "
                "--resource-id video1 --yes",
                MakeReserveFund),
      TxCommand("release-fund", "release an expired reserved fund",
                {{"reserve-sequence", "N", "the sequence of the reserve-fund transaction"}},
                "theta-wallet release-fund --from $A1 --reserve-sequence $R --yes",
                MakeReleaseFund),
      TxCommand(
          "split-rule", "set how payments for a resource are split",
          {{"resource-id", "ID", "the resource"},
           {"split", "ADDRESS:PERCENT", "one share", true},
           {"duration", "BLOCKS", "how long the rule lasts"}},
          "theta-wallet split-rule --from $A1 --resource-id video1 --split $A2:30 --split $A3:20 "
          "--duration 1000 --yes",
          MakeSplitRule),
      TxCommand(
          "contract deploy", "deploy a contract (bytecode plus ABI-encoded constructor args)",
          {{"bytecode", "HEX|FILE", "init code, as 0x hex or a file holding hex"},
           {"abi", "FILE", "JSON ABI (solc/Hardhat) for the constructor arguments"},
           {"args", "JSON", "constructor arguments as a JSON array"},
           {"value", "TFUEL", "TFUEL sent to the constructor"},
           {"gas-limit", "N", "default 3,000,000 (max 20,000,000)"},
           {"gas-price", "WEI", "default 4000 Gwei"}},
          "theta-wallet contract deploy --bytecode $T/Tally.bin --abi $T/Tally.abi.json --args "
          "'[42]' --from $A0 --yes",
          [](Context& ctx, const Address& from, uint64_t seq) {
            return MakeContract(ctx, from, seq, true);
          },
          false),
      TxCommand(
          "contract call", "call a contract function (a transaction, not a dry run)",
          {{"to", "ADDRESS", "the contract"},
           {"abi", "FILE", "JSON ABI of the contract"},
           {"function", "NAME|SIGNATURE", "e.g. transfer or transfer(address,uint256)"},
           {"args", "JSON", "arguments as a JSON array"},
           {"data", "HEX|FILE", "raw call data instead of --abi/--function/--args"},
           {"value", "TFUEL", "TFUEL sent with the call"},
           {"gas-limit", "N", "default 3,000,000"},
           {"gas-price", "WEI", "default 4000 Gwei"}},
          "theta-wallet contract call --to $C --abi $T/Tally.abi.json --function add --args "
          "'[8, \"hello\"]' --from $A0 --yes",
          [](Context& ctx, const Address& from, uint64_t seq) {
            return MakeContract(ctx, from, seq, false);
          },
          false),
  };
  commands.push_back({"broadcast",
                      "FILE|-",
                      "send a raw transaction signed with `sign` to the node",
                      {{"async", "", "return once the node accepts it"}},
                      "theta-wallet broadcast tx.hex --yes",
                      RunBroadcast});
  return commands;
}

}  // namespace theta::wallet::cli
