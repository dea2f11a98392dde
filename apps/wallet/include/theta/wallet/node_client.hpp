// What the wallet asks a Theta node, over its native JSON-RPC (theta.* methods, protocol brief
// §6), and the checks that turn the node's answers into errors a user can act on.
//
// Methods used: theta.GetStatus (chain_id), theta.GetAccount ({address} -> {coins: {thetawei,
// tfuelwei}, sequence}, amounts and sequence as decimal strings), theta.BroadcastRawTransaction
// and ...Async ({tx_bytes} -> {hash, block?}), theta.GetTransaction ({hash} -> {status, ...}).
// An account the chain has never seen is reported by the Go node as an error whose message says
// "not found"; GetAccount turns that into an empty account (sequence 0, no coins).
//
// Thread-safety: as RpcClient (immutable; calls may run concurrently).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "theta/core/address.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/net/rpc_client.hpp"

namespace theta::wallet {

struct AccountState {
  ledger::Coins balance;
  uint64_t sequence = 0;  // of the last transaction; the next one uses sequence + 1
  bool exists = false;
};

class NodeClient {
 public:
  explicit NodeClient(net::RpcClient rpc) : rpc_(std::move(rpc)) {}

  const std::string& url() const { return rpc_.url(); }

  // The node's chain ID ("privatenet", "mainnet", ...). RpcClient's errors; Internal when the
  // answer has no chain_id.
  absl::StatusOr<std::string> ChainId() const;

  // The account's balance and sequence (an empty state for an unknown account). RpcClient's
  // errors; Internal for an answer that is not an account.
  absl::StatusOr<AccountState> GetAccount(const Address& address) const;

  // Submits a signed raw transaction; `async` returns as soon as the node has it in its mempool,
  // otherwise the node waits for the block (up to a minute). The node's answer ({"hash", ...}).
  // A refusal mentioning the sequence or the balance is turned into FailedPrecondition with the
  // fix (ExplainBroadcastError).
  absl::StatusOr<nlohmann::json> Broadcast(ByteView raw, bool async) const;

  // theta.GetTransaction's answer for a "0x" hash.
  absl::StatusOr<nlohmann::json> GetTransaction(std::string_view hash) const;

 private:
  net::RpcClient rpc_;
};

// FailedPrecondition "insufficient funds: <addr> has X THETA and Y TFUEL; this transaction needs
// A THETA and B TFUEL (amounts + fee)" when `account` cannot pay `required`; Ok otherwise.
absl::Status CheckFunds(const Address& address, const AccountState& account,
                        const ledger::Coins& required);

// FailedPrecondition "sequence mismatch: ..." with the fix when `sequence` is not the account's
// next one (account.sequence + 1); Ok otherwise.
absl::Status CheckSequence(const Address& address, const AccountState& account, uint64_t sequence);

}  // namespace theta::wallet
