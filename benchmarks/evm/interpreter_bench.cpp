// The evmone benchmark set (ipsilon/evm-benchmarks) run the way evmone-bench runs it, so the
// figures compare with ../shared/data/evm-benchmarks/ANCHOR.md: each case executes the contract's
// code directly (one frame, Istanbul rules, gas limit INT64_MAX) with the code analysed before the
// timed loop. Like evmone's MockedHost, the host and its state are prepared once and persist across
// iterations (storage written by one iteration is seen by the next), so the timed loop is only the
// execution of the call; every kResetInterval iterations the state is rebuilt with the timer
// paused, which bounds the host's journal and logs. Reports time per execution and gas/s. Set
// THETA_EVM_BENCHMARKS to read the set from elsewhere, and THETA_EVM_BENCH_ITERATIONS to fix the
// iteration count (for instruction counting under callgrind).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "theta/evm/interpreter.hpp"
#include "theta/evm/state.hpp"

namespace theta::evm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BenchCase {
  State pre;
  Address contract;
  Bytes code;
  Bytes input;
};

// Iterations between rebuilds of the prepared state (see the file comment).
constexpr int64_t kResetInterval = 4096;

void RunCase(benchmark::State& bench, const BenchCase& c) {
  const CodeAnalysis analysis(c.code);
  AnalysisCache cache;
  Message msg;
  msg.gas = std::numeric_limits<int64_t>::max();
  msg.recipient = msg.code_address = c.contract;
  msg.input = c.input;
  State state = c.pre;
  auto host = std::make_unique<StateHost>(state, Revision::kIstanbul, TxContext{}, cache);
  int64_t gas_used = 0;
  int64_t since_reset = 0;
  for (auto _ : bench) {
    const ExecutionResult r = Execute(*host, Revision::kIstanbul, msg, analysis);
    if (r.status != StatusCode::kSuccess) [[unlikely]] {
      bench.SkipWithError(StatusCodeName(r.status));
      return;
    }
    gas_used = msg.gas - r.gas_left;
    benchmark::DoNotOptimize(r.output.data());
    if (++since_reset == kResetInterval) [[unlikely]] {
      bench.PauseTiming();
      host.reset();
      state = c.pre;
      host = std::make_unique<StateHost>(state, Revision::kIstanbul, TxContext{}, cache);
      since_reset = 0;
      bench.ResumeTiming();
    }
  }
  bench.counters["gas_used"] = static_cast<double>(gas_used);
  bench.counters["gas_rate"] = benchmark::Counter(static_cast<double>(gas_used),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

Bytes Hex(const json& j) {
  return ParseHex(j.get<std::string>()).value();
}

void RegisterFile(const fs::path& path, const std::string& group) {
  std::ifstream in(path);
  const json file = json::parse(in);
  for (const auto& [name, test] : file.items()) {
    State pre;
    for (const auto& [address, a] : test.at("pre").items()) {
      Account& account = pre.GetOrCreate(ParseAddress(address).value());
      account.balance = uint256::FromHex(a.at("balance").get<std::string>()).value();
      account.SetCode(Hex(a.at("code")));
      for (const auto& [k, v] : a.at("storage").items()) {
        const uint256 value = uint256::FromHex(v.get<std::string>()).value();
        account.storage[uint256::FromHex(k).value()] = StorageSlot{value, value};
      }
    }
    const Address to = ParseAddress(test.at("transaction").at("to").get<std::string>()).value();
    const json& data = test.at("transaction").at("data");
    const json labels = test.value("_info", json::object()).value("labels", json::object());
    for (size_t i = 0; i < data.size(); ++i) {
      const std::string label = labels.value(std::to_string(i), std::to_string(i));
      auto c = std::make_shared<BenchCase>(BenchCase{pre, to, pre.Find(to)->code, Hex(data.at(i))});
      auto* b =
          benchmark::RegisterBenchmark(("execute/" + group + "/" + name + "/" + label).c_str(),
                                       [c](benchmark::State& s) { RunCase(s, *c); });
      b->Unit(benchmark::kMicrosecond);
      if (const char* n = std::getenv("THETA_EVM_BENCH_ITERATIONS"); n != nullptr) {
        b->Iterations(std::max<int64_t>(1, std::atoll(n)));
      }
    }
  }
}

const bool kRegistered = [] {
  const char* env = std::getenv("THETA_EVM_BENCHMARKS");
  const fs::path root = env != nullptr ? fs::path(env) : fs::path(THETA_EVM_BENCHMARKS_DIR);
  for (const char* group : {"main", "micro"}) {
    if (!fs::is_directory(root / group)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(root / group))
      files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files)
      RegisterFile(f, group);
  }
  return true;
}();

}  // namespace
}  // namespace theta::evm
