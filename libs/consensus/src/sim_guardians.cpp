#include "sim_guardians.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "theta/consensus/sim.hpp"

namespace theta::consensus::sim::internal {
namespace bls = crypto::bls;

GuardianNet::GuardianNet(const GuardianNetOptions& options, uint64_t seed)
    : options_(options), rng_(seed ^ 0x6761726469616e73ull) {
  const int n = options.guardians;
  std::vector<GuardianInfo> infos;
  for (int i = 0; i < n; ++i) {
    const Hash32 ikm = Keccak256(AsBytes(absl::StrCat("sim-guardian-", i)));
    keys_.push_back(std::make_unique<bls::SecretKey>(*bls::KeyGen(ikm)));
    infos.push_back({bls::SkToPk(*keys_.back()), 1 + rng_.Below(3)});
  }
  set_ = std::make_unique<GuardianSet>(*GuardianSet::Create(infos));
  // Faulty guardians: up to the requested fraction, always below a third of the stake.
  role_.assign(n, Role::kHonest);
  uint64_t faulty_stake = 0;
  const int wanted = int(options.byzantine * n);
  for (int placed = 0, tries = 0; placed < wanted && tries < 10 * n; ++tries) {
    const int i = int(rng_.Below(n));
    if (role_[i] != Role::kHonest) continue;
    if ((faulty_stake + set_->stake(i)) * 3 >= set_->total_stake()) break;
    faulty_stake += set_->stake(i);
    role_[i] = static_cast<Role>(1 + rng_.Below(4));
    ++placed;
  }
  // Each guardian dials `peers` others at random; links go both ways.
  neighbours_.assign(n, {});
  for (int i = 0; i < n; ++i) {
    if (n - 1 <= options.peers) {  // small sets: everyone is everyone's neighbour
      for (int j = 0; j < n; ++j) {
        if (j != i) neighbours_[i].push_back(uint32_t(j));
      }
      continue;
    }
    for (int dialed = 0; dialed < options.peers;) {
      const uint32_t j = uint32_t(rng_.Below(n));
      if (int(j) == i) continue;
      neighbours_[i].push_back(j);
      neighbours_[j].push_back(uint32_t(i));
      ++dialed;
    }
  }
  for (auto& list : neighbours_) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  sent_messages_.assign(n, 0);
  sent_bytes_.assign(n, 0);
  guardians_.resize(n);
  for (int i = 0; i < n && options.aggregation; ++i) {
    if (role_[i] != Role::kHonest) continue;
    GuardianEnv env;
    env.send = [this, i](uint32_t to, Bytes message) {
      Count(i, message.size());
      Push({now_ + Delay(), 0, int(to), 0, uint32_t(i), 0,
            std::make_shared<const Bytes>(std::move(message))});
    };
    env.set_timer = [this, i](uint64_t delay, uint64_t token) {
      Push({now_ + delay, 0, i, 1, 0, token, nullptr});
    };
    env.random_guardian = [this]() { return uint32_t(rng_.Below(role_.size())); };
    env.on_final = [this, i](const GuardianMessage& certificate) { OnFinal(i, certificate); };
    env.verify = [this](ByteView message, const crypto::bls::WeightedAggregate& aggregate) {
      return VerifyShared(message, aggregate);
    };
    GuardianOptions go;
    go.chain_id = "theta-sim";
    go.self = uint32_t(i);
    go.round_ms = options.round_ms;
    guardians_[i] = std::make_unique<Guardian>(go, set_.get(), *keys_[i], neighbours_[i], env);
  }
}

// Real pairing checks, each done once per distinct (message, aggregate) across all simulated
// guardians: a verdict is a pure function of those bytes and the one shared key set.
bool GuardianNet::VerifyShared(ByteView message, const crypto::bls::WeightedAggregate& aggregate) {
  Bytes key_bytes(message.begin(), message.end());
  const auto signature = aggregate.signature.ToBytes();
  key_bytes.insert(key_bytes.end(), signature.begin(), signature.end());
  for (uint32_t m : aggregate.multiplicity)
    for (int b = 0; b < 4; ++b)
      key_bytes.push_back(static_cast<uint8_t>(m >> (8 * b)));
  const Hash32 key = Keccak256(key_bytes);
  if (auto it = verdicts_.find(key); it != verdicts_.end()) return it->second;
  const bool ok = crypto::bls::VerifyWeighted(set_->keys(), message, aggregate);
  verdicts_.emplace(key, ok);
  return ok;
}

void GuardianNet::Push(Event e) {
  e.seq = seq_++;
  queue_.push(std::move(e));
}

void GuardianNet::Checkpoint(uint64_t height, const Hash32& hash, uint64_t now) {
  if (expected_.contains(height)) return;
  expected_[height] = hash;
  committed_at_[height] = now;
  final_at_[height].assign(role_.size(), kNever);
  open_finals_ += uint64_t(std::count(role_.begin(), role_.end(), Role::kHonest));
  for (int i = 0; i < int(role_.size()); ++i) {
    Push({now + rng_.Between(0, 300), 0, i, role_[i] == Role::kHonest ? 2 : 3, 0, height, nullptr});
  }
}

void GuardianNet::RunUntil(uint64_t time) {
  while (!queue_.empty() && queue_.top().time <= time) {
    Event e = queue_.top();
    queue_.pop();
    now_ = e.time;
    Guardian* g = guardians_[e.target].get();
    if (!options_.aggregation) {
      switch (e.kind) {
        case 0:
          if (role_[e.target] == Role::kHonest)
            NaiveDeliver(e.target, int(e.from), e.token, *e.entries);
          break;
        case 1:
          NaiveRound(e.target, e.token);
          break;
        case 2:
          NaiveCheckpoint(e.target, e.token);
          break;
        default:
          NaiveMisbehave(e.target, e.token);
          break;
      }
      continue;
    }
    switch (e.kind) {
      case 0:
        if (g) (void)g->OnMessage(e.from, *e.payload);
        break;
      case 1:
        if (g) g->OnTimer(e.token);
        break;
      case 2:
        g->OnCheckpoint(e.token, expected_[e.token]);
        break;
      default:
        Misbehave(e.target, e.token);
        break;
    }
  }
  now_ = std::max(now_, time);
}

// What a faulty guardian does for a checkpoint, repeated for a few rounds.
void GuardianNet::Misbehave(int id, uint64_t height) {
  const Role role = role_[id];
  if (role == Role::kSilent) return;
  const Hash32& hash = expected_[height];
  GuardianMessage m{GuardianMessage::Kind::kVote, height, hash, {}, {}};
  const bls::Signature own = bls::Sign(*keys_[id], CheckpointMessage("theta-sim", height, hash));
  m.multiplicity.assign(size_t(id) + 1, 0);
  m.multiplicity[id] = 1;
  if (role == Role::kInvalid) {
    // A valid signature of another message, claimed for this one.
    const bls::Signature wrong = bls::Sign(*keys_[id], AsBytes("not the checkpoint"));
    const auto bytes = wrong.ToBytes();
    m.signature.assign(bytes.begin(), bytes.end());
  } else {
    const auto bytes = own.ToBytes();
    m.signature.assign(bytes.begin(), bytes.end());
    if (role == Role::kInflated) {
      // Its own signature, but claiming every guardian signed.
      m.multiplicity.assign(role_.size(), 1);
    } else if (role == Role::kReplay && height > 0) {
      // An honest-looking vote for an older checkpoint, replayed under this height.
      const bls::Signature old =
          bls::Sign(*keys_[id], CheckpointMessage("theta-sim", height - 1, hash));
      const auto old_bytes = old.ToBytes();
      m.signature.assign(old_bytes.begin(), old_bytes.end());
    }
  }
  auto payload = std::make_shared<const Bytes>(EncodeGuardianMessage(m));
  for (uint32_t peer : neighbours_[id]) {
    Count(id, payload->size());
    Push({now_ + Delay(), 0, int(peer), 0, uint32_t(id), 0, payload});
  }
  if (rng_.Chance(0.7)) {
    Push({now_ + options_.round_ms, 0, id, 3, 0, height, nullptr});
  }
}

void GuardianNet::OnFinal(int id, const GuardianMessage& certificate) {
  const uint64_t h = certificate.height;
  auto [it, fresh] = finalized_.try_emplace(h, certificate.block_hash);
  if (!fresh && it->second != certificate.block_hash && violation_.empty()) {
    violation_ = absl::StrCat("guardians: checkpoint ", h, " finalized as two different hashes");
  }
  if (auto e = expected_.find(h);
      e != expected_.end() && e->second != certificate.block_hash && violation_.empty()) {
    violation_ = absl::StrCat("guardians: checkpoint ", h,
                              " finalized with a hash the validators did not commit");
  }
  const Hash32 key = Keccak256(EncodeGuardianMessage(certificate));
  if (!verified_.contains(key)) {
    verified_.insert(key);
    if (absl::Status st = VerifyCheckpointCertificate(*set_, "theta-sim", certificate);
        !st.ok() && violation_.empty()) {
      violation_ = absl::StrCat("guardians: guardian ", id, " holds a bad certificate for ", h,
                                ": ", std::string(st.message()));
    }
  }
  MarkFinal(id, h);
}

void GuardianNet::MarkFinal(int id, uint64_t height) {
  auto f = final_at_.find(height);
  if (f != final_at_.end() && f->second[id] == kNever && IsHonest(id)) {
    f->second[id] = now_;
    --open_finals_;
  }
}

std::string GuardianNet::Missing(uint64_t max_height) const {
  for (const auto& [height, at] : final_at_) {
    if (height > max_height) break;
    for (int i = 0; i < int(at.size()); ++i) {
      if (role_[i] == Role::kHonest && at[i] == kNever) {
        return absl::StrCat("guardian ", i, " has not finalized checkpoint ", height);
      }
    }
  }
  return "";
}

void GuardianNet::Summarize(Result* result) const {
  std::vector<uint64_t> messages, bytes;
  for (int i = 0; i < size(); ++i) {
    if (!IsHonest(i)) continue;
    messages.push_back(sent_messages_[i]);
    bytes.push_back(sent_bytes_[i]);
  }
  result->guardian_traffic = SummarizeTraffic(messages, bytes);
  result->all_final = AllFinal();
  result->max_guardian_message_bytes = max_message_bytes_;
  result->faulty_guardians =
      uint64_t(size()) - uint64_t(std::count(role_.begin(), role_.end(), Role::kHonest));
  for (const auto& [height, at] : final_at_) {
    uint32_t last_round = 0;
    uint64_t last_at = 0;
    bool complete = true;
    for (int i = 0; i < size(); ++i) {
      if (!IsHonest(i)) continue;
      if (at[i] == kNever) {
        complete = false;
        continue;
      }
      uint32_t round = 0;
      if (options_.aggregation) {
        const auto& r = guardians_[i]->stats().rounds_to_final;
        if (auto it = r.find(height); it != r.end()) round = it->second;
      } else {
        round = naive_.at(height)[i].round;
      }
      result->guardian_rounds.push_back(round);
      last_round = std::max(last_round, round);
      last_at = std::max(last_at, at[i]);
    }
    result->checkpoint_rounds.push_back(complete ? last_round : 0);
    result->checkpoint_final_ms.push_back(complete ? last_at - committed_at_.at(height) : 0);
  }
}

}  // namespace theta::consensus::sim::internal

