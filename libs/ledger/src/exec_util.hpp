// Internal helpers shared by the transaction executors: coin arithmetic that refuses to wrap,
// account loading with Theta's lazy reserved-fund refund (executils.go getInput / getOrMakeInput),
// and the input check every signed transaction makes (validateInputAdvanced).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/rewards.hpp"
#include "theta/ledger/stake.hpp"

namespace theta::ledger::internal {

std::string Hex(const Address& a);
std::string Show(const Coins& c);

// a + b, or nullopt when a component passes 2^256 (Go's big ints never overflow; we must refuse
// sums that would wrap instead of letting them balance).
std::optional<Coins> Add(const Coins& a, const Coins& b);
// a − b; the caller has checked a.IsGte(b).
Coins Sub(const Coins& a, const Coins& b);

// What is left of a reserved fund's deposit (InitialFund − UsedFund, never negative).
Coins RemainingFund(const ReservedFund& fund);

// Refunds expired reserved funds (Account.UpdateToHeight / ReleaseExpiredFunds), as Go does
// whenever it loads an account; `height` is the parent block's.
void UpdateToHeight(Account& account, uint64_t height);

using Accounts = std::map<Address, Account>;

// getInput: the account must exist. InvalidArgument for an address already in `accounts`,
// FailedPrecondition for an unknown one.
absl::Status LoadInput(const LedgerState& state, const Address& address, uint64_t parent_height,
                       Accounts& accounts);
// getOrMakeAccount: a missing account is created (LastUpdatedBlockHeight = parent height).
absl::Status LoadOrMakeOutput(const LedgerState& state, const Address& address,
                              uint64_t parent_height, Accounts& accounts);

// validateInputAdvanced: sequence = stored + 1, balance covers the input's coins, signature of
// `sign_tx`'s sign bytes by the account (either wrapper from HeightTxWrapperExtension).
absl::Status CheckInput(const Account& account, const TxInput& in, const Tx& sign_tx,
                        const ExecutionContext& context);
// Verifies `signature` over the bytes `make(wrapper)` with either wrapper allowed at this height.
absl::Status CheckSignature(const Bytes& v1, const Bytes& v2, ByteView signature,
                            const Address& signer, const ExecutionContext& context);

// sanityCheckForFee: no THETA and TFUEL ≥ MinimumTransactionFee(height).
absl::Status CheckFee(const Coins& fee, const ExecutionContext& context);

// FailedPrecondition "insufficient funds in … for the fee …" unless `account` can pay `fee`.
absl::Status CheckCanPayFee(const Account& account, const Coins& fee);

// The signer of a transaction whose only cost is its fee (ReleaseFund, SplitRule, WithdrawStake,
// StakeRewardDistribution): LoadInput into `accounts`, CheckInput, CheckFee and CheckCanPayFee,
// in that order. The pointer stays valid while `accounts` is not modified.
absl::StatusOr<Account*> LoadFeePayer(const LedgerState& state, const TxInput& in, const Coins& fee,
                                      const Tx& whole, const ExecutionContext& context,
                                      Accounts& accounts);

absl::Status SaveAll(LedgerState& state, const Accounts& accounts);

// The executors of each type (exec_*.cpp); ApplyTx dispatches to them.
absl::Status ApplyReserveFund(LedgerState& state, const ReserveFundTx& tx, const Tx& whole,
                              const ExecutionContext& context);
absl::Status ApplyReleaseFund(LedgerState& state, const ReleaseFundTx& tx, const Tx& whole,
                              const ExecutionContext& context);
absl::Status ApplyServicePayment(LedgerState& state, const ServicePaymentTx& tx,
                                 const ExecutionContext& context);
absl::Status ApplySplitRule(LedgerState& state, const SplitRuleTx& tx, const Tx& whole,
                            const ExecutionContext& context);
// Whether the rule no longer applies at `parent_height` (Go: view.Height() > EndBlockHeight).
bool SplitRuleExpired(const SplitRule& rule, uint64_t parent_height);
// How a service payment of `amount` to `target` is shared under `rule` (none or expired: all to
// the target); the shares sum to `amount`.
std::map<Address, Coins> SplitPayment(const std::optional<SplitRule>& rule, const Address& target,
                                      const Coins& amount, uint64_t parent_height);
absl::Status ApplySmartContract(LedgerState& state, const SmartContractTx& tx, const Tx& whole,
                                const ExecutionContext& context, TxReceipt* receipt);

// Staking (exec_stake.cpp); a DepositStakeTx is executed as a DepositStakeV2Tx without BLS fields
// (Go castTx), `whole` keeps its own sign bytes.
absl::Status ApplyDepositStake(LedgerState& state, const DepositStakeV2Tx& tx, const Tx& whole,
                               const ExecutionContext& context);
absl::Status ApplyWithdrawStake(LedgerState& state, const WithdrawStakeTx& tx, const Tx& whole,
                                const ExecutionContext& context);
absl::Status ApplyStakeRewardDistribution(LedgerState& state, const StakeRewardDistributionTx& tx,
                                          const Tx& whole, const ExecutionContext& context);
// CoinbaseTx (rewards.cpp): proposer in the validator set and signed, BlockHeight = parent height,
// outputs exactly the rewards due, credited.
absl::Status ApplyCoinbase(LedgerState& state, const CoinbaseTx& tx, const Tx& whole,
                           const ExecutionContext& context);
// Staking pieces shared by the stake transactions and the staking precompiles (exec_stake.cpp).
// StakeHolder.depositStake: tops up the source's stake or adds one; FailedPrecondition while the
// source's stake is being withdrawn.
absl::Status AddStake(StakeHolder& holder, const Address& source, const uint256& amount);
// StakeHolder.withdrawStake: marks the source's stake withdrawn, returning at height + 28,800.
absl::Status MarkWithdrawn(StakeHolder& holder, const Address& source, uint64_t height);
// checkBlsSummary: `holder_sig` is the holder's signature of the PoP bytes and the PoP proves
// `pubkey` (FailedPrecondition without a verifier).
absl::Status CheckBlsKey(const Address& holder, ByteView pubkey, ByteView pop, ByteView holder_sig,
                         const BlsPopVerifier* verifier);
// Adds a holder without stakes to a guardian or EEN pool, keeping address order.
BlsStakeHolder& InsertBlsHolder(BlsCandidatePool& pool, const Address& holder, ByteView pubkey);

// Re-sorts the validator pool: total stake descending, ties by holder address descending.
void SortValidatorPool(ValidatorCandidatePool& pool);

}  // namespace theta::ledger::internal
