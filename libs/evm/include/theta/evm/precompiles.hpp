// Precompiled contracts: accounts 0x01..0x0a whose "code" is native.
//
//   0x01 ecrecover  0x02 sha256  0x03 ripemd160  0x04 identity  0x05 modexp (EIP-198, priced by
//   EIP-2565 from Berlin)  0x06 bn254 add  0x07 bn254 mul  0x08 bn254 pairing (EIP-196/197,
//   EIP-1108 prices)  0x09 blake2f (EIP-152)  0x0a point evaluation (EIP-4844, Cancun).
//
// This build has no BN254 arithmetic yet (it comes with theta-crypto; the entry points are isolated
// in precompiles_bn254.cpp) and no KZG for point evaluation: those precompiles charge their gas and
// then end with StatusCode::kNotAvailable, so a caller can tell "unsupported here" from a real
// failure. Everything else is complete. Pure functions; thread-safe.
#pragma once

#include "theta/evm/host.hpp"
#include "theta/evm/revision.hpp"

namespace theta::evm {

// Whether `address` is a precompile under `rev` (0x01..0x09 up to Shanghai, 0x01..0x0a in Cancun).
bool IsPrecompile(const Address& address, Revision rev) noexcept;

// Runs the precompile at `address` (which must satisfy IsPrecompile) with `gas`. kSuccess with the
// gas left and the output; kOutOfGas when `gas` does not cover the price; kPrecompileFailure for
// input the precompile rejects (blake2f with a bad length or flag, bn254 points off the curve);
// both consume all gas. ecrecover of an invalid signature is a success with empty output, as
// specified.
ExecutionResult RunPrecompile(const Address& address, Revision rev, ByteView input, int64_t gas);

}  // namespace theta::evm
