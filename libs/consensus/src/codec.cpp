#include "theta/consensus/codec.hpp"

#include <string>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {
namespace {

absl::Status FieldError(std::string_view what, const absl::Status& cause) {
  return absl::InvalidArgumentError(
      absl::StrCat("consensus codec: ", std::string(what), ": ", std::string(cause.message())));
}

// Reads the fields of one RLP list in order, prefixing errors with the structure's name.
class Fields {
 public:
  static absl::StatusOr<Fields> Open(const RlpItem& item, std::string_view what, size_t count) {
    absl::StatusOr<std::vector<RlpItem>> items = RlpListItems(item);
    if (!items.ok()) return FieldError(what, items.status());
    if (items->size() != count) {
      return absl::InvalidArgumentError(absl::StrCat("consensus codec: ", std::string(what),
                                                     " has ", items->size(), " fields, expected ",
                                                     count));
    }
    return Fields(std::move(*items), what);
  }

  const RlpItem& Item(size_t i) const { return items_[i]; }

  absl::StatusOr<uint64_t> Uint(size_t i, std::string_view name) const {
    absl::StatusOr<uint64_t> v = RlpUint64(items_[i]);
    if (!v.ok()) return Error(name, v.status());
    return *v;
  }
  absl::StatusOr<uint32_t> Index(size_t i, std::string_view name) const {
    THETA_ASSIGN_OR_RETURN(uint64_t v, Uint(i, name));
    if (v >= (uint64_t{1} << 32)) return Error(name, absl::InvalidArgumentError("above 2^32"));
    return static_cast<uint32_t>(v);
  }
  absl::StatusOr<Hash32> Hash(size_t i, std::string_view name) const {
    absl::StatusOr<Hash32> v = RlpFixed<32>(items_[i]);
    if (!v.ok()) return Error(name, v.status());
    return *v;
  }
  absl::StatusOr<Bytes> Str(size_t i, std::string_view name, size_t max = 1024) const {
    absl::StatusOr<ByteView> v = RlpBytes(items_[i]);
    if (!v.ok()) return Error(name, v.status());
    if (v->size() > max) {
      return Error(name,
                   absl::InvalidArgumentError(absl::StrCat(v->size(), " bytes exceed ", max)));
    }
    return Bytes(v->begin(), v->end());
  }
  absl::Status Error(std::string_view name, const absl::Status& cause) const {
    return FieldError(absl::StrCat(std::string(what_), ".", std::string(name)), cause);
  }

 private:
  Fields(std::vector<RlpItem> items, std::string_view what)
      : items_(std::move(items)), what_(what) {}
  std::vector<RlpItem> items_;
  std::string_view what_;
};

absl::StatusOr<RlpItem> Top(ByteView bytes, std::string_view what) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes, RlpLimits{.max_depth = 16});
  if (!item.ok()) return FieldError(what, item.status());
  return *item;
}

void WriteQc(RlpWriter& w, const QuorumCert& qc) {
  w.BeginList().AddUint(qc.epoch).AddUint(qc.round).AddUint(qc.height).AddBytes(qc.block_hash);
  w.BeginList();
  for (const SignerSignature& s : qc.signatures) {
    w.BeginList().AddUint(s.signer).AddBytes(s.signature).EndList();
  }
  w.EndList().EndList();
}

