// A Buffer is a range of device memory bound to a VkBuffer, made by Device::CreateBuffer and usable
// as a storage buffer by kernels and as the source or destination of copies.
//
// A Buffer is a move-only handle: destroying it returns its memory to the Device's sub-allocator,
// so it must be destroyed before the Device and not while submitted work still uses it. Reading and
// writing the contents goes through Device::Upload / Device::Download. Not thread-safe by itself.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

namespace theta::compute {

namespace internal {
struct DeviceState;
struct MemoryBlock;
}  // namespace internal

class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  // Size in bytes as created (a multiple of 4); 0 for a moved-from or default-constructed Buffer.
  uint64_t size() const noexcept { return size_; }
  bool valid() const noexcept { return buffer_ != VK_NULL_HANDLE; }
  VkBuffer handle() const noexcept { return buffer_; }
  // Host address of the contents when the memory is host-visible, else null.
  void* mapped() const noexcept { return mapped_; }

 private:
  friend struct internal::DeviceState;
  void Release() noexcept;

  internal::DeviceState* owner_ = nullptr;
  internal::MemoryBlock* block_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  uint64_t offset_ = 0;  // within the block
  uint64_t size_ = 0;
  void* mapped_ = nullptr;
};

}  // namespace theta::compute
