// The BN254 operations behind precompiles 0x06..0x08 (EIP-196, EIP-197), on theta-crypto.
//
// Each takes the precompile's raw input and returns its raw output, or InvalidArgument for input
// the precompile must reject (a failure that consumes all gas). Private to theta-evm.
#pragma once

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"

namespace theta::evm::internal {

absl::StatusOr<Bytes> Bn254Add(ByteView input);
absl::StatusOr<Bytes> Bn254Mul(ByteView input);
absl::StatusOr<Bytes> Bn254Pairing(ByteView input);

}  // namespace theta::evm::internal
