#include "theta/consensus/sim.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <queue>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim_guardians.hpp"
#include "sim_world.hpp"
#include "theta/consensus/node.hpp"
#include "theta/consensus/wal.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus::sim {

namespace {

using internal::Rng;
using internal::SimDisk;

enum class EventKind { kDeliver, kTimer, kCrash, kRestart, kNetChange, kHeal, kDeadline };

struct Event {
  uint64_t time = 0;
  uint64_t seq = 0;
  EventKind kind = EventKind::kDeliver;
  int target = 0;  // instance
  ValidatorIndex from = 0;
  uint64_t token = 0;
  uint64_t incarnation = 0;
  std::shared_ptr<const Bytes> payload;
};

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

class World;

class InstanceApp final : public Application {
 public:
  InstanceApp(World* world, int id) : world_(world), id_(id) {}
  Bytes Propose(uint64_t height, const Hash32& parent) override;
  absl::Status Validate(const Block& block) override;
  void Commit(const Block& block, const QuorumCert& proof) override;
  std::pair<uint64_t, Hash32> LastCommitted() const override { return last_; }
  std::optional<Hash32> CommittedHashAt(uint64_t height) const override {
    if (height >= hashes_.size()) return std::nullopt;
    return hashes_[height];
  }
  absl::StatusOr<ValidatorSet> ValidatorsAt(uint64_t height) override;
  void ReportEvidence(const Evidence& evidence) override;

  std::pair<uint64_t, Hash32> last_;
  std::vector<Hash32> hashes_;  // committed, by height (the application's state survives crashes)

 private:
  World* world_;
  int id_;
  uint64_t counter_ = 0;
};

struct Instance final : public Transport, public Clock {
  Instance(World* owner, int number) : world(owner), id(number), app(owner, number) {}
  void Send(ValidatorIndex to, Bytes message) override;
  void Broadcast(Bytes message) override;
  uint64_t NowMs() const override;
  void SetTimer(uint64_t delay_ms, uint64_t token) override;

  World* world;
  int id;
  ValidatorIndex index = 0;
  bool faulty = false;
  bool silent = false;  // a Byzantine validator that never starts (measurement mode)
  bool up = true;
  uint64_t sent_messages = 0, sent_bytes = 0;
  uint64_t incarnation = 0;
  double rate = 1.0;  // how fast this node's clock runs
  SimDisk disk;
  InstanceApp app;
  std::unique_ptr<Signer> signer;
  std::unique_ptr<WalStorage> storage;
  std::unique_ptr<Node> node;
};

class World {
 public:
  explicit World(const Options& options) : options_(options), rng_(options.seed) {
    result_.seed = options.seed;
  }

  Result Run();

  // Called from the instances.
  void Route(int from_instance, std::optional<ValidatorIndex> to, Bytes message);
  void Schedule(Event event) {
    event.seq = next_seq_++;
    queue_.push(std::move(event));
  }
  uint64_t now() const { return now_; }
  Instance& instance(int id) { return *instances_[id]; }
  Rng& rng() { return rng_; }
  const ValidatorSet& validators() const { return validators_; }
  uint64_t EpochOf(uint64_t height) const {
    return epoch_length_ == 0 || height == 0 ? 0 : (height - 1) / epoch_length_;
  }
  // The committee of `epoch` as the nodes see it (with the nodes' quorum rule), and as the oracle
  // judges it (always 2/3).
  const ValidatorSet& ValidatorsOf(uint64_t epoch);
  Committee Reference(uint64_t epoch);
  bool IsFaultyIndex(ValidatorIndex index) const { return faulty_index_ == int(index); }
  void OnCommit(int id, const Block& block, const QuorumCert& proof);
  void OnEvidence(int id, const Evidence& evidence);
  void Violation(std::string text) {
    if (result_.ok) {
      result_.ok = false;
      result_.violation = std::move(text);
    }
  }

 private:
  void Setup();
  void DrawFaults();
  void StartNode(Instance& instance);
  void Crash(Instance& instance);
  void NoteNodeStats(const Instance& instance);
  void Handle(Event& event);
  void Heal();
  bool Blocked(int from, int to) const;
  bool LivenessReached() const;
  bool MeasurementDone() const;
  std::string LaggardReport() const;
  void Summarize();

