// The simulator's world (sim.cpp runs it, sim_oracle.cpp judges it): the event queue, the
// simulated validators with their application, transport, clock and disk, and the oracle's state.
// Internal to theta-consensus; see sim.hpp for what the simulator does.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "sim_guardians.hpp"
#include "sim_world.hpp"
#include "theta/consensus/node.hpp"
#include "theta/consensus/sim.hpp"
#include "theta/consensus/wal.hpp"

namespace theta::consensus::sim::internal {

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

// Whether a committed payload is one an honest application accepts (the oracle's validity).
bool ValidPayload(const Block& block);

}  // namespace theta::consensus::sim::internal
