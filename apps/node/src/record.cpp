// Commit records and commit proofs (record.hpp).
#include "record.hpp"

#include "absl/strings/str_cat.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/rlp.hpp"

namespace theta::node::internal {
namespace {

Bytes HeightKey(std::string_view prefix, uint64_t height) {
  Bytes key(prefix.begin(), prefix.end());
  for (int i = 0; i < 8; ++i)
    key.push_back(static_cast<uint8_t>(height >> (56 - 8 * i)));
  return key;
}

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("block record: ", std::string(what)));
}

// The two byte strings of an RLP pair [a, b].
absl::StatusOr<std::pair<ByteView, ByteView>> Pair(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return Bad(std::string(item.status().message()));
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok() || fields->size() != 2) return Bad("not a list of two fields");
  absl::StatusOr<ByteView> a = RlpBytes((*fields)[0]);
  absl::StatusOr<ByteView> b = RlpBytes((*fields)[1]);
  if (!a.ok() || !b.ok()) return Bad("a field is not a byte string");
  return std::make_pair(*a, *b);
}

}  // namespace

Bytes RecordKey(uint64_t height) {
  return HeightKey("n/blk/", height);
}

Bytes ProofKey(uint64_t height) {
  return HeightKey("n/cp/", height);
}

Bytes EncodeRecord(const consensus::Block& block, const consensus::QuorumCert* qc) {
  RlpWriter w;
  w.BeginList().AddBytes(consensus::EncodeBlock(block));
  w.AddBytes(qc != nullptr ? consensus::EncodeQuorumCert(*qc) : Bytes{});
  w.EndList();
  return std::move(w).Finish();
}

absl::Status DecodeRecord(ByteView bytes, BlockRecord& out) {
  auto pair = Pair(bytes);
  if (!pair.ok()) return pair.status();
  absl::StatusOr<consensus::Block> block = consensus::DecodeBlock(pair->first);
  if (!block.ok()) return Bad(std::string(block.status().message()));
  out.block = *std::move(block);
  out.qc.reset();
  if (!pair->second.empty()) {
    absl::StatusOr<consensus::QuorumCert> qc = consensus::DecodeQuorumCert(pair->second);
    if (!qc.ok()) return Bad(std::string(qc.status().message()));
    out.qc = *std::move(qc);
  }
  return absl::OkStatus();
}

// [child header, child QC] or, with a suffix, [child header, child QC, [header, ...]].
Bytes EncodeCommitProof(const CommitProof& proof) {
  RlpWriter w;
  w.BeginList().AddBytes(consensus::EncodeHeader(proof.child));
  w.AddBytes(consensus::EncodeQuorumCert(proof.child_qc));
  if (!proof.suffix.empty()) {
    w.BeginList();
    for (const consensus::BlockHeader& header : proof.suffix)
      w.AddBytes(consensus::EncodeHeader(header));
    w.EndList();
  }
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<CommitProof> DecodeCommitProof(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  absl::StatusOr<std::vector<RlpItem>> fields =
      item.ok() ? RlpListItems(*item) : absl::StatusOr<std::vector<RlpItem>>(item.status());
  if (!fields.ok() || fields->size() < 2 || fields->size() > 3)
    return Bad("a commit proof is [child, qc] or [child, qc, [header, ...]]");
  absl::StatusOr<ByteView> child_bytes = RlpBytes((*fields)[0]);
  absl::StatusOr<ByteView> qc_bytes = RlpBytes((*fields)[1]);
  if (!child_bytes.ok() || !qc_bytes.ok()) return Bad("commit proof fields are not strings");
  absl::StatusOr<consensus::BlockHeader> child = consensus::DecodeHeader(*child_bytes);
  absl::StatusOr<consensus::QuorumCert> qc = consensus::DecodeQuorumCert(*qc_bytes);
  if (!child.ok()) return Bad(std::string(child.status().message()));
  if (!qc.ok()) return Bad(std::string(qc.status().message()));
  CommitProof proof{*std::move(child), *std::move(qc), {}};
  if (fields->size() == 3) {
    absl::StatusOr<std::vector<RlpItem>> headers = RlpListItems((*fields)[2]);
    if (!headers.ok() || headers->empty() || headers->size() > consensus::kMaxSyncBlocks)
      return Bad("a commit proof's suffix is a list of 1-64 headers");
    for (const RlpItem& h : *headers) {
      absl::StatusOr<ByteView> raw = RlpBytes(h);
      if (!raw.ok()) return Bad("a suffix header is not a string");
      absl::StatusOr<consensus::BlockHeader> header = consensus::DecodeHeader(*raw);
      if (!header.ok()) return Bad(std::string(header.status().message()));
      proof.suffix.push_back(*std::move(header));
    }
  }
  return proof;
}

}  // namespace theta::node::internal
