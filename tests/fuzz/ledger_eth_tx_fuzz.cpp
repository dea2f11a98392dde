// libFuzzer target for theta-ledger's Ethereum raw transaction decoder (eth_sendRawTransaction
// bytes from any RPC client) and the raw-tx dispatcher in front of it. Properties: no crash; an
// accepted Ethereum tx is the one canonical encoding of what it decodes to, and either recovers a
// sender or is refused with an error; DecodeRawTx never accepts an input both decoders refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/ledger/eth_tx.hpp"
#include "theta/ledger/executor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView raw(data, size);
  auto tx = theta::ledger::DecodeEthTx(raw);
  auto any = theta::ledger::DecodeRawTx(raw, "privatenet", 20'000'000);
  if (any.ok() && !any->from_ethereum && !theta::ledger::DecodeTx(raw).ok()) std::abort();
  if (!tx.ok()) {
    if (any.ok() && any->from_ethereum) std::abort();
    return 0;
  }
  const theta::Bytes again = theta::ledger::EncodeEthTx(*tx);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  (void)theta::ledger::EthSender(*tx);
  return 0;
}
