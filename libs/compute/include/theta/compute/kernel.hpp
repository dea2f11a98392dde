// Kernels and command lists.
//
// A Kernel is a compute pipeline built from one embedded SPIR-V shader with its specialization
// constants fixed (KernelSpec): a descriptor set of `bindings` storage buffers (binding 0..n-1 in
// set 0) and `push_constant_bytes` of push constants. Kernels are owned and cached by their Device
// and are immutable, so any thread may use one.
//
// A CommandList records dispatches and copies for one submission (Device::Submit). Consecutive
// commands are ordered by full compute/transfer memory barriers, and the results are made visible
// to the host at the end, so a list reads as a sequence of steps. A CommandList is move-only, must
// be destroyed before its Device and not while it runs, and is not thread-safe.
#pragma once

#include <vulkan/vulkan.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace theta::compute {

namespace internal {
struct DeviceState;
}
class Buffer;

struct KernelSpec {
  std::string shader;                    // embedded shader name, e.g. "sgemm"
  uint32_t bindings = 0;                 // storage buffers at set 0, bindings 0..bindings-1
  uint32_t push_constant_bytes = 0;      // a multiple of 4, at most 128
  std::vector<uint32_t> specialization;  // values of constant_id 0, 1, ... (32-bit each)

  bool operator==(const KernelSpec&) const = default;
};

class Kernel {
 public:
  const KernelSpec& spec() const noexcept { return spec_; }

 private:
  friend struct internal::DeviceState;
  friend class CommandList;
  KernelSpec spec_;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

class CommandList {
 public:
  CommandList() = default;
  CommandList(CommandList&& other) noexcept;
  CommandList& operator=(CommandList&& other) noexcept;
  CommandList(const CommandList&) = delete;
  CommandList& operator=(const CommandList&) = delete;
  ~CommandList();

  // Records `kernel` over `groups_x * groups_y * groups_z` workgroups with `buffers` bound to
  // bindings 0..n-1 and `push` as its push constants. InvalidArgument when the buffer count or push
  // size does not match the kernel's spec or a group count is 0 or over the device limit;
  // FailedPrecondition when the list is no longer recording.
  absl::Status Dispatch(const Kernel& kernel, std::span<const Buffer* const> buffers,
                        std::span<const std::byte> push, uint32_t groups_x, uint32_t groups_y = 1,
                        uint32_t groups_z = 1);

  // Records a copy of `bytes` bytes between two buffers. InvalidArgument when a range does not fit.
  absl::Status Copy(const Buffer& src, uint64_t src_offset, const Buffer& dst, uint64_t dst_offset,
                    uint64_t bytes);

  // Waits until the last submission of this list has finished. OK at once when it was never
  // submitted; DeadlineExceeded after `timeout`.
  absl::Status Wait(std::chrono::nanoseconds timeout = std::chrono::seconds(60));

  // Drops the recorded commands and starts recording anew. FailedPrecondition while it runs.
  absl::Status Reset();

  // Commands recorded so far.
  uint32_t command_count() const noexcept { return command_count_; }

 private:
  friend struct internal::DeviceState;
  friend class Device;
  enum class State { kRecording, kExecutable, kPending };
  void Release() noexcept;
  absl::Status BeginCommand();
  absl::Status EndRecording();
  absl::StatusOr<VkDescriptorSet> AllocateSet(VkDescriptorSetLayout layout, uint32_t bindings);
  // Records the dispatch without checking the arguments (Dispatch checks them; Device::Prewarm
  // records zero workgroups, which Dispatch refuses).
  absl::Status RecordDispatch(const Kernel& kernel, std::span<const Buffer* const> buffers,
                              std::span<const std::byte> push, uint32_t groups_x, uint32_t groups_y,
                              uint32_t groups_z);

  internal::DeviceState* owner_ = nullptr;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  std::vector<VkDescriptorPool> descriptor_pools_;
  uint32_t sets_left_in_pool_ = 0;
  State state_ = State::kRecording;
  uint32_t command_count_ = 0;
};

}  // namespace theta::compute