absl::Status CheckSignerOrder(bool first, uint32_t previous, uint32_t signer, size_t count) {
  if (count > kMaxValidators) {
    return absl::InvalidArgumentError(
        absl::StrCat("consensus codec: more than ", kMaxValidators, " signers"));
  }
  if (!first && signer <= previous) {
    return absl::InvalidArgumentError(absl::StrCat("consensus codec: signer ", signer, " after ",
                                                   previous, " (must strictly increase)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<QuorumCert> ReadQc(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "qc", 5));
  QuorumCert qc;
  THETA_ASSIGN_OR_RETURN(qc.epoch, f.Uint(0, "epoch"));
  THETA_ASSIGN_OR_RETURN(qc.round, f.Uint(1, "round"));
  THETA_ASSIGN_OR_RETURN(qc.height, f.Uint(2, "height"));
  THETA_ASSIGN_OR_RETURN(qc.block_hash, f.Hash(3, "block_hash"));
  absl::StatusOr<std::vector<RlpItem>> sigs = RlpListItems(f.Item(4));
  if (!sigs.ok()) return f.Error("signatures", sigs.status());
  for (const RlpItem& s : *sigs) {
    THETA_ASSIGN_OR_RETURN(Fields sf, Fields::Open(s, "qc signature", 2));
    SignerSignature entry;
    THETA_ASSIGN_OR_RETURN(entry.signer, sf.Index(0, "signer"));
    THETA_ASSIGN_OR_RETURN(entry.signature, sf.Str(1, "signature"));
    THETA_RETURN_IF_ERROR(CheckSignerOrder(qc.signatures.empty(),
                                           qc.signatures.empty() ? 0 : qc.signatures.back().signer,
                                           entry.signer, qc.signatures.size() + 1));
    qc.signatures.push_back(std::move(entry));
  }
  return qc;
}

void WriteTc(RlpWriter& w, const TimeoutCert& tc) {
  w.BeginList().AddUint(tc.epoch).AddUint(tc.round).BeginList();
  for (const TimeoutCert::Entry& e : tc.entries) {
    w.BeginList().AddUint(e.signer).AddUint(e.high_qc_round).AddBytes(e.signature).EndList();
  }
  w.EndList().EndList();
}

absl::StatusOr<TimeoutCert> ReadTc(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "tc", 3));
  TimeoutCert tc;
  THETA_ASSIGN_OR_RETURN(tc.epoch, f.Uint(0, "epoch"));
  THETA_ASSIGN_OR_RETURN(tc.round, f.Uint(1, "round"));
  absl::StatusOr<std::vector<RlpItem>> entries = RlpListItems(f.Item(2));
  if (!entries.ok()) return f.Error("entries", entries.status());
  for (const RlpItem& e : *entries) {
    THETA_ASSIGN_OR_RETURN(Fields ef, Fields::Open(e, "tc entry", 3));
    TimeoutCert::Entry entry;
    THETA_ASSIGN_OR_RETURN(entry.signer, ef.Index(0, "signer"));
    THETA_ASSIGN_OR_RETURN(entry.high_qc_round, ef.Uint(1, "high_qc_round"));
    THETA_ASSIGN_OR_RETURN(entry.signature, ef.Str(2, "signature"));
    THETA_RETURN_IF_ERROR(CheckSignerOrder(tc.entries.empty(),
                                           tc.entries.empty() ? 0 : tc.entries.back().signer,
                                           entry.signer, tc.entries.size() + 1));
    tc.entries.push_back(std::move(entry));
  }
  return tc;
}

void WriteHeader(RlpWriter& w, const BlockHeader& h) {
  w.BeginList().AddUint(h.epoch).AddUint(h.round).AddUint(h.height).AddBytes(h.parent);
  w.AddUint(h.proposer).AddUint(h.timestamp_ms).AddBytes(h.payload_hash);
  WriteQc(w, h.qc);
  w.BeginList();
  if (h.tc) WriteTc(w, *h.tc);
  w.EndList().EndList();
}

absl::StatusOr<BlockHeader> ReadHeader(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "header", 9));
  BlockHeader h;
  THETA_ASSIGN_OR_RETURN(h.epoch, f.Uint(0, "epoch"));
  THETA_ASSIGN_OR_RETURN(h.round, f.Uint(1, "round"));
  THETA_ASSIGN_OR_RETURN(h.height, f.Uint(2, "height"));
  THETA_ASSIGN_OR_RETURN(h.parent, f.Hash(3, "parent"));
  THETA_ASSIGN_OR_RETURN(h.proposer, f.Index(4, "proposer"));
  THETA_ASSIGN_OR_RETURN(h.timestamp_ms, f.Uint(5, "timestamp_ms"));
  THETA_ASSIGN_OR_RETURN(h.payload_hash, f.Hash(6, "payload_hash"));
  THETA_ASSIGN_OR_RETURN(h.qc, ReadQc(f.Item(7)));
  absl::StatusOr<std::vector<RlpItem>> tc = RlpListItems(f.Item(8));
  if (!tc.ok()) return f.Error("tc", tc.status());
  if (tc->size() > 1) return f.Error("tc", absl::InvalidArgumentError("more than one TC"));
  if (tc->size() == 1) {
    THETA_ASSIGN_OR_RETURN(h.tc, ReadTc((*tc)[0]));
  }
  return h;
}

