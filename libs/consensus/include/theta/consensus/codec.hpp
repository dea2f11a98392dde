// Canonical RLP encodings of every consensus value and message, and the digests that get signed.
//
// Encodings (RLP lists, integers minimal big-endian, hashes 32-byte strings):
//   QC        [epoch, round, height, block_hash, [[signer, sig], ...]]
//   TC        [epoch, round, [[signer, high_qc_round, sig], ...]]
//   header    [epoch, round, height, parent, proposer, timestamp_ms, payload_hash, QC, [] | [TC]]
//   block     [header, payload, signature]
//   vote      [epoch, round, height, block_hash, voter, signature]
//   timeout   [epoch, round, high_qc, [] | [last_round_tc], voter, signature]
//   evidence  [1, header_a, sig_a, header_b, sig_b] | [2, vote_a, vote_b]
//   message   [kind, body]  (kind 1 proposal (a block), 2 vote, 3 timeout, 4 sync request
//              [block_hash, max_blocks], 5 sync response [block, ...], 6 epoch proof
//              [epoch, [block, ...], QC])
// Decoders are strict: the exact field count, canonical integers, 32-byte hashes, signer lists
// strictly increasing, at most kMaxValidators signers, indices below 2^32, payloads at most
// kMaxPayloadBytes. Every failure is InvalidArgument naming the field. A decoded value owns its
// bytes (nothing borrows the input). Signed digests carry a domain tag and the chain ID, so a
// signature for one purpose or chain never verifies for another. Thread-safe (pure functions).
#pragma once

#include <string_view>
#include <variant>

#include "absl/status/statusor.h"
#include "theta/consensus/types.hpp"
#include "theta/core/bytes.hpp"

namespace theta::consensus {

inline constexpr size_t kMaxPayloadBytes = 4 << 20;
inline constexpr uint32_t kMaxSyncBlocks = 64;

Bytes EncodeQuorumCert(const QuorumCert& qc);
absl::StatusOr<QuorumCert> DecodeQuorumCert(ByteView bytes);

Bytes EncodeTimeoutCert(const TimeoutCert& tc);
absl::StatusOr<TimeoutCert> DecodeTimeoutCert(ByteView bytes);

Bytes EncodeHeader(const BlockHeader& header);
absl::StatusOr<BlockHeader> DecodeHeader(ByteView bytes);
// Keccak-256 of EncodeHeader: the block's identity.
Hash32 HeaderHash(const BlockHeader& header);

Bytes EncodeBlock(const Block& block);
// Also derives block.hash.
absl::StatusOr<Block> DecodeBlock(ByteView bytes);

Bytes EncodeVote(const Vote& vote);
absl::StatusOr<Vote> DecodeVote(ByteView bytes);

Bytes EncodeTimeout(const Timeout& timeout);
absl::StatusOr<Timeout> DecodeTimeout(ByteView bytes);

Bytes EncodeEvidence(const Evidence& evidence);
absl::StatusOr<Evidence> DecodeEvidence(ByteView bytes);

// What travels between validators.
enum class MessageKind : uint8_t {
  kProposal = 1,
  kVote = 2,
  kTimeout = 3,
  kSyncRequest = 4,
  kSyncResponse = 5,
  kEpochProof = 6,
};
using Message = std::variant<Block, Vote, Timeout, SyncRequest, SyncResponse, EpochProof>;

Bytes EncodeMessage(const Message& message);
absl::StatusOr<Message> DecodeMessage(ByteView bytes);

// Digests a validator signs.
Hash32 ProposalDigest(std::string_view chain_id, const Hash32& block_hash);
Hash32 VoteDigest(std::string_view chain_id, uint64_t epoch, uint64_t round, uint64_t height,
                  const Hash32& block_hash);
Hash32 TimeoutDigest(std::string_view chain_id, uint64_t epoch, uint64_t round,
                     uint64_t high_qc_round);

}  // namespace theta::consensus
