// A Scheduler is the job queue of an edge worker: orders wait in a bounded FIFO queue and a fixed
// number of worker threads run them, each with its own JobExecutor (a JobRunner is not
// thread-safe, so no two threads share one). Every order has a deadline; the scheduler also caps
// how long one job may run. Thread-safe: Submit, Cancel, stats and Shutdown may be called from any
// thread.
//
// Deadlines and cancellation: a queued order whose deadline passes is dropped with
// DeadlineExceeded; a running job whose deadline (or max_run_time) passes, or that is cancelled,
// has its outcome delivered at once (DeadlineExceeded or Cancelled) and its output discarded when
// the kernel returns. Kernels cannot be interrupted mid-dispatch (an OpenBLAS call or a Vulkan
// submission runs to its end), so that worker thread stays busy until then; limits in the spec
// (max_work) are what bound that time.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/compute/job_order.hpp"
#include "theta/compute/job_runner.hpp"
#include "theta/core/uint256.hpp"

namespace theta::compute {

class Device;

// Runs one spec; called by one worker thread only.
using JobExecutor = std::function<absl::StatusOr<JobResult>(const JobSpec& spec)>;
// Makes the executor of worker thread `index` (0-based); called by Scheduler::Start.
using JobExecutorFactory = std::function<absl::StatusOr<JobExecutor>(size_t index)>;

// An executor that owns a fresh CPU backend, a Vulkan backend on `device` when it is not null (the
// device must outlive the executor; several executors may share it) and a JobRunner routing
// between them as JobRunner documents.
absl::StatusOr<JobExecutor> NewLocalExecutor(Device* device, BlobResolver resolve = {});

struct SchedulerOptions {
  // Worker threads, i.e. jobs running at once. Must be at least 1.
  size_t workers = 1;
  // Orders that may wait beyond the running ones; one more is ResourceExhausted.
  size_t max_queued = 64;
  // The longest one job may run, whatever its deadline says.
  std::chrono::milliseconds max_run_time{60'000};
  // Orders offering less are refused (FailedPrecondition).
  uint256 min_price_tfuel_wei;
  // Required: makes each worker thread's executor.
  JobExecutorFactory make_executor;
};

struct JobOutcome {
  std::string job_id;
  // The result, or why there is none: the executor's error, DeadlineExceeded, Cancelled, or
  // Cancelled for orders still queued at Shutdown.
  absl::StatusOr<JobResult> result = absl::UnknownError("compute scheduler: no outcome yet");
  size_t worker = 0;                    // the thread that ran it (when it ran)
  std::chrono::microseconds queued{0};  // from Submit to start (or to the outcome, if it never ran)
  std::chrono::microseconds run_time{0};  // from start to the outcome
};

struct SchedulerStats {
  size_t queued = 0;
  size_t running = 0;  // worker threads busy, including with jobs whose outcome is already out
  uint64_t completed = 0;
  uint64_t failed = 0;  // the executor returned an error
  uint64_t timed_out = 0;
  uint64_t cancelled = 0;
  uint64_t rejected = 0;  // Submit refused the order
};

class Scheduler {
 public:
  // Makes every worker's executor (the first error is returned and no thread is left running)
  // and starts the threads. InvalidArgument for workers == 0 or no make_executor.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Start(SchedulerOptions options);

  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  // Shutdown().
  ~Scheduler();

  // Queues `order`. Errors, nothing queued: InvalidArgument for a bad job id or spec (as
  // ValidateJobSpec), AlreadyExists when an order with that id is queued or running,
  // FailedPrecondition for a price under min_price_tfuel_wei or after Shutdown, DeadlineExceeded
  // for a deadline already past, ResourceExhausted when max_queued orders are waiting.
  absl::StatusOr<std::shared_future<JobOutcome>> Submit(JobOrder order);

  // Cancels the order `job_id` if it is queued or running: its outcome becomes Cancelled now.
  // Returns whether there was such an order.
  bool Cancel(std::string_view job_id);

  // Stops taking orders, cancels the queued ones, waits for the running kernels to return and
  // joins the threads. Idempotent.
  void Shutdown();

  SchedulerStats stats() const;

 private:
  struct Job;
  struct State;
  explicit Scheduler(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace theta::compute
