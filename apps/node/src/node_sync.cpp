// Block sync (channel 4, see node.hpp): status announcements, serving committed blocks with a
// commit proof, and following the chain by verifying that proof against the validator set.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "boost/asio/steady_timer.hpp"
#include "node_impl.hpp"
#include "record.hpp"
#include "spdlog/spdlog.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

constexpr uint64_t kStatus = 1, kRequest = 2, kAnswer = 3;
constexpr uint64_t kMaxBlocksPerAnswer = 64;
constexpr size_t kMaxAnswerBytes = 4 << 20;
constexpr uint64_t kRequestTimeoutMs = 5000;
// A validator leaves catching up to consensus' own sync unless it is this far behind.
constexpr uint64_t kValidatorSyncLag = 64;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("block sync: ", std::string(what)));
}

// The blocks of an answer must chain from our head and end in a block the proof commits.
absl::Status CheckChain(const std::vector<BlockRecord>& records, const CommitProof& proof,
                        uint64_t head, const Hash32& head_hash) {
  Hash32 parent = head_hash;
  for (size_t i = 0; i < records.size(); ++i) {
    const consensus::Block& b = records[i].block;
    if (b.header.height != head + 1 + i) return Bad("blocks out of order");
    if (b.header.parent != parent) return Bad("blocks do not chain from our head");
    if (consensus::HeaderHash(b.header) != b.hash) return Bad("a block hash does not match");
    if (Keccak256(b.payload) != b.header.payload_hash) return Bad("a payload does not match");
    parent = b.hash;
  }
  const consensus::Block& last = records.back().block;
  if (proof.child.parent != last.hash || proof.child.qc.block_hash != last.hash)
    return Bad("the commit proof does not extend the last block");
  // Each suffix header extends the one before; the certified top's round follows its parent's.
  const consensus::BlockHeader* below = &proof.child;
  uint64_t below_round = last.header.round;  // the round of the top's parent
  for (const consensus::BlockHeader& h : proof.suffix) {
    const Hash32 below_hash = consensus::HeaderHash(*below);
    if (h.parent != below_hash || h.qc.block_hash != below_hash)
      return Bad("the commit proof's suffix does not chain");
    below_round = below->round;
    below = &h;
  }
  if (proof.top().round != below_round + 1 ||
      proof.child_qc.block_hash != consensus::HeaderHash(proof.top()))
    return Bad("the commit proof does not commit the last block");
  return absl::OkStatus();
}

}  // namespace

void NodeImpl::SendStatus(const std::optional<net::NodeId>& to) {
  if (!host_) return;
  RlpWriter w;
  w.BeginList().AddUint(kStatus).AddUint(chain_->Height()).AddBytes(chain_->HeadHash().view());
  w.EndList();
  const Bytes message = std::move(w).Finish();
  if (to) {
    (void)host_->Send(*to, kSyncChannel, message);
  } else {
    host_->Broadcast(kSyncChannel, message);
  }
}

void NodeImpl::StatusTick() {
  SendStatus(std::nullopt);
  MaybeRequestBlocks();
  RefreshGauges();
  auto timer = std::make_shared<boost::asio::steady_timer>(core_io_);
  timer->expires_after(std::chrono::seconds(1));
  timer->async_wait([this, timer](const boost::system::error_code& error) {
    if (!error && !stopped_) StatusTick();
  });
}

void NodeImpl::MaybeRequestBlocks() {
  const uint64_t height = chain_->Height();
  // A committee member leaves small gaps to consensus; anyone else (a validator the epoch leaves
  // out included) follows block by block.
  const bool voting = consensus_ && consensus_->self().has_value();
  const uint64_t lag = voting ? kValidatorSyncLag : 1;
  std::optional<net::NodeId> best;
  uint64_t best_height = 0;
  for (const auto& [peer, peer_height] : peer_heights_) {
    if (peer_height > best_height) {
      best = peer;
      best_height = peer_height;
    }
  }
  best_peer_height_ = best_height;
  if (!best || best_height < height + lag) return;
  const uint64_t now = NowMs();
  if (now < sync_requested_at_ms_ + kRequestTimeoutMs) return;
  sync_requested_at_ms_ = now;
  // Within our epoch only: the next epoch's committee comes from the state at its start.
  uint64_t count = kMaxBlocksPerAnswer;
  if (const uint64_t length = chain_->epoch_length(); length > 0)
    count = std::min(count, length - height % length);
  RlpWriter w;
  w.BeginList().AddUint(kRequest).AddUint(height + 1).AddUint(count).EndList();
  (void)host_->Send(*best, kSyncChannel, std::move(w).Finish());
}

