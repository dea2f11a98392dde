// The native Theta JSON-RPC (`theta.*`), with the method names, parameters and result shapes of
// Theta's Go node (thetatoken/theta-protocol-ledger rpc/query.go, rpc/tx.go; protocol brief §6), so
// that theta-js, the Theta wallet tools and theta-wallet work against a theta-cpp node.
//
// Parameters are one object, sent bare or as the only element of an array (Go's codec takes both):
// {"address": "0x…", "height": "123"}. Heights are decimal strings as Go's JSONUint64 prints them
// (plain JSON integers are accepted too). Results follow Go's encoding/json output:
//   - uint64 heights, epochs, sequences and big amounts are decimal strings (JSONUint64/JSONBig);
//     a few fields Go leaves as plain uint64 are JSON numbers (receipt GasUsed, the broadcast
//     block header's Epoch/Height, HCC vote Height/Epoch, the tx "type");
//   - hashes and addresses are "0x" + lower-case hex (common.Hash/Address MarshalText);
//   - byte strings Go types as []byte/common.Bytes (SmartContractTx data, receipt EvmRet, log data,
//     SlashTx proof) are base64, as encoding/json writes []byte;
//   - signatures are "0x" hex.
// Errors: a missing or malformed parameter is -32602 (invalid params) naming the parameter; what
// the node cannot answer (unknown account, block, a refused transaction, a timeout) is -32000 (Go's
// codec code for a method's error) with Go's message where it has one, e.g. "Account with address
// 0x… is not found" (the wallet treats that as a fresh account).
//
// Methods: theta.GetVersion, GetStatus, GetAccount, GetCode, GetStorageAt, GetSplitRule,
// GetTransaction, GetPendingTransactions, GetBlock, GetBlockByHeight, GetBlocksByRange,
// GetVcpByHeight, GetGcpByHeight, GetEenpByHeight, GetStakeRewardDistributionByHeight, GetPeers,
// GetGuardianInfo, CallSmartContract (a dry run on the head state), BroadcastRawTransaction (waits
// for the block), BroadcastRawTransactionAsync.
// docs/node.md ("Native RPC") lists each with its parameters and the deviations from Go.
//
// Thread-safety: the handlers hold references to `chain` (which must outlive the dispatcher's use
// of them) and call the hooks from RPC threads, concurrently: hooks must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node {

// Go's jsonrpc2 code for an error a method returns.
inline constexpr int kThetaRpcServerError = -32000;

// What theta.GetStatus reports about the node beyond the chain.
struct ThetaNodeStatus {
  std::optional<Address> address;  // the node's account (validator or guardian); none: full node
  std::string peer_id;             // the peer-to-peer identity, as the node prints it
  bool syncing = false;            // block sync is catching up
  std::optional<uint64_t> current_epoch;  // consensus round; default: the head block's round
};

// A guardian checkpoint the guardians finalized (BLS aggregate over 2/3 of guardian stake).
struct FinalizedCheckpoint {
  uint64_t height = 0;
  Hash32 hash;
};

// The node's guardian holder summary (wallet/guardian_summary.hpp): what a staker needs to
// register this node with a DepositStakeV2.
struct GuardianInfo {
  Address address;
  Bytes bls_pubkey;  // 48 bytes
  Bytes bls_pop;     // 96 bytes
  Bytes signature;   // the holder's secp256k1 signature over the PoP, 65 bytes
};

struct ThetaRpcOptions {
  // theta.GetVersion.
  std::string version = "0.1.0";
  std::string git_hash = "unknown";
  std::string build_timestamp = "unknown";

  // Hooks the node fills; each default describes a node with no peers and no roles.
  std::function<ThetaNodeStatus()> node_status;
  // The latest finalized guardian checkpoint, when this node knows one.
  std::function<std::optional<FinalizedCheckpoint>()> finalized_checkpoint;
  // Peer IDs for theta.GetPeers; `skip_edge_nodes` as Go's skip_edge_node.
  std::function<std::vector<std::string>(bool skip_edge_nodes)> peers;
  // theta.GetPeerURLs: "ip:port" where each connected peer accepts connections (peers that do not
  // listen are left out).
  std::function<std::vector<std::string>(bool skip_edge_nodes)> peer_urls;
  // This node's guardian summary; nullopt (or no hook): "this node is not a guardian".
  std::function<std::optional<GuardianInfo>()> guardian_info;
  // Seconds since the epoch for GetStatus's current_time (tests fix it).
  std::function<int64_t()> now_seconds;

  // How long theta.BroadcastRawTransaction waits for the block holding the tx (Go: 60 s).
  std::chrono::milliseconds broadcast_timeout{60000};
  // Most blocks theta.GetBlocksByRange returns in one call.
  uint64_t max_block_range = 100;
  // Most hashes theta.GetPendingTransactions lists.
  size_t max_pending_listed = 25'600;
};

// Registers every theta.* method above on `dispatcher` and subscribes once to `chain`'s commits
// (to wake waiting broadcasts). AlreadyExists if a method is registered already. `chain` must
// outlive every call of the registered handlers. A waiting broadcast holds its RPC thread for up to
// broadcast_timeout: serve the dispatcher with several threads.
absl::Status RegisterThetaRpc(net::RpcDispatcher& dispatcher, ChainService& chain,
                              ThetaRpcOptions options = {});

}  // namespace theta::node
