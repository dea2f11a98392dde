// theta-loadgen: signed TFUEL transfers into a running devnet through the native RPC, in timed
// phases (run.hpp), beside the signature-check ceiling measured in the same run.
//
//   theta-loadgen --devnet DIR/devnet.json --phases max:300,half:120 --out result.json
//
// Every transaction is signed before the first phase (signing is never what limits the rate); the
// devnet must be fresh (each account's next sequence is 1). Progress goes to stderr; the result
// JSON goes to --out and its summary is the last line on stdout.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "run.hpp"

ABSL_FLAG(std::string, devnet, "", "devnet.json written by `theta-node init-devnet` (required)");
ABSL_FLAG(std::string, phases, "max:30,half:30",
          "comma-separated phases: max:SECONDS (bounded backlog, throughput), half:SECONDS (open "
          "loop at half the last max phase's committed rate), rate:TX_PER_S:SECONDS");
ABSL_FLAG(size_t, accounts, 0,
          "sending accounts (0: all in devnet.json; rounded down to a multiple of the nodes)");
ABSL_FLAG(size_t, nodes, 0, "nodes to submit to, the first N of devnet.json (0: every node)");
ABSL_FLAG(size_t, validators, 0,
          "validators for the ceiling (0: the validator nodes in devnet.json)");
ABSL_FLAG(double, warmup, 5, "seconds at the start of each phase left out of its figures");
ABSL_FLAG(size_t, window, 12000, "max phases: at most this many submitted but uncommitted txs");
ABSL_FLAG(double, max_rate, 8000, "max phases: sign max_rate x seconds transactions ahead");
ABSL_FLAG(size_t, batch, 100, "JSON-RPC requests per HTTP body");
ABSL_FLAG(unsigned, sign_threads, 2, "threads signing transactions (before the phases)");
ABSL_FLAG(size_t, ceiling_txs, 20000, "signature checks timed for the ceiling (0: skip)");
ABSL_FLAG(unsigned, ceiling_threads, 2, "threads for the ceiling measurement (the cores)");
ABSL_FLAG(double, progress, 5, "seconds between progress lines on stderr");
ABSL_FLAG(double, drain, 60, "seconds to wait after a phase for its backlog to commit");
ABSL_FLAG(int, poll_ms, 5, "how often the observer reads /metrics (commit times)");
ABSL_FLAG(std::string, out, "", "write the result JSON here");
ABSL_FLAG(std::string, csv_prefix, "",
          "write each phase's per-tx latencies to PREFIX<n>-<kind>.csv");

