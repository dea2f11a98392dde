// Keystore files: a private key encrypted under a password, in Ethereum's Web3 Secret Storage v3
// format, so that files move between theta-wallet, geth, ethers and MetaMask.
//
// A keystore is a JSON object {"version": 3, "id", "address", "crypto": {...}}. The password is
// stretched by a key-derivation function (scrypt, or PBKDF2 with HMAC-SHA256) into a 32-byte
// derived key dk; the private key is encrypted with AES-128-CTR under dk[0..16) and the file
// carries MAC = keccak256(dk[16..32) ‖ ciphertext), which tells a wrong password from a right one
// before anything is decrypted.
//
// A keystore file comes from outside, so decryption checks everything before working: the JSON
// size, every field's type and length, and the cost of the KDF (KeystoreLimits), so that a hostile
// file can make us neither allocate gigabytes nor spin for hours. Derived keys and plaintext are
// wiped (sodium_memzero) before the functions return; the password is only borrowed.
//
// All functions are thread-safe: they share no state. Encryption and decryption are deliberately
// slow (that is the KDF's job): about a second with geth's standard scrypt parameters.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta {

// Bounds on what a keystore file may ask of us. The defaults accept every file geth, ethers and
// MetaMask write (geth's "standard" scrypt is N=2^18, r=8, p=1: 256 MiB and work 2^21) and refuse
// anything far beyond. A refusal is InvalidArgument naming the parameter and the limit.
struct KeystoreLimits {
  // Largest accepted JSON text. Default 64 KiB; real keystores are about 500 bytes.
  size_t max_json_bytes = 64 * 1024;

  // Largest memory scrypt may use, 128·r·N bytes. Default 256 MiB (geth's standard parameters).
  uint64_t max_scrypt_memory_bytes = uint64_t{256} << 20;

  // Largest scrypt work N·r·p (time grows with it). Default 2^23, four times geth's standard.
  uint64_t max_scrypt_work = uint64_t{1} << 23;

  // Largest PBKDF2 iteration count c. Default 10,000,000 (geth and ethers write 262,144).
  uint64_t max_pbkdf2_iterations = 10'000'000;

  // Largest salt, in bytes. Default 1024 (writers use 16 or 32).
  size_t max_salt_bytes = 1024;
};

enum class KeystoreKdf { kScrypt, kPbkdf2 };

// How EncryptKeystore stretches the password. The defaults are geth's "standard" scrypt
// parameters; Light() is geth's "light" preset for tests and low-memory machines.
struct KeystoreEncryptOptions {
  KeystoreKdf kdf = KeystoreKdf::kScrypt;

  // scrypt's cost N (a power of two >= 2), block size r and parallelism p.
  uint64_t scrypt_n = uint64_t{1} << 18;
  uint32_t scrypt_r = 8;
  uint32_t scrypt_p = 1;

  // PBKDF2-HMAC-SHA256 iteration count, used when kdf is kPbkdf2.
  uint32_t pbkdf2_iterations = 262'144;

  // Fixed salt (any length from 1 up to KeystoreLimits::max_salt_bytes) and 16-byte IV, to
  // reproduce a known file in tests. Leave both empty in real use: fresh random values (32-byte
  // salt, 16-byte IV) are then drawn for every file. Reusing a salt and IV under one password
  // leaks the key.
  Bytes salt;
  Bytes iv;

  // geth's StandardScryptN/P: N=2^18, r=8, p=1 (256 MiB, about a second).
  static KeystoreEncryptOptions Standard() { return {}; }
  // geth's LightScryptN/P: N=2^12, r=8, p=6 (4 MiB, tens of milliseconds).
  static KeystoreEncryptOptions Light() {
    KeystoreEncryptOptions options;
    options.scrypt_n = uint64_t{1} << 12;
    options.scrypt_p = 6;
    return options;
  }
  static KeystoreEncryptOptions Pbkdf2(uint32_t iterations = 262'144) {
    KeystoreEncryptOptions options;
    options.kdf = KeystoreKdf::kPbkdf2;
    options.pbkdf2_iterations = iterations;
    return options;
  }
};

// Encrypts `key` under `password` into a version-3 keystore JSON text with a fresh random UUID v4
// "id" and the key's "address" (40 lower-case hex digits without "0x", as geth writes it).
// InvalidArgument when `options` are malformed (N not a power of two >= 2, r or p zero, zero
// iterations, an IV that is not 16 bytes) or exceed the default KeystoreLimits, so that we never
// write a file our own DecryptKeystore would refuse. Internal when the KDF or libsodium's
// randomness fails.
absl::StatusOr<std::string> EncryptKeystore(const PrivateKey& key, std::string_view password,
                                            const KeystoreEncryptOptions& options = {});

// Decrypts a keystore JSON text with `password`.
//
// Accepted: "version" 3; "crypto" (or "Crypto", as old MyEtherWallet files spell it) with "cipher"
// "aes-128-ctr", a 16-byte "cipherparams.iv", a 32-byte "ciphertext", a 32-byte "mac", and "kdf"
// "scrypt" (kdfparams n, r, p, dklen 32, salt) or "pbkdf2" (c, dklen 32, prf "hmac-sha256", salt).
// Hex fields may carry a "0x" prefix. Other fields are ignored; an "address", when present, must
// match the decrypted key.
//
// InvalidArgument, naming the field and the rule, for text that is not such a keystore or whose
// KDF parameters exceed `limits`; InvalidArgument "keystore: wrong password (MAC mismatch)" when
// the MAC does not match (a wrong password, or a damaged file: the two are indistinguishable);
// InvalidArgument when the plaintext is not a valid private key or does not match "address".
// Internal when the KDF itself fails.
absl::StatusOr<PrivateKey> DecryptKeystore(std::string_view json, std::string_view password,
                                           const KeystoreLimits& limits = {});

// The "address" field of a keystore, without decrypting it (for listing accounts). NotFound when
// the field is absent; InvalidArgument when the text is not JSON within `limits.max_json_bytes`
// or the field is not 40 hex digits (with or without "0x"). The address is only a claim until
// DecryptKeystore confirms it.
absl::StatusOr<Address> KeystoreAddress(std::string_view json, const KeystoreLimits& limits = {});

// Writes `json` to `path` atomically and privately: the text goes to a fresh temporary file in the
// same folder, created with mode 0600, is flushed to disk (fsync), and is then renamed over `path`
// (replacing any file there), and the folder is synced. Readers see the old file or the new one,
// never a part. NotFound when the folder does not exist; PermissionDenied when it cannot be
// written; Internal for other I/O errors. On failure `path` is untouched and no temporary file
// is left behind.
absl::Status WriteKeystoreFile(const std::filesystem::path& path, std::string_view json);

// Reads a keystore file. NotFound when it does not exist; InvalidArgument when it is larger than
// `limits.max_json_bytes` or not a regular file; PermissionDenied or Internal for other I/O
// errors. Does not parse the text.
absl::StatusOr<std::string> ReadKeystoreFile(const std::filesystem::path& path,
                                             const KeystoreLimits& limits = {});

}  // namespace theta
