// The node's commit records ("n/blk/" ‖ BE64 height, see chain_service.hpp): the consensus block
// and its commit proof, kept beside the ledger's block store.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "theta/consensus/types.hpp"
#include "theta/core/bytes.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node::internal {

Bytes RecordKey(uint64_t height);
// `child` and `qc` are null for genesis.
Bytes EncodeRecord(const consensus::Block& block, const consensus::BlockHeader* child,
                   const consensus::QuorumCert* qc);
// Fills out.block, out.proof_child and out.proof_qc; DataLoss naming the height when corrupt.
absl::Status DecodeRecord(uint64_t height, ByteView bytes, BlockRecord& out);

}  // namespace theta::node::internal