namespace theta::consensus::sim {

GuardianRunResult RunGuardians(const GuardianRunOptions& options) {
  internal::GuardianNetOptions go;
  go.guardians = options.guardians;
  go.byzantine = options.byzantine;
  go.peers = options.peers;
  go.round_ms = options.round_ms;
  go.min_delay_ms = options.min_delay_ms;
  go.max_delay_ms = options.max_delay_ms;
  internal::GuardianNet net(go, options.seed);
  net.Checkpoint(1, Keccak256(AsBytes("checkpoint")), 0);
  GuardianRunResult r;
  for (uint64_t t = 0; t <= options.bound_ms && !net.AllFinal(); t += options.round_ms / 4) {
    net.RunUntil(t);
  }
  r.virtual_ms = net.now();
  if (!net.AllFinal()) {
    r.ok = false;
    r.violation = absl::StrCat("liveness: ", net.Missing(), " after ", options.bound_ms, " ms");
  }
  if (!net.violation().empty()) {
    r.ok = false;
    r.violation = net.violation();
  }
  std::vector<uint32_t> rounds;
  uint64_t messages = 0, verifications = 0, honest = 0;
  for (int i = 0; i < net.size(); ++i) {
    if (!net.IsHonest(i)) continue;
    const Guardian::Stats& s = net.guardian(i)->stats();
    ++honest;
    messages += s.messages_sent;
    verifications += s.verifications;
    r.max_messages_per_guardian = std::max(r.max_messages_per_guardian, s.messages_sent);
    r.max_message_bytes = std::max(r.max_message_bytes, s.max_message_bytes);
    if (auto it = s.rounds_to_final.find(1); it != s.rounds_to_final.end()) {
      rounds.push_back(it->second);
    }
  }
  std::sort(rounds.begin(), rounds.end());
  if (!rounds.empty()) {
    r.max_rounds = rounds.back();
    r.median_rounds = rounds[rounds.size() / 2];
  }
  r.messages_per_guardian = honest ? double(messages) / double(honest) : 0;
  r.verifications_per_guardian = honest ? double(verifications) / double(honest) : 0;
  return r;
}

}  // namespace theta::consensus::sim
