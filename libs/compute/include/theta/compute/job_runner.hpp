// A JobRunner executes JobSpecs on a backend and returns the output with its BLAKE2b-256 hash, the
// value two workers compare when a job is verified by redundant execution.
//
// Order of checks, each a distinct error: the schema (ValidateJobSpec: InvalidArgument), then
// limits, from the spec alone (inputs over max_input_bytes, an output over max_output_bytes or work
// over max_work: ResourceExhausted naming the numbers); then the inputs (by-hash inputs the
// resolver does not have: its NotFound; content whose size or BLAKE2b-256 differs from the spec:
// DataLoss); then the kernel's shape checks (InvalidArgument); then the backend's own errors.
//
// Backend choice: BackendChoice::kCpu / kVulkan force one (kVulkan without a Vulkan backend is
// FailedPrecondition); kAuto takes Vulkan when there is one, except that matmul, conv2d, model and
// transcode go to the CPU backend (OpenBLAS, libswscale) when the Vulkan device is itself a CPU
// implementation such as lavapipe. A transcode job on the CPU backend scales with libswscale, on
// the Vulkan backend with the resize kernel. A JobRunner is as thread-safe as its backends (not,
// in general): use one per thread.
//
// The model and transcode kernels' cost is known only from their inputs: the model's output and
// work are checked against the limits once it is decoded, a transcode's frames, work and output
// while it runs (ResourceExhausted either way).
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "theta/compute/backend.hpp"
#include "theta/compute/job_spec.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::compute {

// Fetches content by its BLAKE2b-256 hash (a blob store, a peer); NotFound when it has none.
using BlobResolver = std::function<absl::StatusOr<Bytes>(const Hash32&)>;

struct JobRunnerOptions {
  Backend* cpu = nullptr;     // required; outlives the runner
  Backend* vulkan = nullptr;  // optional; outlives the runner
  // The Vulkan device is a CPU implementation (DeviceKind::kCpu); see the routing rule above.
  bool vulkan_is_cpu_device = false;
  // Resolves inputs given by hash; when empty, such inputs are NotFound.
  BlobResolver resolve;
  // The Device under `vulkan`, optional: model jobs on the Vulkan backend then keep the whole
  // network on the device (VulkanModel) instead of a round trip per layer, and transcode jobs
  // keep their plane buffers there (one submission per frame instead of three).
  Device* vulkan_device = nullptr;
};

struct JobResult {
  Bytes output;         // f32 little-endian for float kernels, bytes for image kernels
  Hash32 output_hash;   // Blake2b256(output)
  std::string backend;  // "cpu" or "vulkan"
};

class JobRunner {
 public:
  explicit JobRunner(JobRunnerOptions options);

  absl::StatusOr<JobResult> Run(const JobSpec& spec);

 private:
  absl::StatusOr<Backend*> PickBackend(const JobSpec& spec) const;
  JobRunnerOptions options_;
};

}  // namespace theta::compute
