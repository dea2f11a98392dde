// The naive baseline for guardian finalization, for measurements only: instead of merging
// aggregates, every guardian floods the single signatures it has verified. Each round it sends its
// neighbours every signature it learned since the last round, and a checkpoint is final for a
// guardian once the signatures it holds carry > 2/3 of guardian stake. Signatures are real BLS
// (every honest guardian signs, every distinct signature is verified); message sizes are the RLP
// sizes of [kind, height, hash, [[index, signature], ...]], so bytes grow with the guardian count,
// which is the point of the comparison. Faulty guardians are silent or flood signatures that do
// not verify (of another message, an older checkpoint, or claimed for other guardians).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim_guardians.hpp"

namespace theta::consensus::sim::internal {
namespace bls = crypto::bls;

namespace {

// RLP size of one [index, signature] pair: list header, the index as a minimal integer, the
// 96-byte string with its 2-byte header.
uint64_t EntryBytes(uint32_t index) {
  const uint64_t index_bytes = index < 128 ? 1 : index < 256 ? 2 : index < 65536 ? 3 : 4;
  return 1 + index_bytes + 2 + bls::kSignatureSize;
}

// Outer list header (3), kind (1), height (9), block hash (33), entry list header (3).
constexpr uint64_t kHeaderBytes = 49;

}  // namespace

GuardianNet::Naive& GuardianNet::NaiveState(int id, uint64_t height) {
  std::vector<Naive>& states = naive_[height];
  if (states.empty()) {
    states.resize(role_.size());
    naive_sigs_[height].assign(role_.size(), bls::Signature::Identity());
    naive_verdict_[height].assign(role_.size(), 0);
  }
  Naive& st = states[id];
  if (st.have.empty()) st.have.assign(role_.size(), false);
  return st;
}

void GuardianNet::NaiveCheckpoint(int id, uint64_t height) {
  Naive& st = NaiveState(id, height);
  naive_sigs_[height][id] =
      bls::Sign(*keys_[id], CheckpointMessage("theta-sim", height, expected_[height]));
  // Its own signature needs no check; the verdict is for the receivers.
  if (!st.have[id]) {
    st.have[id] = true;
    st.stake += set_->stake(id);
    st.fresh.push_back(uint32_t(id));
  }
  if (!st.timer) NaiveRound(id, height);
}

void GuardianNet::NaiveRound(int id, uint64_t height) {
  Naive& st = naive_[height][id];
  st.timer = false;
  ++st.round;
  if (!st.fresh.empty()) {
    uint64_t bytes = kHeaderBytes;
    for (uint32_t e : st.fresh)
      bytes += EntryBytes(e);
    auto batch = std::make_shared<const std::vector<uint32_t>>(std::move(st.fresh));
    st.fresh.clear();
    for (uint32_t peer : neighbours_[id]) {
      Count(id, bytes);
      Push({now_ + Delay(), 0, int(peer), 0, uint32_t(id), height, nullptr, batch});
    }
    if (st.round < 40) {
      st.timer = true;
      Push({now_ + options_.round_ms, 0, id, 1, 0, height, nullptr, nullptr});
    }
  }
}

bool GuardianNet::NaiveValid(uint64_t height, int from, uint32_t entry) {
  const uint32_t signer = entry & ~kForged;
  if ((entry & kForged) != 0) {
    // A faulty guardian's signature of another message, claimed for `signer`: checked for real
    // (and found wanting) once per sender and checkpoint, whoever it is claimed for.
    const auto key = std::make_pair(height, uint64_t(from));
    if (auto it = forged_verdict_.find(key); it != forged_verdict_.end()) return it->second;
    const bls::Signature wrong = bls::Sign(*keys_[from], AsBytes("not the checkpoint"));
    const bool ok = bls::Verify(set_->keys()[signer],
                                CheckpointMessage("theta-sim", height, expected_[height]), wrong);
    forged_verdict_[key] = ok;
    return ok;
  }
  int8_t& verdict = naive_verdict_[height][signer];
  if (verdict == 0) {
    const bool ok =
        bls::Verify(set_->keys()[signer], CheckpointMessage("theta-sim", height, expected_[height]),
                    naive_sigs_[height][signer]);
    verdict = ok ? 1 : -1;
  }
  return verdict > 0;
}

void GuardianNet::NaiveDeliver(int id, int from, uint64_t height,
                               const std::vector<uint32_t>& entries) {
  // Signatures that arrive before this guardian's node committed the checkpoint are kept.
  Naive& st = NaiveState(id, height);
  bool learned = false;
  for (uint32_t e : entries) {
    const uint32_t signer = e & ~kForged;
    if (signer >= st.have.size() || st.have[signer]) continue;
    if (!NaiveValid(height, from, e)) continue;
    st.have[signer] = true;
    st.stake += set_->stake(signer);
    st.fresh.push_back(signer);
    learned = true;
  }
  if (!st.final && set_->IsQuorum(st.stake)) {
    st.final = true;
    MarkFinal(id, height);
  }
  if (learned && !st.timer && st.round < 40) {
    st.timer = true;
    Push({now_ + options_.round_ms, 0, id, 1, 0, height, nullptr, nullptr});
  }
}

void GuardianNet::NaiveMisbehave(int id, uint64_t height) {
  if (role_[id] == Role::kSilent) return;
  std::vector<uint32_t> claimed = {uint32_t(id) | kForged};
  if (role_[id] == Role::kInflated) {
    // Signatures "of" other guardians, all forged.
    for (int k = 0; k < 32; ++k)
      claimed.push_back(uint32_t(rng_.Below(role_.size())) | kForged);
  }
  uint64_t bytes = kHeaderBytes;
  for (uint32_t e : claimed)
    bytes += EntryBytes(e & ~kForged);
  auto batch = std::make_shared<const std::vector<uint32_t>>(std::move(claimed));
  for (uint32_t peer : neighbours_[id]) {
    Count(id, bytes);
    Push({now_ + Delay(), 0, int(peer), 0, uint32_t(id), height, nullptr, batch});
  }
  if (rng_.Chance(0.7)) Push({now_ + options_.round_ms, 0, id, 3, 0, height, nullptr, nullptr});
}

}  // namespace theta::consensus::sim::internal
