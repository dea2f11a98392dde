// State transitions of Theta transactions (ledger/execution/*.go; brief §3.4, §3.5).
//
// ApplyTx checks a transaction against the state (signatures, sequences, balances, fees and the
// rules of its type) and, only when every check passes, writes its effects to the state; a rejected
// transaction leaves the state untouched. Checks follow the Go executors' order, so that the same
// transaction fails for the same reason. Errors: InvalidArgument for a transaction that is wrong on
// its face (no inputs, duplicate accounts, fee below the minimum, unbalanced amounts, bad
// signature), FailedPrecondition for one that does not fit this state (unknown account, wrong
// sequence, insufficient funds, output to a contract), Unimplemented for types not executed yet,
// and state errors (DataLoss) as they come. Not thread-safe (the state is not).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "theta/evm/host.hpp"
#include "theta/evm/state.hpp"
#include "theta/ledger/eth_tx.hpp"
#include "theta/ledger/rewards.hpp"
#include "theta/ledger/stake.hpp"
#include "theta/ledger/state.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

// Mainnet fork heights (common/heights.go, brief §3.8).
inline constexpr uint64_t kHeightEnableSmartContract = 8'411'427;
inline constexpr uint64_t kHeightJune2021FeeAdjustment = 10'709'540;
inline constexpr uint64_t kHeightTxWrapperExtension = 12'749'952;
// THETA as a second EVM value and precompile 0xCB transferTheta
// (HeightSupportThetaTokenInSmartContract).
inline constexpr uint64_t kHeightSupportThetaInContracts = 13'123'789;
// Precompiles 0xCC–0xCF (staking from contracts) and the intrinsic-gas check
// (HeightSupportWrappedTheta).
inline constexpr uint64_t kHeightSupportWrappedTheta = 17'285'755;

// At most this many inputs + outputs in one SendTx (ledger/types/const.go
// MaxAccountsAffectedPerTx).
inline constexpr uint64_t kMaxAccountsAffectedPerTx = 512;
// Blocks after a reserved fund's end height before it can be released
// (ReservedFundFreezePeriodDuration).
inline constexpr uint64_t kReservedFundFreezePeriod = 5;
// Allowed ReserveFund durations, in blocks (ledger/types/const.go MinimumFundReserveDuration,
// MaximumFundReserveDuration; brief §3.4).
inline constexpr uint64_t kMinimumFundReserveDuration = 300;
inline constexpr uint64_t kMaximumFundReserveDuration = 43'200;

// SmartContractTx gas rules (types.GetMinimumGasPrice, GetMaxGasLimit; brief §3.5): the gas price
// must be at least 1e8 wei, 4e12 from the June 2021 adjustment; the gas limit at most 10M, then
// 20M.
uint256 MinimumGasPrice(uint64_t block_height);
uint64_t MaximumGasLimit(uint64_t block_height);
// Theta's intrinsic gas (vm.CalculateIntrinsicGas, pre-Istanbul prices; brief §5): 21,000 for a
// call or 53,000 for a creation, plus 4 per zero and 68 per non-zero byte of data.
uint64_t IntrinsicGas(ByteView data, bool create);
// The EVM chain ID of a Theta chain ID (MapChainID, brief §3.2): mainnet 1, testnet_sapphire 3,
// testnet_amber 4, testnet 5, privatenet 6, any other keccak256(name) as a number; plus 360 from
// height 11,354,820.
uint256 EvmChainId(std::string_view chain_id, uint64_t block_height);
inline constexpr uint64_t kHeightRpcCompatibility = 11'354'820;

// The minimum fee of a non-EVM transaction, in TFuelWei: 1e12 before the June 2021 adjustment,
// 3e17 (0.3 TFUEL) from it (types.GetMinimumTransactionFeeTFuelWei).
uint256 MinimumTransactionFee(uint64_t block_height);
// The minimum SendTx fee: 1e12 before the adjustment, then 1.5e17 × max(2, accounts)
// (types.GetSendTxMinimumTransactionFeeTFuelWei).
uint256 MinimumSendTxFee(uint64_t accounts, uint64_t block_height);

