// Buffers, the device-memory sub-allocator and host transfers.
#include "theta/compute/buffer.hpp"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "device_state.hpp"
#include "theta/core/status.hpp"
#include "vk_status.hpp"

namespace theta::compute {
namespace internal {
namespace {

std::optional<uint32_t> FindMemoryType(const VkPhysicalDeviceMemoryProperties& props,
                                       uint32_t allowed, VkMemoryPropertyFlags required,
                                       VkMemoryPropertyFlags preferred) {
  std::optional<uint32_t> fallback;
  for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
    const VkMemoryPropertyFlags flags = props.memoryTypes[i].propertyFlags;
    if (!(allowed & (1u << i)) || (flags & required) != required) continue;
    if ((flags & preferred) == preferred) return i;
    if (!fallback) fallback = i;
  }
  return fallback;
}

}  // namespace

absl::StatusOr<Buffer> DeviceState::CreateBuffer(uint64_t bytes, bool host_visible) {
  if (bytes == 0) return absl::InvalidArgumentError("compute: a buffer of 0 bytes");
  bytes = (bytes + 3) & ~uint64_t{3};
  VkBufferCreateInfo create_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  create_info.size = bytes;
  create_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                      VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  create_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  Buffer buffer;
  buffer.owner_ = this;
  buffer.size_ = bytes;
  THETA_VK_RETURN_IF_ERROR(vkCreateBuffer(device, &create_info, nullptr, &buffer.buffer_),
                           "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device, buffer.buffer_, &req);

  const VkMemoryPropertyFlags host_flags =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // Device buffers prefer memory that is also host-visible (unified memory, lavapipe) so that
  // transfers can skip staging; staging buffers must be host-visible and coherent.
  const auto type =
      host_visible ? FindMemoryType(memory_properties, req.memoryTypeBits, host_flags, host_flags)
                   : FindMemoryType(memory_properties, req.memoryTypeBits,
                                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | host_flags);
  if (!type) {
    return absl::FailedPreconditionError(
        absl::StrCat("compute: no memory type fits a ", host_visible ? "host-visible" : "device",
                     " buffer (type bits 0x", absl::Hex(req.memoryTypeBits), ")"));
  }
  const bool mappable =
      (memory_properties.memoryTypes[*type].propertyFlags & host_flags) == host_flags;

  std::lock_guard lock(memory_mutex);
  MemoryBlock* block = nullptr;
  std::optional<uint64_t> offset;
  if (req.size <= options.memory_block_bytes / 2) {
    for (auto& candidate : blocks) {
      if (candidate->dedicated || candidate->type_index != *type) continue;
      offset = candidate->ranges.Allocate(req.size, req.alignment);
      if (offset) {
        block = candidate.get();
        break;
      }
    }
  }
  if (block == nullptr) {
    const bool dedicated = req.size > options.memory_block_bytes / 2;
    const uint64_t capacity = dedicated ? req.size : options.memory_block_bytes;
    auto fresh = std::make_unique<MemoryBlock>(capacity);
    fresh->type_index = *type;
    fresh->dedicated = dedicated;
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = capacity;
    alloc.memoryTypeIndex = *type;
    THETA_VK_RETURN_IF_ERROR(vkAllocateMemory(device, &alloc, nullptr, &fresh->memory),
                             "vkAllocateMemory");
    if (mappable) {
      const VkResult mapped =
          vkMapMemory(device, fresh->memory, 0, VK_WHOLE_SIZE, 0, &fresh->mapped);
      if (mapped != VK_SUCCESS) {
        vkFreeMemory(device, fresh->memory, nullptr);
        return VkStatus(mapped, "vkMapMemory");
      }
    }
    offset = fresh->ranges.Allocate(req.size, req.alignment);
    block = fresh.get();
    blocks.push_back(std::move(fresh));
  }
  buffer.block_ = block;
  buffer.offset_ = *offset;
  THETA_VK_RETURN_IF_ERROR(vkBindBufferMemory(device, buffer.buffer_, block->memory, *offset),
                           "vkBindBufferMemory");
  if (block->mapped != nullptr) buffer.mapped_ = static_cast<std::byte*>(block->mapped) + *offset;
  return buffer;
}

void DeviceState::FreeBuffer(Buffer& buffer) noexcept {
  vkDestroyBuffer(device, buffer.buffer_, nullptr);
  if (buffer.block_ == nullptr) return;
  std::lock_guard lock(memory_mutex);
  buffer.block_->ranges.Free(buffer.offset_);
  if (buffer.block_->dedicated && buffer.block_->ranges.empty()) {
    for (auto it = blocks.begin(); it != blocks.end(); ++it) {
      if (it->get() == buffer.block_) {
        vkFreeMemory(device, buffer.block_->memory, nullptr);
        blocks.erase(it);
        break;
      }
    }
  }
}

}  // namespace internal

Buffer::Buffer(Buffer&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      block_(std::exchange(other.block_, nullptr)),
      buffer_(std::exchange(other.buffer_, VK_NULL_HANDLE)),
      offset_(std::exchange(other.offset_, 0)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, nullptr)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    block_ = std::exchange(other.block_, nullptr);
    buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
    offset_ = std::exchange(other.offset_, 0);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, nullptr);
  }
  return *this;
}

