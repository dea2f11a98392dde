#include "theta/evm/analysis.hpp"

#include <algorithm>
#include <cstring>

#include "internal/frame.hpp"
#include "internal/op_table.hpp"

namespace theta::evm {

namespace {
constexpr uint8_t kJumpdest = 0x5b;
constexpr uint8_t kPush1 = 0x60;
constexpr uint8_t kPush32 = 0x7f;

// Whether control never falls through from `op` to the next instruction in the same block.
constexpr bool EndsBlock(uint8_t op, const internal::OpInfo& info) {
  switch (op) {
    case 0x00:  // STOP
    case 0x56:  // JUMP
    case 0x57:  // JUMPI: the fall-through path starts a block of its own
    case 0xf3:  // RETURN
    case 0xfd:  // REVERT
    case 0xfe:  // INVALID
    case 0xff:  // SELFDESTRUCT
      return true;
    default:
      return info.gas < 0;  // undefined: the frame fails there
  }
}

// Fills `out[start]` for every block start in `code` (see CodeAnalysis::BlockStack).
void AnalyseBlocks(ByteView code, std::vector<CodeAnalysis::BlockStack>& out) {
  constexpr int kLimit = internal::kStackLimit;
  const internal::OpTable& table = internal::kOpTables.back();
  size_t start = 0;
  int height = 0;  // relative to the block's entry
  int need = 0;    // words the entry stack must hold
  int growth = 0;  // most words above the entry height
  auto close = [&] {
    CodeAnalysis::BlockStack& b = out[start];
    if (need + growth > kLimit) {
      b.min_bytes = 32 * (kLimit + 1);
      b.span_bytes = 0;
    } else {
      b.min_bytes = static_cast<uint32_t>(32 * need);
      b.span_bytes = static_cast<uint32_t>(32 * (kLimit - growth - need));
    }
  };
  auto open = [&](size_t at) {
    start = at;
    height = need = growth = 0;
  };
  for (size_t i = 0; i < code.size(); ++i) {
    const uint8_t op = code[i];
    if (op == kJumpdest && i != start) {
      close();
      open(i);
    }
    const internal::OpInfo& info = table[op];
    need = std::max(need, info.stack_req - height);
    height += info.stack_change;
    growth = std::max(growth, height);
    if (op >= kPush1 && op <= kPush32) i += op - kPush1 + 1;
    if (EndsBlock(op, info)) {
      close();
      open(std::min(i + 1, code.size()));
    }
  }
  close();  // the last block runs into the padding's STOP
  if (start != code.size()) {
    open(code.size());
    close();
  }
}

}  // namespace

CodeAnalysis::CodeAnalysis(ByteView code)
    : padded_(code.size() + kPadding, 0),
      code_size_(code.size()),
      jumpdests_(code.size() / 64 + 1, 0),
      block_stack_(code.size() + 1) {
  if (!code.empty()) std::memcpy(padded_.data(), code.data(), code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    const uint8_t op = code[i];
    if (op >= kPush1 && op <= kPush32) {
      i += op - kPush1 + 1;  // skip the immediate: a 0x5b there is data, not a destination
    } else if (op == kJumpdest) {
      jumpdests_[i / 64] |= uint64_t{1} << (i % 64);
    }
  }
  AnalyseBlocks(code, block_stack_);
}

std::shared_ptr<const CodeAnalysis> AnalysisCache::Get(const Hash32& code_hash, ByteView code) {
  auto [it, inserted] = entries_.try_emplace(code_hash);
  if (inserted) it->second = std::make_shared<const CodeAnalysis>(code);
  return it->second;
}

}  // namespace theta::evm
