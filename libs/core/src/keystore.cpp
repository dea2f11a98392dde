#include "theta/core/keystore.hpp"

#include <cryptopp/aes.h>
#include <cryptopp/modes.h>
#include <cryptopp/pwdbased.h>
#include <cryptopp/sha.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "internal/secret_buffer.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta {
namespace {

using Json = nlohmann::json;
using internal::SecretBuffer;

constexpr size_t kDerivedKeySize = 32;  // dklen: AES key (16) ‖ MAC key (16)
constexpr size_t kIvSize = 16;
constexpr size_t kMacSize = 32;
constexpr size_t kDefaultSaltSize = 32;

struct KdfParams {
  KeystoreKdf kdf = KeystoreKdf::kScrypt;
  uint64_t n = 0;
  uint64_t r = 0;
  uint64_t p = 0;
  uint64_t c = 0;
  Bytes salt;
};

absl::Status FieldError(std::string_view field, std::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("keystore: field \"", std::string(field), "\" ", std::string(rule)));
}

// Parses without exceptions (allow_exceptions = false); a bad_alloc is the one exception left,
// and it is caught too, so that nothing escapes to the caller.
absl::StatusOr<Json> ParseJson(std::string_view text, const KeystoreLimits& limits) {
  if (text.size() > limits.max_json_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("keystore: JSON text of ", text.size(),
                                                   " bytes exceeds the limit of ",
                                                   limits.max_json_bytes));
  }
  try {
    Json json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return absl::InvalidArgumentError("keystore: text is not valid JSON");
    if (!json.is_object()) return absl::InvalidArgumentError("keystore: JSON is not an object");
    return json;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("keystore: cannot parse JSON: ", e.what()));
  }
}

absl::StatusOr<const Json*> Member(const Json& object, const char* name, std::string_view path) {
  auto it = object.find(name);
  if (it == object.end()) return FieldError(path, "is missing");
  return &*it;
}

absl::StatusOr<const Json*> ObjectMember(const Json& object, const char* name,
                                         std::string_view path) {
  THETA_ASSIGN_OR_RETURN(const Json* value, Member(object, name, path));
  if (!value->is_object()) return FieldError(path, "must be an object");
  return value;
}

absl::StatusOr<std::string> StringMember(const Json& object, const char* name,
                                         std::string_view path) {
  THETA_ASSIGN_OR_RETURN(const Json* value, Member(object, name, path));
  if (!value->is_string()) return FieldError(path, "must be a string");
  return value->get_ref<const std::string&>();
}

// Non-negative JSON integers only: 262144.0 or "262144" are refused, as geth refuses them.
absl::StatusOr<uint64_t> UintMember(const Json& object, const char* name, std::string_view path) {
  THETA_ASSIGN_OR_RETURN(const Json* value, Member(object, name, path));
  if (!value->is_number_unsigned()) return FieldError(path, "must be a non-negative integer");
  return value->get<uint64_t>();
}

// Hex with or without "0x" (geth writes none; some tools add it). `size` 0 means any length.
absl::StatusOr<Bytes> ParseFieldHex(std::string_view text, std::string_view path, size_t size) {
  const bool prefixed = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  absl::StatusOr<Bytes> bytes = prefixed ? ParseHexDigits(text.substr(2)) : ParseHexDigits(text);
  if (!bytes.ok()) {
    return FieldError(path, absl::StrCat("is not hex: ", std::string(bytes.status().message())));
  }
  if (size != 0 && bytes->size() != size) {
    return FieldError(path, absl::StrCat("must be ", size, " bytes, got ", bytes->size()));
  }
  return bytes;
}

absl::StatusOr<Bytes> HexMember(const Json& object, const char* name, std::string_view path,
                                size_t size) {
  THETA_ASSIGN_OR_RETURN(std::string text, StringMember(object, name, path));
  return ParseFieldHex(text, path, size);
}

