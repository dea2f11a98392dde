// The edge worker's job queue: real jobs on the CPU backend and on lavapipe, concurrency limits,
// a bounded queue, deadlines, cancellation and shutdown.
#include "theta/compute/scheduler.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "job_test_util.hpp"
#include "test_device.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/verify.hpp"

namespace theta::compute {
namespace {

using namespace std::chrono_literals;
using testing::Gate;
using testing::GatedExecutors;
using testing::MatMulSpec;
using testing::Order;

std::unique_ptr<Scheduler> StartScheduler(SchedulerOptions options) {
  auto scheduler = Scheduler::Start(std::move(options));
  REQUIRE(scheduler.ok());
  return std::move(*scheduler);
}

std::shared_future<JobOutcome> Submit(Scheduler& scheduler, JobOrder order) {
  auto future = scheduler.Submit(std::move(order));
  REQUIRE(future.ok());
  return *future;
}

// Waits (bounded) until `done` holds.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = 5000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TEST_CASE("the scheduler runs real matmul jobs on cpu workers with the results of a direct run",
          "[compute][scheduler]") {
  auto scheduler = StartScheduler(
      {.workers = 2, .make_executor = [](size_t) { return NewLocalExecutor(nullptr); }});
  auto direct = NewLocalExecutor(nullptr);
  REQUIRE(direct.ok());
  std::vector<std::shared_future<JobOutcome>> outcomes;
  for (uint32_t i = 0; i < 6; ++i) {
    outcomes.push_back(
        Submit(*scheduler, Order("job-" + std::to_string(i), MatMulSpec(33 + i, 17, 29, 100 + i))));
  }
  std::set<size_t> workers_used;
  for (uint32_t i = 0; i < 6; ++i) {
    const JobOutcome& outcome = outcomes[i].get();
    REQUIRE(outcome.result.ok());
    CHECK(outcome.job_id == "job-" + std::to_string(i));
    workers_used.insert(outcome.worker);
    auto expected = (*direct)(MatMulSpec(33 + i, 17, 29, 100 + i));
    REQUIRE(expected.ok());
    CHECK(CompareOutputs(MatMulSpec(33 + i, 17, 29, 100 + i), expected->output,
                         outcome.result->output)
              .agree);
    CHECK(outcome.result->backend == "cpu");
  }
  CHECK(workers_used.size() <= 2);
  CHECK(scheduler->stats().completed == 6);
}

TEST_CASE("the scheduler runs no more jobs at once than it has workers", "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler = StartScheduler({.workers = 2, .make_executor = GatedExecutors(gate)});
  std::vector<std::shared_future<JobOutcome>> outcomes;
  for (int i = 0; i < 5; ++i)
    outcomes.push_back(Submit(*scheduler, Order("j" + std::to_string(i), MatMulSpec(8, 8, 8, i))));
  REQUIRE(Eventually([&] { return gate->inside() == 2; }));
  std::this_thread::sleep_for(50ms);  // a third job, if the limit were broken, would be inside now
  CHECK(gate->inside() == 2);
  CHECK(scheduler->stats().queued == 3);
  CHECK(scheduler->stats().running == 2);
  gate->Open();
  for (auto& outcome : outcomes)
    CHECK(outcome.get().result.ok());
  CHECK(gate->max_inside() == 2);
}

TEST_CASE("a full queue refuses the next order with ResourceExhausted", "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler =
      StartScheduler({.workers = 1, .max_queued = 2, .make_executor = GatedExecutors(gate)});
  auto running = Submit(*scheduler, Order("running", MatMulSpec(4, 4, 4, 1)));
  REQUIRE(Eventually([&] { return gate->inside() == 1; }));
  auto first = Submit(*scheduler, Order("queued-1", MatMulSpec(4, 4, 4, 2)));
  auto second = Submit(*scheduler, Order("queued-2", MatMulSpec(4, 4, 4, 3)));
  auto refused = scheduler->Submit(Order("one-too-many", MatMulSpec(4, 4, 4, 4)));
  REQUIRE(refused.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("max_queued 2"));
  CHECK(scheduler->stats().rejected == 1);
  gate->Open();
  CHECK(running.get().result.ok());
  CHECK(first.get().result.ok());
  CHECK(second.get().result.ok());
  // Room again once the queue drains.
  CHECK(scheduler->Submit(Order("later", MatMulSpec(4, 4, 4, 5))).ok());
}

TEST_CASE("the scheduler refuses orders it cannot take with clear errors", "[compute][scheduler]") {
  SchedulerOptions options{.workers = 1, .min_price_tfuel_wei = uint256(500)};
  options.make_executor = [](size_t) { return NewLocalExecutor(nullptr); };
  auto scheduler = StartScheduler(std::move(options));
  CHECK(scheduler->Submit(Order("bad id!", MatMulSpec(2, 2, 2, 1))).status().code() ==
        absl::StatusCode::kInvalidArgument);
  JobSpec broken = MatMulSpec(2, 2, 2, 1);
  broken.dims.erase("k");
  CHECK(scheduler->Submit(Order("broken", broken)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  JobOrder cheap = Order("cheap", MatMulSpec(2, 2, 2, 1));
  cheap.price_tfuel_wei = uint256(499);
  CHECK(scheduler->Submit(cheap).status().code() == absl::StatusCode::kFailedPrecondition);
  JobOrder late = Order("late", MatMulSpec(2, 2, 2, 1));
  late.deadline = std::chrono::system_clock::now() - 1ms;
  CHECK(scheduler->Submit(late).status().code() == absl::StatusCode::kDeadlineExceeded);
  CHECK(scheduler->stats().rejected == 4);
  CHECK_FALSE(Scheduler::Start({.workers = 0}).ok());
  CHECK_FALSE(Scheduler::Start({.workers = 1}).ok());  // no executor factory
}

TEST_CASE("an order id already queued or running is refused until its outcome is out",
          "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler = StartScheduler({.workers = 1, .make_executor = GatedExecutors(gate)});
  auto first = Submit(*scheduler, Order("same", MatMulSpec(4, 4, 4, 1)));
  auto queued = Submit(*scheduler, Order("queued", MatMulSpec(4, 4, 4, 1)));
  REQUIRE(Eventually([&] { return gate->inside() == 1; }));
  CHECK(scheduler->Submit(Order("same", MatMulSpec(2, 2, 2, 1))).status().code() ==
        absl::StatusCode::kAlreadyExists);
  CHECK(scheduler->Submit(Order("queued", MatMulSpec(2, 2, 2, 1))).status().code() ==
        absl::StatusCode::kAlreadyExists);
  gate->Open();
  CHECK(first.get().result.ok());
  CHECK(queued.get().result.ok());
  CHECK(scheduler->Submit(Order("same", MatMulSpec(2, 2, 2, 1))).ok());
}

TEST_CASE("a job still running at its deadline times out while queued ones expire too",
          "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler = StartScheduler({.workers = 1, .make_executor = GatedExecutors(gate)});
  const auto start = std::chrono::steady_clock::now();
  auto slow = Submit(*scheduler, Order("slow", MatMulSpec(4, 4, 4, 1), 150ms));
  auto waiting = Submit(*scheduler, Order("waiting", MatMulSpec(4, 4, 4, 2), 100ms));
  const JobOutcome& expired = waiting.get();
  CHECK(expired.result.status().code() == absl::StatusCode::kDeadlineExceeded);
  CHECK_THAT(std::string(expired.result.status().message()), Catch::Contains("while queued"));
  const JobOutcome& timed_out = slow.get();
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(timed_out.result.status().code() == absl::StatusCode::kDeadlineExceeded);
  CHECK(waited >= 140ms);
  CHECK(waited < 2000ms);  // delivered at the deadline, not when the gate opens
  CHECK(scheduler->stats().timed_out == 2);
  gate->Open();  // the kernel returns; its late result is discarded
  REQUIRE(Eventually([&] { return scheduler->stats().running == 0; }));
  CHECK(scheduler->stats().completed == 0);
}

TEST_CASE("max_run_time caps a job whose own deadline is far away", "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler =
      StartScheduler({.workers = 1, .max_run_time = 100ms, .make_executor = GatedExecutors(gate)});
  auto job = Submit(*scheduler, Order("long", MatMulSpec(4, 4, 4, 1), 60s));
  CHECK(job.get().result.status().code() == absl::StatusCode::kDeadlineExceeded);
  gate->Open();
}

TEST_CASE("cancelling a queued or a running job delivers Cancelled at once",
          "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler = StartScheduler({.workers = 1, .make_executor = GatedExecutors(gate)});
  auto running = Submit(*scheduler, Order("running", MatMulSpec(4, 4, 4, 1)));
  auto queued = Submit(*scheduler, Order("queued", MatMulSpec(4, 4, 4, 2)));
  auto after = Submit(*scheduler, Order("after", MatMulSpec(4, 4, 4, 3)));
  REQUIRE(Eventually([&] { return gate->inside() == 1; }));
  CHECK(scheduler->Cancel("queued"));
  CHECK(queued.get().result.status().code() == absl::StatusCode::kCancelled);
  CHECK(scheduler->Cancel("running"));
  CHECK(running.get().result.status().code() == absl::StatusCode::kCancelled);
  CHECK_FALSE(scheduler->Cancel("running"));  // already out
  CHECK_FALSE(scheduler->Cancel("never-submitted"));
  gate->Open();
  CHECK(after.get().result.ok());  // the worker moved on past the cancelled ones
  CHECK(scheduler->stats().cancelled == 2);
}

TEST_CASE("shutdown cancels queued orders, lets running kernels finish and refuses new ones",
          "[compute][scheduler]") {
  auto gate = std::make_shared<Gate>();
  auto scheduler = StartScheduler({.workers = 1, .make_executor = GatedExecutors(gate)});
  auto running = Submit(*scheduler, Order("running", MatMulSpec(16, 16, 16, 1)));
  auto queued = Submit(*scheduler, Order("queued", MatMulSpec(4, 4, 4, 2)));
  REQUIRE(Eventually([&] { return gate->inside() == 1; }));
  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);
    gate->Open();
  });
  scheduler->Shutdown();
  opener.join();
  CHECK(queued.get().result.status().code() == absl::StatusCode::kCancelled);
  CHECK(running.get().result.ok());
  CHECK(scheduler->Submit(Order("late", MatMulSpec(4, 4, 4, 3))).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  scheduler->Shutdown();  // idempotent
}

TEST_CASE("two lavapipe workers sharing one device run jobs equal to the cpu backend",
          "[compute][scheduler][vulkan]") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  Device* shared = device.get();
  auto scheduler = StartScheduler(
      {.workers = 2, .make_executor = [shared](size_t) { return NewLocalExecutor(shared); }});
  auto cpu = NewLocalExecutor(nullptr);
  REQUIRE(cpu.ok());
  std::vector<JobSpec> specs;
  for (uint32_t i = 0; i < 4; ++i) {
    JobSpec spec = MatMulSpec(19 + i, 23, 31, 7 * i);
    spec.backend = BackendChoice::kVulkan;
    specs.push_back(spec);
  }
  JobSpec softmax;
  softmax.kernel = JobKernel::kSoftmax;
  softmax.dims = {{"rows", 5}, {"cols", 37}};
  softmax.inputs = {testing::Inline("x", testing::ToBytes(testing::RandomFloats(5 * 37, 9)))};
  specs.push_back(softmax);  // auto routes it to Vulkan
  std::vector<std::shared_future<JobOutcome>> outcomes;
  for (size_t i = 0; i < specs.size(); ++i)
    outcomes.push_back(Submit(*scheduler, Order("vk-" + std::to_string(i), specs[i])));
  for (size_t i = 0; i < specs.size(); ++i) {
    const JobOutcome& outcome = outcomes[i].get();
    REQUIRE(outcome.result.ok());
    CHECK(outcome.result->backend == "vulkan");
    JobSpec on_cpu = specs[i];
    on_cpu.backend = BackendChoice::kCpu;
    auto expected = (*cpu)(on_cpu);
    REQUIRE(expected.ok());
    const Comparison c = CompareOutputs(specs[i], expected->output, outcome.result->output);
    INFO("relative error " << c.error);
    CHECK(c.agree);
  }
  scheduler->Shutdown();
  testing::CheckNoValidationErrors(*device);
}

}  // namespace
}  // namespace theta::compute
