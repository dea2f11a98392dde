#include "theta/consensus/guardian.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {
namespace bls = crypto::bls;
namespace {

constexpr size_t kMaxOpenCheckpoints = 256;
constexpr size_t kKeptCheckpoints = 32;

void AppendVarint(Bytes& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

absl::StatusOr<std::vector<uint32_t>> ReadVarints(ByteView bytes) {
  std::vector<uint32_t> out;
  size_t i = 0;
  while (i < bytes.size()) {
    uint64_t v = 0;
    int shift = 0;
    size_t start = i;
    while (true) {
      if (i >= bytes.size()) return absl::InvalidArgumentError("guardian: truncated multiplicity");
      const uint8_t b = bytes[i++];
      v |= uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) {
        if (b == 0 && i - start > 1) {
          return absl::InvalidArgumentError("guardian: multiplicity varint not minimal");
        }
        break;
      }
      shift += 7;
      if (shift > 28) return absl::InvalidArgumentError("guardian: multiplicity above 2^32");
    }
    if (v > UINT32_MAX) return absl::InvalidArgumentError("guardian: multiplicity above 2^32");
    out.push_back(static_cast<uint32_t>(v));
    if (out.size() > kMaxGuardians) {
      return absl::InvalidArgumentError(
          absl::StrCat("guardian: more than ", kMaxGuardians, " multiplicities"));
    }
  }
  if (!out.empty() && out.back() == 0) {
    return absl::InvalidArgumentError("guardian: multiplicity vector ends in a zero");
  }
  return out;
}

void TrimZeros(std::vector<uint32_t>& m) {
  while (!m.empty() && m.back() == 0)
    m.pop_back();
}

// Whether `incoming` names a signer that `have` lacks.
bool AddsSigner(const std::vector<uint32_t>& have, const std::vector<uint32_t>& incoming) {
  for (size_t i = 0; i < incoming.size(); ++i) {
    if (incoming[i] != 0 && (i >= have.size() || have[i] == 0)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<GuardianSet> GuardianSet::Create(std::vector<GuardianInfo> guardians) {
  if (guardians.empty()) return absl::InvalidArgumentError("guardian set: empty");
  if (guardians.size() > kMaxGuardians) {
    return absl::InvalidArgumentError(absl::StrCat("guardian set: more than ", kMaxGuardians));
  }
  GuardianSet set;
  for (size_t i = 0; i < guardians.size(); ++i) {
    if (guardians[i].stake == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("guardian set: guardian ", i, " has no stake"));
    }
    set.total_ += guardians[i].stake;
    if (set.total_ > (uint64_t{1} << 62)) {
      return absl::InvalidArgumentError("guardian set: total stake exceeds 2^62");
    }
    set.keys_.push_back(guardians[i].key);
    set.stakes_.push_back(guardians[i].stake);
  }
  return set;
}

uint64_t GuardianSet::SignedStake(const std::vector<uint32_t>& multiplicity) const {
  uint64_t stake = 0;
  for (size_t i = 0; i < multiplicity.size() && i < stakes_.size(); ++i) {
    if (multiplicity[i] != 0) stake += stakes_[i];
  }
  return stake;
}

bool GuardianSet::IsQuorum(uint64_t stake) const {
  return stake * 3 > total_ * 2;
}

Bytes CheckpointMessage(std::string_view chain_id, uint64_t height, const Hash32& block_hash) {
  RlpWriter w;
  w.BeginList().AddString("theta/guardian/checkpoint").AddString(chain_id).AddUint(height);
  w.AddBytes(block_hash).EndList();
  return std::move(w).Finish();
}

Bytes EncodeGuardianMessage(const GuardianMessage& m) {
  Bytes varints;
  for (uint32_t v : m.multiplicity)
    AppendVarint(varints, v);
  RlpWriter w;
  w.BeginList().AddUint(static_cast<uint64_t>(m.kind)).AddUint(m.height).AddBytes(m.block_hash);
  w.AddBytes(varints).AddBytes(m.signature).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<GuardianMessage> DecodeGuardianMessage(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, DecodeRlp(bytes, RlpLimits{.max_depth = 4}));
  THETA_ASSIGN_OR_RETURN(std::vector<RlpItem> f, RlpListItems(item));
  if (f.size() != 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("guardian: message has ", f.size(), " fields, expected 5"));
  }
  GuardianMessage m;
  THETA_ASSIGN_OR_RETURN(uint64_t kind, RlpUint64(f[0]));
  if (kind < 1 || kind > 3) {
    return absl::InvalidArgumentError(absl::StrCat("guardian: unknown message kind ", kind));
  }
  m.kind = static_cast<GuardianMessage::Kind>(kind);
  THETA_ASSIGN_OR_RETURN(m.height, RlpUint64(f[1]));
  THETA_ASSIGN_OR_RETURN(m.block_hash, RlpFixed<32>(f[2]));
  THETA_ASSIGN_OR_RETURN(ByteView varints, RlpBytes(f[3]));
  THETA_ASSIGN_OR_RETURN(m.multiplicity, ReadVarints(varints));
  THETA_ASSIGN_OR_RETURN(ByteView signature, RlpBytes(f[4]));
  m.signature.assign(signature.begin(), signature.end());
  const bool pull = m.kind == GuardianMessage::Kind::kPull;
  if (pull != m.signature.empty() || pull != m.multiplicity.empty() ||
      (!pull && m.signature.size() != bls::kSignatureSize)) {
    return absl::InvalidArgumentError(
        "guardian: a vote or certificate needs signers and a 96-byte signature, a pull neither");
  }
  return m;
}

absl::Status VerifyCheckpointCertificate(const GuardianSet& set, std::string_view chain_id,
                                         const GuardianMessage& certificate) {
  return VerifyCheckpointCertificate(set, chain_id, certificate, nullptr);
}

absl::Status VerifyCheckpointCertificate(const GuardianSet& set, std::string_view chain_id,
                                         const GuardianMessage& certificate,
                                         const AggregateVerifier& verify) {
  if (certificate.multiplicity.size() > set.size()) {
    return absl::InvalidArgumentError("guardian: certificate names signers past the set");
  }
  if (!set.IsQuorum(set.SignedStake(certificate.multiplicity))) {
    return absl::InvalidArgumentError("guardian: certificate carries no more than 2/3 of stake");
  }
  THETA_ASSIGN_OR_RETURN(bls::Signature sig, bls::Signature::FromBytes(certificate.signature));
  const bls::WeightedAggregate aggregate{sig, certificate.multiplicity};
  const Bytes message = CheckpointMessage(chain_id, certificate.height, certificate.block_hash);
  const bool ok =
      verify ? verify(message, aggregate) : bls::VerifyWeighted(set.keys(), message, aggregate);
  if (!ok) {
    return absl::InvalidArgumentError("guardian: certificate signature does not verify");
  }
  return absl::OkStatus();
}

Guardian::Guardian(GuardianOptions options, const GuardianSet* set, bls::SecretKey key,
                   std::vector<uint32_t> neighbours, GuardianEnv env)
    : options_(std::move(options)),
      set_(set),
      key_(std::move(key)),
      neighbours_(std::move(neighbours)),
      env_(std::move(env)),
      misbehaved_(set->size(), false) {}

void Guardian::OnCheckpoint(uint64_t height, const Hash32& block_hash) {
  Checkpoint& cp = checkpoints_[height];
  if (cp.known) return;
  cp.known = true;
  cp.block_hash = block_hash;
  cp.told_final.assign(set_->size(), false);
  if (cp.final) return;  // a certificate arrived before our own node committed
  const bls::Signature sig =
      bls::Sign(key_, CheckpointMessage(options_.chain_id, height, block_hash));
  cp.best = *bls::SingleSigner(sig, options_.self, set_->size());
  Round(height, cp);
  // Forget the oldest checkpoints: their certificates went out through on_final.
  while (checkpoints_.size() > kKeptCheckpoints && checkpoints_.begin()->first < height) {
    checkpoints_.erase(checkpoints_.begin());
  }
}

absl::Status Guardian::OnMessage(uint32_t from, ByteView bytes) {
  if (from >= set_->size()) return absl::InvalidArgumentError("guardian: unknown sender");
  THETA_ASSIGN_OR_RETURN(GuardianMessage m, DecodeGuardianMessage(bytes));
  // A faulty guardian could name endless heights; remember a bounded number we did not start.
  if (!checkpoints_.contains(m.height) && checkpoints_.size() >= kMaxOpenCheckpoints) {
    return absl::OkStatus();
  }
  Checkpoint& cp = checkpoints_[m.height];
  if (cp.told_final.empty()) cp.told_final.assign(set_->size(), false);
  switch (m.kind) {
    case GuardianMessage::Kind::kPull:
    case GuardianMessage::Kind::kVote:
      if (cp.final) {
        SendFinal(m.height, cp, from);
      } else if (m.kind == GuardianMessage::Kind::kVote && !misbehaved_[from] &&
                 cp.pending.size() < 4 * 64) {
        cp.pending.emplace_back(from, std::move(m));
      }
      return absl::OkStatus();
    case GuardianMessage::Kind::kFinal: {
      if (cp.final) return absl::OkStatus();
      ++stats_.verifications;
      if (absl::Status st = VerifyCheckpointCertificate(*set_, options_.chain_id, m, env_.verify);
          !st.ok()) {
        ++stats_.rejected;
        return st;
      }
      cp.block_hash = m.block_hash;
      cp.best = {*bls::Signature::FromBytes(m.signature), m.multiplicity};
      BecomeFinal(m.height, cp);
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

void Guardian::OnTimer(uint64_t token) {
  auto it = checkpoints_.find(token);
  if (it != checkpoints_.end() && it->second.known && !it->second.final) Round(token, it->second);
}

void Guardian::Round(uint64_t height, Checkpoint& cp) {
  const Bytes message = CheckpointMessage(options_.chain_id, height, cp.block_hash);
  // Merge everything new into one candidate and verify it once.
  bls::WeightedAggregate candidate = cp.best;
  std::vector<std::pair<uint32_t, bls::WeightedAggregate>> decoded;
  for (const auto& [from, m] : cp.pending) {
    if (m.block_hash != cp.block_hash || m.multiplicity.size() > set_->size() ||
        misbehaved_[from] || !AddsSigner(candidate.multiplicity, m.multiplicity)) {
      continue;
    }
    absl::StatusOr<bls::Signature> sig = bls::Signature::FromBytes(m.signature);
    if (!sig.ok()) {
      ++stats_.rejected;
      misbehaved_[from] = true;
      continue;
    }
    bls::WeightedAggregate incoming{*sig, m.multiplicity};
    absl::StatusOr<bls::WeightedAggregate> merged = bls::Merge(candidate, incoming);
    if (!merged.ok()) continue;
    candidate = *std::move(merged);
    decoded.emplace_back(from, std::move(incoming));
  }
  cp.pending.clear();
  if (!decoded.empty()) {
    ++stats_.verifications;
    if (Verify(message, candidate)) {
      cp.best = std::move(candidate);
    } else {
      // Someone sent a bad aggregate: find it by checking each alone, keep the good ones, and
      // ignore the culprit from now on so that it cannot force this fallback every round.
      for (const auto& [from, incoming] : decoded) {
        if (!AddsSigner(cp.best.multiplicity, incoming.multiplicity)) continue;
        ++stats_.verifications;
        if (!Verify(message, incoming)) {
          ++stats_.rejected;
          misbehaved_[from] = true;
          continue;
        }
        if (absl::StatusOr<bls::WeightedAggregate> m = bls::Merge(cp.best, incoming); m.ok()) {
          cp.best = *std::move(m);
        }
      }
    }
  }
  TrimZeros(cp.best.multiplicity);
  ++cp.round;
  if (set_->IsQuorum(set_->SignedStake(cp.best.multiplicity))) {
    BecomeFinal(height, cp);
    return;
  }
  GuardianMessage vote{
      GuardianMessage::Kind::kVote, height, cp.block_hash, cp.best.multiplicity, {}};
  const auto sig = cp.best.signature.ToBytes();
  vote.signature.assign(sig.begin(), sig.end());
  for (uint32_t peer : neighbours_)
    Send(peer, vote);
  if (cp.round > options_.pull_after_rounds && env_.random_guardian) {
    Send(env_.random_guardian(),
         GuardianMessage{GuardianMessage::Kind::kPull, height, cp.block_hash, {}, {}});
  }
  if (cp.round < options_.max_rounds) env_.set_timer(options_.round_ms, height);
}

bool Guardian::Verify(ByteView message, const bls::WeightedAggregate& aggregate) const {
  return env_.verify ? env_.verify(message, aggregate)
                     : bls::VerifyWeighted(set_->keys(), message, aggregate);
}

void Guardian::BecomeFinal(uint64_t height, Checkpoint& cp) {
  cp.final = true;
  cp.pending.clear();
  stats_.rounds_to_final[height] = cp.round;
  if (env_.on_final) env_.on_final(*Final(height));
  for (uint32_t peer : neighbours_)
    SendFinal(height, cp, peer);
}

void Guardian::SendFinal(uint64_t height, Checkpoint& cp, uint32_t to) {
  if (to < cp.told_final.size() && cp.told_final[to]) return;
  if (to < cp.told_final.size()) cp.told_final[to] = true;
  GuardianMessage final{
      GuardianMessage::Kind::kFinal, height, cp.block_hash, cp.best.multiplicity, {}};
  const auto sig = cp.best.signature.ToBytes();
  final.signature.assign(sig.begin(), sig.end());
  Send(to, final);
}

void Guardian::Send(uint32_t to, const GuardianMessage& message) {
  if (to == options_.self) return;
  Bytes bytes = EncodeGuardianMessage(message);
  ++stats_.messages_sent;
  stats_.max_message_bytes = std::max<uint64_t>(stats_.max_message_bytes, bytes.size());
  env_.send(to, std::move(bytes));
}

std::optional<GuardianMessage> Guardian::Final(uint64_t height) const {
  auto it = checkpoints_.find(height);
  if (it == checkpoints_.end() || !it->second.final) return std::nullopt;
  GuardianMessage m{GuardianMessage::Kind::kFinal,
                    height,
                    it->second.block_hash,
                    it->second.best.multiplicity,
                    {}};
  const auto sig = it->second.best.signature.ToBytes();
  m.signature.assign(sig.begin(), sig.end());
  return m;
}

}  // namespace theta::consensus
