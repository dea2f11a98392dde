#include "theta/evm/analysis.hpp"

#include <cstring>

namespace theta::evm {

namespace {
constexpr uint8_t kJumpdest = 0x5b;
constexpr uint8_t kPush1 = 0x60;
constexpr uint8_t kPush32 = 0x7f;
}  // namespace

CodeAnalysis::CodeAnalysis(ByteView code)
    : padded_(code.size() + kPadding, 0),
      code_size_(code.size()),
      jumpdests_(code.size() / 64 + 1, 0) {
  if (!code.empty()) std::memcpy(padded_.data(), code.data(), code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    const uint8_t op = code[i];
    if (op >= kPush1 && op <= kPush32) {
      i += op - kPush1 + 1;  // skip the immediate: a 0x5b there is data, not a destination
    } else if (op == kJumpdest) {
      jumpdests_[i / 64] |= uint64_t{1} << (i % 64);
    }
  }
}

std::shared_ptr<const CodeAnalysis> AnalysisCache::Get(const Hash32& code_hash, ByteView code) {
  auto [it, inserted] = entries_.try_emplace(code_hash);
  if (inserted) it->second = std::make_shared<const CodeAnalysis>(code);
  return it->second;
}

}  // namespace theta::evm
