// Fuzzes public-key recovery over arbitrary 65-byte signatures and 32-byte digests.
//
// Input: 32 bytes of digest, 65 bytes of signature R ‖ S ‖ V, one flag byte (bit 0: require_low_s);
// shorter inputs are zero-padded so that every input is tried. Properties beyond "no crash":
//   - no false accept: recovery succeeds only for signatures that an independent check written here
//     (byte comparisons against n and n/2) calls well formed;
//   - a recovered key verifies the low-s form of the signature over the digest;
//   - a high-s signature recovers (leniently) the same key as its low-s twin (r, n - s, V ^ 1).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "theta/core/secp256k1.hpp"

namespace {

constexpr std::array<uint8_t, 32> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

void Check(bool condition) {
  if (!condition) std::abort();
}

bool InRange(const uint8_t* x) {  // 1 <= x < n
  bool nonzero = false;
  for (size_t i = 0; i < 32; ++i)
    nonzero |= x[i] != 0;
  return nonzero && std::memcmp(x, kOrder.data(), 32) < 0;
}

// Whether s <= n/2, i.e. 2s <= n - 1 < n, computed by doubling rather than with a stored n/2.
bool IsLow(const uint8_t* s) {
  std::array<uint8_t, 33> twice{};
  int carry = 0;
  for (size_t i = 32; i-- > 0;) {
    const int value = 2 * s[i] + carry;
    twice[i + 1] = static_cast<uint8_t>(value & 0xff);
    carry = value >> 8;
  }
  twice[0] = static_cast<uint8_t>(carry);
  if (twice[0] != 0) return false;
  return std::memcmp(twice.data() + 1, kOrder.data(), 32) < 0;
}

theta::Hash32 Negate(const uint8_t* s) {  // n - s
  theta::Hash32 out;
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    const int digit = kOrder[i] - s[i] - borrow;
    borrow = digit < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(digit + 256 * borrow);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::array<uint8_t, 32 + 65 + 1> input{};
  std::memcpy(input.data(), data, size < input.size() ? size : input.size());
  theta::Hash32 digest;
  std::memcpy(digest.data(), input.data(), 32);
  theta::Signature sig;
  std::memcpy(sig.bytes.data(), input.data() + 32, 65);
  const theta::RecoverOptions options{.require_low_s = (input[97] & 1) != 0};

  const uint8_t* r = sig.bytes.data();
  const uint8_t* s = sig.bytes.data() + 32;
  const bool well_formed =
      InRange(r) && InRange(s) && sig.v() <= 1 && (!options.require_low_s || IsLow(s));
  Check(theta::CheckSignature(sig, options).ok() == well_formed);

  const absl::StatusOr<theta::PublicKey> key = theta::RecoverPublicKey(digest, sig, options);
  if (!key.ok()) {
    Check(key.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  Check(well_formed);  // never a key for a rejected signature
  Check(theta::RecoverAddress(digest, sig, options).ok());
  if (IsLow(s)) {
    Check(theta::Verify(*key, digest, sig));
  } else {
    const theta::Signature twin =
        theta::Signature::FromParts(sig.r(), Negate(s), static_cast<uint8_t>(sig.v() ^ 1));
    const absl::StatusOr<theta::PublicKey> twin_key = theta::RecoverPublicKey(digest, twin);
    Check(twin_key.ok() && *twin_key == *key);
    Check(theta::Verify(*key, digest, twin));
    Check(!theta::Verify(*key, digest, sig));
  }
  return 0;
}
