// Building the transactions a wallet signs, with the checks the chain would make done first, so
// that a mistake costs an error message rather than a fee (thresholds from the protocol brief
// §3.4-3.6: fees, durations, split percentages, basis points).
//
// Every builder returns an unsigned ledger::Tx whose single signer input is `from` at `sequence`;
// sign it with ledger::SignTx. InvalidArgument naming the field and the rule for anything the
// chain would refuse on its face. Balances and sequences are the node's business (see
// node_client.hpp). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "theta/core/address.hpp"
#include "theta/core/uint256.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/wallet/guardian_summary.hpp"

namespace theta::wallet {

// Fees (protocol brief §3.5, from the June 2021 fee adjustment), in TFUEL wei.
inline const uint256 kMinTxFeeWei = uint256(300'000'000'000'000'000ULL);           // 0.3 TFUEL
inline const uint256 kSendFeePerAccountWei = uint256(150'000'000'000'000'000ULL);  // 0.15 TFUEL
inline constexpr uint64_t kDefaultGasPriceWei = 4'000'000'000'000ULL;              // 4000 Gwei
inline constexpr uint64_t kDefaultGasLimit = 3'000'000;
inline constexpr uint64_t kMaxGasLimit = 20'000'000;

// The smallest fee the chain accepts: 0.15 TFUEL x max(2, accounts) for Send, 0.3 TFUEL otherwise.
uint256 MinimumFee(ledger::TxType type, size_t accounts = 2);

struct Payment {
  Address to;
  ledger::Coins coins;
};

// Send: one input (from) paying every output plus the fee. At least one output, no zero payment,
// no address twice (from included).
absl::StatusOr<ledger::Tx> BuildSend(const Address& from, uint64_t sequence,
                                     const std::vector<Payment>& outputs, const uint256& fee);

enum class StakePurpose : uint8_t { kValidator = 0, kGuardian = 1, kEliteEdgeNode = 2 };

// Parses "validator", "guardian", "een" / "elite-edge-node" (or 0, 1, 2).
absl::StatusOr<StakePurpose> ParseStakePurpose(std::string_view text);
std::string_view StakePurposeName(StakePurpose purpose);

// Stake `amount` (THETA for validators and guardians, TFUEL for elite edge nodes) from `from` with
// `holder`. With a holder summary (guardian / EEN) the tx is a DepositStakeV2 carrying the BLS
// key, PoP and holder signature (its holder must be `holder`); without one, validator stakes are
// DepositStake and the others DepositStakeV2 with empty BLS fields (top-ups of a registered
// holder). The amount must be non-zero; the per-deposit minimums (mainnet: validator 200,000
// THETA, guardian 1,000 THETA, EEN 10,000 TFUEL) are chain parameters the node enforces.
absl::StatusOr<ledger::Tx> BuildDepositStake(const Address& from, uint64_t sequence,
                                             const Address& holder, StakePurpose purpose,
                                             const uint256& amount,
                                             const std::optional<HolderSummary>& summary,
                                             const uint256& fee);

absl::StatusOr<ledger::Tx> BuildWithdrawStake(const Address& from, uint64_t sequence,
                                              const Address& holder, StakePurpose purpose,
                                              const uint256& fee);

// ReserveFund: `fund` TFUEL deposit (> 0), `collateral` > fund, 300 <= duration <= 43,200 blocks.
absl::StatusOr<ledger::Tx> BuildReserveFund(const Address& from, uint64_t sequence,
                                            const uint256& fund, const uint256& collateral,
                                            const std::vector<std::string>& resource_ids,
                                            uint64_t duration, const uint256& fee);

absl::StatusOr<ledger::Tx> BuildReleaseFund(const Address& from, uint64_t sequence,
                                            uint64_t reserve_sequence, const uint256& fee);

// SplitRule: percentages 0..100 summing to at most 100, at most 511 splits, a non-empty resource.
absl::StatusOr<ledger::Tx> BuildSplitRule(const Address& from, uint64_t sequence,
                                          const std::string& resource_id,
                                          const std::vector<ledger::Split>& splits,
                                          uint64_t duration, const uint256& fee);

// SmartContract: `to` empty deploys `data` as init code; value in TFUEL wei; gas limit
// 1..20,000,000.
absl::StatusOr<ledger::Tx> BuildSmartContract(const Address& from, uint64_t sequence,
                                              const std::optional<Address>& to,
                                              const uint256& value, uint64_t gas_limit,
                                              const uint256& gas_price, Bytes data);

// StakeRewardDistribution: `holder` sends `basis_points` (0..1000; 0 removes the rule) of its
// stake rewards to `beneficiary`.
absl::StatusOr<ledger::Tx> BuildStakeRewardDistribution(const Address& holder, uint64_t sequence,
                                                        const Address& beneficiary,
                                                        uint64_t basis_points, const uint256& fee);

// The address that signs `tx` and the sequence it uses (the single signer input; for Send the
// first input).
Address SignerOf(const ledger::Tx& tx);
uint64_t SequenceOf(const ledger::Tx& tx);

// What the signer's account must hold for `tx` to pass: amounts sent or staked, deposits and
// collateral, fees, and gas_limit x gas_price for contracts.
ledger::Coins RequiredFunds(const ledger::Tx& tx);

// A JSON description for people and scripts: {"type", "from", "sequence", "fee", ...} with
// amounts in tokens ("1.5") and addresses in EIP-55 form.
nlohmann::json DescribeTx(const ledger::Tx& tx);

}  // namespace theta::wallet
