// A Device is one Vulkan device opened for compute: the instance (with the Khronos validation layer
// when asked), the chosen physical device (discrete GPU > integrated GPU > virtual GPU > CPU, e.g.
// Mesa's lavapipe), one compute queue, a device-memory sub-allocator, the compute kernels built
// from the SPIR-V embedded in this library, a VkPipelineCache persisted to a file, and a timeline
// semaphore that counts finished submissions.
//
// The caller owns the Device; nothing here is global. Buffers, kernels and command lists made by a
// Device must be destroyed before it. A Device is safe for concurrent use from many threads (the
// allocator, the kernel cache and the queue each have their own lock); a CommandList is not.
//
// Errors: no Vulkan driver or no usable device is Unavailable (tests skip on it); every failed
// Vulkan call is a Status naming the call ("vulkan: vkAllocateMemory failed:
// VK_ERROR_OUT_OF_DEVICE_MEMORY").
#pragma once

#include <vulkan/vulkan.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/compute/buffer.hpp"
#include "theta/compute/kernel.hpp"

namespace theta::compute {

namespace internal {
struct DeviceState;
}

struct DeviceOptions {
  // Enable VK_LAYER_KHRONOS_validation (core and synchronization checks) with a debug-utils
  // messenger that records what it reports (see validation_messages()). Default: on in debug builds
  // (no NDEBUG). When the layer is not installed the Device opens without it and info().validation
  // is false.
#ifdef NDEBUG
  bool validation = false;
#else
  bool validation = true;
#endif
  // Where the VkPipelineCache lives between runs; empty keeps it in memory only. A file made by
  // another device or driver is ignored (and replaced on save), never an error.
  std::string pipeline_cache_path;
  // Accept a CPU implementation (lavapipe) when no GPU is present. Default true.
  bool allow_cpu_device = true;
  // Size of each device-memory block the sub-allocator carves buffers from; a buffer larger than
  // half a block gets a block of its own. Default 64 MiB.
  uint64_t memory_block_bytes = 64ull << 20;
  // Route every upload and download through a staging buffer and a copy command even when the
  // buffer memory is host-visible (as on lavapipe), so that path can be tested. Default false.
  bool always_stage = false;
  // Kernels to build and run once (an empty dispatch) while the Device opens, so that the first
  // real dispatch of each pays no compilation. Opt-in, for edge nodes that want their first paid
  // job fast and can afford a slower start: on Mesa's lavapipe (22.3) the pipeline cache stores
  // nothing and the shader is compiled to machine code by LLVM at its first dispatch, which costs
  // 5-50 ms per kernel that no cache file saves. VulkanKernels::StandardSpecs() lists the library's
  // kernels for a device. An unknown or invalid spec fails Create (see Device::Prewarm). Default:
  // none.
  std::vector<KernelSpec> prewarm_kernels;
};

enum class DeviceKind { kDiscreteGpu, kIntegratedGpu, kVirtualGpu, kCpu, kOther };

struct DeviceInfo {
  std::string
      name;  // VkPhysicalDeviceProperties::deviceName, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
  DeviceKind kind = DeviceKind::kOther;
  uint32_t api_version = 0;
  uint32_t vendor_id = 0;
  uint32_t device_id = 0;
  uint32_t subgroup_size = 0;
  bool subgroup_broadcast = false;  // compute shaders may use subgroupBroadcast (ballot operations)
  uint32_t max_workgroup_invocations = 0;
  uint32_t max_workgroup_count[3] = {0, 0, 0};
  bool validation = false;  // the validation layer is active
};

class Device {
 public:
  // Opens the best device. Unavailable when there is no Vulkan driver
  // (VK_ERROR_INCOMPATIBLE_DRIVER), no device, or no device with Vulkan 1.2, a compute queue and
  // timeline semaphores; other failures name the Vulkan call.
  static absl::StatusOr<std::unique_ptr<Device>> Create(const DeviceOptions& options = {});

  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  // Waits for the queue to go idle and saves the pipeline cache (best effort; call
  // SavePipelineCache to see the error).
  ~Device();

  const DeviceInfo& info() const noexcept;

  // A device-local buffer of `bytes` bytes (rounded up to 4) usable as a storage buffer and as a
  // copy source and destination. ResourceExhausted when device memory runs out.
  absl::StatusOr<Buffer> CreateBuffer(uint64_t bytes);

  // Copies `data` into `dst` at byte `offset` and returns when the copy is complete: a plain memcpy
  // into mapped memory when the buffer is host-visible, else through a staging buffer and a copy on
  // the queue. InvalidArgument when the range does not fit. Do not call while submitted work uses
  // dst.
  absl::Status Upload(Buffer& dst, std::span<const std::byte> data, uint64_t offset = 0);
  // Copies `out.size()` bytes of `src` from byte `offset` into `out`, the reverse of Upload.
  absl::Status Download(const Buffer& src, std::span<std::byte> out, uint64_t offset = 0);

  // The compute pipeline for `spec`, built on first use (through the pipeline cache) and kept for
  // the Device's life; the pointer stays valid until the Device is destroyed. NotFound when no
  // embedded shader has that name; InvalidArgument for a spec the shader cannot take.
  absl::StatusOr<const Kernel*> GetKernel(const KernelSpec& spec);

  // Builds each kernel (as GetKernel) and runs it once over zero workgroups, so that drivers that
  // compile lazily at the first dispatch (lavapipe) do it now and the next dispatch starts at
  // once; on drivers that compile at pipeline creation the empty dispatch costs next to nothing.
  // No invocation runs, so no buffer is read or written. Returns when the dispatches have finished;
  // the errors are GetKernel's, prefixed "compute: prewarm: ".
  absl::Status Prewarm(std::span<const KernelSpec> specs);
  // Number of kernels built so far (each distinct KernelSpec once).
  size_t kernel_count() const;

  // A new, empty command list in the recording state.
  absl::StatusOr<CommandList> NewCommandList();

  // Submits the commands recorded in `list` (ending its recording on first submit). Returns the
  // value the device's timeline semaphore reaches when they finish (see WaitForTimeline);
  // `list.Wait()` waits on its fence. A list may be submitted again once it has finished.
  // FailedPrecondition when the list is still running or belongs to another device.
  absl::StatusOr<uint64_t> Submit(CommandList& list);

  // Waits until the timeline semaphore reaches `value`. DeadlineExceeded after `timeout`.
  absl::Status WaitForTimeline(uint64_t value,
                               std::chrono::nanoseconds timeout = std::chrono::seconds(60));
  // The timeline value of the last finished submission.
  absl::StatusOr<uint64_t> CompletedTimelineValue() const;

  // Writes the pipeline cache to options.pipeline_cache_path (via a temporary file and a rename).
  // OK and nothing written when no path was given.
  absl::Status SavePipelineCache();

  // Validation-layer messages (warnings and errors) reported since the last call, oldest first.
  std::vector<std::string> TakeValidationMessages();
  // Number of validation errors reported since the Device was created.
  uint64_t validation_error_count() const;

 private:
  explicit Device(std::unique_ptr<internal::DeviceState> state);
  std::unique_ptr<internal::DeviceState> state_;
};

}  // namespace theta::compute
