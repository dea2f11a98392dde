// Fuzzes theta-edge's payment terms decoder (what an edge announces to viewers over the swarm).
// Properties: it never crashes, and accepted terms re-encode to exactly the input (canonical).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "video_payments.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto terms = theta::edge::DecodePaymentTerms(theta::ByteView(data, size));
  if (!terms.ok()) return 0;
  const theta::Bytes again = theta::edge::EncodePaymentTerms(*terms);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}
