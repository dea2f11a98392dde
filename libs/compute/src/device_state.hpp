// The insides of a Device, shared with Buffer and CommandList (which hold a pointer to it).
#pragma once

#include <vulkan/vulkan.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/compute/buffer.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/internal/range_allocator.hpp"

namespace theta::compute::internal {

// Defined in the generated embedded_spirv.cpp (cmake/ThetaShaders.cmake).
std::span<const uint32_t> FindEmbeddedSpirv(std::string_view name);

struct MemoryBlock {
  MemoryBlock(uint64_t capacity) : ranges(capacity) {}
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint32_t type_index = 0;
  void* mapped = nullptr;
  bool dedicated = false;  // holds exactly one large buffer; freed with it
  RangeAllocator ranges;
};

struct DeviceState {
  DeviceOptions options;
  DeviceInfo info;
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory_properties{};
  VkDevice device = VK_NULL_HANDLE;
  uint32_t queue_family = 0;
  VkPipelineCache pipeline_cache = VK_NULL_HANDLE;

  std::mutex queue_mutex;  // guards queue, timeline_last_signalled
  VkQueue queue = VK_NULL_HANDLE;
  VkSemaphore timeline = VK_NULL_HANDLE;
  uint64_t timeline_last_signalled = 0;

  std::mutex memory_mutex;  // guards blocks
  std::vector<std::unique_ptr<MemoryBlock>> blocks;

  std::mutex kernel_mutex;  // guards kernels
  std::vector<std::unique_ptr<Kernel>> kernels;

  std::mutex messages_mutex;  // guards messages
  std::vector<std::string> messages;
  std::atomic<uint64_t> validation_errors{0};

  DeviceState() = default;
  DeviceState(const DeviceState&) = delete;
  DeviceState& operator=(const DeviceState&) = delete;
  ~DeviceState();

  // A buffer in device-local memory, or (host_visible) in host-visible coherent memory for staging.
  absl::StatusOr<Buffer> CreateBuffer(uint64_t bytes, bool host_visible);
  void FreeBuffer(Buffer& buffer) noexcept;
  absl::StatusOr<const Kernel*> GetKernel(const KernelSpec& spec);
  absl::Status Submit(CommandList& list, uint64_t* timeline_value);
  void RecordMessage(bool is_error, std::string message);
};

}  // namespace theta::compute::internal
