// Device::Prewarm: building kernels and running each over zero workgroups ahead of the first job.
//
// Why a dispatch and not just the pipeline: Mesa's lavapipe (22.3) turns SPIR-V into NIR in
// vkCreateComputePipelines (about 2 ms for a small kernel here) but llvmpipe compiles the NIR to
// machine code with LLVM only when the pipeline is first launched, in the driver's queue thread
// (5-10 ms for an elementwise kernel, about 50 ms for SGEMM), and its VkPipelineCache keeps only a
// 32-byte header, so a cache file saves neither step. A launch of zero workgroups compiles the
// shader and runs nothing (docs/benchmarks.md, theta-edge-compute, has the measurements).
#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "device_state.hpp"
#include "theta/compute/device.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

absl::Status WithPrefix(const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat("compute: prewarm: ", std::string(status.message())));
}

}  // namespace

absl::Status Device::Prewarm(std::span<const KernelSpec> specs) {
  if (specs.empty()) return absl::OkStatus();
  std::vector<const Kernel*> kernels;
  kernels.reserve(specs.size());
  for (const KernelSpec& spec : specs) {
    absl::StatusOr<const Kernel*> kernel = GetKernel(spec);
    if (!kernel.ok()) return WithPrefix(kernel.status());
    kernels.push_back(*kernel);
  }
  // Every binding must hold a valid buffer even though no invocation touches it; one small buffer
  // serves them all.
  absl::StatusOr<Buffer> scratch = CreateBuffer(16);
  if (!scratch.ok()) return WithPrefix(scratch.status());
  absl::StatusOr<CommandList> list = NewCommandList();
  if (!list.ok()) return WithPrefix(list.status());
  std::array<const Buffer*, 8> buffers;
  buffers.fill(&*scratch);
  const std::array<std::byte, 128> zeros{};  // push constants must be set before a dispatch
  for (const Kernel* kernel : kernels) {
    const KernelSpec& spec = kernel->spec();
    THETA_RETURN_IF_ERROR(list->RecordDispatch(
        *kernel, std::span<const Buffer* const>(buffers.data(), spec.bindings),
        std::span<const std::byte>(zeros.data(), spec.push_constant_bytes), 0, 0, 0));
  }
  absl::StatusOr<uint64_t> submitted = Submit(*list);
  if (!submitted.ok()) return WithPrefix(submitted.status());
  absl::Status waited = list->Wait();
  if (!waited.ok()) return WithPrefix(waited);
  return absl::OkStatus();
}

size_t Device::kernel_count() const {
  std::lock_guard lock(state_->kernel_mutex);
  return state_->kernels.size();
}

}  // namespace theta::compute
