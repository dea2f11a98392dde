#include "run_command.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "theta/compute/device.hpp"
#include "theta/compute/job_order.hpp"
#include "theta/compute/scheduler.hpp"
#include "theta/core/bytes.hpp"

ABSL_FLAG(std::string, backend, "",
          "run: auto, cpu or vulkan (default: the job's own \"backend\", else auto)");
ABSL_FLAG(std::string, out, "", "run: write the job's raw output bytes to this file");
ABSL_FLAG(std::string, blobs, "",
          "run: folder of input blobs named by their 0x BLAKE2b-256 hash, for inputs by hash");

namespace theta::edge {
namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

int Fail(int code, const absl::Status& status) {
  std::cerr << "theta-edge run: " << status << "\n";
  return code;
}

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", ec.message()));
  if (size > compute::kMaxJobSpecBytes + 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is ", size, " bytes, over the job document limit"));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return text.str();
}

// A job file holds a JobSpec, or a JobOrder (which has "job_id" and "spec").
absl::StatusOr<compute::JobSpec> LoadSpec(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("job_id")) {
    absl::StatusOr<compute::JobOrder> order = compute::ParseJobOrder(text);
    if (!order.ok()) return order.status();
    return std::move(order->spec);
  }
  return compute::ParseJobSpec(text);
}

compute::BlobResolver FolderResolver(const std::string& dir) {
  if (dir.empty()) return {};
  return [dir](const Hash32& hash) -> absl::StatusOr<Bytes> {
    const std::filesystem::path path = std::filesystem::path(dir) / hash.ToHex();
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("no blob ", path.string()));
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
}

absl::Status WriteOutput(const std::string& path, const Bytes& output) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(output.data()),
            static_cast<std::streamsize>(output.size()));
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

int RunJobCommand(const std::string& job_path) {
  absl::StatusOr<std::string> text = ReadText(job_path);
  if (!text.ok()) return Fail(kExitUsage, text.status());
  absl::StatusOr<compute::JobSpec> spec = LoadSpec(*text);
  if (!spec.ok()) return Fail(kExitUsage, spec.status());
  const std::string backend = absl::GetFlag(FLAGS_backend);
  if (backend == "cpu") {
    spec->backend = compute::BackendChoice::kCpu;
  } else if (backend == "vulkan") {
    spec->backend = compute::BackendChoice::kVulkan;
  } else if (backend == "auto") {
    spec->backend = compute::BackendChoice::kAuto;
  } else if (!backend.empty()) {
    return Fail(kExitUsage, absl::InvalidArgumentError(absl::StrCat(
                                "--backend=", backend, ": expected auto, cpu or vulkan")));
  }

  // A Vulkan device unless the job is pinned to the CPU; without one, auto runs on the CPU.
  std::unique_ptr<compute::Device> device;
  if (spec->backend != compute::BackendChoice::kCpu) {
    absl::StatusOr<std::unique_ptr<compute::Device>> opened = compute::Device::Create();
    if (opened.ok()) {
      device = std::move(*opened);
    } else if (spec->backend == compute::BackendChoice::kVulkan) {
      return Fail(kExitRuntime, opened.status());
    }
  }
  absl::StatusOr<compute::JobExecutor> executor =
      compute::NewLocalExecutor(device.get(), FolderResolver(absl::GetFlag(FLAGS_blobs)));
  if (!executor.ok()) return Fail(kExitRuntime, executor.status());

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<compute::JobResult> result = (*executor)(*spec);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    const bool bad_job =
        code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kResourceExhausted;
    return Fail(bad_job ? kExitUsage : kExitRuntime, result.status());
  }
  nlohmann::json report = {{"kernel", std::string(compute::JobKernelName(spec->kernel))},
                           {"backend", result->backend},
                           {"output_hash", result->output_hash.ToHex()},
                           {"output_bytes", result->output.size()},
                           {"time_ms", ms}};
  if (device) report["device"] = device->info().name;
  if (result->output.size() <= 256) report["output_hex"] = ToHex(result->output);
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    if (absl::Status written = WriteOutput(out, result->output); !written.ok()) {
      return Fail(kExitRuntime, written);
    }
    report["out"] = out;
  }
  std::cout << report.dump() << std::endl;
  return 0;
}

}  // namespace theta::edge
