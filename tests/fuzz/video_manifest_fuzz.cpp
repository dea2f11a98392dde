// Fuzzes the signed stream manifest decoder. Properties: it never crashes; whatever it accepts
// verifies, and re-encodes to exactly the input bytes (the encoding is canonical).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "theta/video/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  auto manifest = theta::video::DecodeManifest(input);
  if (!manifest.ok()) return 0;
  if (!theta::video::VerifyManifest(*manifest).ok()) std::abort();
  const theta::Bytes again = theta::video::EncodeManifest(*manifest);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}
