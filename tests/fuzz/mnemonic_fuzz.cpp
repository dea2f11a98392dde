// Fuzzes the parsers of hd_wallet.hpp: BIP-39 mnemonics and BIP-32 derivation paths. The first
// byte picks the parser, the rest is its text. Properties: nothing crashes; an accepted mnemonic
// decodes to entropy that encodes back to the same words (in canonical form) and validates again;
// any 16..32-byte entropy (multiple of 4) encodes to a mnemonic that decodes back to it; an
// accepted path formats to text that parses to the same path, and short paths derive a key.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "theta/core/hd_wallet.hpp"

namespace {

// Lower case, words separated by single spaces: what MnemonicFromEntropy writes.
std::string Canonical(std::string_view text) {
  std::string out;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) out += (out.empty() ? "" : " ") + word;
      word.clear();
    } else {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (!word.empty()) out += (out.empty() ? "" : " ") + word;
  return out;
}

void FuzzMnemonic(std::string_view text) {
  auto entropy = theta::MnemonicToEntropy(text);
  if (theta::ValidateMnemonic(text).ok() != entropy.ok()) std::abort();
  if (!entropy.ok()) return;
  auto again = theta::MnemonicFromEntropy(*entropy);
  if (!again.ok() || *again != Canonical(text)) std::abort();
}

void FuzzEntropy(theta::ByteView entropy) {
  auto mnemonic = theta::MnemonicFromEntropy(entropy);
  const bool standard = entropy.size() >= 16 && entropy.size() <= 32 && entropy.size() % 4 == 0;
  if (mnemonic.ok() != standard) std::abort();
  if (!mnemonic.ok()) return;
  auto back = theta::MnemonicToEntropy(*mnemonic);
  if (!back.ok() || !std::equal(back->begin(), back->end(), entropy.begin(), entropy.end())) {
    std::abort();
  }
}

void FuzzPath(std::string_view text) {
  auto path = theta::ParseDerivationPath(text);
  if (!path.ok()) return;
  const std::string formatted = theta::FormatDerivationPath(*path);
  auto again = theta::ParseDerivationPath(formatted);
  if (!again.ok() || *again != *path) std::abort();
  if (path->size() <= 6) {
    static const theta::HdSeed seed = *theta::HdSeed::FromBytes(theta::Bytes(32, 7));
    // A derivation can fail only with probability ~2^-127 per level.
    if (!theta::DeriveAccount(seed, text).ok()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      FuzzMnemonic(text);
      break;
    case 1:
      FuzzPath(text);
      break;
    default:
      FuzzEntropy(theta::ByteView(data + 1, size - 1));
      break;
  }
  return 0;
}
