// BN254 precompiles: placeholders until theta-crypto provides the curve arithmetic.
#include "internal/bn254.hpp"

namespace theta::evm::internal {

namespace {
absl::Status NotYet(const char* name) {
  return absl::UnimplementedError(std::string("evm: precompile ") + name +
                                  " needs BN254 arithmetic from theta-crypto, not in this build");
}
}  // namespace

absl::StatusOr<Bytes> Bn254Add(ByteView) {
  return NotYet("0x06 (bn254 add)");
}
absl::StatusOr<Bytes> Bn254Mul(ByteView) {
  return NotYet("0x07 (bn254 mul)");
}
absl::StatusOr<Bytes> Bn254Pairing(ByteView) {
  return NotYet("0x08 (bn254 pairing)");
}

}  // namespace theta::evm::internal
