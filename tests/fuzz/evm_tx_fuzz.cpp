// Fuzzes theta-evm's raw transaction decoder with arbitrary bytes under every revision. Besides not
// crashing, an accepted transaction must be consistent: its hash is keccak256 of the input, its
// intrinsic gas fits its gas limit, its type exists in the revision, decoding is deterministic, and
// no strict prefix of the input is accepted too (RLP leaves no room for trailing bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/core/hash.hpp"
#include "theta/evm/transaction_codec.hpp"

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using theta::evm::Revision;
  const theta::ByteView raw(data, size);
  for (int r = 0; r < theta::evm::kNumRevisions; ++r) {
    const auto rev = static_cast<Revision>(r);
    const auto decoded = theta::evm::DecodeTransaction(raw, rev);
    if (!decoded.ok()) {
      Require(decoded.status().code() == absl::StatusCode::kInvalidArgument);
      continue;
    }
    Require(decoded->hash == theta::Keccak256(raw));
    Require(decoded->intrinsic_gas <= decoded->tx.gas_limit);
    Require(decoded->tx.type <= 3);
    Require(decoded->tx.type == 0 || rev >= Revision::kBerlin);
    Require(decoded->tx.type < 2 || rev >= Revision::kLondon);
    Require(decoded->tx.type < 3 || rev >= Revision::kCancun);
    const auto again = theta::evm::DecodeTransaction(raw, rev);
    Require(again.ok() && again->tx.sender == decoded->tx.sender &&
            again->tx.nonce == decoded->tx.nonce && again->tx.data == decoded->tx.data);
    Require(!theta::evm::DecodeTransaction(raw.first(size - 1), rev).ok());
  }
  return 0;
}
