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
Bytes ProofKey(uint64_t height);
// `qc` is null for genesis.
Bytes EncodeRecord(const consensus::Block& block, const consensus::QuorumCert* qc);
// Fills out.block and out.qc. InvalidArgument naming what is wrong (records also come from peers).
absl::Status DecodeRecord(ByteView bytes, BlockRecord& out);
Bytes EncodeCommitProof(const CommitProof& proof);
absl::StatusOr<CommitProof> DecodeCommitProof(ByteView bytes);

}  // namespace theta::node::internal
