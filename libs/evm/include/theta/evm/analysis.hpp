// Code analysis: what the interpreter needs to know about a contract before running it.
//
// A CodeAnalysis is built once per distinct code (one linear pass) and is then read-only, so it can
// be shared between executions and threads. It holds the code padded with zero bytes (STOP) so that
// the interpreter never checks for the end of code while decoding PUSH data or the next opcode, and
// a bitmap of valid jump destinations (JUMPDEST bytes that are not inside PUSH data), and the stack
// bounds of every basic block, so that the interpreter checks the stack once per block instead of
// once per instruction.
//
// AnalysisCache maps code hashes to analyses. It is not thread-safe: give each thread its own
// cache, or guard it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::evm {

class CodeAnalysis {
 public:
  // Zero bytes after the code: one more than the longest PUSH (32), so that PUSH32 as the last byte
  // reads padding and the byte after it is STOP.
  static constexpr size_t kPadding = 33;

  // Analyses `code` (any bytes, any length). Never fails.
  explicit CodeAnalysis(ByteView code);

  // The code followed by kPadding zero bytes.
  const uint8_t* padded_code() const noexcept { return padded_.data(); }
  size_t code_size() const noexcept { return code_size_; }
  ByteView code() const noexcept { return {padded_.data(), code_size_}; }

  // Whether JUMP to `dest` is allowed: dest < code_size() and a JUMPDEST opcode is there.
  bool IsJumpdest(uint64_t dest) const noexcept {
    return dest < code_size_ && ((jumpdests_[dest / 64] >> (dest % 64)) & 1) != 0;
  }

  // The stack needs of a basic block: straight-line code that starts at offset 0, at a JUMPDEST or
  // after a JUMPI, and ends at the next terminating instruction (STOP, JUMP, JUMPI, RETURN, REVERT,
  // INVALID, SELFDESTRUCT, an undefined opcode) or before the next JUMPDEST. Entering the block
  // with a stack of h words (32 bytes each) lets every instruction in it find its operands and
  // fit its results iff h * 32 - min_bytes, computed without sign, is at most span_bytes. A block
  // that no stack can satisfy has min_bytes above any stack and span_bytes 0. Whether an opcode
  // exists is taken from the newest revision; an opcode that an older revision lacks fails there
  // anyway, so a block that runs past it fails either way.
  struct BlockStack {
    uint32_t min_bytes = 0;
    uint32_t span_bytes = 0;
  };
  // Indexed by the offset where a block starts (0..code_size()); other entries are unspecified.
  const BlockStack* block_stack() const noexcept { return block_stack_.data(); }

 private:
  Bytes padded_;
  size_t code_size_ = 0;
  std::vector<uint64_t> jumpdests_;
  std::vector<BlockStack> block_stack_;
};

// Analyses by code hash. Entries are never evicted (contracts are few and immutable); Clear() drops
// them all.
class AnalysisCache {
 public:
  // The analysis of `code`, whose keccak256 is `code_hash` (the caller vouches for it). Built on
  // the first request, then shared.
  std::shared_ptr<const CodeAnalysis> Get(const Hash32& code_hash, ByteView code);
  size_t size() const noexcept { return entries_.size(); }
  void Clear() { entries_.clear(); }

 private:
  absl::flat_hash_map<Hash32, std::shared_ptr<const CodeAnalysis>> entries_;
};

}  // namespace theta::evm
