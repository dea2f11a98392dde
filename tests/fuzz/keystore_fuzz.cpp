// Fuzzes keystore decryption with arbitrary bytes as the JSON text. It must never crash, never
// allocate without bound, and stay fast: the KDF limits are lowered far below the defaults so that
// no input can keep the fuzzer inside scrypt or PBKDF2 (which is exactly what the limits are for).
// Properties: every refusal is InvalidArgument (never Internal, which would mean a limit let
// through parameters the KDF could not handle); a file that decrypts under one password is refused
// under another (no false accept); and the "address" field, when readable, agrees with the key.
// Seeds: tests/fuzz/corpus/keystore (small keystores under "fuzz-password").
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/core/keystore.hpp"

namespace {

constexpr std::string_view kPassword = "fuzz-password";

theta::KeystoreLimits FuzzLimits() {
  theta::KeystoreLimits limits;
  limits.max_scrypt_memory_bytes = 1 << 20;  // 1 MiB
  limits.max_scrypt_work = 1 << 12;
  limits.max_pbkdf2_iterations = 1000;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const theta::KeystoreLimits limits = FuzzLimits();
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto key = theta::DecryptKeystore(json, kPassword, limits);
  auto address = theta::KeystoreAddress(json, limits);
  if (!key.ok()) {
    if (key.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (theta::DecryptKeystore(json, "another password", limits).ok()) std::abort();
  if (address.ok() && *address != theta::AddressFromPublicKey(key->DerivePublicKey())) {
    std::abort();
  }
  return 0;
}
