// Ethereum transactions and their application to a State.
//
// A Transaction is the decoded, signer-resolved form of the four transaction types the supported
// revisions know: legacy (type 0, EIP-155 chain ids allowed), access-list (type 1, EIP-2930,
// Berlin), fee-market (type 2, EIP-1559, London) and blob (type 3, EIP-4844, Cancun).
//
// ApplyTransaction validates a transaction against the state and block and, when valid, executes
// it: intrinsic gas, nonce, up-front fee and balance checks, the warm set of EIP-2929/2930/3651,
// the call or creation, refunds (capped by EIP-3529 from London), the sender's gas refund and the
// coinbase's priority fee, and the end-of-transaction clean-up (EIP-161, SELFDESTRUCT). An invalid
// transaction changes nothing and returns InvalidArgument naming the broken rule.
// Thread-compatible.
#pragma once

#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "theta/evm/analysis.hpp"
#include "theta/evm/state.hpp"

namespace theta::evm {

struct AccessListEntry {
  Address address;
  std::vector<Hash32> storage_keys;
};

struct Transaction {
  uint8_t type = 0;                 // 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844
  std::optional<uint256> chain_id;  // absent for a pre-EIP-155 legacy transaction
  uint64_t nonce = 0;
  uint256 gas_price;                 // types 0 and 1
  uint256 max_priority_fee_per_gas;  // types 2 and 3
  uint256 max_fee_per_gas;           // types 2 and 3
  int64_t gas_limit = 0;
  std::optional<Address> to;  // nullopt: contract creation
  uint256 value;
  Bytes data;
  std::vector<AccessListEntry> access_list;
  uint256 max_fee_per_blob_gas;     // type 3
  std::vector<Hash32> blob_hashes;  // type 3
  Address sender;
};

struct BlockInfo {
  int64_t number = 0;
  int64_t timestamp = 0;
  int64_t gas_limit = 0;
  Address coinbase;
  uint256 difficulty;
  Hash32 prev_randao;
  uint256 base_fee;
  uint64_t excess_blob_gas = 0;
  uint256 chain_id = 1;
  absl::flat_hash_map<int64_t, Hash32> block_hashes;  // others: the state tests' convention
};

struct TransactionResult {
  StatusCode status = StatusCode::kSuccess;  // of the transaction's own frame
  int64_t gas_used = 0;                      // after refunds
  std::vector<Log> logs;
  UnavailableUse unavailable;  // a precompile this build lacks was called
};

// Gas per blob (EIP-4844) and the blob base fee for `excess_blob_gas`.
inline constexpr uint64_t kGasPerBlob = 1 << 17;
inline constexpr size_t kMaxBlobsPerBlock = 6;
uint256 BlobBaseFee(uint64_t excess_blob_gas);

// Intrinsic gas of `tx` under `rev`: 21000 (+32000 for a creation), calldata (4 per zero byte, 16
// per other), access list (2400 per address, 1900 per key) and EIP-3860 init code words.
int64_t IntrinsicGas(const Transaction& tx, Revision rev);

// Validates and executes `tx` on `state` (see the header comment). On InvalidArgument the state is
// unchanged. `cache` holds code analyses across transactions.
absl::StatusOr<TransactionResult> ApplyTransaction(State& state, const BlockInfo& block,
                                                   const Transaction& tx, Revision rev,
                                                   AnalysisCache& cache);

}  // namespace theta::evm
