#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "theta/consensus/sim.hpp"

namespace theta::consensus::sim {

FaultSet FaultSet::All() {
  return {true, true, true, true, true, true, true, true, true};
}

absl::StatusOr<FaultSet> FaultSet::Parse(const std::string& text) {
  if (text == "all") return All();
  FaultSet f;
  if (text == "none" || text.empty()) return f;
  for (absl::string_view word : absl::StrSplit(text, ',')) {
    const std::string w(word);
    if (w == "drop")
      f.drop = true;
    else if (w == "dup")
      f.duplicate = true;
    else if (w == "delay")
      f.delay = true;
    else if (w == "partition")
      f.partition = true;
    else if (w == "crash")
      f.crash = true;
    else if (w == "skew")
      f.skew = true;
    else if (w == "twins")
      f.twins = true;
    else if (w == "lostfsync")
      f.lost_fsync = true;
    else if (w == "badguardians")
      f.bad_guardians = true;
    else
      return absl::InvalidArgumentError(absl::StrCat(
          "sim: unknown fault '", w,
          "' (known: drop, dup, delay, partition, crash, skew, twins, lostfsync, badguardians, "
          "all, none)"));
  }
  return f;
}

std::string FaultSet::ToString() const {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(drop, "drop");
  add(duplicate, "dup");
  add(delay, "delay");
  add(partition, "partition");
  add(crash, "crash");
  add(skew, "skew");
  add(twins, "twins");
  add(lost_fsync, "lostfsync");
  add(bad_guardians, "badguardians");
  return out.empty() ? "none" : out;
}

absl::StatusOr<Latency> ParseLatency(const std::string& text) {
  if (text == "range") return Latency::kRange;
  if (text == "lan") return Latency::kLan;
  if (text == "wan") return Latency::kWan;
  if (text == "heavytail") return Latency::kHeavyTail;
  return absl::InvalidArgumentError(
      absl::StrCat("sim: unknown latency model '", text, "' (known: range, lan, wan, heavytail)"));
}

std::string LatencyName(Latency latency) {
  switch (latency) {
    case Latency::kLan:
      return "lan";
    case Latency::kWan:
      return "wan";
    case Latency::kHeavyTail:
      return "heavytail";
    case Latency::kRange:
      break;
  }
  return "range";
}

}  // namespace theta::consensus::sim
