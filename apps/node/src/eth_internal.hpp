// The parts the Ethereum RPC's files share (eth_rpc.hpp): geth's encodings of quantities, data
// and block tags, strict parsing of params, and the JSON of blocks, transactions, receipts and logs
// as ethers v6 reads them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/ledger/call.hpp"
#include "theta/ledger/chain.hpp"
#include "theta/ledger/logs_bloom.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/eth_rpc.hpp"

namespace theta::node::eth {

using net::Json;

// JSON-RPC codes beyond the spec's, as geth uses them.
inline constexpr int kEthServerError = -32000;  // execution failed, tx refused, header not found
inline constexpr int kEthRevert = 3;            // execution reverted (data = revert bytes)

// --- encodings --------------------------------------------------------------------------------
std::string Quantity(uint64_t value);
std::string Quantity(const uint256& value);
std::string Data(ByteView bytes);
std::string HashHex(const Hash32& hash);
std::string AddressHex(const Address& address);  // lower case, as geth

// --- params -------------------------------------------------------------------------------------
// Positional param `i` (null when absent). InvalidArgument when `params` is neither an array nor
// null.
absl::StatusOr<Json> Param(const Json& params, size_t i);
// Each names `what` in its error (an InvalidArgument, which the dispatcher answers with -32602).
absl::StatusOr<uint64_t> ParseU64(const Json& value, std::string_view what);
absl::StatusOr<uint256> ParseU256(const Json& value, std::string_view what);
absl::StatusOr<Address> ParseAddr(const Json& value, std::string_view what);
absl::StatusOr<Hash32> ParseHash(const Json& value, std::string_view what);
absl::StatusOr<Bytes> ParseData(const Json& value, std::string_view what);

// A block named by a tag, a hex number, or an EIP-1898 object {blockNumber | blockHash}; null or
// absent is "latest". The height, which may be above the head (the caller decides what that
// means); NotFound for an unknown hash.
absl::StatusOr<uint64_t> ResolveBlock(const ChainService& chain, const Json& value,
                                      std::string_view what);
// ResolveBlock for methods that read state: above the head is geth's "header not found" (-32000).
absl::StatusOr<uint64_t> ResolveStateBlock(const ChainService& chain, const Json& value);

// --- blocks, txs, receipts, logs
// ------------------------------------------------------------------
using Bloom = ledger::LogsBloom;

// The receipts of a block's txs, in order (one per tx; DataLoss when one is missing).
absl::StatusOr<std::vector<ledger::StoredReceipt>> BlockReceipts(const ChainService& chain,
                                                                 const BlockRecord& block);

// A committed tx as Ethereum tools see it: an Ethereum tx in full; a Theta tx by its sender, its
// recipient when it has one, value 0 (a SmartContractTx: its value, gas, price and data), nonce =
// sequence − 1, and its Theta signature as r, s, v = 27 + V.
struct TxView {
  Hash32 hash;
  uint8_t type = 0;  // 0 legacy, 2 EIP-1559; Theta txs show as 0
  bool ethereum = false;
  Address from;
  std::optional<Address> to;
  uint256 value;
  uint64_t nonce = 0;
  uint64_t gas = 0;
  uint256 gas_price;  // legacy, and the effective price of an EIP-1559 tx (Theta has no tip)
  uint256 max_fee, max_priority_fee;
  Bytes input;
  std::vector<ledger::EthAccessTuple> access_list;
  uint256 r, s, v;
  std::optional<uint256> chain_id;  // Ethereum txs only
};
absl::StatusOr<TxView> ViewTx(ByteView raw);

Json TxJson(const TxView& tx, const BlockRecord& block, uint32_t index);
// Log `log_index` (position in the block) of tx `index`.
Json LogJson(const evm::Log& log, const BlockRecord& block, uint32_t index, const Hash32& tx_hash,
             uint64_t log_index);
// The receipt of tx `index` of `block`; `receipts` are all of the block's.
Json ReceiptJson(const TxView& tx, const BlockRecord& block,
                 const std::vector<ledger::StoredReceipt>& receipts, uint32_t index);
// The block with tx hashes, or full tx objects when `full`. The header fields Theta has no use
// for are constants (see docs/node.md).
absl::StatusOr<Json> BlockJson(const BlockRecord& block,
                               const std::vector<ledger::StoredReceipt>& receipts, bool full);
// newHeads' form: the block's header fields without transactions.
Json HeaderJson(const BlockRecord& block, const std::vector<ledger::StoredReceipt>& receipts);

// --- logs filters -------------------------------------------------------------------------------
struct LogFilter {
  std::vector<Address> addresses;           // empty: any
  std::vector<std::vector<Hash32>> topics;  // position i: one of these; an empty list: any
};
// Parses {address, topics} of a filter object (eth_getLogs, eth_subscribe "logs").
absl::StatusOr<LogFilter> ParseLogFilter(const Json& filter);
bool Matches(const LogFilter& filter, const evm::Log& log);
// Whether a block with this logs bloom may hold a log the filter matches.
bool MayMatch(const LogFilter& filter, const Bloom& bloom);
// The heights in [from, to] whose blocks may hold a matching log (the ledger's logs index).
absl::StatusOr<std::vector<uint64_t>> CandidateBlocks(const ChainService& chain,
                                                      const LogFilter& match, uint64_t from,
                                                      uint64_t to);
// Appends the matching logs of `block` to `out` (a JSON array), in block order.
absl::Status AppendBlockLogs(const ChainService& chain, const BlockRecord& block,
                             const LogFilter& match, Json& out);
// eth_getLogs of a filter object {fromBlock, toBlock | blockHash, address, topics}: InvalidArgument
// for a range of max_blocks or more blocks, -32005 for more than max_logs results.
absl::StatusOr<Json> GetLogs(const ChainService& chain, const Json& filter, uint64_t max_blocks,
                             size_t max_logs);

// A fresh subscription or filter id: "0x" and 32 hex digits that reveal nothing of other ids
// (keccak256 of a random salt and `counter`, which it advances). Not thread-safe.
std::string UnguessableId(uint64_t& salt, uint64_t& counter);

// --- execution ------------------------------------------------------------------------------
// The context of a call on the state after block `height` (as if in block height + 1).
ledger::ExecutionContext CallContext(const ChainService& chain, uint64_t height, int64_t timestamp);
// A call object {from, to, gas, gasPrice | maxFeePerGas, value, data | input, accessList}.
absl::StatusOr<ledger::CallMessage> ParseCallMessage(const Json& call);
// The RPC error of a failed execution: a revert as code 3 with the data (and Solidity's
// Error(string) reason in the message), other failures -32000 "execution failed: <why>".
absl::Status ExecutionError(const ledger::TxReceipt& receipt);

// --- registration, one function per file -------------------------------------------------------
// THETA_RETURN_IF_ERROR for registrations, whose handlers use THETA_RETURN_IF_ERROR themselves (a
// distinct variable name keeps -Wshadow quiet).
#define THETA_ETH_ADD(expr)                                             \
  do {                                                                  \
    if (::absl::Status eth_add_status = (expr); !eth_add_status.ok()) { \
      return eth_add_status;                                            \
    }                                                                   \
  } while (0)
using Registrar = std::function<absl::Status(std::string_view, net::RpcHandler)>;
absl::Status RegisterInfo(const Registrar& add, ChainService& chain, const EthRpcOptions& options);
absl::Status RegisterBlocks(const Registrar& add, ChainService& chain);
absl::Status RegisterTxs(const Registrar& add, ChainService& chain);
absl::Status RegisterCalls(const Registrar& add, ChainService& chain);
absl::Status RegisterLogs(const Registrar& add, ChainService& chain, const EthRpcOptions& options);

}  // namespace theta::node::eth

