// Fuzzes the swarm protocol's message decoder (Have, Request, Response, Voucher, Terms).
// Properties: it never crashes; every message it accepts re-encodes to exactly the input
// (canonical), and a Have bitfield query never reads out of bounds.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "theta/video/swarm_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto message = theta::video::DecodeSwarmMessage(theta::ByteView(data, size));
  if (!message.ok()) return 0;
  const theta::Bytes again = theta::video::EncodeSwarmMessage(*message);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  if (const auto* have = std::get_if<theta::video::HaveMessage>(&*message)) {
    for (uint64_t i = 0; i < 64; ++i)
      (void)have->Has(have->first_index + i * 131);
  }
  return 0;
}
