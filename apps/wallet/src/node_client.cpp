#include "theta/wallet/node_client.hpp"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/wallet/amount.hpp"

namespace theta::wallet {
namespace {

using Json = nlohmann::json;

// Theta's JSON carries big numbers as decimal strings; accept plain integers too.
absl::StatusOr<uint256> DecimalField(const Json& object, std::string_view key,
                                     std::string_view context) {
  auto it = object.find(std::string(key));
  if (it == object.end()) {
    return absl::InternalError(
        absl::StrCat(std::string(context), ": no \"", std::string(key), "\""));
  }
  if (it->is_number_unsigned()) return uint256(it->get<uint64_t>());
  if (it->is_string()) {
    auto value = uint256::FromDecimal(it->get_ref<const std::string&>());
    if (value.ok()) return *value;
  }
  return absl::InternalError(
      absl::StrCat(std::string(context), ": \"", std::string(key), "\" is not a decimal number"));
}

std::string CoinsText(const ledger::Coins& coins) {
  return absl::StrCat(FormatAmount(coins.theta_wei), " THETA and ", FormatAmount(coins.tfuel_wei),
                      " TFUEL");
}

}  // namespace

absl::StatusOr<std::string> NodeClient::ChainId() const {
  THETA_ASSIGN_OR_RETURN(Json status, rpc_.Call("theta.GetStatus", Json::object()));
  if (!status.is_object() || !status.contains("chain_id") || !status["chain_id"].is_string()) {
    return absl::InternalError(absl::StrCat("theta.GetStatus from ", url(), " has no chain_id"));
  }
  return status["chain_id"].get<std::string>();
}

absl::StatusOr<AccountState> NodeClient::GetAccount(const Address& address) const {
  auto answer = rpc_.Call("theta.GetAccount", Json{{"address", ToHex(address.view())}});
  AccountState state;
  if (!answer.ok()) {
    // Only the node's own "not found" means a fresh account; transport errors stay errors.
    if (absl::IsUnknown(answer.status()) &&
        absl::StrContains(absl::AsciiStrToLower(answer.status().message()), "not found")) {
      return state;
    }
    return answer.status();
  }
  if (answer->is_null()) return state;
  const std::string context = absl::StrCat("theta.GetAccount from ", url());
  if (!answer->is_object() || !answer->contains("coins") || !(*answer)["coins"].is_object()) {
    return absl::InternalError(absl::StrCat(context, ": not an account"));
  }
  const Json& coins = (*answer)["coins"];
  THETA_ASSIGN_OR_RETURN(state.balance.theta_wei, DecimalField(coins, "thetawei", context));
  THETA_ASSIGN_OR_RETURN(state.balance.tfuel_wei, DecimalField(coins, "tfuelwei", context));
  THETA_ASSIGN_OR_RETURN(uint256 sequence, DecimalField(*answer, "sequence", context));
  if (!sequence.FitsUint64())
    return absl::InternalError(absl::StrCat(context, ": sequence too big"));
  state.sequence = sequence.limb(0);
  state.exists = true;
  return state;
}

absl::StatusOr<Json> NodeClient::Broadcast(ByteView raw, bool async) const {
  const char* method =
      async ? "theta.BroadcastRawTransactionAsync" : "theta.BroadcastRawTransaction";
  auto answer = rpc_.Call(method, Json{{"tx_bytes", ToHex(raw, false)}});
  if (answer.ok()) return answer;
  const std::string message = absl::AsciiStrToLower(answer.status().message());
  if (absl::IsUnavailable(answer.status()) || absl::IsInternal(answer.status())) {
    return answer.status();
  }
  if (absl::StrContains(message, "sequence")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sequence mismatch: the node refused the transaction (", answer.status().message(),
        "); fix: sign again without --sequence so theta-wallet fetches the next one, or wait "
        "until your pending transactions are in a block"));
  }
  if (absl::StrContains(message, "insufficient") || absl::StrContains(message, "balance")) {
    return absl::FailedPreconditionError(
        absl::StrCat("insufficient funds: the node refused the transaction (",
                     answer.status().message(), "); see `theta-wallet balance`"));
  }
  return answer.status();
}

absl::StatusOr<Json> NodeClient::GetTransaction(std::string_view hash) const {
  return rpc_.Call("theta.GetTransaction", Json{{"hash", std::string(hash)}});
}

absl::Status CheckFunds(const Address& address, const AccountState& account,
                        const ledger::Coins& required) {
  if (account.balance.IsGte(required)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "insufficient funds: ", ToChecksumHex(address), " has ", CoinsText(account.balance),
      "; this transaction needs ", CoinsText(required), " (amounts + fee)"));
}

absl::Status CheckSequence(const Address& address, const AccountState& account, uint64_t sequence) {
  const uint64_t next = account.sequence + 1;
  if (sequence == next) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "sequence mismatch: the transaction uses sequence ", sequence, " but ",
      ToChecksumHex(address), " has sent ", account.sequence,
      " transactions, so the next sequence is ", next,
      "; fix: drop --sequence to let "
      "theta-wallet use the node's, or pass --sequence ",
      next, sequence > next ? " (or wait until your pending transactions are in a block)" : ""));
}

}  // namespace theta::wallet
