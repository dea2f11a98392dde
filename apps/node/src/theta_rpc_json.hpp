// Theta's Go JSON forms (encoding/json of ledger/types, core and blockchain structs) for the native
// RPC, and the parameter parsing the theta.* handlers share. See theta/node/theta_rpc.hpp for the
// encoding rules. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/ledger/chain.hpp"
#include "theta/ledger/stake.hpp"
#include "theta/ledger/state.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/theta_rpc.hpp"

namespace theta::node::theta_rpc {

using Json = net::Json;

// --- values --------------------------------------------------------------------------------------
std::string HexLower(ByteView bytes);  // "0x…" (common.Hash / common.Address MarshalText)
std::string Base64(ByteView bytes);    // Go's encoding of []byte
std::string Dec(uint64_t value);       // JSONUint64
Json CoinsJson(const ledger::Coins& coins);

// --- ledger types ------------------------------------------------------------------------------
Json TxJson(const ledger::Tx& tx);  // the struct of each type, Go's field names
Json AccountJson(const ledger::Account& account);
Json SplitRuleJson(const ledger::SplitRule& rule);
// blockchain.TxReceiptEntry.
Json ReceiptJson(const ledger::StoredReceipt& receipt);
Json StakeHolderJson(const ledger::StakeHolder& holder);
Json BlsHolderJson(const ledger::BlsStakeHolder& holder);  // Guardian / EliteEdgeNode

// --- blocks ------------------------------------------------------------------------------------
// Theta block status codes (core.BlockStatus): a committed block is final (BFT), so every block the
// node serves is "directly finalized".
inline constexpr int kBlockStatusDirectlyFinalized = 4;

// Root of the Ethereum-shaped trie RLP(index) -> raw tx (Theta's header TxHash).
Hash32 TransactionsRoot(const std::vector<Bytes>& txs);

// The "hcc" object: {"Votes": [{Block, Height, Epoch, ID, Signature}], "BlockHash"} from the QC the
// block carries; `validators` names the signers (index -> address) when known.
Json HccJson(const consensus::QuorumCert& qc, const std::vector<ledger::StakedMember>* validators);

// One decoded tx of a block with what GetBlock/GetTransaction show about it.
struct TxView {
  ledger::Tx tx;
  Hash32 hash;  // keccak256(raw): Ethereum's hash for a tx that came in Ethereum form
  int type = 0;
  bool from_ethereum = false;
};
// Decodes a stored raw tx (Theta or Ethereum form; an Ethereum tx shows as the SmartContractTx it
// executed as). DataLoss naming the hash when it does not decode (a corrupt store).
absl::StatusOr<TxView> DecodeStoredTx(ByteView raw, std::string_view chain_id);

// --- parameters --------------------------------------------------------------------------------
// The params object: `params` itself, the single object of an array, or {} for null / [].
// InvalidArgument for anything else.
absl::StatusOr<Json> ParamsObject(const Json& params);
// A required string member. InvalidArgument "missing parameter \"name\"" / "must be a string".
absl::StatusOr<std::string> RequiredString(const Json& object, std::string_view name);
// A height: a decimal string or a non-negative JSON integer; nullopt when absent (or null).
absl::StatusOr<std::optional<uint64_t>> OptionalHeight(const Json& object, std::string_view name);
absl::StatusOr<uint64_t> RequiredHeight(const Json& object, std::string_view name);
absl::StatusOr<bool> OptionalBool(const Json& object, std::string_view name);
// Hex with or without "0x" (Go's common.FromHex accepts both).
absl::StatusOr<Bytes> ParseLooseHex(std::string_view text, std::string_view name);
absl::StatusOr<Address> ParseAddressParam(std::string_view text);
absl::StatusOr<Hash32> ParseHashParam(std::string_view text, std::string_view name);

// An error for the client: -32000 with `message` (a method's own failure, as Go reports it).
absl::Status ServerError(std::string_view message, const Json& data = nullptr);

}  // namespace theta::node::theta_rpc
