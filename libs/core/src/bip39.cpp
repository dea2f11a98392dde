// BIP-39 mnemonics and seeds (the first half of hd_wallet.hpp).
#include <cryptopp/pwdbased.h>
#include <cryptopp/sha.h>
#include <sodium.h>

#include <algorithm>
#include <exception>
#include <string>

#include "absl/strings/str_cat.h"
#include "internal/secret_buffer.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/hd_wallet.hpp"
#include "theta/core/status.hpp"

namespace theta {
namespace {

constexpr size_t kWordCount = 2048;
constexpr int kBitsPerWord = 11;
constexpr unsigned kSeedRounds = 2048;

constexpr std::string_view kEnglish[kWordCount] = {
#include "bip39_english.inc"
};

// Each word is at most 8 letters; a longer token cannot be in the list and is reported cut short,
// so that a pasted secret of any length never ends up whole in an error message.
constexpr size_t kMaxQuotedWord = 16;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

absl::Status CheckWordCount(size_t words) {
  if (words >= 12 && words <= 24 && words % 3 == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "mnemonic: ", words, " words; a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words"));
}

// Index of `word` (already lower case) in the sorted list, or -1.
int WordIndex(std::string_view word) {
  const auto* end = kEnglish + kWordCount;
  const auto* it = std::lower_bound(kEnglish, end, word);  // the list is sorted
  return (it != end && *it == word) ? static_cast<int>(it - kEnglish) : -1;
}

// Splits on ASCII whitespace and lower-cases; refuses non-ASCII so nothing needs NFKD.
absl::StatusOr<std::vector<std::string>> SplitWords(std::string_view mnemonic) {
  std::vector<std::string> words;
  std::string current;
  for (char c : mnemonic) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      sodium_memzero(current.data(), current.size());
      return absl::InvalidArgumentError(
          "mnemonic: contains non-ASCII text; only the English wordlist is supported");
    }
    if (IsAsciiSpace(c)) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

void Wipe(std::vector<std::string>& words) {
  for (std::string& word : words)
    sodium_memzero(word.data(), word.size());
}

bool GetBit(ByteView bytes, size_t bit) {
  return (bytes[bit / 8] >> (7 - bit % 8)) & 1;
}

absl::StatusOr<Bytes> WordsToEntropy(const std::vector<std::string>& words) {
  THETA_RETURN_IF_ERROR(CheckWordCount(words.size()));
  const size_t total_bits = words.size() * kBitsPerWord;
  const size_t checksum_bits = total_bits / 33;
  const size_t entropy_bits = total_bits - checksum_bits;
  // Entropy and checksum bits, packed; at most 24 * 11 = 264 bits.
  internal::SecretBuffer<33> packed;
  for (size_t i = 0; i < words.size(); ++i) {
    const int index = WordIndex(words[i]);
    if (index < 0) {
      const std::string_view word = words[i];
      const bool cut = word.size() > kMaxQuotedWord;
      return absl::InvalidArgumentError(
          absl::StrCat("mnemonic: word ", i + 1, " \"", std::string(word.substr(0, kMaxQuotedWord)),
                       cut ? "..." : "", "\" is not in the BIP-39 English wordlist"));
    }
    for (int b = 0; b < kBitsPerWord; ++b) {
      if ((index >> (kBitsPerWord - 1 - b)) & 1) {
        const size_t bit = i * kBitsPerWord + static_cast<size_t>(b);
        packed[bit / 8] = static_cast<uint8_t>(packed[bit / 8] | (0x80 >> (bit % 8)));
      }
    }
  }
  Bytes entropy(packed.data(), packed.data() + entropy_bits / 8);
  const Hash32 hash = Sha256(entropy);
  for (size_t b = 0; b < checksum_bits; ++b) {
    if (GetBit(hash, b) != GetBit(packed.view(), entropy_bits + b)) {
      sodium_memzero(entropy.data(), entropy.size());
      return absl::InvalidArgumentError(
          "mnemonic: checksum mismatch (a word is wrong, missing or out of order)");
    }
  }
  return entropy;
}

std::string JoinWords(const std::vector<std::string>& words) {
  size_t size = 0;
  for (const std::string& word : words)
    size += word.size() + 1;
  std::string out;
  out.reserve(size);
  for (const std::string& word : words) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

}  // namespace

std::span<const std::string_view> Bip39EnglishWords() noexcept {
  return kEnglish;
}

absl::StatusOr<std::string> MnemonicFromEntropy(ByteView entropy) {
  const size_t size = entropy.size();
  if (size < 16 || size > 32 || size % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mnemonic: entropy of ", size, " bytes; BIP-39 takes 16, 20, 24, 28 or 32 bytes"));
  }
  const size_t entropy_bits = size * 8;
  const size_t words = (entropy_bits + entropy_bits / 32) / kBitsPerWord;
  const Hash32 hash = Sha256(entropy);
  std::string out;
  out.reserve(words * 9);
  for (size_t w = 0; w < words; ++w) {
    int index = 0;
    for (int b = 0; b < kBitsPerWord; ++b) {
      const size_t bit = w * kBitsPerWord + static_cast<size_t>(b);
      const bool set = bit < entropy_bits ? GetBit(entropy, bit) : GetBit(hash, bit - entropy_bits);
      index = (index << 1) | (set ? 1 : 0);
    }
    if (w != 0) out.push_back(' ');
    out += kEnglish[index];
  }
  return out;
}

absl::StatusOr<std::string> GenerateMnemonic(int word_count) {
  THETA_RETURN_IF_ERROR(CheckWordCount(word_count < 0 ? 0 : static_cast<size_t>(word_count)));
  if (sodium_init() < 0) return absl::InternalError("mnemonic: libsodium failed to initialize");
  // 11 bits a word, of which one in 33 is checksum: 12 words carry 128 bits, 24 words 256.
  const size_t entropy_bytes = static_cast<size_t>(word_count) * 4 / 3;
  internal::SecretBuffer<32> entropy;
  randombytes_buf(entropy.data(), entropy_bytes);
  return MnemonicFromEntropy(entropy.view(0, entropy_bytes));
}

absl::StatusOr<Bytes> MnemonicToEntropy(std::string_view mnemonic) {
  THETA_ASSIGN_OR_RETURN(std::vector<std::string> words, SplitWords(mnemonic));
  absl::StatusOr<Bytes> entropy = WordsToEntropy(words);
  Wipe(words);
  return entropy;
}

absl::Status ValidateMnemonic(std::string_view mnemonic) {
  absl::StatusOr<Bytes> entropy = MnemonicToEntropy(mnemonic);
  if (!entropy.ok()) return entropy.status();
  sodium_memzero(entropy->data(), entropy->size());
  return absl::OkStatus();
}

absl::StatusOr<HdSeed> MnemonicToSeed(std::string_view mnemonic, std::string_view passphrase) {
  for (char c : passphrase) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return absl::InvalidArgumentError(
          "mnemonic: the passphrase contains non-ASCII text, whose NFKD normalization is not "
          "supported");
    }
  }
  THETA_ASSIGN_OR_RETURN(std::vector<std::string> words, SplitWords(mnemonic));
  absl::StatusOr<Bytes> entropy = WordsToEntropy(words);
  if (!entropy.ok()) {
    Wipe(words);
    return entropy.status();
  }
  sodium_memzero(entropy->data(), entropy->size());

  std::string canonical = JoinWords(words);
  Wipe(words);
  std::string salt = absl::StrCat("mnemonic", std::string(passphrase));
  internal::SecretBuffer<HdSeed::kMaxSize> seed;
  absl::Status status = absl::OkStatus();
  try {
    CryptoPP::PKCS5_PBKDF2_HMAC<CryptoPP::SHA512> pbkdf2;
    pbkdf2.DeriveKey(seed.data(), seed.size(), 0,
                     reinterpret_cast<const uint8_t*>(canonical.data()), canonical.size(),
                     reinterpret_cast<const uint8_t*>(salt.data()), salt.size(), kSeedRounds);
  } catch (const std::exception& e) {
    status = absl::InternalError(absl::StrCat("mnemonic: pbkdf2 failed: ", e.what()));
  }
  sodium_memzero(canonical.data(), canonical.size());
  sodium_memzero(salt.data(), salt.size());
  THETA_RETURN_IF_ERROR(status);
  return HdSeed::FromBytes(seed.view());
}

HdSeed::HdSeed(const HdSeed& other) noexcept : bytes_(other.bytes_), size_(other.size_) {}

HdSeed& HdSeed::operator=(const HdSeed& other) noexcept {
  bytes_ = other.bytes_;
  size_ = other.size_;
  return *this;
}

HdSeed::~HdSeed() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

absl::StatusOr<HdSeed> HdSeed::FromBytes(ByteView bytes) {
  if (bytes.size() < kMinSize || bytes.size() > kMaxSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("hd wallet: seed of ", bytes.size(), " bytes; BIP-32 takes 16 to 64 bytes"));
  }
  HdSeed seed;
  std::copy(bytes.begin(), bytes.end(), seed.bytes_.begin());
  seed.size_ = bytes.size();
  return seed;
}

}  // namespace theta
