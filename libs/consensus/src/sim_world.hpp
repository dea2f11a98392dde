// Internal pieces of the simulator: the seeded RNG, the keyed-hash signature scheme, the simulated
// disk, and the event record. Private to libs/consensus/src.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "theta/consensus/certificates.hpp"
#include "theta/consensus/sim.hpp"
#include "theta/consensus/wal.hpp"
#include "theta/core/hash.hpp"

namespace theta::consensus::sim::internal {

// Every random choice of a run comes from here, in event order: the run replays from the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n); n > 0. (Modulo bias is irrelevant for fault injection.)
  uint64_t Below(uint64_t n) { return engine_() % n; }
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  std::mt19937_64 engine_;
};

// One message's delay under a latency model. kRange draws exactly as the fault-finding runs always
// have, so their seeds keep replaying.
inline uint64_t SampleDelay(Rng& rng, Latency model, uint64_t min_ms, uint64_t max_ms) {
  switch (model) {
    case Latency::kLan:
      return rng.Between(1, 5);
    case Latency::kWan:
      return rng.Between(50, 150);
    case Latency::kHeavyTail: {
      const double u = 1.0 - rng.Unit();  // (0, 1]
      const double tail = 30.0 / std::pow(u, 1.0 / 1.5);
      return 20 + static_cast<uint64_t>(std::min(tail, 10000.0));
    }
    case Latency::kRange:
      break;
  }
  return rng.Between(min_ms, max_ms);
}

// Mean and max of per-node counts (nodes in the same order in both vectors).
inline Traffic SummarizeTraffic(const std::vector<uint64_t>& messages,
                                const std::vector<uint64_t>& bytes) {
  Traffic t;
  if (messages.empty()) return t;
  for (size_t i = 0; i < messages.size(); ++i) {
    t.messages_mean += double(messages[i]);
    t.bytes_mean += double(bytes[i]);
    t.messages_max = std::max(t.messages_max, messages[i]);
    t.bytes_max = std::max(t.bytes_max, bytes[i]);
  }
  t.messages_mean /= double(messages.size());
  t.bytes_mean /= double(bytes.size());
  return t;
}

// The simulator's default validator signatures: Keccak(secret ‖ digest) with the secret derived
// from the public key. Anyone could forge them, but the simulated faulty validators only ever sign
// with their own key (Twins reuse it; nothing else signs), so within the simulation they are
// unforgeable, and 50x cheaper than secp256k1 in thousands of CI seeds. Options::real_crypto
// switches to secp256k1.
inline Bytes SimSecret(ByteView public_key) {
  Bytes input = {'s', 'i', 'm', '-', 's', 'k'};
  input.insert(input.end(), public_key.begin(), public_key.end());
  const Hash32 h = Keccak256(input);
  return Bytes(h.bytes.begin(), h.bytes.end());
}

inline Bytes SimSign(ByteView secret, const Hash32& digest) {
  Bytes input(secret.begin(), secret.end());
  input.insert(input.end(), digest.bytes.begin(), digest.bytes.end());
  const Hash32 h = Keccak256(input);
  return Bytes(h.bytes.begin(), h.bytes.end());
}

class SimSigner final : public Signer {
 public:
  explicit SimSigner(ByteView public_key) : secret_(SimSecret(public_key)) {}
  Bytes Sign(const Hash32& digest) override { return SimSign(secret_, digest); }

 private:
  Bytes secret_;
};

class SimVerifier final : public Verifier {
 public:
  bool Verify(ByteView public_key, const Hash32& digest, ByteView signature) const override {
    const Bytes expected = SimSign(SimSecret(public_key), digest);
    return signature.size() == expected.size() &&
           std::equal(expected.begin(), expected.end(), signature.begin());
  }
};

// A disk: bytes already durable, bytes written but not yet synced. A crash keeps the durable bytes
// and a random prefix of the rest (a torn write). A lossy disk acknowledges fsyncs without
// performing them.
class SimDisk {
 public:
  Bytes durable;
  Bytes pending;
  bool lose_fsyncs = false;

  void Crash(Rng& rng) {
    const uint64_t keep = rng.Below(pending.size() + 1);
    durable.insert(durable.end(), pending.begin(), pending.begin() + static_cast<long>(keep));
    pending.clear();
  }
};

// The WalFile view of a SimDisk (the disk outlives every WalStorage opened on it).
class SimWalFile final : public WalFile {
 public:
  explicit SimWalFile(SimDisk* disk) : disk_(disk) {}
  absl::Status Append(ByteView data) override {
    disk_->pending.insert(disk_->pending.end(), data.begin(), data.end());
    return absl::OkStatus();
  }
  absl::Status Sync() override {
    if (!disk_->lose_fsyncs) {
      disk_->durable.insert(disk_->durable.end(), disk_->pending.begin(), disk_->pending.end());
      disk_->pending.clear();
    }
    return absl::OkStatus();
  }
  absl::StatusOr<Bytes> ReadAll() override {
    Bytes all = disk_->durable;
    all.insert(all.end(), disk_->pending.begin(), disk_->pending.end());
    return all;
  }
  absl::Status Truncate(uint64_t size) override {
    Bytes all = *ReadAll();
    all.resize(size);
    disk_->durable = std::move(all);
    disk_->pending.clear();
    return absl::OkStatus();
  }
  // A rename over the log is atomic, so a crash finds the old log or the new one. Even a lossy
  // disk keeps the new one here: its fault is losing appends, not the compaction's fsync.
  absl::Status Replace(ByteView contents) override {
    disk_->durable.assign(contents.begin(), contents.end());
    disk_->pending.clear();
    return absl::OkStatus();
  }

 private:
  SimDisk* disk_;
};

}  // namespace theta::consensus::sim::internal
