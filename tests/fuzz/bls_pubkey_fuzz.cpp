// Fuzzes BLS public key decoding (KeyValidate over the ZCash G1 encoding) on arbitrary bytes: it
// must never crash, and whatever it accepts must be canonical — re-encoding gives back the input
// (compressed input) or its compressed form decodes to the same key (uncompressed input) — so no
// two encodings of one key are both accepted.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/crypto/bls.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using theta::crypto::bls::PublicKey;
  auto pk = PublicKey::FromBytes(theta::ByteView(data, size));
  if (!pk.ok()) return 0;
  if (size != 48 && size != 96) std::abort();  // only the two lengths may decode
  const auto compressed = pk->ToBytes();
  if (size == 48 && std::memcmp(compressed.data(), data, 48) != 0) std::abort();
  if (size == 96 && (data[0] & 0x80) != 0) std::abort();
  auto again = PublicKey::FromBytes(compressed);
  if (!again.ok() || !(*again == *pk)) std::abort();
  return 0;
}
