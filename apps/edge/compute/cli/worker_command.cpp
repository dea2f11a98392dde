#include "worker_command.hpp"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/scheduler.hpp"
#include "theta/compute/vulkan_kernels.hpp"
#include "theta/net/rpc_server.hpp"
#include "worker_service.hpp"

// Shared with the other theta-edge commands (main.cpp, run_command.cpp).
ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(int, port);
ABSL_DECLARE_FLAG(std::string, port_file);
ABSL_DECLARE_FLAG(std::string, backend);

ABSL_FLAG(int, workers, 1, "worker: jobs run at once (threads, each with its own backends)");
ABSL_FLAG(int, max_queued, 16, "worker: orders that may wait; more are refused");
ABSL_FLAG(int, max_run_s, 60, "worker: the longest one job may run, in seconds");
ABSL_FLAG(std::string, min_price, "0", "worker: the lowest price accepted, in TFUEL wei");
ABSL_FLAG(bool, prewarm, false,
          "worker: build and compile every Vulkan kernel at start-up, so that the first job's "
          "dispatch pays no shader compilation (slower start; docs/edge-compute.md)");
ABSL_FLAG(std::string, pipeline_cache, "",
          "worker: file that keeps the Vulkan pipeline cache between runs (empty: memory only)");

namespace theta::edge {
namespace {

int Fail(int code, const absl::Status& status) {
  std::cerr << "theta-edge worker: " << status << "\n";
  return code;
}

}  // namespace

int RunWorkerCommand() {
  const int workers = absl::GetFlag(FLAGS_workers);
  const int max_queued = absl::GetFlag(FLAGS_max_queued);
  const int max_run_s = absl::GetFlag(FLAGS_max_run_s);
  absl::StatusOr<uint256> min_price = uint256::FromDecimal(absl::GetFlag(FLAGS_min_price));
  const std::string backend = absl::GetFlag(FLAGS_backend);
  if (workers < 1 || workers > 64 || max_queued < 0 || max_queued > 4096 || max_run_s < 1 ||
      !min_price.ok() ||
      (backend != "" && backend != "auto" && backend != "cpu" && backend != "vulkan")) {
    return Fail(2, absl::InvalidArgumentError(
                       "need --workers in 1..64, --max_queued in 0..4096, --max_run_s >= 1, "
                       "--min_price in decimal wei, --backend auto|cpu|vulkan"));
  }
  std::unique_ptr<compute::Device> device;
  if (backend != "cpu") {
    compute::DeviceOptions device_options;
    device_options.pipeline_cache_path = absl::GetFlag(FLAGS_pipeline_cache);
    absl::StatusOr<std::unique_ptr<compute::Device>> opened =
        compute::Device::Create(device_options);
    if (opened.ok()) {
      device = std::move(*opened);
    } else if (backend == "vulkan") {
      return Fail(1, opened.status());
    }
  }
  const bool prewarm = device != nullptr && absl::GetFlag(FLAGS_prewarm);
  if (prewarm) {
    // The executors' VulkanKernels use the device's default tiling, hence these very specs.
    if (absl::Status st = compute::VulkanKernels(*device).Prewarm(); !st.ok()) return Fail(1, st);
    if (absl::Status st = device->SavePipelineCache(); !st.ok()) return Fail(1, st);
  }
  compute::Device* shared = device.get();
  absl::StatusOr<std::unique_ptr<compute::Scheduler>> scheduler = compute::Scheduler::Start(
      {.workers = static_cast<size_t>(workers),
       .max_queued = static_cast<size_t>(max_queued),
       .max_run_time = std::chrono::seconds(max_run_s),
       .min_price_tfuel_wei = *min_price,
       .make_executor = [shared](size_t) { return compute::NewLocalExecutor(shared); }});
  if (!scheduler.ok()) return Fail(1, scheduler.status());

  auto dispatcher = std::make_shared<net::RpcDispatcher>();
  if (absl::Status st = RegisterComputeMethods(*dispatcher, **scheduler); !st.ok()) {
    return Fail(1, st);
  }
  boost::asio::io_context io;
  net::RpcServerOptions options;
  options.address = absl::GetFlag(FLAGS_listen);
  options.port = static_cast<uint16_t>(absl::GetFlag(FLAGS_port));
  options.max_body_size = 2 * compute::kMaxJobSpecBytes + (1 << 20);  // hex inputs
  net::RpcServer server(io, dispatcher, nullptr, options);
  if (absl::Status st = server.Start(); !st.ok()) return Fail(1, st);
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    std::ofstream(path) << server.port();
  }
  std::cout << "theta-edge: compute worker on http://" << options.address << ":" << server.port()
            << "/rpc (" << workers << " worker(s), "
            << (device ? device->info().name : std::string("no Vulkan device"))
            << (prewarm ? ", kernels prewarmed" : "") << ")" << std::endl;

  // compute_run blocks its io thread until the job's outcome: one thread per order that may be
  // running or queued, so a full queue is answered (ResourceExhausted) rather than left waiting.
  auto guard = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  const int io_threads = std::min(workers + max_queued + 1, 128);
  for (int i = 0; i < io_threads; ++i)
    threads.emplace_back([&io] { io.run(); });

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  (*scheduler)->Shutdown();  // answers the waiting calls (Cancelled) and lets kernels finish
  guard.reset();
  io.stop();
  for (std::thread& t : threads)
    t.join();
  std::cout << "theta-edge: compute worker stopped" << std::endl;
  return 0;
}

}  // namespace theta::edge
