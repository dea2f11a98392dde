// Proposal payloads and the genesis block (chain_service.hpp).
#include "absl/strings/str_cat.h"
#include "theta/consensus/node.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node {
namespace {

constexpr uint64_t kPayloadVersion = 1;

absl::Status PayloadError(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("payload: ", std::string(what)));
}

}  // namespace

Bytes EncodePayload(const Payload& payload) {
  RlpWriter w;
  w.BeginList().AddUint(kPayloadVersion).AddUint(payload.committed_height);
  w.AddBytes(payload.committed_root.view()).BeginList();
  for (const Bytes& tx : payload.txs)
    w.AddBytes(tx);
  w.EndList().EndList();
  return std::move(w).Finish();
}

absl::StatusOr<Payload> DecodePayload(ByteView bytes, size_t max_txs) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return PayloadError(std::string(item.status().message()));
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok() || fields->size() != 4) return PayloadError("not a list of 4 fields");
  absl::StatusOr<uint64_t> version = RlpUint64((*fields)[0]);
  if (!version.ok() || *version != kPayloadVersion) return PayloadError("unknown version");
  Payload payload;
  absl::StatusOr<uint64_t> height = RlpUint64((*fields)[1]);
  if (!height.ok()) return PayloadError("committed height");
  payload.committed_height = *height;
  absl::StatusOr<Hash32> root = RlpFixed<32>((*fields)[2]);
  if (!root.ok()) return PayloadError("committed root");
  payload.committed_root = *root;
  absl::StatusOr<std::vector<RlpItem>> txs = RlpListItems((*fields)[3]);
  if (!txs.ok()) return PayloadError("transactions are not a list");
  if (txs->size() > max_txs)
    return PayloadError(absl::StrCat(txs->size(), " transactions, at most ", max_txs));
  payload.txs.reserve(txs->size());
  for (const RlpItem& tx : *txs) {
    absl::StatusOr<ByteView> raw = RlpBytes(tx);
    if (!raw.ok() || raw->empty()) return PayloadError("a transaction is not a byte string");
    payload.txs.emplace_back(raw->begin(), raw->end());
  }
  return payload;
}

consensus::Block GenesisBlock(std::string_view chain_id, const Hash32& genesis_state_root,
                              uint64_t epoch_length) {
  RlpWriter w;
  w.BeginList().AddString(chain_id).AddBytes(genesis_state_root.view());
  // A chain parameter every validator must share: nodes that disagree have different genesis
  // hashes and never talk. Left out when 0, so chains without epochs keep their hash.
  if (epoch_length != 0) w.AddUint(epoch_length);
  w.EndList();
  return consensus::MakeGenesisBlock(0, std::move(w).Finish());
}

}  // namespace theta::node
