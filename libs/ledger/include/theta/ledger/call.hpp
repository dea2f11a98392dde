// Message calls that are executed but never committed: eth_call, eth_estimateGas and Theta's
// theta.CallSmartContract (brief §5: "a dry run on the delivered state").
//
// Call runs the EVM on a LedgerState as a SmartContractTx would, with the differences geth's
// eth_call makes: the sender may be absent (the zero address) or any account, its sequence is not
// checked, no fee is reserved or charged (so a gas price of 0 is fine and the sender needs only
// the value it sends), and the gas defaults to the largest a transaction may carry. The state is
// only read: what the EVM would write stays in the call's own cache and is dropped, so the same
// LedgerState can serve any number of calls. Not thread-safe (the state is not).
//
// EstimateGas finds the least gas limit with which the call succeeds, as geth does: a binary
// search between the intrinsic gas and the cap, each step a Call. Theta never refunds gas
// (gas used = limit − leftover), so the result is also what the transaction would be charged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/state.hpp"

namespace theta::ledger {

struct CallMessage {
  Address from;               // the zero address when the caller gave none
  std::optional<Address> to;  // nullopt: create a contract from `data`
  uint256 value;              // TFUEL wei sent with the call
  Bytes data;
  std::optional<uint64_t> gas;  // nullopt: CallGasCap(context)
  uint256 gas_price;            // the EVM's GASPRICE; 0 is allowed
  std::vector<EthAccessTuple> access_list;
};

// The gas a call gets when it names none, and the most it may name: the maximum gas limit of a
// transaction under the context's rules (20,000,000 from the June 2021 adjustment).
uint64_t CallGasCap(const ExecutionContext& context);

// The intrinsic gas of the message: Theta's (IntrinsicGas) plus EIP-2930's for its access list.
uint64_t CallIntrinsicGas(const CallMessage& message);

// What the call did, in the shape of a transaction receipt (TxReceipt): status (kSuccess, kRevert
// with the revert data in evm_return, or another failure named in evm_error), gas used (intrinsic
// + execution, no refunds), the created address of a create, and the logs of a successful call.
//
// `context` is that of the block the call pretends to be in: block_height = the state's height +
// 1 (NUMBER, as Theta's CallSmartContract), timestamp = the state's block's (the next block's is
// not known yet), chain_id and all_forks as the chain's. Errors: InvalidArgument when the gas is
// above the cap or below the intrinsic gas; FailedPrecondition when the sender's TFUEL cannot
// cover `value`; state errors (DataLoss) as they come. An EVM failure is not an error
// (it is in the result's status).
absl::StatusOr<TxReceipt> Call(LedgerState& state, const CallMessage& message,
                               const ExecutionContext& context);

// The least gas limit with which `message` succeeds (message.gas, when set, is the upper bound
// instead of the cap). Errors: those of Call; a message that fails even with the upper bound gives
// its failure as FailedPrecondition "execution reverted"/"out of gas"…, with the receipt of that
// run in `failure` (when given) so that a caller can show the revert data.
absl::StatusOr<uint64_t> EstimateGas(LedgerState& state, const CallMessage& message,
                                     const ExecutionContext& context, TxReceipt* failure = nullptr);

}  // namespace theta::ledger
