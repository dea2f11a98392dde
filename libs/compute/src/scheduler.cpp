#include "theta/compute/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"

namespace theta::compute {
namespace {

using SystemClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

std::chrono::microseconds Since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
}

// Hands the runner its Device where JobRunnerOptions has the field (model and transcode jobs keep
// their buffers on it); written so it compiles with and without that field.
template <typename Options>
void SetVulkanDevice(Options& options, Device* device) {
  if constexpr (requires { options.vulkan_device; }) options.vulkan_device = device;
}

}  // namespace

absl::StatusOr<JobExecutor> NewLocalExecutor(Device* device, BlobResolver resolve) {
  // Shared pointers so the executor (a copyable std::function) owns the backends and the runner.
  std::shared_ptr<Backend> cpu = NewCpuBackend();
  std::shared_ptr<Backend> vulkan;
  if (device != nullptr) {
    absl::StatusOr<std::unique_ptr<Backend>> made = NewVulkanBackend(*device);
    if (!made.ok()) return made.status();
    vulkan = std::move(*made);
  }
  JobRunnerOptions options;
  options.cpu = cpu.get();
  options.vulkan = vulkan.get();
  options.vulkan_is_cpu_device = device != nullptr && device->info().kind == DeviceKind::kCpu;
  options.resolve = std::move(resolve);
  SetVulkanDevice(options, device);
  auto runner = std::make_shared<JobRunner>(std::move(options));
  return JobExecutor([cpu, vulkan, runner](const JobSpec& spec) { return runner->Run(spec); });
}

struct Scheduler::Job {
  JobOrder order;
  std::promise<JobOutcome> promise;
  std::shared_future<JobOutcome> future = promise.get_future().share();
  SteadyClock::time_point submitted = SteadyClock::now();
  SteadyClock::time_point started;
  SystemClock::time_point run_deadline;  // set when it starts: its deadline or max_run_time
  bool running = false;
  bool done = false;  // the outcome is out
  size_t worker = 0;
};

struct Scheduler::State {
  SchedulerOptions options;
  std::vector<JobExecutor> executors;

  std::mutex shutdown_mu;  // held through Shutdown, so two callers do not both join
  mutable std::mutex mu;
  std::condition_variable work_cv;   // workers wait for orders
  std::condition_variable watch_cv;  // the watchdog waits for the next deadline
  std::deque<std::shared_ptr<Job>> queue;
  std::map<std::string, std::shared_ptr<Job>, std::less<>> active;  // queued or running, by id
  bool stopping = false;       // no more orders; workers leave when idle
  bool stop_watchdog = false;  // set after the workers are joined
  bool joined = false;
  SchedulerStats stats;
  std::vector<std::thread> workers;
  std::thread watchdog;

  // Delivers `job`'s outcome once; later calls (a kernel returning after a timeout) are ignored.
  void Finish(Job& job, absl::StatusOr<JobResult> result) {
    if (job.done) return;
    job.done = true;
    JobOutcome outcome;
    outcome.job_id = job.order.job_id;
    outcome.worker = job.worker;
    if (job.running) {
      outcome.queued =
          std::chrono::duration_cast<std::chrono::microseconds>(job.started - job.submitted);
      outcome.run_time = Since(job.started);
    } else {
      outcome.queued = Since(job.submitted);
    }
    if (result.ok()) {
      ++stats.completed;
    } else if (result.status().code() == absl::StatusCode::kDeadlineExceeded) {
      ++stats.timed_out;
    } else if (result.status().code() == absl::StatusCode::kCancelled) {
      ++stats.cancelled;
    } else {
      ++stats.failed;
    }
    outcome.result = std::move(result);
    active.erase(job.order.job_id);
    job.promise.set_value(std::move(outcome));
  }

  void RemoveQueued(const Job& job) {
    queue.erase(std::remove_if(queue.begin(), queue.end(),
                               [&](const std::shared_ptr<Job>& j) { return j.get() == &job; }),
                queue.end());
  }

  void WorkerLoop(size_t index) {
    std::unique_lock lock(mu);
    while (true) {
      work_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and Shutdown cancelled what was queued
      std::shared_ptr<Job> job = queue.front();
      queue.pop_front();
      const SystemClock::time_point now = SystemClock::now();
      if (job->order.deadline <= now) {
        Finish(*job, absl::DeadlineExceededError(absl::StrCat("compute job ", job->order.job_id,
                                                              ": deadline passed while queued")));
        continue;
      }
      job->running = true;
      job->worker = index;
      job->started = SteadyClock::now();
      job->run_deadline = std::min(job->order.deadline, now + options.max_run_time);
      ++stats.running;
      watch_cv.notify_all();
      lock.unlock();
      absl::StatusOr<JobResult> result = executors[index](job->order.spec);
      lock.lock();
      --stats.running;
      Finish(*job, std::move(result));
    }
  }