void WriteBlock(RlpWriter& w, const Block& b) {
  w.BeginList();
  WriteHeader(w, b.header);
  w.AddBytes(b.payload).AddBytes(b.signature).EndList();
}

absl::StatusOr<Block> ReadBlock(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "block", 3));
  Block b;
  THETA_ASSIGN_OR_RETURN(b.header, ReadHeader(f.Item(0)));
  THETA_ASSIGN_OR_RETURN(b.payload, f.Str(1, "payload", kMaxPayloadBytes));
  THETA_ASSIGN_OR_RETURN(b.signature, f.Str(2, "signature"));
  b.hash = HeaderHash(b.header);
  return b;
}

void WriteVote(RlpWriter& w, const Vote& v) {
  w.BeginList().AddUint(v.epoch).AddUint(v.round).AddUint(v.height).AddBytes(v.block_hash);
  w.AddUint(v.voter).AddBytes(v.signature).EndList();
}

absl::StatusOr<Vote> ReadVote(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "vote", 6));
  Vote v;
  THETA_ASSIGN_OR_RETURN(v.epoch, f.Uint(0, "epoch"));
  THETA_ASSIGN_OR_RETURN(v.round, f.Uint(1, "round"));
  THETA_ASSIGN_OR_RETURN(v.height, f.Uint(2, "height"));
  THETA_ASSIGN_OR_RETURN(v.block_hash, f.Hash(3, "block_hash"));
  THETA_ASSIGN_OR_RETURN(v.voter, f.Index(4, "voter"));
  THETA_ASSIGN_OR_RETURN(v.signature, f.Str(5, "signature"));
  return v;
}

void WriteTimeout(RlpWriter& w, const Timeout& t) {
  w.BeginList().AddUint(t.epoch).AddUint(t.round);
  WriteQc(w, t.high_qc);
  w.BeginList();
  if (t.last_round_tc) WriteTc(w, *t.last_round_tc);
  w.EndList();
  w.AddUint(t.voter).AddBytes(t.signature).EndList();
}

absl::StatusOr<Timeout> ReadTimeout(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "timeout", 6));
  Timeout t;
  THETA_ASSIGN_OR_RETURN(t.epoch, f.Uint(0, "epoch"));
  THETA_ASSIGN_OR_RETURN(t.round, f.Uint(1, "round"));
  THETA_ASSIGN_OR_RETURN(t.high_qc, ReadQc(f.Item(2)));
  absl::StatusOr<std::vector<RlpItem>> tc = RlpListItems(f.Item(3));
  if (!tc.ok()) return f.Error("last_round_tc", tc.status());
  if (tc->size() > 1)
    return f.Error("last_round_tc", absl::InvalidArgumentError("more than one TC"));
  if (tc->size() == 1) {
    THETA_ASSIGN_OR_RETURN(t.last_round_tc, ReadTc((*tc)[0]));
  }
  THETA_ASSIGN_OR_RETURN(t.voter, f.Index(4, "voter"));
  THETA_ASSIGN_OR_RETURN(t.signature, f.Str(5, "signature"));
  return t;
}

void WriteBlocks(RlpWriter& w, const std::vector<Block>& blocks) {
  w.BeginList();
  for (const Block& b : blocks)
    WriteBlock(w, b);
  w.EndList();
}

// At most kMaxSyncBlocks blocks.
absl::StatusOr<std::vector<Block>> ReadBlocks(const RlpItem& list, std::string_view what) {
  absl::StatusOr<std::vector<RlpItem>> items = RlpListItems(list);
  if (!items.ok()) return FieldError(what, items.status());
  if (items->size() > kMaxSyncBlocks) {
    return absl::InvalidArgumentError(absl::StrCat("consensus codec: ", std::string(what), " with ",
                                                   items->size(), " blocks exceeds ",
                                                   kMaxSyncBlocks));
  }
  std::vector<Block> blocks;
  blocks.reserve(items->size());
  for (const RlpItem& b : *items) {
    THETA_ASSIGN_OR_RETURN(Block block, ReadBlock(b));
    blocks.push_back(std::move(block));
  }
  return blocks;
}

