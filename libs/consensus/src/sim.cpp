#include "theta/consensus/sim.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <queue>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim_instance.hpp"
#include "theta/consensus/node.hpp"
#include "theta/consensus/wal.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus::sim {

namespace internal {
// ---------------------------------------------------------------------------------------------
// The application and the environment each node sees.

Bytes InstanceApp::Propose(uint64_t height, const Hash32&) {
  // A faulty proposer sometimes proposes garbage: honest validators must refuse to certify it.
  const bool garbage = world_->instance(id_).faulty && world_->rng().Chance(0.2);
  const std::string text =
      absl::StrCat(garbage ? "bad|" : "sim|", height, "|", id_, "|", counter_++);
  return Bytes(text.begin(), text.end());
}

absl::Status InstanceApp::Validate(const Block& block) {
  if (!ValidPayload(block)) return absl::InvalidArgumentError("sim: payload is not valid");
  return absl::OkStatus();
}

void InstanceApp::Commit(const Block& block, const QuorumCert& proof) {
  world_->OnCommit(id_, block, proof);
  last_ = {block.header.height, block.hash};
  hashes_.resize(block.header.height + 1);
  hashes_[block.header.height] = block.hash;
}

absl::StatusOr<ValidatorSet> InstanceApp::ValidatorsAt(uint64_t height) {
  return world_->ValidatorsOf(world_->EpochOf(height));
}

void InstanceApp::ReportEvidence(const Evidence& evidence) {
  world_->OnEvidence(id_, evidence);
}

void Instance::Send(ValidatorIndex to, Bytes message) {
  world->Route(id, to, std::move(message));
}
void Instance::Broadcast(Bytes message) {
  world->Route(id, std::nullopt, std::move(message));
}
uint64_t Instance::NowMs() const {
  return static_cast<uint64_t>(world->now() * rate);
}
void Instance::SetTimer(uint64_t delay_ms, uint64_t token) {
  Event e;
  e.time = world->now() + std::max<uint64_t>(1, static_cast<uint64_t>(delay_ms / rate));
  e.kind = EventKind::kTimer;
  e.target = id;
  e.token = token;
  e.incarnation = incarnation;
  world->Schedule(std::move(e));
}

// ---------------------------------------------------------------------------------------------
// Setup, faults and the event loop.

void World::Setup() {
  const int n = options_.validators;
  std::vector<Validator> validators;
  std::vector<std::unique_ptr<Signer>> signers;
  for (int i = 0; i < n; ++i) {
    Validator v;
    v.stake = 100 + rng_.Below(3) * 50;  // uneven stakes exercise the weighted rules
    // With the broken 1/2 rule, equal stakes let two halves of a partition both reach "quorum":
    // the fork the oracle has to see.
    if (options_.broken_quorum_for_testing) v.stake = 100;
    if (options_.real_crypto) {
      const Hash32 seed = Keccak256(AsBytes(absl::StrCat("sim-validator-", i)));
      PrivateKey key = *PrivateKey::FromBytes(seed);
      v.public_key = Secp256k1ValidatorKey(key);
      signers.push_back(NewSecp256k1Signer(key));
    } else {
      const std::string id = absl::StrCat("sim-validator-", i);
      v.public_key.assign(id.begin(), id.end());
      signers.push_back(std::make_unique<internal::SimSigner>(v.public_key));
    }
    validators.push_back(std::move(v));
  }
  validators_ = *ValidatorSet::Create(validators);
  verifier_ = options_.real_crypto ? NewSecp256k1Verifier()
                                   : std::unique_ptr<Verifier>(new internal::SimVerifier());
  genesis_hash_ = MakeGenesisBlock(0, AsBytes("sim-genesis")).hash;
  if (options_.broken_quorum_for_testing) {
    validators_.SetQuorumRuleForTesting(QuorumRule::kBrokenHalfForTesting);
  }
  // From the seed, not the RNG: the other draws stay as they were.
  epoch_length_ = options_.epoch_length >= 0 ? uint64_t(options_.epoch_length)
                  : options_.measure_checkpoints > 0 || options_.seed % 4 == 0
                      ? 0
                      : 1 + (options_.seed / 4) % 8;
  result_.epoch_length = epoch_length_;
  DrawFaults();
  if (options_.guardians > 0) {
    internal::GuardianNetOptions go;
    go.guardians = options_.guardians;
    go.byzantine = active_.bad_guardians ? options_.bad_guardian_fraction : 0.0;
    go.min_delay_ms = options_.min_delay_ms;
    go.max_delay_ms = options_.max_delay_ms;
    go.latency = options_.latency;
    go.aggregation = options_.guardian_aggregation;
    go.round_ms = options_.guardian_round_ms;
    guardians_ = std::make_unique<internal::GuardianNet>(go, options_.seed);
  }
  const int f = (n - 1) / 3;
  if (f > 0 && (active_.twins || active_.lost_fsync)) faulty_index_ = int(rng_.Below(n));
  for (int i = 0; i < n; ++i) {
    auto instance = std::make_unique<Instance>(this, int(instances_.size()));
    instance->index = ValidatorIndex(i);
    instance->faulty = faulty_index_ == i;
    instance->signer = std::move(signers[i]);
    instance->disk.lose_fsyncs = instance->faulty && active_.lost_fsync;
    instances_.push_back(std::move(instance));
  }
  if (faulty_index_ >= 0 && active_.twins) {
    auto twin = std::make_unique<Instance>(this, int(instances_.size()));
    twin->index = ValidatorIndex(faulty_index_);
    twin->faulty = true;
    const Validator& v = validators_.at(twin->index);
    if (options_.real_crypto) {
      const Hash32 seed = Keccak256(AsBytes(absl::StrCat("sim-validator-", faulty_index_)));
      twin->signer = NewSecp256k1Signer(*PrivateKey::FromBytes(seed));
    } else {
      twin->signer = std::make_unique<internal::SimSigner>(v.public_key);
    }
    instances_.push_back(std::move(twin));
  }
  // Silent validators (measurement mode): at most f of them, holding under a third of the stake.
  uint64_t silent_stake = 0;
  for (int placed = 0, tries = 0;
       placed < std::min(options_.silent_validators, f) && tries < 64 * n; ++tries) {
    Instance& victim = *instances_[rng_.Below(n)];
    const uint64_t stake = validators_.at(victim.index).stake;
    if (victim.silent || (silent_stake + stake) * 3 >= validators_.total_stake()) continue;
    silent_stake += stake;
    victim.silent = victim.faulty = true;
    victim.up = false;
    ++result_.silent_validators;
    ++placed;
  }
  for (auto& instance : instances_) {
    instance->app.last_ = {0, genesis_hash_};
    if (active_.skew) instance->rate = 0.7 + 0.7 * rng_.Unit();
  }
}

void World::DrawFaults() {
  if (options_.measure_checkpoints > 0) {  // a clean network; only the Byzantine nodes asked for
    active_ = FaultSet::None();
    active_.bad_guardians = options_.bad_guardian_fraction > 0;
    result_.faults = active_.ToString();
    return;
  }
  const FaultSet& allowed = options_.faults;
  auto draw = [&](bool on) { return on && rng_.Chance(options_.fault_probability); };
  active_.drop = draw(allowed.drop);
  active_.duplicate = draw(allowed.duplicate);
  active_.delay = draw(allowed.delay);
  active_.partition = draw(allowed.partition);
  active_.crash = draw(allowed.crash);
  active_.skew = draw(allowed.skew);
  active_.twins = draw(allowed.twins);
  active_.lost_fsync = draw(allowed.lost_fsync);
  active_.bad_guardians = draw(allowed.bad_guardians);
  if (active_.drop) drop_rate_ = 0.02 + 0.2 * rng_.Unit();
  if (active_.duplicate) dup_rate_ = 0.02 + 0.1 * rng_.Unit();
  result_.faults = active_.ToString();
}

void World::StartNode(Instance& instance) {
  if (instance.silent) return;
  instance.storage =
      std::make_unique<WalStorage>(std::make_unique<internal::SimWalFile>(&instance.disk));
  NodeOptions node_options;
  node_options.chain_id = "theta-sim";
  node_options.genesis_hash = genesis_hash_;
  node_options.self = instance.index;
  node_options.base_timeout_ms = options_.base_timeout_ms;
  if (options_.compact_wal) {  // from the seed, not the RNG: other draws stay as they were
    node_options.compact_wal_every = 2 + (options_.seed + instance.index) % 5;
    node_options.wal_anchor_depth = options_.seed % 3;
  }
  NodeEnv env{instance.signer.get(),  verifier_.get(), &instance, &instance,
              instance.storage.get(), &instance.app};
  node_options.epoch_length = epoch_length_;
  instance.node = std::make_unique<Node>(node_options, env);
  instance.up = true;
  if (absl::Status st = instance.node->Start(); !st.ok()) {
    Violation(absl::StrCat("node ", instance.id, " failed to start: ", std::string(st.message())));
  }
}

void World::NoteNodeStats(const Instance& instance) {
  if (!instance.node) return;
  result_.max_epoch = std::max(result_.max_epoch, instance.node->epoch());
  result_.epoch_proofs_accepted += instance.node->stats().epoch_proofs_accepted;
}

void World::Crash(Instance& instance) {
  NoteNodeStats(instance);
  instance.node.reset();
  instance.storage.reset();
  instance.disk.Crash(rng_);
  instance.up = false;
  ++instance.incarnation;
}

bool World::Blocked(int from, int to) const {
  if (group_.empty()) return false;
  if (one_way_) return group_[from] == 0 && group_[to] == 1;
  return group_[from] != group_[to];
}

void World::Route(int from_instance, std::optional<ValidatorIndex> to, Bytes message) {
  auto shared = std::make_shared<const Bytes>(std::move(message));
  for (auto& target : instances_) {
    if (target->id == from_instance || (to && target->index != *to)) continue;
    int copies = 1;
    if (!healed_) {
      if (Blocked(from_instance, target->id) || rng_.Chance(drop_rate_)) continue;
      if (rng_.Chance(dup_rate_)) copies = 2;
    }
    for (int c = 0; c < copies; ++c) {
      uint64_t delay = options_.fixed_delay_ms;
      if (delay == 0) {
        delay = internal::SampleDelay(rng_, options_.latency, options_.min_delay_ms,
                                      options_.max_delay_ms);
        if (!healed_ && active_.delay && rng_.Chance(0.1)) delay += rng_.Below(1500);
      }
      Event e;
      e.time = now_ + delay;
      e.kind = EventKind::kDeliver;
      e.target = target->id;
      e.from = instances_[from_instance]->index;
      e.payload = shared;
      Schedule(std::move(e));
      ++result_.messages;
      ++instances_[from_instance]->sent_messages;
      instances_[from_instance]->sent_bytes += shared->size();
    }
  }
}

void World::Heal() {
  healed_ = true;
  group_.clear();
  for (auto& instance : instances_) {
    if (!instance->up) StartNode(*instance);
  }
  for (auto& instance : instances_)
    heal_height_ = std::max(heal_height_, instance->app.last_.first);
  Event deadline;
  deadline.time = now_ + options_.liveness_bound_ms;
  deadline.kind = EventKind::kDeadline;
  Schedule(std::move(deadline));
}

void World::Handle(Event& e) {
  switch (e.kind) {
    case EventKind::kDeliver: {
      Instance& target = *instances_[e.target];
      if (!target.up) break;
      const absl::Status st = target.node->OnMessage(e.from, *e.payload);
      if (!st.ok() && options_.trace) {
        std::fprintf(stderr, "t=%llu node %d from %u: %s\n", (unsigned long long)now_, target.id,
                     e.from, std::string(st.message()).c_str());
      }
      break;
    }
    case EventKind::kTimer: {
      Instance& target = *instances_[e.target];
      if (target.up && target.incarnation == e.incarnation) target.node->OnTimer(e.token);
      break;
    }
    case EventKind::kCrash: {
      Instance& target = *instances_[e.target];
      if (!target.up || healed_) break;
      Crash(target);
      Event restart;
      restart.time = now_ + rng_.Between(10, 2500);
      restart.kind = EventKind::kRestart;
      restart.target = e.target;
      restart.incarnation = target.incarnation;
      Schedule(std::move(restart));
      break;
    }
    case EventKind::kRestart: {
      Instance& target = *instances_[e.target];
      if (!target.up && target.incarnation == e.incarnation) StartNode(target);
      break;
    }
    case EventKind::kNetChange: {
      if (healed_) break;
      if (!group_.empty() && (flapping_ || rng_.Chance(0.5))) {
        group_.clear();
      } else {
        group_.assign(instances_.size(), 0);
        for (int& g : group_)
          g = int(rng_.Below(2));
        one_way_ = rng_.Chance(0.3);
        flapping_ = rng_.Chance(0.3);
      }
      Event next;
      next.time = now_ + (flapping_ ? rng_.Between(50, 400) : rng_.Between(300, 2500));
      next.kind = EventKind::kNetChange;
      Schedule(std::move(next));
      break;
    }
    case EventKind::kHeal:
      Heal();
      break;
    case EventKind::kDeadline:
      if (options_.measure_checkpoints > 0 && !MeasurementDone()) {
        Violation(absl::StrCat("liveness: ", checkpoints_handed_, " of ",
                               options_.measure_checkpoints, " checkpoints committed within ",
                               options_.liveness_bound_ms, " ms",
                               guardians_ ? absl::StrCat("; ", guardians_->Missing()) : ""));
      } else if (options_.measure_checkpoints == 0 && !LivenessReached()) {
        Violation(absl::StrCat(
            "liveness: ", options_.liveness_bound_ms, " ms after healing at height ", heal_height_,
            ", ", LaggardReport(),
            guardians_ ? guardians_->Missing(heal_height_ + options_.target_commits_after_heal)
                       : ""));
      }
      stop_ = true;
      break;
  }
}

Result World::Run() {
  Setup();
  for (auto& instance : instances_)
    StartNode(*instance);
  if (active_.crash) {
    const int crashes = 1 + int(rng_.Below(4));
    for (int c = 0; c < crashes; ++c) {
      Event e;
      e.time = rng_.Below(options_.fault_phase_ms);
      e.kind = EventKind::kCrash;
      e.target = int(rng_.Below(instances_.size()));
      Schedule(std::move(e));
    }
  }
  if (active_.partition) {
    Event e;
    e.time = rng_.Below(options_.fault_phase_ms / 2 + 1);
    e.kind = EventKind::kNetChange;
    Schedule(std::move(e));
  }
  Event heal;
  heal.time = options_.measure_checkpoints > 0 ? 0 : options_.fault_phase_ms;
  heal.kind = EventKind::kHeal;
  Schedule(std::move(heal));

  while (!queue_.empty() && !stop_) {
    Event e = queue_.top();
    queue_.pop();
    now_ = e.time;
    if (guardians_) guardians_->RunUntil(now_);
    Handle(e);
    if (options_.measure_checkpoints > 0 && MeasurementDone()) stop_ = true;
    if (++result_.events >= options_.max_events) {
      Violation(absl::StrCat("liveness: event budget of ", options_.max_events, " exhausted at ",
                             now_, " ms"));
      break;
    }
  }
  for (auto& instance : instances_) {
    if (instance->node && !instance->node->status().ok() && !instance->faulty) {
      Violation(absl::StrCat("node ", instance->id,
                             " stopped: ", std::string(instance->node->status().message())));
    }
  }
  result_.virtual_ms = now_;
  for (const auto& instance : instances_)
    NoteNodeStats(*instance);
  Summarize();
  return result_;
}

}  // namespace internal

Result Run(const Options& options) {
  internal::World world(options);
  return world.Run();
}

}  // namespace theta::consensus::sim