  Options options_;
  FaultSet active_;
  Rng rng_;
  Result result_;
  ValidatorSet validators_;  // the genesis committee
  uint64_t epoch_length_ = 0;
  std::map<uint64_t, ValidatorSet> epoch_validators_;
  std::unique_ptr<Verifier> verifier_;
  Hash32 genesis_hash_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  uint64_t next_seq_ = 0;
  uint64_t now_ = 0;
  bool healed_ = false;
  bool stop_ = false;
  int faulty_index_ = -1;
  uint64_t heal_height_ = 0;
  uint64_t checkpoints_handed_ = 0;  // measurement mode: checkpoints given to the guardians
  // Network faults.
  double drop_rate_ = 0, dup_rate_ = 0;
  std::vector<int> group_;  // partition side per instance; empty: no partition
  bool one_way_ = false;
  bool flapping_ = false;
  // Oracle state.
  std::map<uint64_t, Hash32> committed_;
  absl::flat_hash_set<Hash32> verified_proofs_;
  std::unique_ptr<internal::GuardianNet> guardians_;
};

// ---------------------------------------------------------------------------------------------
// The application and the environment each node sees.

Bytes InstanceApp::Propose(uint64_t height, const Hash32&) {
  // A faulty proposer sometimes proposes garbage: honest validators must refuse to certify it.
  const bool garbage = world_->instance(id_).faulty && world_->rng().Chance(0.2);
  const std::string text =
      absl::StrCat(garbage ? "bad|" : "sim|", height, "|", id_, "|", counter_++);
  return Bytes(text.begin(), text.end());
}

bool ValidPayload(const Block& block) {
  const std::string prefix = absl::StrCat("sim|", block.header.height, "|");
  return block.payload.size() > prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), block.payload.begin());
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

bool World::LivenessReached() const {
  if (!healed_) return false;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    if (instance->app.last_.first < heal_height_ + options_.target_commits_after_heal) return false;
  }
  return !guardians_ || guardians_->AllFinal(heal_height_ + options_.target_commits_after_heal);
}

bool World::MeasurementDone() const {
  return checkpoints_handed_ >= options_.measure_checkpoints && (!guardians_ || guardians_->Done());
}

std::string World::LaggardReport() const {
  std::string out;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    absl::StrAppend(&out, "node ", instance->id, " at height ", instance->app.last_.first,
                    " round ", instance->node ? instance->node->round() : 0, "; ");
  }
  return out;
}

void World::OnCommit(int id, const Block& block, const QuorumCert& proof) {
  Instance& instance = *instances_[id];
  const uint64_t height = block.header.height;
  const auto& [last_height, last_hash] = instance.app.last_;
  if (height != last_height + 1 || block.header.parent != last_hash) {
    Violation(absl::StrCat("agreement: node ", id, " committed height ", height,
                           " which does not extend its previous commit at height ", last_height));
  }
  auto [it, fresh] = committed_.try_emplace(height, block.hash);
  if (!fresh && it->second != block.hash) {
    Violation(absl::StrCat("agreement: height ", height, " committed as ", it->second.ToHex(),
                           " and as ", block.hash.ToHex(), " (by node ", id, ")"));
  }
  if (!ValidPayload(block)) {
    Violation(
        absl::StrCat("validity: node ", id, " committed an invalid payload at height ", height));
  }
  const Hash32 key = Keccak256(EncodeQuorumCert(proof));
  if (options_.check_certificates && !verified_proofs_.contains(key)) {
    absl::Status st = VerifyQuorumCert(Reference(EpochOf(height)), proof);
    if (st.ok() && (proof.block_hash != block.hash || proof.height != height)) {
      st = absl::InvalidArgumentError("the proof certifies another block");
    }
    if (!st.ok()) {
      Violation(absl::StrCat("certificate: node ", id, " committed height ", height,
                             " on a bad certificate: ", std::string(st.message())));
    }
    verified_proofs_.insert(key);
  }
  if (!instance.faulty && now_ >= block.header.timestamp_ms) {
    result_.commit_latencies_ms.push_back(now_ - block.header.timestamp_ms);
  }
  result_.max_committed_height = std::max(result_.max_committed_height, height);
  const bool measuring = options_.measure_checkpoints > 0;
  if (fresh && height % options_.checkpoint_interval == 0 &&
      (!measuring || checkpoints_handed_ < options_.measure_checkpoints)) {
    ++checkpoints_handed_;
    if (guardians_) guardians_->Checkpoint(height, block.hash, now_);
  }
  if (!measuring && healed_ && LivenessReached()) stop_ = true;
}