template <typename Writer>
Bytes EncodeWith(Writer write) {
  RlpWriter w;
  write(w);
  return std::move(w).Finish();
}

absl::StatusOr<Message> ReadMessageBody(MessageKind kind, const RlpItem& body) {
  switch (kind) {
    case MessageKind::kProposal:
      return ReadBlock(body);
    case MessageKind::kVote:
      return ReadVote(body);
    case MessageKind::kTimeout:
      return ReadTimeout(body);
    case MessageKind::kSyncRequest: {
      THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(body, "sync request", 2));
      SyncRequest r;
      THETA_ASSIGN_OR_RETURN(r.block_hash, f.Hash(0, "block_hash"));
      THETA_ASSIGN_OR_RETURN(r.max_blocks, f.Index(1, "max_blocks"));
      return r;
    }
    case MessageKind::kSyncResponse: {
      SyncResponse r;
      THETA_ASSIGN_OR_RETURN(r.blocks, ReadBlocks(body, "sync response"));
      return r;
    }
    case MessageKind::kEpochProof: {
      THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(body, "epoch proof", 3));
      EpochProof p;
      THETA_ASSIGN_OR_RETURN(p.epoch, f.Uint(0, "epoch"));
      THETA_ASSIGN_OR_RETURN(p.blocks, ReadBlocks(f.Item(1), "epoch proof"));
      if (p.blocks.empty())
        return absl::InvalidArgumentError("consensus codec: epoch proof without blocks");
      THETA_ASSIGN_OR_RETURN(p.qc, ReadQc(f.Item(2)));
      return p;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("consensus codec: unknown message kind ", static_cast<int>(kind)));
}

Hash32 DomainDigest(std::string_view tag, std::string_view chain_id,
                    std::initializer_list<uint64_t> numbers, const Hash32* hash) {
  RlpWriter w;
  w.BeginList().AddString(tag).AddString(chain_id);
  for (uint64_t n : numbers)
    w.AddUint(n);
  if (hash) w.AddBytes(*hash);
  w.EndList();
  return Keccak256(w.bytes());
}

}  // namespace

Bytes EncodeQuorumCert(const QuorumCert& qc) {
  return EncodeWith([&](RlpWriter& w) { WriteQc(w, qc); });
}
absl::StatusOr<QuorumCert> DecodeQuorumCert(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "qc"));
  return ReadQc(item);
}

Bytes EncodeTimeoutCert(const TimeoutCert& tc) {
  return EncodeWith([&](RlpWriter& w) { WriteTc(w, tc); });
}
absl::StatusOr<TimeoutCert> DecodeTimeoutCert(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "tc"));
  return ReadTc(item);
}

Bytes EncodeHeader(const BlockHeader& header) {
  return EncodeWith([&](RlpWriter& w) { WriteHeader(w, header); });
}
absl::StatusOr<BlockHeader> DecodeHeader(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "header"));
  return ReadHeader(item);
}
Hash32 HeaderHash(const BlockHeader& header) {
  return Keccak256(EncodeHeader(header));
}

Bytes EncodeBlock(const Block& block) {
  return EncodeWith([&](RlpWriter& w) { WriteBlock(w, block); });
}
absl::StatusOr<Block> DecodeBlock(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "block"));
  return ReadBlock(item);
}

Bytes EncodeVote(const Vote& vote) {
  return EncodeWith([&](RlpWriter& w) { WriteVote(w, vote); });
}
absl::StatusOr<Vote> DecodeVote(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "vote"));
  return ReadVote(item);
}

Bytes EncodeTimeout(const Timeout& timeout) {
  return EncodeWith([&](RlpWriter& w) { WriteTimeout(w, timeout); });
}
absl::StatusOr<Timeout> DecodeTimeout(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "timeout"));
  return ReadTimeout(item);
}

