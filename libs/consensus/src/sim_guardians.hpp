// The simulated guardian network: real Guardian objects with real BLS keys, a virtual-time event
// queue of its own, faulty guardians, and the guardian half of the oracle. Private to the
// simulator.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  Latency latency = Latency::kRange;
  bool aggregation = true;  // false: the naive baseline (sim_naive.cpp)
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
  // Every checkpoint handed out so far is final at every honest guardian (cheap).
  bool Done() const { return open_finals_ == 0; }

  const std::string& violation() const { return violation_; }
  bool IsHonest(int id) const { return role_[id] == Role::kHonest; }
  const Guardian* guardian(int id) const { return guardians_[id].get(); }
  int size() const { return int(role_.size()); }
  uint64_t messages() const { return messages_; }
  uint64_t now() const { return now_; }
  // Traffic, per-checkpoint finality rounds and times, and whether every checkpoint is final.
  void Summarize(Result* result) const;

 private:
  enum class Role { kHonest, kSilent, kInvalid, kInflated, kReplay };
  struct Event {
    uint64_t time, seq;
    int target;
    int kind;  // 0 deliver, 1 timer, 2 checkpoint, 3 byzantine act
    uint32_t from;
    uint64_t token;
    std::shared_ptr<const Bytes> payload;
    // Naive mode: the (signer index | kForged) entries of a flooded batch of single signatures.
    std::shared_ptr<const std::vector<uint32_t>> entries = nullptr;
  };
  // The naive baseline's per-(guardian, checkpoint) state.
  struct Naive {
    std::vector<bool> have;       // single signatures verified and held
    std::vector<uint32_t> fresh;  // learned since the last round: forwarded next round
    uint64_t stake = 0;
    uint32_t round = 0;
    bool final = false;
    bool timer = false;
  };
  static constexpr uint32_t kForged = 0x80000000u;
  static constexpr uint64_t kNever = UINT64_MAX;
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  void Push(Event e);
  bool VerifyShared(ByteView message, const crypto::bls::WeightedAggregate& aggregate);
  uint64_t Delay() {
    return SampleDelay(rng_, options_.latency, options_.min_delay_ms, options_.max_delay_ms);
  }
  void Count(int from, uint64_t bytes) {
    ++messages_;
    ++sent_messages_[from];
    sent_bytes_[from] += bytes;
    if (role_[from] == Role::kHonest) max_message_bytes_ = std::max(max_message_bytes_, bytes);
  }
  void Misbehave(int id, uint64_t height);
  void OnFinal(int id, const GuardianMessage& certificate);
  void MarkFinal(int id, uint64_t height);
  // Naive baseline (sim_naive.cpp).
  Naive& NaiveState(int id, uint64_t height);
  void NaiveCheckpoint(int id, uint64_t height);
  void NaiveRound(int id, uint64_t height);
  void NaiveDeliver(int id, int from, uint64_t height, const std::vector<uint32_t>& entries);
  void NaiveMisbehave(int id, uint64_t height);
  bool NaiveValid(uint64_t height, int from, uint32_t entry);

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
  std::map<uint64_t, std::vector<uint64_t>> final_at_;  // height -> per guardian, kNever if not
  uint64_t open_finals_ = 0;
  uint64_t max_message_bytes_ = 0;  // largest message an honest guardian sent  // (honest guardian,
                                    // checkpoint) pairs not yet final
  std::map<uint64_t, uint64_t> committed_at_;         // height -> when validators committed it
  std::vector<uint64_t> sent_messages_, sent_bytes_;  // per guardian
  // Naive baseline: state per height and guardian, each honest guardian's real signature, and the
  // verdict of checking it (0 unchecked, 1 valid, -1 not) shared by all receivers: a check of the
  // same bytes gives the same answer, so the simulator does it once.
  std::map<uint64_t, std::vector<Naive>> naive_;
  std::map<uint64_t, std::vector<crypto::bls::Signature>> naive_sigs_;
  std::map<uint64_t, std::vector<int8_t>> naive_verdict_;
  std::map<std::pair<uint64_t, uint64_t>, bool> forged_verdict_;  // (height, sender)
  absl::flat_hash_set<Hash32> verified_;
  absl::flat_hash_map<Hash32, bool> verdicts_;  // see VerifyShared
  std::string violation_;
};

}  // namespace theta::consensus::sim::internal
