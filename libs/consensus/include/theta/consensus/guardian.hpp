// Guardian finalization of checkpoints: thousands of guardians sign (height, block hash) of every
// committed checkpoint block with BLS12-381 and gossip aggregates until one carries > 2/3 of
// guardian stake; that aggregate is the checkpoint's finality certificate.
//
// Protocol (one instance per checkpoint, driven by a round timer):
//   - on a committed checkpoint a guardian signs CheckpointMessage(height, hash) and holds the
//     aggregate {its signature, multiplicity 1 at its index};
//   - each round it merges every aggregate received since the last round that adds a signer it
//     lacks, verifies the merged candidate once (weighted key sum by Pippenger MSM over the cached
//     keys, one pairing check); only if that fails does it check each received aggregate alone and
//     merge the good ones, so one bad neighbour costs a verification, not a round;
//   - it sends its aggregate to its neighbours (>= 10, dialed at random);
//   - once the aggregate carries > 2/3 of the stake the checkpoint is final: it sends the
//     certificate to its neighbours once, answers later votes and pulls with it, and stops
//     gossiping;
//   - a guardian still not final after `pull_after_rounds` asks a random guardian (not only a
//     neighbour) for the finished certificate every round, so faulty neighbours cannot isolate it.
// Public keys are trusted to have passed PopVerify when their stake was deposited (the ledger's
// job); aggregates over unchecked keys would admit rogue-key forgeries.
//
// Wire form (RLP): [kind, height, block_hash, multiplicities, signature] with kind 1 vote, 2 final,
// 3 pull (empty multiplicities and signature); multiplicities are LEB128 varints in one byte
// string (a 1,000-guardian vector of small counts is ~1 KiB). Decoding is strict (canonical
// varints, at most kMaxGuardians entries, a 96-byte G2 point or nothing). Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/crypto/bls.hpp"

namespace theta::consensus {

inline constexpr size_t kMaxGuardians = 100000;

struct GuardianInfo {
  crypto::bls::PublicKey key;  // proof of possession checked at staking
  uint64_t stake = 0;
};

class GuardianSet {
 public:
  // InvalidArgument for an empty set, more than kMaxGuardians, a zero stake, or total stake > 2^62.
  static absl::StatusOr<GuardianSet> Create(std::vector<GuardianInfo> guardians);
  size_t size() const { return keys_.size(); }
  const std::vector<crypto::bls::PublicKey>& keys() const { return keys_; }
  uint64_t stake(size_t index) const { return stakes_[index]; }
  uint64_t total_stake() const { return total_; }
  // The stake of every guardian with a nonzero multiplicity.
  uint64_t SignedStake(const std::vector<uint32_t>& multiplicity) const;
  bool IsQuorum(uint64_t stake) const;  // stake × 3 > total × 2