  // Times out queued and running jobs at their deadlines.
  void WatchdogLoop() {
    std::unique_lock lock(mu);
    while (!stop_watchdog) {
      const SystemClock::time_point now = SystemClock::now();
      SystemClock::time_point next = SystemClock::time_point::max();
      std::vector<std::shared_ptr<Job>> expired;
      for (const auto& [id, job] : active) {
        const SystemClock::time_point due = job->running ? job->run_deadline : job->order.deadline;
        if (due <= now) {
          expired.push_back(job);
        } else {
          next = std::min(next, due);
        }
      }
      for (const std::shared_ptr<Job>& job : expired) {
        if (!job->running) RemoveQueued(*job);
        Finish(*job, absl::DeadlineExceededError(absl::StrCat(
                         "compute job ", job->order.job_id,
                         job->running ? ": still running at its deadline (or max_run_time)"
                                      : ": deadline passed while queued")));
      }
      if (next == SystemClock::time_point::max()) {
        watch_cv.wait(lock);
      } else {
        watch_cv.wait_until(lock, next);
      }
    }
  }

  absl::Status Admit(const JobOrder& order) {
    if (stopping) return absl::FailedPreconditionError("compute scheduler: shut down");
    if (!IsValidJobId(order.job_id)) {
      return absl::InvalidArgumentError(absl::StrCat("compute scheduler: job id \"", order.job_id,
                                                     "\" is not 1 to 64 of [A-Za-z0-9._-]"));
    }
    if (absl::Status valid = ValidateJobSpec(order.spec); !valid.ok()) return valid;
    if (active.count(order.job_id) != 0) {
      return absl::AlreadyExistsError(
          absl::StrCat("compute scheduler: job ", order.job_id, " is already queued or running"));
    }
    if (order.price_tfuel_wei < options.min_price_tfuel_wei) {
      return absl::FailedPreconditionError(absl::StrCat(
          "compute scheduler: job ", order.job_id, " offers ", order.price_tfuel_wei.ToDecimal(),
          " TFUEL wei, below this worker's minimum of ", options.min_price_tfuel_wei.ToDecimal()));
    }
    if (order.deadline <= SystemClock::now()) {
      return absl::DeadlineExceededError(
          absl::StrCat("compute scheduler: job ", order.job_id, " has a deadline in the past"));
    }
    if (queue.size() >= options.max_queued) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "compute scheduler: queue full (", queue.size(), " jobs waiting, max_queued ",
          options.max_queued, "); retry later or on another worker"));
    }
    return absl::OkStatus();
  }
};

Scheduler::Scheduler(std::unique_ptr<State> state) : state_(std::move(state)) {}

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Start(SchedulerOptions options) {
  if (options.workers == 0) {
    return absl::InvalidArgumentError("compute scheduler: workers must be at least 1");
  }
  if (!options.make_executor) {
    return absl::InvalidArgumentError("compute scheduler: make_executor is required");
  }
  auto state = std::make_unique<State>();
  for (size_t i = 0; i < options.workers; ++i) {
    absl::StatusOr<JobExecutor> executor = options.make_executor(i);
    if (!executor.ok()) return executor.status();
    state->executors.push_back(std::move(*executor));
  }
  state->options = std::move(options);
  State* s = state.get();
  for (size_t i = 0; i < s->options.workers; ++i) {
    s->workers.emplace_back([s, i] { s->WorkerLoop(i); });
  }
  s->watchdog = std::thread([s] { s->WatchdogLoop(); });
  return std::unique_ptr<Scheduler>(new Scheduler(std::move(state)));
}

Scheduler::~Scheduler() {
  Shutdown();
}

absl::StatusOr<std::shared_future<JobOutcome>> Scheduler::Submit(JobOrder order) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  if (absl::Status admitted = s.Admit(order); !admitted.ok()) {
    ++s.stats.rejected;
    return admitted;
  }
  auto job = std::make_shared<Job>();
  job->order = std::move(order);
  s.active.emplace(job->order.job_id, job);
  s.queue.push_back(job);
  s.work_cv.notify_one();
  s.watch_cv.notify_all();
  return job->future;
}

bool Scheduler::Cancel(std::string_view job_id) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  auto it = s.active.find(job_id);
  if (it == s.active.end()) return false;
  std::shared_ptr<Job> job = it->second;
  if (!job->running) s.RemoveQueued(*job);
  s.Finish(*job, absl::CancelledError(absl::StrCat("compute job ", job->order.job_id,
                                                   ": cancelled by the requester")));
  return true;
}

void Scheduler::Shutdown() {
  State& s = *state_;
  std::lock_guard shutting_down(s.shutdown_mu);
  {
    std::lock_guard lock(s.mu);
    if (s.joined) return;
    s.stopping = true;
    while (!s.queue.empty()) {
      std::shared_ptr<Job> job = s.queue.front();
      s.queue.pop_front();
      s.Finish(*job, absl::CancelledError(absl::StrCat("compute job ", job->order.job_id,
                                                       ": the worker shut down before it ran")));
    }
    s.work_cv.notify_all();
  }
  for (std::thread& worker : s.workers)
    worker.join();
  {
    std::lock_guard lock(s.mu);
    s.stop_watchdog = true;
    s.joined = true;
    s.watch_cv.notify_all();
  }
  s.watchdog.join();
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(state_->mu);
  SchedulerStats stats = state_->stats;
  stats.queued = state_->queue.size();
  return stats;
}

}  // namespace theta::compute