const ValidatorSet& World::ValidatorsOf(uint64_t epoch) {
  if (epoch == 0) return validators_;
  auto it = epoch_validators_.find(epoch);
  if (it != epoch_validators_.end()) return it->second;
  std::vector<Validator> members;
  uint64_t total = 0;
  for (size_t i = 0; i < validators_.size(); ++i) {
    Validator v = validators_.at(ValidatorIndex(i));
    const Hash32 draw =
        Keccak256(AsBytes(absl::StrCat("sim-stake|", options_.seed, "|", epoch, "|", i)));
    v.stake = options_.broken_quorum_for_testing ? 100 : 100 + (draw.bytes[0] % 3) * 50;
    total += v.stake;
    members.push_back(std::move(v));
  }
  // Safety assumes faulty stake under a third; Twins and lost fsyncs are that faulty validator.
  if (faulty_index_ >= 0 && 3 * members[faulty_index_].stake >= total) {
    total -= members[faulty_index_].stake - 100;
    members[faulty_index_].stake = 100;
  }
  ValidatorSet set = *ValidatorSet::Create(std::move(members));
  if (options_.broken_quorum_for_testing)
    set.SetQuorumRuleForTesting(QuorumRule::kBrokenHalfForTesting);
  return epoch_validators_.emplace(epoch, std::move(set)).first->second;
}

Committee World::Reference(uint64_t epoch) {
  ValidatorSet set = ValidatorsOf(epoch);
  set.SetQuorumRuleForTesting(QuorumRule::kTwoThirds);  // the oracle's own rule
  return Committee{"theta-sim", epoch, std::move(set), Hash32{}, verifier_.get()};
}

void World::OnEvidence(int id, const Evidence& evidence) {
  ++result_.evidence;
  const uint64_t epoch = evidence.kind == Evidence::Kind::kDoubleVote ? evidence.vote_a.epoch
                                                                      : evidence.header_a.epoch;
  if (absl::Status st = VerifyEvidence(Reference(epoch), evidence); !st.ok()) {
    Violation(absl::StrCat("evidence: node ", id,
                           " reported evidence that does not verify: ", std::string(st.message())));
    return;
  }
  const ValidatorIndex accused = evidence.kind == Evidence::Kind::kDoubleVote
                                     ? evidence.vote_a.voter
                                     : evidence.header_a.proposer;
  if (!IsFaultyIndex(accused)) {
    Violation(absl::StrCat("evidence: node ", id, " holds valid evidence against honest validator ",
                           accused));
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

void World::Summarize() {
  std::vector<uint64_t> messages, bytes;
  for (const auto& instance : instances_) {
    if (instance->faulty) continue;
    messages.push_back(instance->sent_messages);
    bytes.push_back(instance->sent_bytes);
  }
  result_.validator_traffic = internal::SummarizeTraffic(messages, bytes);
  if (guardians_) {
    guardians_->Summarize(&result_);
    if (!guardians_->violation().empty()) Violation(guardians_->violation());
    result_.guardian_messages = guardians_->messages();
    for (int i = 0; i < guardians_->size(); ++i) {
      if (!guardians_->IsHonest(i) || guardians_->guardian(i) == nullptr) continue;
      const Guardian::Stats& stats = guardians_->guardian(i)->stats();
      result_.max_guardian_message_bytes =
          std::max(result_.max_guardian_message_bytes, stats.max_message_bytes);
      for (const auto& [height, rounds] : stats.rounds_to_final) {
        result_.max_guardian_rounds = std::max<uint64_t>(result_.max_guardian_rounds, rounds);
      }
      result_.checkpoints_finalized =
          std::max<uint64_t>(result_.checkpoints_finalized, stats.rounds_to_final.size());
    }
    for (uint32_t rounds : result_.guardian_rounds)  // the naive baseline has no Guardian objects
      result_.max_guardian_rounds = std::max<uint64_t>(result_.max_guardian_rounds, rounds);
  }
}

}  // namespace

Result Run(const Options& options) {
  World world(options);
  return world.Run();
}

}  // namespace theta::consensus::sim
