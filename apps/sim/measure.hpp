// theta-sim's measurement mode: one seed, one setup, the guardian-finality figures as JSON.
#pragma once

#include <cstdint>
#include <string_view>

#include "theta/consensus/sim.hpp"

namespace theta_sim {

struct MeasureFlags {
  bool on = false;
  bool json = false;
  bool aggregation = true;
  uint64_t seed = 1;
  uint64_t checkpoints = 3;
  uint64_t round_ms = 1000;
  double byzantine = 0.0;
  theta::consensus::sim::Latency latency = theta::consensus::sim::Latency::kWan;
};

// True when `key`/`value` is a measurement flag with a good value (then stored in `flags`).
bool ParseMeasureFlag(std::string_view key, std::string_view value, MeasureFlags* flags);

// Runs the measurement and prints it; returns the exit status (1 on a violation or a checkpoint
// left unfinished).
int Measure(const MeasureFlags& flags, int validators, int guardians, uint64_t interval);

}  // namespace theta_sim