absl::Status NodeImpl::OnSyncMessage(const net::NodeId& from, ByteView payload) {
  absl::StatusOr<RlpItem> item = DecodeRlp(payload);
  if (!item.ok()) return Bad("undecodable message");
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok() || fields->empty()) return Bad("not a list");
  absl::StatusOr<uint64_t> kind = RlpUint64((*fields)[0]);
  if (!kind.ok()) return Bad("no kind");
  if (*kind == kStatus && fields->size() == 3) {
    absl::StatusOr<uint64_t> height = RlpUint64((*fields)[1]);
    if (!height.ok()) return Bad("status height");
    peer_heights_[from] = *height;
    MaybeRequestBlocks();
    return absl::OkStatus();
  }
  if (*kind == kRequest && fields->size() == 3) {
    absl::StatusOr<uint64_t> start = RlpUint64((*fields)[1]);
    absl::StatusOr<uint64_t> count = RlpUint64((*fields)[2]);
    if (!start.ok() || !count.ok() || *start == 0) return Bad("request fields");
    return ServeBlocks(from, *start, std::min(*count, kMaxBlocksPerAnswer));
  }
  if (*kind == kAnswer) return ApplySyncedBlocks(from, payload);
  return Bad(absl::StrCat("unknown message kind ", *kind));
}

// Answers with blocks start.. up to the last one among them that has a commit proof here (every
// direct commit leaves one; the head always has one), or nothing if none does.
absl::Status NodeImpl::ServeBlocks(const net::NodeId& peer, uint64_t start, uint64_t count) {
  std::vector<Bytes> records;
  std::optional<CommitProof> proof;
  size_t proven = 0, bytes = 0;
  for (uint64_t h = start; h < start + count && h <= chain_->Height(); ++h) {
    absl::StatusOr<Bytes> record = chain_->RawRecord(h);
    if (!record.ok()) break;
    bytes += record->size();
    if (bytes > kMaxAnswerBytes && !records.empty()) break;
    records.push_back(*std::move(record));
    absl::StatusOr<CommitProof> p = chain_->CommitProofAt(h);
    if (p.ok()) {
      proof = *std::move(p);
      proven = records.size();
    }
  }
  if (!proof) return absl::OkStatus();
  RlpWriter w;
  w.BeginList().AddUint(kAnswer).BeginList();
  for (size_t i = 0; i < proven; ++i)
    w.AddBytes(records[i]);
  w.EndList().AddBytes(internal::EncodeCommitProof(*proof)).EndList();
  return host_->Send(peer, kSyncChannel, std::move(w).Finish());
}

absl::Status NodeImpl::ApplySyncedBlocks(const net::NodeId& peer, ByteView answer) {
  sync_requested_at_ms_ = 0;
  absl::StatusOr<RlpItem> item = DecodeRlp(answer);
  absl::StatusOr<std::vector<RlpItem>> fields =
      item.ok() ? RlpListItems(*item) : absl::StatusOr<std::vector<RlpItem>>(item.status());
  if (!fields.ok() || fields->size() != 3) return Bad("answer is not [kind, blocks, proof]");
  absl::StatusOr<std::vector<RlpItem>> list = RlpListItems((*fields)[1]);
  absl::StatusOr<ByteView> proof_bytes = RlpBytes((*fields)[2]);
  if (!list.ok() || !proof_bytes.ok() || list->empty()) return Bad("answer fields");
  THETA_ASSIGN_OR_RETURN(CommitProof proof, internal::DecodeCommitProof(*proof_bytes));
  std::vector<BlockRecord> records(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    absl::StatusOr<ByteView> bytes = RlpBytes((*list)[i]);
    if (!bytes.ok()) return Bad("a record is not a byte string");
    THETA_RETURN_IF_ERROR(internal::DecodeRecord(*bytes, records[i]));
  }
  const uint64_t head = chain_->Height();
  if (records.front().block.header.height != head + 1) return absl::OkStatus();  // stale answer
  THETA_RETURN_IF_ERROR(CheckChain(records, proof, head, chain_->HeadHash()));
  const uint64_t last_height = records.back().block.header.height;
  absl::StatusOr<consensus::Committee> committee = CommitteeForBlock(last_height);
  if (!committee.ok()) return committee.status();  // beyond our epoch: a stale answer
  absl::Status certified = consensus::VerifyQuorumCert(*committee, proof.child.qc);
  if (certified.ok()) certified = consensus::VerifyQuorumCert(*committee, proof.top().qc);
  if (certified.ok()) certified = consensus::VerifyQuorumCert(*committee, proof.child_qc);
  if (!certified.ok()) return Bad(std::string(certified.message()));
  for (size_t i = 0; i < records.size(); ++i) {
    // Each block's own certificate is the next block's header QC; the last one's is the proof's.
    const consensus::QuorumCert& qc =
        i + 1 < records.size() ? records[i + 1].block.header.qc : proof.child.qc;
    absl::Status committed = chain_->Commit(records[i].block, qc);
    if (!committed.ok()) {
      Fail(committed);
      return committed;
    }
    MaybeCollectGarbage(records[i].block.header.height);
  }
  (void)chain_->AddCommitProof(proof);
  if (consensus_) consensus_->AdoptCommitted(records.back().block);
  log_->debug("synced blocks {}..{} from {}", head + 1, chain_->Height(), net::ShortId(peer));
  MaybeRequestBlocks();
  return absl::OkStatus();
}

}  // namespace theta::node
