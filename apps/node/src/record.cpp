// Commit records (record.hpp).
#include "record.hpp"

#include "absl/strings/str_cat.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/rlp.hpp"

namespace theta::node::internal {
namespace {

absl::Status Corrupt(uint64_t height, std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("node store: the record of block ", height, " is corrupt: ", std::string(what)));
}

}  // namespace

Bytes RecordKey(uint64_t height) {
  Bytes key = {'n', '/', 'b', 'l', 'k', '/'};
  for (int i = 0; i < 8; ++i)
    key.push_back(static_cast<uint8_t>(height >> (56 - 8 * i)));
  return key;
}

Bytes EncodeRecord(const consensus::Block& block, const consensus::BlockHeader* child,
                   const consensus::QuorumCert* qc) {
  RlpWriter w;
  w.BeginList().AddBytes(consensus::EncodeBlock(block)).BeginList();
  if (child != nullptr && qc != nullptr)
    w.AddBytes(consensus::EncodeHeader(*child)).AddBytes(consensus::EncodeQuorumCert(*qc));
  w.EndList().EndList();
  return std::move(w).Finish();
}

absl::Status DecodeRecord(uint64_t height, ByteView bytes, BlockRecord& out) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  absl::StatusOr<std::vector<RlpItem>> fields =
      item.ok() ? RlpListItems(*item) : absl::StatusOr<std::vector<RlpItem>>(item.status());
  if (!fields.ok() || fields->size() != 2) return Corrupt(height, "not [block, proof]");
  absl::StatusOr<ByteView> block_bytes = RlpBytes((*fields)[0]);
  absl::StatusOr<consensus::Block> block =
      block_bytes.ok() ? consensus::DecodeBlock(*block_bytes)
                       : absl::StatusOr<consensus::Block>(block_bytes.status());
  if (!block.ok()) return Corrupt(height, std::string(block.status().message()));
  out.block = *std::move(block);
  absl::StatusOr<std::vector<RlpItem>> proof = RlpListItems((*fields)[1]);
  if (!proof.ok() || (proof->size() != 0 && proof->size() != 2)) return Corrupt(height, "proof");
  if (proof->size() == 2) {
    absl::StatusOr<ByteView> child = RlpBytes((*proof)[0]);
    absl::StatusOr<ByteView> qc = RlpBytes((*proof)[1]);
    if (!child.ok() || !qc.ok()) return Corrupt(height, "proof fields");
    absl::StatusOr<consensus::BlockHeader> header = consensus::DecodeHeader(*child);
    absl::StatusOr<consensus::QuorumCert> cert = consensus::DecodeQuorumCert(*qc);
    if (!header.ok() || !cert.ok()) return Corrupt(height, "proof contents");
    out.proof_child = *std::move(header);
    out.proof_qc = *std::move(cert);
  }
  return absl::OkStatus();
}

}  // namespace theta::node::internal
