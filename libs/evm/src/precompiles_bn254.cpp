// BN254 precompiles (0x06..0x08) on theta-crypto's curve arithmetic. theta-crypto validates the
// input (coordinates below p, points on the curve, G2 in its subgroup, pairing length) and reports
// a violation as InvalidArgument, which the caller turns into a failed call consuming all gas.
#include "internal/bn254.hpp"
#include "theta/crypto/bn254.hpp"

namespace theta::evm::internal {

absl::StatusOr<Bytes> Bn254Add(ByteView input) {
  auto sum = crypto::Bn254Add(input);
  if (!sum.ok()) return sum.status();
  return Bytes(sum->begin(), sum->end());
}

absl::StatusOr<Bytes> Bn254Mul(ByteView input) {
  auto product = crypto::Bn254Mul(input);
  if (!product.ok()) return product.status();
  return Bytes(product->begin(), product->end());
}

absl::StatusOr<Bytes> Bn254Pairing(ByteView input) {
  auto holds = crypto::Bn254PairingCheck(input);
  if (!holds.ok()) return holds.status();
  Bytes word(32, 0);  // a 32-byte big-endian 1 or 0
  word[31] = *holds ? 1 : 0;
  return word;
}

}  // namespace theta::evm::internal
