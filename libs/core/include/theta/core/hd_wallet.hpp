// Hierarchical deterministic (HD) wallets: BIP-39 mnemonics, BIP-32 key derivation and BIP-44
// account paths, compatible with Trezor, Ledger, MetaMask and ethers.
//
// A mnemonic is 12, 15, 18, 21 or 24 words from the BIP-39 English wordlist encoding 128 to 256
// bits of entropy plus a checksum of ENT/32 bits (the leading bits of SHA-256(entropy)). It
// stretches into a 64-byte HdSeed with PBKDF2-HMAC-SHA512 (2048 rounds, salt "mnemonic" ‖
// passphrase). From the seed BIP-32 builds a tree of ExtendedPrivateKeys; a derivation path such as
// "m/44'/500'/0'/0/3" picks one leaf, the private key of one account.
//
// Only the English wordlist and ASCII text are supported. BIP-39 normalizes the mnemonic and the
// passphrase to Unicode NFKD, which is the identity on ASCII; rather than silently hash
// un-normalized non-ASCII text (and derive a different wallet than other software would), the
// functions refuse it with InvalidArgument.
//
// Seeds and extended keys wipe their secret bytes (sodium_memzero) when destroyed; mnemonics are
// std::strings, which the caller must handle as the secrets they are. Error messages may quote a
// misspelled word of a mnemonic, never the whole mnemonic, a seed or a key. All functions are
// thread-safe; the classes are plain values.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta {

// ---------------------------------------------------------------------------------------------
// BIP-39 mnemonics

// The 2048 words of the BIP-39 English wordlist, in index order (sorted).
std::span<const std::string_view> Bip39EnglishWords() noexcept;

// A fresh mnemonic of `word_count` words (12, 15, 18, 21 or 24: 128 to 256 bits of entropy from
// libsodium's CSPRNG), words joined by single spaces. InvalidArgument for another word count;
// Internal when libsodium cannot initialize its randomness source.
absl::StatusOr<std::string> GenerateMnemonic(int word_count = 24);

// The mnemonic encoding `entropy` (16, 20, 24, 28 or 32 bytes). InvalidArgument for another size.
absl::StatusOr<std::string> MnemonicFromEntropy(ByteView entropy);

// The entropy a mnemonic encodes. Words may be separated by any ASCII whitespace and may be in
// upper case. InvalidArgument, naming the rule: non-ASCII text, a word count other than 12, 15,
// 18, 21 or 24, a word not in the list (by position and spelling: "mnemonic: word 5 \"abandn\" is
// not in the BIP-39 English wordlist"), or a checksum that does not match.
absl::StatusOr<Bytes> MnemonicToEntropy(std::string_view mnemonic);

// Ok when MnemonicToEntropy accepts `mnemonic`; else its error.
absl::Status ValidateMnemonic(std::string_view mnemonic);

// The 16- to 64-byte seed at the root of a BIP-32 tree. Wiped when destroyed.
class HdSeed {
 public:
  static constexpr size_t kMinSize = 16;
  static constexpr size_t kMaxSize = 64;

  // Copies a seed of 16 to 64 bytes (BIP-32's 128 to 512 bits); InvalidArgument for other sizes.
  static absl::StatusOr<HdSeed> FromBytes(ByteView bytes);

  HdSeed(const HdSeed& other) noexcept;
  HdSeed& operator=(const HdSeed& other) noexcept;
  ~HdSeed();

  ByteView bytes() const noexcept { return {bytes_.data(), size_}; }

 private:
  HdSeed() = default;
  std::array<uint8_t, kMaxSize> bytes_{};
  size_t size_ = 0;
};

// BIP-39's seed: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" ‖ passphrase, 2048 rounds, 64 bytes).
// The mnemonic is validated first (MnemonicToEntropy's errors) and hashed in its canonical form
// (lower case, single spaces), as ethers does. InvalidArgument as well when the passphrase is not
// ASCII. An empty passphrase is the common case; a different passphrase gives a different,
// equally valid wallet.
absl::StatusOr<HdSeed> MnemonicToSeed(std::string_view mnemonic, std::string_view passphrase = "");

// ---------------------------------------------------------------------------------------------
// BIP-32 derivation paths

