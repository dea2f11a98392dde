// EVM revisions (hard forks) that theta-evm implements, oldest first.
//
// A revision selects the instruction set, the gas schedule and the transaction rules; it is chosen
// per call (Message execution and ApplyTransaction take it as an argument), never globally.
// Revisions are ordered: `rev >= Revision::kBerlin` means "Berlin rules or later". Plain values;
// thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace theta::evm {

enum class Revision : int {
  kIstanbul = 0,  // EIP-1344 CHAINID, EIP-1884 repricing, EIP-2200 SSTORE, EIP-2028 calldata
  kBerlin = 1,    // EIP-2929 warm/cold access, EIP-2930 access-list transactions, EIP-2565 modexp
  kLondon = 2,    // EIP-1559 fees and BASEFEE, EIP-3529 refunds, EIP-3541 no 0xEF code
  kShanghai =
      3,        // (after the Merge) EIP-3855 PUSH0, EIP-3860 initcode limit, EIP-3651 warm coinbase
  kCancun = 4,  // EIP-1153 TLOAD/TSTORE, EIP-5656 MCOPY, EIP-6780 SELFDESTRUCT, EIP-4844 blobs
};

inline constexpr Revision kLatestRevision = Revision::kCancun;
inline constexpr int kNumRevisions = 5;

// The name used by Ethereum's test suites ("Istanbul", ..., "Cancun").
std::string_view RevisionName(Revision rev) noexcept;

// The revision with that exact name, or nullopt for any other text (including forks not
// implemented).
std::optional<Revision> ParseRevision(std::string_view name) noexcept;

}  // namespace theta::evm
