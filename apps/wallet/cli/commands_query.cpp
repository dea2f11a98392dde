// Read-only commands: balance, tx status, fees.
#include <ostream>

#include "absl/strings/str_cat.h"
#include "context.hpp"
#include "theta/core/status.hpp"
#include "theta/wallet/amount.hpp"
#include "theta/wallet/tx_builder.hpp"

namespace theta::wallet::cli {
namespace {

absl::Status RunBalance(Context& ctx) {
  std::vector<Address> addresses;
  for (const std::string& text : ctx.args().positionals()) {
    auto address = ParseAddress(text);
    if (!address.ok()) return address.status();
    addresses.push_back(*address);
  }
  if (addresses.empty()) {
    THETA_ASSIGN_OR_RETURN(KeystoreDir dir, ctx.Keystore());
    THETA_ASSIGN_OR_RETURN(KeystoreListing listing, dir.List());
    for (const KeystoreEntry& entry : listing.entries)
      addresses.push_back(entry.address);
    if (addresses.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no ADDRESS given and no keys in ", dir.path().string()));
    }
  }
  THETA_ASSIGN_OR_RETURN(NodeClient node, ctx.Node());
  Json list = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const Address& address : addresses) {
    THETA_ASSIGN_OR_RETURN(AccountState account, node.GetAccount(address));
    const std::string theta = FormatAmount(account.balance.theta_wei);
    const std::string tfuel = FormatAmount(account.balance.tfuel_wei);
    list.push_back({{"address", ToChecksumHex(address)},
                    {"theta", theta},
                    {"tfuel", tfuel},
                    {"thetawei", account.balance.theta_wei.ToDecimal()},
                    {"tfuelwei", account.balance.tfuel_wei.ToDecimal()},
                    {"sequence", account.sequence},
                    {"next_sequence", account.sequence + 1}});
    rows.push_back({ToChecksumHex(address), theta, tfuel, std::to_string(account.sequence)});
  }
  ctx.Emit(list, Table({"ADDRESS", "THETA", "TFUEL", "SEQUENCE"}, rows));
  return absl::OkStatus();
}

absl::Status RunTxStatus(Context& ctx) {
  if (ctx.args().positionals().size() != 1) return absl::InvalidArgumentError("name one tx HASH");
  const std::string hash = ctx.args().positionals().front();
  auto bytes = ParseHex(hash);
  if (!bytes.ok() || bytes->size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("tx hash \"", hash, "\": expected 0x and 64 hex digits"));
  }
  THETA_ASSIGN_OR_RETURN(NodeClient node, ctx.Node());
  THETA_ASSIGN_OR_RETURN(Json answer, node.GetTransaction(hash));
  std::string text = absl::StrCat("hash     ", hash, "\n");
  if (answer.is_object()) {
    absl::StrAppend(&text, "status   ", answer.value("status", std::string("unknown")), "\n");
    if (answer.contains("block_height")) {
      absl::StrAppend(&text, "block    ",
                      answer["block_height"].is_string() ? answer["block_height"].get<std::string>()
                                                         : answer["block_height"].dump(),
                      "\n");
    }
  }
  ctx.Emit(answer, text);
  return absl::OkStatus();
}

absl::Status RunFees(Context& ctx) {
  const std::string regular = FormatAmount(kMinTxFeeWei);
  const std::string per_account = FormatAmount(kSendFeePerAccountWei);
  Json json = {{"send_fee_per_account_tfuel", per_account},
               {"send_fee_minimum_tfuel", FormatAmount(MinimumFee(ledger::TxType::kSend, 2))},
               {"tx_fee_tfuel", regular},
               {"gas_price_wei", std::to_string(kDefaultGasPriceWei)},
               {"gas_limit_default", kDefaultGasLimit},
               {"gas_limit_max", kMaxGasLimit}};
  ctx.Emit(
      json,
      Table({"WHAT", "DEFAULT"},
            {{"send fee", absl::StrCat(per_account, " TFUEL x max(2, accounts)")},
             {"other tx fee", absl::StrCat(regular, " TFUEL")},
             {"contract gas price", "4000 Gwei (4e12 wei)"},
             {"contract gas limit", absl::StrCat(kDefaultGasLimit, " (max ", kMaxGasLimit, ")")}}));
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> QueryCommands() {
  return {
      {"balance",
       "[ADDRESS...]",
       "THETA, TFUEL and sequence of accounts (default: every key)",
       {},
       "theta-wallet balance $A0 $A1",
       RunBalance},
      {"tx status",
       "HASH",
       "where a transaction is: pending, finalized or not_found",
       {},
       "theta-wallet tx status $H",
       RunTxStatus},
      {"fees",
       "",
       "the default fees and gas settings the wallet uses",
       {},
       "theta-wallet fees",
       RunFees},
  };
}

}  // namespace theta::wallet::cli
