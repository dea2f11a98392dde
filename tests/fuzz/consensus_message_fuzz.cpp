// Fuzzes the validator message decoder (proposals, votes, timeouts, sync messages) and the
// evidence decoder. Properties beyond "no crash": anything that decodes re-encodes to exactly the
// input (the encoding is canonical, so two byte strings never mean the same message), and a
// decoded block's hash is its header's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/consensus/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  if (auto message = theta::consensus::DecodeMessage(input); message.ok()) {
    if (theta::consensus::EncodeMessage(*message) != theta::Bytes(input.begin(), input.end())) {
      std::abort();
    }
    if (const auto* block = std::get_if<theta::consensus::Block>(&*message)) {
      if (block->hash != theta::consensus::HeaderHash(block->header)) std::abort();
    }
  }
  if (auto evidence = theta::consensus::DecodeEvidence(input); evidence.ok()) {
    if (theta::consensus::EncodeEvidence(*evidence) != theta::Bytes(input.begin(), input.end())) {
      std::abort();
    }
  }
  return 0;
}