struct ExecutionContext {
  std::string chain_id;
  // Height of the block that contains the transaction (Go: view.Height() + 1).
  uint64_t block_height = 0;
  // Skip signature checks: the mempool has verified them already (benchmarks, block replay).
  bool signatures_verified = false;
  // The EVM's TIMESTAMP (Theta uses the parent block's, brief §5).
  int64_t timestamp = 0;
  // Checks the BLS proof of possession of a new guardian or elite edge node; without one such
  // deposits are refused (FailedPrecondition). Not owned.
  const BlsPopVerifier* bls_verifier = nullptr;
  // The votes of the checkpoint a CoinbaseTx rewards (see rewards.hpp); null: validators only.
  const RewardVotes* reward_votes = nullptr;
  // Every fork of Theta's mainnet schedule applies from block 1 (a new chain such as a devnet);
  // otherwise the mainnet heights of common/heights.go gate each feature.
  bool all_forks = false;
  // The access list of a typed Ethereum tx (warmed at the start, EIP-2930 intrinsic gas);
  // set by ApplyDecodedTx. Not owned.
  const std::vector<EthAccessTuple>* access_list = nullptr;
};

// What a SmartContractTx did (Go blockchain.TxReceipt: {TxHash, Logs, EvmRet, ContractAddress,
// GasUsed, EvmErr}). A reverted or failed execution is still a successful transaction: it is
// charged, and its receipt says why it failed and has no logs.
struct TxReceipt {
  evm::StatusCode status = evm::StatusCode::kSuccess;
  std::string evm_error;     // empty on success, else "revert", "out of gas", …
  Bytes evm_return;          // RETURN or REVERT data
  Address contract_address;  // the created contract, for a creation
  uint64_t gas_used = 0;     // intrinsic + execution; no refunds (brief §3.5)
  std::vector<evm::Log> logs;
};

// The height whose fork rules apply: block_height, or kAllForksHeight with all_forks.
inline constexpr uint64_t kAllForksHeight = 20'000'000;  // after every fork in brief §3.8
inline uint64_t RulesHeight(const ExecutionContext& context) {
  return context.all_forks ? kAllForksHeight : context.block_height;
}

// Applies one transaction to `state`; see the header comment. For a SmartContractTx that is
// applied, `receipt` (when given) receives its receipt.
absl::Status ApplyTx(LedgerState& state, const Tx& tx, const ExecutionContext& context,
                     TxReceipt* receipt = nullptr);

// A transaction as it arrives from outside: Theta's raw form or an Ethereum raw transaction
// (eth_tx.hpp), told apart by strict decoding (no byte string is both).
struct DecodedTx {
  Tx tx;
  Hash32 hash;                 // keccak256(raw): Theta's tx hash, or Ethereum's for an eth tx
  bool from_ethereum = false;  // the tx is a translated Ethereum tx whose signature recovered
  std::vector<EthAccessTuple> access_list;  // an EIP-2930 or EIP-1559 tx's
};

// Decodes `raw`; an Ethereum tx is signature-recovered and translated here (from height
// 11,354,820, chain ID = EvmChainId(chain_id, height)). InvalidArgument with both decoders'
// reasons when neither accepts it.
absl::StatusOr<DecodedTx> DecodeRawTx(ByteView raw, std::string_view chain_id,
                                      uint64_t block_height);
// The same for a caller that hashed `raw` already: `hash` must be TxHash(raw) (not checked). A
// node hashes each transaction on its way in; hashing it again at every step was a measurable
// share of its CPU.
absl::StatusOr<DecodedTx> DecodeRawTx(ByteView raw, const Hash32& hash, std::string_view chain_id,
                                      uint64_t block_height);

// ApplyTx for a decoded tx: a translated Ethereum tx skips the Theta signature check (its
// signature was checked when it was recovered).
absl::Status ApplyDecodedTx(LedgerState& state, const DecodedTx& tx,
                            const ExecutionContext& context, TxReceipt* receipt = nullptr);

}  // namespace theta::ledger