namespace theta::node {

// The live eth_subscribe subscriptions of every client; fed by ChainService::Subscribe (blocks)
// and ChainService::SubscribeNewTxs (the mempool's new txs). Thread-safe.
class EthSubscriptions {
 public:
  enum class Kind { kNewHeads, kLogs, kNewPendingTxs };
  explicit EthSubscriptions(size_t max_per_client) : max_per_client_(max_per_client) {}
  // A new subscription's id. ResourceExhausted past the per-client limit.
  absl::StatusOr<std::string> Add(std::shared_ptr<net::RpcNotifier> notifier, Kind kind,
                                  eth::LogFilter filter);
  // Whether `id` was a subscription of this client (and is no more).
  bool Remove(const std::string& id, const net::RpcNotifier* notifier);
  size_t Count() const;
  // Notifies every subscriber of the block; drops those whose connection has closed.
  void OnCommit(const CommitEvent& event);
  // Sends each hash to every newPendingTransactions subscriber.
  void OnNewTxs(std::span<const Hash32> hashes);

 private:
  struct Subscription {
    std::shared_ptr<net::RpcNotifier> notifier;
    Kind kind = Kind::kNewHeads;
    eth::LogFilter filter;
  };
  std::string NewId();
  // Sends `result` to `id`'s subscriber; false once its connection is closed.
  static bool Send(const std::string& id, Subscription& sub, eth::Json result);

  const size_t max_per_client_;
  mutable std::mutex mu_;
  std::map<std::string, Subscription> subs_;
  std::atomic<size_t> pending_subs_{0};  // so that admission skips the lock when there are none
  uint64_t next_ = 0;
  uint64_t salt_ = 0;
};

namespace eth {
absl::Status RegisterSubscriptions(const Registrar& add,
                                   const std::shared_ptr<EthSubscriptions>& subscriptions);
}  // namespace eth

}  // namespace theta::node
