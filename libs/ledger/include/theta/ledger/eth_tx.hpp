// Ethereum-format raw transactions, so that eth_sendRawTransaction from ethers or MetaMask works
// (brief §3.2 "Ethereum raw txs", §5.1; theta-eth-rpc-adaptor #30 for the typed-tx gap we close).
//
// Accepted forms:
//   legacy   RLP [nonce, gasPrice, gasLimit, to, value, data, v, r, s] with EIP-155 v = chainId × 2
//            + 35 + yParity; signed hash keccak256(RLP [6 fields, chainId, 0, 0]). Unprotected
//            (pre-EIP-155, v = 27/28) txs are refused: Theta checks the EIP-155 hash only.
//   EIP-2930 0x01 ‖ RLP [chainId, nonce, gasPrice, gasLimit, to, value, data, accessList,
//            yParity, r, s]; signed hash keccak256(0x01 ‖ RLP [first 8]).
//   EIP-1559 0x02 ‖ RLP [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value,
//            data, accessList, yParity, r, s]; signed hash keccak256(0x02 ‖ RLP [first 9]).
// A typed tx's access list starts warm (EIP-2929, which the ledger's Cancun EVM has) and costs
// EIP-2930's intrinsic gas, 2,400 per address and 1,900 per storage key.
// `to` is empty (create) or 20 bytes. Decoding is strict (canonical integers, exact field counts,
// low-s signatures, nothing after the item), so a byte string cannot be both a Theta raw tx and an
// Ethereum one: Theta's type-2 SendTx body has 3 fields, an EIP-1559 body 12; Theta's type-1
// SlashTx body has 4, an EIP-2930 body 11.
//
// Translation (Go BroadcastRawEthTransaction): the tx becomes a SmartContractTx from the recovered
// sender with sequence = nonce + 1, From.Coins.TFuelWei = value, To = `to` or the zero address,
// the gas limit, the gas price (legacy and EIP-2930: gasPrice; EIP-1559: maxFeePerGas, as if the
// base fee took everything above the tip — Theta burns all fees and has no tip), and the data. The
// chain ID must equal Theta's MapChainID (EvmChainId). The tx hash users see is keccak256(raw)
// (Ethereum's), which the block store indexes besides the Theta hash. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/secp256k1.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

struct EthAccessTuple {
  Address address;
  std::vector<Hash32> storage_keys;
  friend bool operator==(const EthAccessTuple&, const EthAccessTuple&) = default;
};

struct EthTx {
  enum class Type : uint8_t { kLegacy = 0, kAccessList = 1, kDynamicFee = 2 };
  Type type = Type::kLegacy;
  uint256 chain_id;
  uint64_t nonce = 0;
  uint256 gas_price;                 // legacy and EIP-2930
  uint256 max_priority_fee_per_gas;  // EIP-1559
  uint256 max_fee_per_gas;           // EIP-1559
  uint64_t gas_limit = 0;
  std::optional<Address> to;  // nullopt: contract creation
  uint256 value;
  Bytes data;
  std::vector<EthAccessTuple> access_list;  // EIP-2930 and EIP-1559
  Signature signature;                      // r ‖ s ‖ yParity (0 or 1)
  friend bool operator==(const EthTx&, const EthTx&) = default;
};

// Strict decode of a raw Ethereum transaction; InvalidArgument naming the field and rule.
absl::StatusOr<EthTx> DecodeEthTx(ByteView raw);
// The raw bytes (signed form).
Bytes EncodeEthTx(const EthTx& tx);
// The digest the sender signs.
Hash32 EthSigningHash(const EthTx& tx);
// Signs `tx` in place (signature only).
void SignEthTx(EthTx& tx, const PrivateKey& key);
// The sender; InvalidArgument when the signature does not recover.
absl::StatusOr<Address> EthSender(const EthTx& tx);

// The SmartContractTx this transaction executes as (see the header comment), with `sender` as
// From and no Theta signature. InvalidArgument when its chain ID is not `evm_chain_id` or its nonce
// is the largest uint64 (no sequence follows it).
absl::StatusOr<SmartContractTx> EthToSmartContractTx(const EthTx& tx, const Address& sender,
                                                     const uint256& evm_chain_id);

}  // namespace theta::ledger
