// Fuzzes the guardian gossip decoder. Anything that decodes re-encodes to exactly the input
// (canonical varints, no trailing zero multiplicities), and its signature is 96 bytes or, for a
// pull, absent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/consensus/guardian.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  auto message = theta::consensus::DecodeGuardianMessage(input);
  if (!message.ok()) return 0;
  if (theta::consensus::EncodeGuardianMessage(*message) !=
      theta::Bytes(input.begin(), input.end())) {
    std::abort();
  }
  const bool pull = message->kind == theta::consensus::GuardianMessage::Kind::kPull;
  if (message->signature.size() != (pull ? 0 : 96)) std::abort();
  return 0;
}