// The checks shared by reading and writing: the shape of scrypt's parameters and their cost.
// Memory is 128·r·(N + p) bytes: libsodium holds the N-block table V and the p blocks B at once.
absl::Status CheckScrypt(uint64_t n, uint64_t r, uint64_t p, const KeystoreLimits& limits) {
  if (n < 2 || (n & (n - 1)) != 0) {
    return FieldError("crypto.kdfparams.n", absl::StrCat("must be a power of two >= 2, got ", n));
  }
  if (r == 0) return FieldError("crypto.kdfparams.r", "must be at least 1");
  if (p == 0) return FieldError("crypto.kdfparams.p", "must be at least 1");
  // RFC 7914's bound r·p < 2^30, which libsodium enforces too; callers' limits may be loose.
  if (r >= (uint64_t{1} << 30) || p >= (uint64_t{1} << 30) / r) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: scrypt parameters r=", r, " p=", p, " break r*p < 2^30"));
  }
  // The resource limits, checked without overflow.
  const uint64_t max_blocks = limits.max_scrypt_memory_bytes / 128;
  if (r > max_blocks || n > max_blocks / r || p > max_blocks / r || n + p > max_blocks / r) {
    return absl::InvalidArgumentError(absl::StrCat(
        "keystore: scrypt parameters n=", n, " r=", r, " p=", p, " need more than the limit of ",
        limits.max_scrypt_memory_bytes, " bytes of memory"));
  }
  if (n > limits.max_scrypt_work / r || p > limits.max_scrypt_work / (n * r)) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: scrypt parameters n=", n, " r=", r, " p=", p,
                     " exceed the work limit n*r*p <= ", limits.max_scrypt_work));
  }
  return absl::OkStatus();
}

absl::Status CheckPbkdf2(uint64_t c, const KeystoreLimits& limits) {
  if (c == 0) return FieldError("crypto.kdfparams.c", "must be at least 1");
  // Crypto++ counts iterations in an unsigned int, whatever the caller's limit.
  if (c > limits.max_pbkdf2_iterations || c > std::numeric_limits<unsigned int>::max()) {
    return FieldError("crypto.kdfparams.c",
                      absl::StrCat(c, " exceeds the limit of ",
                                   std::min<uint64_t>(limits.max_pbkdf2_iterations,
                                                      std::numeric_limits<unsigned int>::max())));
  }
  return absl::OkStatus();
}