Bytes EncodeEvidence(const Evidence& e) {
  return EncodeWith([&](RlpWriter& w) {
    w.BeginList().AddUint(static_cast<uint64_t>(e.kind));
    if (e.kind == Evidence::Kind::kDoubleProposal) {
      WriteHeader(w, e.header_a);
      w.AddBytes(e.signature_a);
      WriteHeader(w, e.header_b);
      w.AddBytes(e.signature_b);
    } else {
      WriteVote(w, e.vote_a);
      WriteVote(w, e.vote_b);
    }
    w.EndList();
  });
}

absl::StatusOr<Evidence> DecodeEvidence(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "evidence"));
  THETA_ASSIGN_OR_RETURN(std::vector<RlpItem> items, RlpListItems(item));
  if (items.empty()) return absl::InvalidArgumentError("consensus codec: empty evidence");
  Evidence e;
  absl::StatusOr<uint64_t> kind = RlpUint64(items[0]);
  if (!kind.ok()) return FieldError("evidence.kind", kind.status());
  if (*kind == 1) {
    THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "evidence", 5));
    e.kind = Evidence::Kind::kDoubleProposal;
    THETA_ASSIGN_OR_RETURN(e.header_a, ReadHeader(f.Item(1)));
    THETA_ASSIGN_OR_RETURN(e.signature_a, f.Str(2, "signature_a"));
    THETA_ASSIGN_OR_RETURN(e.header_b, ReadHeader(f.Item(3)));
    THETA_ASSIGN_OR_RETURN(e.signature_b, f.Str(4, "signature_b"));
  } else if (*kind == 2) {
    THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "evidence", 3));
    e.kind = Evidence::Kind::kDoubleVote;
    THETA_ASSIGN_OR_RETURN(e.vote_a, ReadVote(f.Item(1)));
    THETA_ASSIGN_OR_RETURN(e.vote_b, ReadVote(f.Item(2)));
  } else {
    return absl::InvalidArgumentError(absl::StrCat("consensus codec: evidence kind ", *kind,
                                                   " is neither 1 (proposals) nor 2 (votes)"));
  }
  return e;
}

Bytes EncodeMessage(const Message& message) {
  return EncodeWith([&](RlpWriter& w) {
    w.BeginList().AddUint(message.index() + 1);
    std::visit(
        [&](const auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, Block>) {
            WriteBlock(w, m);
          } else if constexpr (std::is_same_v<T, Vote>) {
            WriteVote(w, m);
          } else if constexpr (std::is_same_v<T, Timeout>) {
            WriteTimeout(w, m);
          } else if constexpr (std::is_same_v<T, SyncRequest>) {
            w.BeginList().AddBytes(m.block_hash).AddUint(m.max_blocks).EndList();
          } else if constexpr (std::is_same_v<T, SyncResponse>) {
            WriteBlocks(w, m.blocks);
          } else {
            w.BeginList().AddUint(m.epoch);
            WriteBlocks(w, m.blocks);
            WriteQc(w, m.qc);
            w.EndList();
          }
        },
        message);
    w.EndList();
  });
}

absl::StatusOr<Message> DecodeMessage(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, Top(bytes, "message"));
  THETA_ASSIGN_OR_RETURN(Fields f, Fields::Open(item, "message", 2));
  THETA_ASSIGN_OR_RETURN(uint64_t kind, f.Uint(0, "kind"));
  if (kind < 1 || kind > 6) {
    return absl::InvalidArgumentError(absl::StrCat("consensus codec: unknown message kind ", kind));
  }
  return ReadMessageBody(static_cast<MessageKind>(kind), f.Item(1));
}

Hash32 ProposalDigest(std::string_view chain_id, const Hash32& block_hash) {
  return DomainDigest("theta/consensus/proposal", chain_id, {}, &block_hash);
}

Hash32 VoteDigest(std::string_view chain_id, uint64_t epoch, uint64_t round, uint64_t height,
                  const Hash32& block_hash) {
  return DomainDigest("theta/consensus/vote", chain_id, {epoch, round, height}, &block_hash);
}

Hash32 TimeoutDigest(std::string_view chain_id, uint64_t epoch, uint64_t round,
                     uint64_t high_qc_round) {
  return DomainDigest("theta/consensus/timeout", chain_id, {epoch, round, high_qc_round}, nullptr);
}

}  // namespace theta::consensus
