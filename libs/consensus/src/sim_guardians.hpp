// The simulated guardian network: real Guardian objects with real BLS keys, a virtual-time event
// queue of its own, faulty guardians, and the guardian half of the oracle. Private to the
// simulator.
#pragma once

#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "sim_world.hpp"
#include "theta/consensus/guardian.hpp"

namespace theta::consensus::sim::internal {

struct GuardianNetOptions {
  int guardians = 0;
  double byzantine = 0.0;
  int peers = 10;
  uint64_t round_ms = 1000;
  uint64_t min_delay_ms = 5;
  uint64_t max_delay_ms = 60;
};

class GuardianNet {
 public:
  GuardianNet(const GuardianNetOptions& options, uint64_t seed);

  // The validators committed checkpoint `height` as `hash` at virtual time `now`: every guardian's
  // node learns of it a little later.
  void Checkpoint(uint64_t height, const Hash32& hash, uint64_t now);
  // Processes guardian events up to and including `time`.
  void RunUntil(uint64_t time);
  // Heights committed as checkpoints that some honest guardian has not finalized; empty if none.
  std::string Missing(uint64_t max_height = UINT64_MAX) const;
  bool AllFinal(uint64_t max_height = UINT64_MAX) const { return Missing(max_height).empty(); }

  const std::string& violation() const { return violation_; }
  bool IsHonest(int id) const { return role_[id] == Role::kHonest; }
  const Guardian* guardian(int id) const { return guardians_[id].get(); }
  int size() const { return int(role_.size()); }
  uint64_t messages() const { return messages_; }
  uint64_t now() const { return now_; }

 private:
  enum class Role { kHonest, kSilent, kInvalid, kInflated, kReplay };
  struct Event {
    uint64_t time, seq;
    int target;
    int kind;  // 0 deliver, 1 timer, 2 checkpoint, 3 byzantine act
    uint32_t from;
    uint64_t token;
    std::shared_ptr<const Bytes> payload;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  void Push(Event e);
  void Misbehave(int id, uint64_t height);
  void OnFinal(int id, const GuardianMessage& certificate);

  GuardianNetOptions options_;
  Rng rng_;
  std::unique_ptr<GuardianSet> set_;
  std::vector<Role> role_;
  std::vector<std::vector<uint32_t>> neighbours_;
  std::vector<std::unique_ptr<crypto::bls::SecretKey>> keys_;
  std::vector<std::unique_ptr<Guardian>> guardians_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  uint64_t seq_ = 0;
  uint64_t now_ = 0;
  uint64_t messages_ = 0;
  std::map<uint64_t, Hash32> expected_;   // checkpoint height -> the validators' committed hash
  std::map<uint64_t, Hash32> finalized_;  // checkpoint height -> the hash guardians finalized
  std::map<uint64_t, std::vector<bool>> final_by_;
  absl::flat_hash_set<Hash32> verified_;
  std::string violation_;
};

}  // namespace theta::consensus::sim::internal