// Child indexes at or above kHardened are hardened (written with an apostrophe: 44' = 2^31 + 44).
inline constexpr uint32_t kHardened = 0x80000000;

// A derivation path: the child indexes from the master key down, e.g. m/44'/60'/0'/0/0 is
// {44 + kHardened, 60 + kHardened, kHardened, 0, 0}. "m" alone is the empty path.
using DerivationPath = std::vector<uint32_t>;

// Parses "m", then "/" and a decimal index below 2^31 per level, "'" (or "h" / "H") marking a
// hardened one. At most 255 levels (BIP-32 stores the depth in one byte). InvalidArgument naming
// the offending level for a missing "m", an empty level, a non-digit, a leading zero, or an index
// of 2^31 or more.
absl::StatusOr<DerivationPath> ParseDerivationPath(std::string_view text);

// The text form "m/44'/60'/0'/0/0" (hardened levels with an apostrophe).
std::string FormatDerivationPath(std::span<const uint32_t> path);

// BIP-44 account paths (each index below 2^31): Theta's coin type 500 and Ethereum's 60.
// ThetaDerivationPath(3) is "m/44'/500'/0'/0/3"; EthereumDerivationPath(0) is "m/44'/60'/0'/0/0".
std::string ThetaDerivationPath(uint32_t index);
std::string EthereumDerivationPath(uint32_t index);

// ---------------------------------------------------------------------------------------------
// BIP-32 extended keys

// A node of a BIP-32 tree: a private key, its chain code and its place in the tree (depth, the
// first 4 bytes of the parent key's identifier, and its own child index). The key and chain code
// are wiped when destroyed. Plain copyable value.
class ExtendedPrivateKey {
 public:
  // The master node: HMAC-SHA512(key "Bitcoin seed", seed) split into key and chain code.
  // InvalidArgument in the ~2^-127 likely case that the key half is not a valid private key (BIP-32
  // then calls the seed invalid).
  static absl::StatusOr<ExtendedPrivateKey> FromSeed(const HdSeed& seed);

  ExtendedPrivateKey(const ExtendedPrivateKey& other) noexcept = default;
  ExtendedPrivateKey& operator=(const ExtendedPrivateKey& other) noexcept = default;
  ~ExtendedPrivateKey();

  // CKDpriv: the child at `index` (hardened when index >= kHardened). InvalidArgument when the
  // node is already at depth 255, or in the ~2^-127 likely case that this index gives no valid
  // key (BIP-32: proceed with the next index).
  absl::StatusOr<ExtendedPrivateKey> DeriveChild(uint32_t index) const;

  // DeriveChild along `path`, from this node down. Its errors.
  absl::StatusOr<ExtendedPrivateKey> Derive(std::span<const uint32_t> path) const;

  const PrivateKey& private_key() const noexcept { return key_; }
  PublicKey public_key() const { return key_.DerivePublicKey(); }
  ByteView chain_code() const noexcept { return {chain_code_.data(), chain_code_.size()}; }
  uint8_t depth() const noexcept { return depth_; }
  uint32_t parent_fingerprint() const noexcept { return parent_fingerprint_; }
  uint32_t child_number() const noexcept { return child_number_; }

  // The first 4 bytes (big-endian) of HASH160(compressed public key): what children record as
  // their parent_fingerprint.
  uint32_t fingerprint() const;

  // Base58Check serializations for Bitcoin mainnet: "xprv…" (the secret; handle with care) and the
  // matching "xpub…".
  std::string ToXprv() const;
  std::string ToXpub() const;

 private:
  ExtendedPrivateKey(const PrivateKey& key, const std::array<uint8_t, 32>& chain_code,
                     uint8_t depth, uint32_t parent_fingerprint, uint32_t child_number) noexcept;

  PrivateKey key_;
  std::array<uint8_t, 32> chain_code_;
  uint8_t depth_;
  uint32_t parent_fingerprint_;
  uint32_t child_number_;
};

// The private key at `path` (text, e.g. ThetaDerivationPath(0)) below the master key of `seed`.
// ParseDerivationPath's and ExtendedPrivateKey's errors.
absl::StatusOr<PrivateKey> DeriveAccount(const HdSeed& seed, std::string_view path);

}  // namespace theta
