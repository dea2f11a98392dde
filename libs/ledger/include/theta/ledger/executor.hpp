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

#include "absl/status/status.h"
#include "theta/ledger/state.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

// Mainnet fork heights (common/heights.go, brief §3.8).
inline constexpr uint64_t kHeightEnableSmartContract = 8'411'427;
inline constexpr uint64_t kHeightJune2021FeeAdjustment = 10'709'540;
inline constexpr uint64_t kHeightTxWrapperExtension = 12'749'952;

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
};

// Applies one transaction to `state`; see the header comment.
absl::Status ApplyTx(LedgerState& state, const Tx& tx, const ExecutionContext& context);

}  // namespace theta::ledger
