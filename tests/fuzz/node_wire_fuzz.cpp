// Fuzzes the decoders of what theta-node's peers send beside consensus messages: gossip envelopes,
// proposal payloads, block-sync records and commit proofs. Beyond "no crash": whatever decodes
// re-encodes to exactly the input (the forms are canonical RLP).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "node_impl.hpp"
#include "record.hpp"
#include "theta/node/chain_service.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace theta;
  const ByteView input(data, size);
  const Bytes bytes(input.begin(), input.end());
  if (auto envelope = node::DecodeEnvelope(input); envelope.ok()) {
    if (node::EncodeEnvelope(*envelope) != bytes) std::abort();
  }
  if (auto payload = node::DecodePayload(input, 1000); payload.ok()) {
    if (payload->txs.size() > 1000) std::abort();
    if (node::EncodePayload(*payload) != bytes) std::abort();
  }
  if (auto txs = node::DecodeTxBatch(input); txs.ok()) {
    if (node::EncodeTxBatch(*txs) != bytes) std::abort();
  }
  node::BlockRecord record;
  if (node::internal::DecodeRecord(input, record).ok()) {
    if (node::internal::EncodeRecord(record.block, record.qc ? &*record.qc : nullptr) != bytes)
      std::abort();
  }
  if (auto proof = node::internal::DecodeCommitProof(input); proof.ok()) {
    if (node::internal::EncodeCommitProof(*proof) != bytes) std::abort();
  }
  return 0;
}