namespace theta::loadgen {
namespace {

using Json = nlohmann::json;

absl::StatusOr<Json> Ceiling(const TxSet& txs, const Devnet& devnet, size_t validators) {
  const size_t count = absl::GetFlag(FLAGS_ceiling_txs);
  if (count == 0) return Json(nullptr);
  auto m =
      MeasureSignatureChecks(txs, devnet.chain_id, count, absl::GetFlag(FLAGS_ceiling_threads));
  if (!m.ok()) return m.status();
  const double tps = m->checks_per_second / static_cast<double>(validators);
  const double cpu_tps = m->cpu_checks_per_second / static_cast<double>(validators);
  std::fprintf(stderr,
               "loadgen: signature checks: %.0f/s on %u threads (%.1f us wall, %.1f us CPU each); "
               "ceiling with %zu validators checking every tx: %.0f tx/s now, %.0f tx/s on %u "
               "unshared cores\n",
               m->checks_per_second, m->threads, m->us_per_check, m->cpu_us_per_check, validators,
               tps, cpu_tps, m->threads);
  return Json{{"txs", m->txs},
              {"threads", m->threads},
              {"seconds", m->seconds},
              {"checks_per_second", m->checks_per_second},
              {"us_per_check", m->us_per_check},
              {"cpu_us_per_check", m->cpu_us_per_check},
              {"cpu_checks_per_second", m->cpu_checks_per_second},
              {"validators", validators},
              {"tps", tps},
              {"cpu_tps", cpu_tps}};
}

absl::StatusOr<Json> Run() {
  absl::StatusOr<Devnet> devnet = LoadDevnet(absl::GetFlag(FLAGS_devnet));
  if (!devnet.ok()) return devnet.status();
  size_t validators = absl::GetFlag(FLAGS_validators);
  if (validators == 0)
    for (const DevnetNode& node : devnet->nodes)
      validators += node.role == "validator" ? 1 : 0;
  const size_t nodes = absl::GetFlag(FLAGS_nodes);
  if (nodes > 0 && nodes < devnet->nodes.size()) devnet->nodes.resize(nodes);
  size_t accounts = absl::GetFlag(FLAGS_accounts);
  if (accounts == 0 || accounts > devnet->keys.size()) accounts = devnet->keys.size();
  accounts -= accounts % devnet->nodes.size();  // every sender always uses the same node
  if (accounts == 0 || validators == 0)
    return absl::InvalidArgumentError(
        "loadgen: the devnet needs validators and at least one account per node");
  absl::StatusOr<std::vector<PhaseSpec>> phases = ParsePhases(absl::GetFlag(FLAGS_phases));
  if (!phases.ok()) return phases.status();

  RunOptions options;
  options.warmup_s = absl::GetFlag(FLAGS_warmup);
  options.window = absl::GetFlag(FLAGS_window);
  options.max_rate = absl::GetFlag(FLAGS_max_rate);
  options.batch = std::clamp<size_t>(absl::GetFlag(FLAGS_batch), 1, 100);
  options.sign_threads = absl::GetFlag(FLAGS_sign_threads);
  options.progress_s = absl::GetFlag(FLAGS_progress);
  options.drain_s = absl::GetFlag(FLAGS_drain);
  options.poll_ms = std::max(1, absl::GetFlag(FLAGS_poll_ms));
  options.csv_prefix = absl::GetFlag(FLAGS_csv_prefix);

  TxSet txs(*devnet, accounts);
  absl::Status signed_ok =
      txs.SignUpTo(std::max<size_t>(absl::GetFlag(FLAGS_ceiling_txs), 1000), options.sign_threads);
  if (!signed_ok.ok()) return signed_ok;
  absl::StatusOr<Json> ceiling = Ceiling(txs, *devnet, validators);
  if (!ceiling.ok()) return ceiling.status();

  LoadRun run(*devnet, txs, options);
  absl::Status started = run.Start();
  if (!started.ok()) return started;
  Json results = Json::array();
  double last_max_tps = 0;
  for (const PhaseSpec& phase : *phases) {
    double rate = phase.kind == "rate" ? phase.rate : 0;
    if (phase.kind == "half") {
      if (last_max_tps <= 0)
        return absl::FailedPreconditionError(
            "loadgen: a half phase needs a max phase before it that committed something");
      rate = last_max_tps / 2;
    }
    absl::StatusOr<Json> figures = run.RunPhase(phase, rate);
    if (!figures.ok()) return figures.status();
    if (phase.kind == "max") last_max_tps = (*figures)["committed_tps"].get<double>();
    const Json& lat = (*figures)["latency_ms"];
    std::fprintf(stderr, "loadgen: %s phase: committed %.0f tx/s, latency p50 %s ms, p99 %s ms\n",
                 phase.kind.c_str(), (*figures)["committed_tps"].get<double>(),
                 lat["p50"].dump().c_str(), lat["p99"].dump().c_str());
    results.push_back(*std::move(figures));
  }
  return Json{{"chain_id", devnet->chain_id}, {"nodes", devnet->nodes.size()},
              {"validators", validators},     {"accounts", accounts},
              {"ceiling", *ceiling},          {"phases", results}};
}

// The figures a harness plots: the last max phase's throughput, the last half phase's latency.
Json Summary(const Json& result) {
  const Json& ceiling = result["ceiling"];
  Json summary = {{"ceiling_tps", ceiling.is_object() ? ceiling["tps"] : Json()},
                  {"ceiling_cpu_tps", ceiling.is_object() ? ceiling["cpu_tps"] : Json()}};
  for (const Json& phase : result["phases"]) {
    const std::string kind = phase["kind"];
    if (kind == "max") summary["committed_tps"] = phase["committed_tps"];
    if (kind == "half" || kind == "rate") {
      summary[kind + "_offered_tps"] = phase["offered_tps"];
      summary[kind + "_committed_tps"] = phase["committed_tps"];
      summary[kind + "_p50_ms"] = phase["latency_ms"]["p50"];
      summary[kind + "_p99_ms"] = phase["latency_ms"]["p99"];
    }
  }
  return summary;
}

}  // namespace
}  // namespace theta::loadgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "signed TFUEL transfers into a running devnet; see benchmarks/node/README or "
      "docs/benchmarks.md");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_devnet).empty()) {
    std::fprintf(stderr, "theta-loadgen: --devnet is required (see --help)\n");
    return 2;
  }
  absl::StatusOr<nlohmann::json> result = theta::loadgen::Run();
  if (!result.ok()) {
    std::fprintf(stderr, "theta-loadgen: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  const std::string out = absl::GetFlag(FLAGS_out);
  if (!out.empty()) {
    std::ofstream file(out);
    file << result->dump(2) << "\n";
    if (!file) {
      std::fprintf(stderr, "theta-loadgen: cannot write %s\n", out.c_str());
      return 1;
    }
  }
  std::printf("%s\n", theta::loadgen::Summary(*result).dump().c_str());
  return 0;
}