 private:
  std::vector<crypto::bls::PublicKey> keys_;
  std::vector<uint64_t> stakes_;
  uint64_t total_ = 0;
};

// The message every guardian signs for a checkpoint.
Bytes CheckpointMessage(std::string_view chain_id, uint64_t height, const Hash32& block_hash);

// The signature stays in its 96 compressed bytes until it is needed: decoding a G2 point includes a
// subgroup check, and most aggregates a guardian receives add nobody new and are never decoded.
struct GuardianMessage {
  enum class Kind : uint8_t { kVote = 1, kFinal = 2, kPull = 3 };
  Kind kind = Kind::kVote;
  uint64_t height = 0;
  Hash32 block_hash;
  std::vector<uint32_t> multiplicity;  // no trailing zeros; empty for kPull
  Bytes signature;                     // 96 bytes; empty for kPull
};

Bytes EncodeGuardianMessage(const GuardianMessage& message);
absl::StatusOr<GuardianMessage> DecodeGuardianMessage(ByteView bytes);

// OK when the aggregate verifies for (height, hash) and carries > 2/3 of the stake: a checkpoint
// finality certificate. InvalidArgument naming the failure otherwise.
absl::Status VerifyCheckpointCertificate(const GuardianSet& set, std::string_view chain_id,
                                         const GuardianMessage& certificate);

// Checks a weighted aggregate on `message` against the guardian set's keys.
using AggregateVerifier =
    std::function<bool(ByteView message, const crypto::bls::WeightedAggregate& aggregate)>;
// The same as above with the pairing check done by `verify` (when not empty).
absl::Status VerifyCheckpointCertificate(const GuardianSet& set, std::string_view chain_id,
                                         const GuardianMessage& certificate,
                                         const AggregateVerifier& verify);

struct GuardianOptions {
  std::string chain_id = "theta-consensus";
  uint32_t self = 0;
  uint64_t round_ms = 1000;
  uint32_t pull_after_rounds = 4;
  uint32_t max_rounds = 40;  // stop gossiping an unfinished checkpoint after this many rounds
};

// How a guardian reaches the world. Messages are addressed by guardian index.
struct GuardianEnv {
  std::function<void(uint32_t to, Bytes message)> send;
  std::function<void(uint64_t delay_ms, uint64_t token)> set_timer;
  std::function<uint32_t()> random_guardian;  // any guardian, for pulls
  // Told once per checkpoint when this guardian holds its certificate (may be empty).
  std::function<void(const GuardianMessage& certificate)> on_final;
  // Does the pairing checks (may be empty: bls::VerifyWeighted against the set's keys). The
  // simulator shares one memo among its thousands of guardians, since the same bytes reach many
  // of them and verify the same way each time.
  AggregateVerifier verify;
};

class Guardian {
 public:
  // `set` is borrowed. `neighbours` are the peers this guardian gossips with.
  Guardian(GuardianOptions options, const GuardianSet* set, crypto::bls::SecretKey key,
           std::vector<uint32_t> neighbours, GuardianEnv env);

  // A checkpoint block was committed by this guardian's node: sign it and start gossiping.
  void OnCheckpoint(uint64_t height, const Hash32& block_hash);
  // InvalidArgument for undecodable input; aggregates that fail verification are dropped at the
  // next round (and counted in stats()).
  absl::Status OnMessage(uint32_t from, ByteView bytes);
  void OnTimer(uint64_t token);

  // The finality certificate of `height`, once this guardian holds one (the 32 most recent
  // checkpoints are kept; older ones were handed to GuardianEnv::on_final).
  std::optional<GuardianMessage> Final(uint64_t height) const;

  struct Stats {
    uint64_t messages_sent = 0;
    uint64_t verifications = 0;
    uint64_t rejected = 0;
    uint64_t max_message_bytes = 0;
    std::map<uint64_t, uint32_t> rounds_to_final;  // per checkpoint height
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Checkpoint {
    Hash32 block_hash;
    bool known = false;  // our own node committed it and we signed
    bool final = false;
    uint32_t round = 0;
    crypto::bls::WeightedAggregate best;
    std::vector<std::pair<uint32_t, GuardianMessage>> pending;  // (sender, vote) since last round
    std::vector<bool> told_final;  // per guardian: already sent the certificate
  };
  void Round(uint64_t height, Checkpoint& cp);
  void BecomeFinal(uint64_t height, Checkpoint& cp);
  bool Verify(ByteView message, const crypto::bls::WeightedAggregate& aggregate) const;
  void SendFinal(uint64_t height, Checkpoint& cp, uint32_t to);
  void Send(uint32_t to, const GuardianMessage& message);

  GuardianOptions options_;
  const GuardianSet* set_;
  crypto::bls::SecretKey key_;
  std::vector<uint32_t> neighbours_;
  GuardianEnv env_;
  std::map<uint64_t, Checkpoint> checkpoints_;
  std::vector<bool> misbehaved_;  // senders caught with an aggregate that does not verify
  Stats stats_;
};

}  // namespace theta::consensus
