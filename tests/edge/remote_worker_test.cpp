// Compute jobs across processes: two real `theta-edge worker` processes on loopback take orders
// over HTTP JSON-RPC from RemoteWorker clients; the requester verifies and pays them as it does
// local workers, and a lying worker among them is still caught.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "edge_test_util.hpp"
#include "ledger_payment_hook.hpp"
#include "theta/net/rpc_client.hpp"
#include "worker_service.hpp"

extern char** environ;

namespace theta::edge {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// A `theta-edge worker` process on an ephemeral loopback port, stopped with SIGTERM.
class WorkerProcess {
 public:
  explicit WorkerProcess(const std::string& name, std::vector<std::string> flags) {
    dir_ = std::filesystem::temp_directory_path() /
           ("theta_edge_worker_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::filesystem::path port_file = dir_ / "port";
    std::vector<std::string> args = {THETA_EDGE_BINARY, "worker", "--port=0",
                                     "--port_file=" + port_file.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    const auto until = std::chrono::steady_clock::now() + 30s;
    std::string port;
    while (port.empty() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(20ms);
      std::ifstream in(port_file);
      std::getline(in, port);
    }
    REQUIRE_FALSE(port.empty());
    url_ = "http://127.0.0.1:" + port + "/rpc";
  }
  ~WorkerProcess() {
    if (pid_ > 0) Stop();
    std::filesystem::remove_all(dir_);
  }
  // SIGTERM, then the exit status (the worker shuts down cleanly: 0).
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = 0;
  std::filesystem::path dir_;
  std::string url_;
};

TEST_CASE("two worker processes run an order over http, agree, and are both paid",
          "[edge][worker]") {
  WorkerProcess cpu_worker("cpu", {"--backend=cpu", "--workers=2"});
  // lavapipe when the machine has it, with every kernel compiled before the first order
  WorkerProcess auto_worker("auto", {"--workers=1", "--prewarm"});
  Chain chain;
  LedgerPaymentHook hook(chain.requester,
                         {.chain_id = kChain, .reserve_sequence = 1, .resource_id = kResource});
  RemoteWorker first({"cpu-worker", AddressOf(chain.honest)}, cpu_worker.url());
  RemoteWorker second({"auto-worker", AddressOf(Key(4))}, auto_worker.url());
  compute::Verifier verifier({.spot_samples = 4, .hook = &hook});
  compute::ComputeWorker* workers[] = {&first, &second};
  for (int i = 0; i < 3; ++i) {
    auto job =
        verifier.Run(MatMulOrder("remote-" + std::to_string(i), hook.requester(), 10 + i), workers);
    REQUIRE(job.ok());
    CHECK(job->verified);
    for (const compute::WorkerVerdict& v : job->verdicts) {
      INFO(v.worker.id << ": " << v.execution);
      CHECK(v.paid);
    }
  }
  const auto voucher = hook.LatestVoucher(AddressOf(chain.honest));
  REQUIRE(voucher.has_value());
  CHECK(voucher->source.coins.tfuel_wei == uint256(3) * (kTFuel / uint256(10)));
  CHECK(
      ledger::VerifyVoucher(*voucher, AddressOf(chain.honest), chain.Pool(), kHeight, kChain).ok());
  CHECK(hook.LatestVoucher(AddressOf(Key(4))).has_value());

  auto client = net::RpcClient::Create(cpu_worker.url());
  REQUIRE(client.ok());
  auto stats = client->Call("compute_stats", nullptr);
  REQUIRE(stats.ok());
  CHECK((*stats)["completed"] == 3);
  CHECK(cpu_worker.Stop() == 0);
  CHECK(auto_worker.Stop() == 0);
}

TEST_CASE("a lying in-process worker is caught beside an honest worker process", "[edge][worker]") {
  WorkerProcess honest_process("honest", {"--backend=cpu"});
  Chain chain;
  LedgerPaymentHook hook(chain.requester,
                         {.chain_id = kChain, .reserve_sequence = 1, .resource_id = kResource});
  auto lying_scheduler = StartWorker(LyingExecutor);
  RemoteWorker honest({"honest", AddressOf(chain.honest)}, honest_process.url());
  compute::SchedulerWorker liar({"liar", AddressOf(chain.liar)}, *lying_scheduler);
  compute::Verifier verifier({.spot_samples = 4, .hook = &hook});
  compute::ComputeWorker* workers[] = {&liar, &honest};
  auto job = verifier.Run(MatMulOrder("mixed", hook.requester(), 20), workers);
  REQUIRE(job.ok());
  CHECK(job->verified);
  CHECK_FALSE(job->verdicts[0].paid);
  CHECK(job->verdicts[1].paid);
  CHECK(hook.reports().size() == 1);
  CHECK_FALSE(hook.LatestVoucher(AddressOf(chain.liar)).has_value());
}

TEST_CASE("a worker process answers refusals with the scheduler's status code", "[edge][worker]") {
  WorkerProcess process("refusals", {"--backend=cpu", "--min_price=1000000000000000000"});
  RemoteWorker worker({"w", Address{}}, process.url());
  // The order's price (0.1 TFUEL) is under this worker's minimum (1 TFUEL).
  auto cheap = worker.Execute(MatMulOrder("cheap", Address{}, 1));
  CHECK(cheap.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(cheap.status().message()), Catch::Contains("minimum"));
  compute::JobOrder late = MatMulOrder("late", Address{}, 1);
  late.price_tfuel_wei = kTFuel;
  late.deadline = std::chrono::system_clock::now() - 1s;
  CHECK(worker.Execute(late).status().code() == absl::StatusCode::kDeadlineExceeded);
  auto cancelled = worker.Cancel("nothing-like-it");
  REQUIRE(cancelled.ok());
  CHECK_FALSE(*cancelled);
  auto client = net::RpcClient::Create(process.url());
  REQUIRE(client.ok());
  CHECK(client->Call("compute_run", {{"order", "not an object"}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(process.Stop() == 0);
  // Nobody listens there any more.
  CHECK(worker.Execute(MatMulOrder("gone", Address{}, 1)).status().code() ==
        absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace theta::edge
