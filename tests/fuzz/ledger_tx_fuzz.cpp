// libFuzzer target for theta-ledger's transaction decoder (raw bytes from peers and RPC clients).
// Properties: decoding never crashes; an accepted input is the one canonical encoding of what it
// decodes to (EncodeTx(DecodeTx(raw)) == raw), and sign bytes can be built for it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/ledger/tx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView raw(data, size);
  auto tx = theta::ledger::DecodeTx(raw);
  if (!tx.ok()) return 0;
  const theta::Bytes again = theta::ledger::EncodeTx(*tx);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  const theta::Bytes sign_bytes = theta::ledger::SignBytes(*tx, "privatenet");
  if (sign_bytes.empty()) std::abort();
  return 0;
}