absl::Status CheckSalt(size_t size, const KeystoreLimits& limits) {
  if (size == 0) return FieldError("crypto.kdfparams.salt", "must not be empty");
  if (size > limits.max_salt_bytes) {
    return FieldError(
        "crypto.kdfparams.salt",
        absl::StrCat("of ", size, " bytes exceeds the limit of ", limits.max_salt_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<KdfParams> ParseKdf(const Json& crypto, const KeystoreLimits& limits) {
  KdfParams params;
  THETA_ASSIGN_OR_RETURN(std::string kdf, StringMember(crypto, "kdf", "crypto.kdf"));
  THETA_ASSIGN_OR_RETURN(const Json* kdfparams,
                         ObjectMember(crypto, "kdfparams", "crypto.kdfparams"));
  THETA_ASSIGN_OR_RETURN(uint64_t dklen, UintMember(*kdfparams, "dklen", "crypto.kdfparams.dklen"));
  if (dklen != kDerivedKeySize) {
    return FieldError("crypto.kdfparams.dklen", absl::StrCat("must be 32, got ", dklen));
  }
  THETA_ASSIGN_OR_RETURN(std::string salt_hex,
                         StringMember(*kdfparams, "salt", "crypto.kdfparams.salt"));
  // Check the length before decoding, so an oversized salt is refused without a large allocation.
  if (salt_hex.size() / 2 > limits.max_salt_bytes) {
    THETA_RETURN_IF_ERROR(CheckSalt(salt_hex.size() / 2, limits));
  }
  THETA_ASSIGN_OR_RETURN(params.salt, ParseFieldHex(salt_hex, "crypto.kdfparams.salt", 0));
  THETA_RETURN_IF_ERROR(CheckSalt(params.salt.size(), limits));

  if (kdf == "scrypt") {
    params.kdf = KeystoreKdf::kScrypt;
    THETA_ASSIGN_OR_RETURN(params.n, UintMember(*kdfparams, "n", "crypto.kdfparams.n"));
    THETA_ASSIGN_OR_RETURN(params.r, UintMember(*kdfparams, "r", "crypto.kdfparams.r"));
    THETA_ASSIGN_OR_RETURN(params.p, UintMember(*kdfparams, "p", "crypto.kdfparams.p"));
    THETA_RETURN_IF_ERROR(CheckScrypt(params.n, params.r, params.p, limits));
  } else if (kdf == "pbkdf2") {
    params.kdf = KeystoreKdf::kPbkdf2;
    THETA_ASSIGN_OR_RETURN(std::string prf,
                           StringMember(*kdfparams, "prf", "crypto.kdfparams.prf"));
    if (prf != "hmac-sha256") {
      return FieldError("crypto.kdfparams.prf",
                        absl::StrCat("must be \"hmac-sha256\", got \"", prf, "\""));
    }
    THETA_ASSIGN_OR_RETURN(params.c, UintMember(*kdfparams, "c", "crypto.kdfparams.c"));
    THETA_RETURN_IF_ERROR(CheckPbkdf2(params.c, limits));
  } else {
    return FieldError("crypto.kdf",
                      absl::StrCat("must be \"scrypt\" or \"pbkdf2\", got \"", kdf, "\""));
  }
  return params;
}

// libsodium and Crypto++ may read the password pointer even for length 0; never hand them null.
const uint8_t* PasswordData(std::string_view password) {
  static constexpr uint8_t kEmpty[1] = {0};
  return password.empty() ? kEmpty : reinterpret_cast<const uint8_t*>(password.data());
}

absl::Status DeriveKey(const KdfParams& params, std::string_view password,
                       SecretBuffer<kDerivedKeySize>& out) {
  if (params.kdf == KeystoreKdf::kScrypt) {
    if (sodium_init() < 0) return absl::InternalError("keystore: libsodium failed to initialize");
    const int rc = crypto_pwhash_scryptsalsa208sha256_ll(
        PasswordData(password), password.size(), params.salt.data(), params.salt.size(), params.n,
        static_cast<uint32_t>(params.r), static_cast<uint32_t>(params.p), out.data(), out.size());
    if (rc != 0) {
      return absl::InternalError(absl::StrCat("keystore: scrypt failed (n=", params.n,
                                              " r=", params.r, " p=", params.p, ")"));
    }
    return absl::OkStatus();
  }
  try {
    CryptoPP::PKCS5_PBKDF2_HMAC<CryptoPP::SHA256> pbkdf2;
    pbkdf2.DeriveKey(out.data(), out.size(), 0, PasswordData(password), password.size(),
                     params.salt.data(), params.salt.size(), static_cast<unsigned int>(params.c));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("keystore: pbkdf2 failed: ", e.what()));
  }
  return absl::OkStatus();
}

// AES-128-CTR with a 128-bit big-endian counter that wraps (the "evilnonce" vector starts it at
// 2^128 - 1). Encryption and decryption are the same operation.
absl::Status AesCtr(const SecretBuffer<kDerivedKeySize>& dk, ByteView iv, ByteView in,
                    uint8_t* out) {
  try {
    CryptoPP::CTR_Mode<CryptoPP::AES>::Encryption aes;
    aes.SetKeyWithIV(dk.data(), 16, iv.data(), iv.size());
    aes.ProcessData(out, in.data(), in.size());
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("keystore: aes-128-ctr failed: ", e.what()));
  }
  return absl::OkStatus();
}

Hash32 ComputeMac(const SecretBuffer<kDerivedKeySize>& dk, ByteView ciphertext) {
  SecretBuffer<16 + PrivateKey::kSize> input;
  std::memcpy(input.data(), dk.data() + 16, 16);
  std::memcpy(input.data() + 16, ciphertext.data(), ciphertext.size());
  return Keccak256(input.view(0, 16 + ciphertext.size()));
}

// UUID version 4 (RFC 4122 section 4.4): 122 random bits, version nibble 4, variant bits 10.
std::string NewUuid() {
  std::array<uint8_t, 16> b;
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<uint8_t>(0x40 | (b[6] & 0x0f));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  const std::string hex = ToHex(b, /*prefix=*/false);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

absl::StatusOr<KdfParams> ParamsFromOptions(const KeystoreEncryptOptions& options) {
  const KeystoreLimits limits;
  KdfParams params;
  params.kdf = options.kdf;
  if (options.kdf == KeystoreKdf::kScrypt) {
    THETA_RETURN_IF_ERROR(
        CheckScrypt(options.scrypt_n, options.scrypt_r, options.scrypt_p, limits));
    params.n = options.scrypt_n;
    params.r = options.scrypt_r;
    params.p = options.scrypt_p;
  } else {
    THETA_RETURN_IF_ERROR(CheckPbkdf2(options.pbkdf2_iterations, limits));
    params.c = options.pbkdf2_iterations;
  }
  if (options.salt.empty()) {
    params.salt.resize(kDefaultSaltSize);
    randombytes_buf(params.salt.data(), params.salt.size());
  } else {
    THETA_RETURN_IF_ERROR(CheckSalt(options.salt.size(), limits));
    params.salt = options.salt;
  }
  return params;
}

Json KdfParamsJson(const KdfParams& params) {
  Json json = {{"dklen", kDerivedKeySize}, {"salt", ToHex(params.salt, false)}};
  if (params.kdf == KeystoreKdf::kScrypt) {
    json["n"] = params.n;
    json["r"] = params.r;
    json["p"] = params.p;
  } else {
    json["c"] = params.c;
    json["prf"] = "hmac-sha256";
  }
  return json;
}

// The parsed "crypto" section, everything DecryptKeystore needs before it derives the key.
struct CryptoSection {
  KdfParams kdf;
  Bytes iv;
  Bytes ciphertext;
  Bytes mac;
};

absl::StatusOr<CryptoSection> ParseCrypto(const Json& root, const KeystoreLimits& limits) {
  const Json* crypto = nullptr;
  const auto lower = root.find("crypto");
  const auto upper = root.find("Crypto");
  if (lower != root.end() && upper != root.end()) {
    return FieldError("crypto", "appears twice, as \"crypto\" and \"Crypto\"");
  }
  if (lower != root.end()) crypto = &*lower;
  if (upper != root.end()) crypto = &*upper;
  if (crypto == nullptr) return FieldError("crypto", "is missing");
  if (!crypto->is_object()) return FieldError("crypto", "must be an object");

  THETA_ASSIGN_OR_RETURN(std::string cipher, StringMember(*crypto, "cipher", "crypto.cipher"));
  if (cipher != "aes-128-ctr") {
    return FieldError("crypto.cipher",
                      absl::StrCat("must be \"aes-128-ctr\", got \"", cipher, "\""));
  }
  CryptoSection section;
  THETA_ASSIGN_OR_RETURN(const Json* cipherparams,
                         ObjectMember(*crypto, "cipherparams", "crypto.cipherparams"));
  THETA_ASSIGN_OR_RETURN(section.iv,
                         HexMember(*cipherparams, "iv", "crypto.cipherparams.iv", kIvSize));
  THETA_ASSIGN_OR_RETURN(section.ciphertext,
                         HexMember(*crypto, "ciphertext", "crypto.ciphertext", PrivateKey::kSize));
  THETA_ASSIGN_OR_RETURN(section.mac, HexMember(*crypto, "mac", "crypto.mac", kMacSize));
  THETA_ASSIGN_OR_RETURN(section.kdf, ParseKdf(*crypto, limits));
  return section;
}

absl::StatusOr<std::optional<Address>> ParseAddressField(const Json& root) {
  const auto it = root.find("address");
  if (it == root.end()) return std::nullopt;
  if (!it->is_string()) return FieldError("address", "must be a string");
  THETA_ASSIGN_OR_RETURN(Bytes bytes,
                         ParseFieldHex(it->get_ref<const std::string&>(), "address", 20));
  THETA_ASSIGN_OR_RETURN(Address address, Address::FromBytes(bytes));
  return address;
}

absl::Status CheckVersion(const Json& root) {
  THETA_ASSIGN_OR_RETURN(uint64_t version, UintMember(root, "version", "version"));
  if (version != 3) return FieldError("version", absl::StrCat("must be 3, got ", version));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EncryptKeystore(const PrivateKey& key, std::string_view password,
                                            const KeystoreEncryptOptions& options) {
  if (sodium_init() < 0) return absl::InternalError("keystore: libsodium failed to initialize");
  THETA_ASSIGN_OR_RETURN(KdfParams params, ParamsFromOptions(options));
  Bytes iv = options.iv;
  if (iv.empty()) {
    iv.resize(kIvSize);
    randombytes_buf(iv.data(), iv.size());
  } else if (iv.size() != kIvSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: iv must be ", kIvSize, " bytes, got ", iv.size()));
  }

  SecretBuffer<kDerivedKeySize> dk;
  THETA_RETURN_IF_ERROR(DeriveKey(params, password, dk));
  std::array<uint8_t, PrivateKey::kSize> ciphertext;
  THETA_RETURN_IF_ERROR(AesCtr(dk, iv, key.bytes(), ciphertext.data()));
  const Hash32 mac = ComputeMac(dk, ciphertext);

  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  Json crypto = {{"cipher", "aes-128-ctr"},
                 {"cipherparams", {{"iv", ToHex(iv, false)}}},
                 {"ciphertext", ToHex(ciphertext, false)},
                 {"kdf", params.kdf == KeystoreKdf::kScrypt ? "scrypt" : "pbkdf2"},
                 {"kdfparams", KdfParamsJson(params)},
                 {"mac", ToHex(mac, false)}};
  Json root = {{"address", ToHex(address, false)},
               {"crypto", std::move(crypto)},
               {"id", NewUuid()},
               {"version", 3}};
  return root.dump();  // every string is ASCII hex, so dump cannot throw on bad UTF-8
}

absl::StatusOr<PrivateKey> DecryptKeystore(std::string_view json, std::string_view password,
                                           const KeystoreLimits& limits) {
  THETA_ASSIGN_OR_RETURN(Json root, ParseJson(json, limits));
  THETA_RETURN_IF_ERROR(CheckVersion(root));
  THETA_ASSIGN_OR_RETURN(CryptoSection crypto, ParseCrypto(root, limits));
  THETA_ASSIGN_OR_RETURN(std::optional<Address> claimed, ParseAddressField(root));

  SecretBuffer<kDerivedKeySize> dk;
  THETA_RETURN_IF_ERROR(DeriveKey(crypto.kdf, password, dk));
  const Hash32 mac = ComputeMac(dk, crypto.ciphertext);
  // Constant time, so that the comparison does not tell an attacker how much of a guess matched.
  if (sodium_memcmp(mac.data(), crypto.mac.data(), kMacSize) != 0) {
    return absl::InvalidArgumentError("keystore: wrong password (MAC mismatch)");
  }
  SecretBuffer<PrivateKey::kSize> plaintext;
  THETA_RETURN_IF_ERROR(AesCtr(dk, crypto.iv, crypto.ciphertext, plaintext.data()));
  absl::StatusOr<PrivateKey> key = PrivateKey::FromBytes(plaintext.view());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        "keystore: the decrypted bytes are not a valid secp256k1 private key");
  }
  if (claimed.has_value()) {
    const Address actual = AddressFromPublicKey(key->DerivePublicKey());
    if (actual != *claimed) {
      return absl::InvalidArgumentError(
          absl::StrCat("keystore: field \"address\" says ", claimed->ToHex(),
                       " but the decrypted key belongs to ", actual.ToHex()));
    }
  }
  return key;
}

absl::StatusOr<Address> KeystoreAddress(std::string_view json, const KeystoreLimits& limits) {
  THETA_ASSIGN_OR_RETURN(Json root, ParseJson(json, limits));
  THETA_ASSIGN_OR_RETURN(std::optional<Address> address, ParseAddressField(root));
  if (!address.has_value()) return absl::NotFoundError("keystore: no \"address\" field");
  return *address;
}

}  // namespace theta
