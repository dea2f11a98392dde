// Raw transactions: decoding the bytes a block carries into a Transaction with its sender.
//
// DecodeTransaction reads a legacy transaction (an RLP list, with or without an EIP-155 chain id
// in V) or an EIP-2718 typed one (type byte ‖ RLP list: 1 EIP-2930, 2 EIP-1559, 3 EIP-4844),
// checks what can be checked without state under the rules of `rev` (the type exists in `rev`;
// canonical RLP with no leading zeros and the exact number of fields; 20-byte addresses and
// 32-byte keys; the chain id; a nonce below 2^64 - 1 (EIP-2681); a well-formed low-s signature
// (EIP-2) and a recoverable sender; fees that multiply out within 256 bits; the priority fee not
// above the max fee; the intrinsic gas within the gas limit; EIP-3860's init code limit), and
// recovers the sender. Every rejection is InvalidArgument whose message names the rule; bytes from
// anywhere never crash it. Stateless and thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "theta/evm/transaction.hpp"

namespace theta::evm {

struct DecodedTransaction {
  Transaction tx;          // sender filled in; gas_limit capped at 2^63 - 1 (see gas_limit below)
  uint64_t gas_limit = 0;  // the gas limit as encoded (a 64-bit field)
  Hash32 hash;             // keccak256 of the raw bytes: the transaction hash
  int64_t intrinsic_gas = 0;
};

// Decodes and validates `raw` for a chain with id `chain_id` (see the header comment).
absl::StatusOr<DecodedTransaction> DecodeTransaction(ByteView raw, Revision rev,
                                                     const uint256& chain_id = 1);

}  // namespace theta::evm
