// Fuzzes BLS signature decoding (the ZCash G2 encoding with the G2 subgroup check) on arbitrary
// bytes: it must never crash; an accepted compressed input must re-encode to itself, an accepted
// uncompressed one to a compressed form that decodes to the same point; and an accepted signature
// must not verify under an unrelated key (no false accept of fuzzer-made signatures).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/crypto/bls.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace bls = theta::crypto::bls;
  auto sig = bls::Signature::FromBytes(theta::ByteView(data, size));
  if (!sig.ok()) return 0;
  if (size != 96 && size != 192) std::abort();
  const auto compressed = sig->ToBytes();
  if (size == 96 && std::memcmp(compressed.data(), data, 96) != 0) std::abort();
  auto again = bls::Signature::FromBytes(compressed);
  if (!again.ok() || !(*again == *sig)) std::abort();
  static const bls::PublicKey pk = [] {
    std::array<uint8_t, 32> ikm{};
    ikm.fill(0x42);
    return bls::SkToPk(*bls::KeyGen(ikm));
  }();
  static const std::array<uint8_t, 4> msg = {'t', 'e', 's', 't'};
  if (bls::Verify(pk, msg, *sig)) std::abort();  // a forgery would need the secret key
  return 0;
}