Buffer::~Buffer() {
  Release();
}

void Buffer::Release() noexcept {
  if (owner_ != nullptr && buffer_ != VK_NULL_HANDLE) owner_->FreeBuffer(*this);
  owner_ = nullptr;
  block_ = nullptr;
  buffer_ = VK_NULL_HANDLE;
  size_ = 0;
  mapped_ = nullptr;
}

namespace {

absl::Status CheckRange(const char* what, uint64_t size, uint64_t offset, uint64_t bytes) {
  if (offset > size || bytes > size - offset) {
    return absl::InvalidArgumentError(absl::StrCat("compute: ", what, " of ", bytes,
                                                   " bytes at offset ", offset,
                                                   " does not fit a buffer of ", size, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Device::Upload(Buffer& dst, std::span<const std::byte> data, uint64_t offset) {
  THETA_RETURN_IF_ERROR(CheckRange("upload", dst.size(), offset, data.size()));
  if (data.empty()) return absl::OkStatus();
  if (dst.mapped() != nullptr && !state_->options.always_stage) {
    std::memcpy(static_cast<std::byte*>(dst.mapped()) + offset, data.data(), data.size());
    return absl::OkStatus();
  }
  THETA_ASSIGN_OR_RETURN(Buffer staging, state_->CreateBuffer(data.size(), /*host_visible=*/true));
  std::memcpy(staging.mapped(), data.data(), data.size());
  THETA_ASSIGN_OR_RETURN(CommandList list, NewCommandList());
  THETA_RETURN_IF_ERROR(list.Copy(staging, 0, dst, offset, data.size()));
  THETA_RETURN_IF_ERROR(Submit(list).status());
  return list.Wait();
}

absl::Status Device::Download(const Buffer& src, std::span<std::byte> out, uint64_t offset) {
  THETA_RETURN_IF_ERROR(CheckRange("download", src.size(), offset, out.size()));
  if (out.empty()) return absl::OkStatus();
  if (src.mapped() != nullptr && !state_->options.always_stage) {
    std::memcpy(out.data(), static_cast<const std::byte*>(src.mapped()) + offset, out.size());
    return absl::OkStatus();
  }
  THETA_ASSIGN_OR_RETURN(Buffer staging, state_->CreateBuffer(out.size(), /*host_visible=*/true));
  THETA_ASSIGN_OR_RETURN(CommandList list, NewCommandList());
  THETA_RETURN_IF_ERROR(list.Copy(src, offset, staging, 0, out.size()));
  THETA_RETURN_IF_ERROR(Submit(list).status());
  THETA_RETURN_IF_ERROR(list.Wait());
  std::memcpy(out.data(), staging.mapped(), out.size());
  return absl::OkStatus();
}

}  // namespace theta::compute
