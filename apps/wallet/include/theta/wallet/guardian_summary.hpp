// The holder summary of a guardian or elite edge node: what a staker needs to register a new
// holder with a DepositStakeV2 (protocol brief §2.7):
//   holder address (20 B) ‖ BLS public key (48 B, G1 compressed) ‖ proof of possession (96 B, G2
//   compressed) ‖ the holder's secp256k1 signature (65 B, R‖S‖V) = 229 bytes, 458 hex digits.
// The holder signature is ledger::SignMessage over the PoP bytes (secp256k1 over keccak256(PoP)),
// binding the BLS key to the account that will hold the stake.
//
// BLS here is theta-crypto's IETF BLS12-381 (minimal-pubkey-size, PoP scheme); the reference node
// used herumi's pre-IETF hash-to-curve, so summaries are not interchangeable with mainnet nodes'
// (a deliberate departure, see theta-crypto). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/crypto/bls.hpp"

namespace theta::wallet {

inline constexpr size_t kHolderSummarySize = 20 + 48 + 96 + 65;

struct HolderSummary {
  Address holder;
  Bytes bls_pubkey;  // 48 bytes
  Bytes bls_pop;     // 96 bytes
  Bytes holder_sig;  // 65 bytes
};

// Builds and signs the summary of `holder` for the BLS key `bls`.
HolderSummary MakeHolderSummary(const PrivateKey& holder, const crypto::bls::SecretKey& bls);

// Parses the 458 hex digits (with or without "0x") and checks everything a chain would: the BLS
// key is a valid G1 point, the PoP verifies for it, and the holder signature recovers to the
// holder address. InvalidArgument naming the part that fails.
absl::StatusOr<HolderSummary> ParseHolderSummary(std::string_view text);

// "0x" and 458 lower-case hex digits.
std::string FormatHolderSummary(const HolderSummary& summary);

}  // namespace theta::wallet
