// Kernels (compute pipelines from embedded SPIR-V), command lists and queue submission.
#include "theta/compute/kernel.hpp"

#include <utility>

#include "absl/strings/str_cat.h"
#include "device_state.hpp"
#include "theta/core/status.hpp"
#include "vk_status.hpp"

namespace theta::compute {
namespace internal {
namespace {

constexpr uint32_t kMaxBindings = 8;
constexpr uint32_t kSetsPerPool = 64;

absl::Status CheckSpec(const KernelSpec& spec) {
  if (spec.bindings == 0 || spec.bindings > kMaxBindings) {
    return absl::InvalidArgumentError(absl::StrCat("compute: kernel ", spec.shader, " has ",
                                                   spec.bindings, " bindings; 1 to ", kMaxBindings,
                                                   " are supported"));
  }
  if (spec.push_constant_bytes % 4 != 0 || spec.push_constant_bytes > 128) {
    return absl::InvalidArgumentError(
        absl::StrCat("compute: kernel ", spec.shader, " asks for ", spec.push_constant_bytes,
                     " push-constant bytes; a multiple of 4 up to 128 is allowed"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<const Kernel*> DeviceState::GetKernel(const KernelSpec& spec) {
  std::lock_guard lock(kernel_mutex);
  for (const auto& kernel : kernels) {
    if (kernel->spec_ == spec) return kernel.get();
  }
  THETA_RETURN_IF_ERROR(CheckSpec(spec));
  const std::span<const uint32_t> code = FindEmbeddedSpirv(spec.shader);
  if (code.empty()) {
    return absl::NotFoundError(
        absl::StrCat("compute: no embedded shader named \"", spec.shader, "\""));
  }
  auto kernel = std::make_unique<Kernel>();
  kernel->spec_ = spec;
  // Destroys whatever was created if a later step fails.
  struct Cleanup {
    VkDevice device;
    Kernel* kernel;
    VkShaderModule module = VK_NULL_HANDLE;
    bool keep = false;
    ~Cleanup() {
      vkDestroyShaderModule(device, module, nullptr);
      if (keep) return;
      vkDestroyPipeline(device, kernel->pipeline_, nullptr);
      vkDestroyPipelineLayout(device, kernel->layout_, nullptr);
      vkDestroyDescriptorSetLayout(device, kernel->set_layout_, nullptr);
    }
  } cleanup{device, kernel.get()};

  VkDescriptorSetLayoutBinding bindings[kMaxBindings];
  for (uint32_t i = 0; i < spec.bindings; ++i) {
    bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  }
  VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set_info.bindingCount = spec.bindings;
  set_info.pBindings = bindings;
  THETA_VK_RETURN_IF_ERROR(
      vkCreateDescriptorSetLayout(device, &set_info, nullptr, &kernel->set_layout_),
      "vkCreateDescriptorSetLayout");

  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, spec.push_constant_bytes};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &kernel->set_layout_;
  layout_info.pushConstantRangeCount = spec.push_constant_bytes > 0 ? 1 : 0;
  layout_info.pPushConstantRanges = &push;
  THETA_VK_RETURN_IF_ERROR(vkCreatePipelineLayout(device, &layout_info, nullptr, &kernel->layout_),
                           "vkCreatePipelineLayout");

  VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  module_info.codeSize = code.size_bytes();
  module_info.pCode = code.data();
  THETA_VK_RETURN_IF_ERROR(vkCreateShaderModule(device, &module_info, nullptr, &cleanup.module),
                           "vkCreateShaderModule");

  std::vector<VkSpecializationMapEntry> entries(spec.specialization.size());
  for (uint32_t i = 0; i < entries.size(); ++i) {
    entries[i] = {i, i * 4, 4};
  }
  VkSpecializationInfo specialization{static_cast<uint32_t>(entries.size()), entries.data(),
                                      spec.specialization.size() * 4, spec.specialization.data()};
  VkComputePipelineCreateInfo pipeline_info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipeline_info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipeline_info.stage.module = cleanup.module;
  pipeline_info.stage.pName = "main";
  pipeline_info.stage.pSpecializationInfo = entries.empty() ? nullptr : &specialization;
  pipeline_info.layout = kernel->layout_;
  THETA_VK_RETURN_IF_ERROR(vkCreateComputePipelines(device, pipeline_cache, 1, &pipeline_info,
                                                    nullptr, &kernel->pipeline_),
                           "vkCreateComputePipelines");
  cleanup.keep = true;
  kernels.push_back(std::move(kernel));
  return kernels.back().get();
}

absl::Status DeviceState::Submit(CommandList& list, uint64_t* timeline_value) {
  if (list.owner_ != this) {
    return absl::FailedPreconditionError("compute: command list belongs to another device");
  }
  if (list.state_ == CommandList::State::kPending) {
    VkResult status = vkGetFenceStatus(device, list.fence_);
    if (status == VK_NOT_READY) {
      return absl::FailedPreconditionError("compute: command list submitted while still running");
    }
    THETA_RETURN_IF_ERROR(VkStatus(status, "vkGetFenceStatus"));
  }
  if (list.state_ == CommandList::State::kRecording) THETA_RETURN_IF_ERROR(list.EndRecording());
  THETA_VK_RETURN_IF_ERROR(vkResetFences(device, 1, &list.fence_), "vkResetFences");

  std::lock_guard lock(queue_mutex);
  const uint64_t value = timeline_last_signalled + 1;
  VkTimelineSemaphoreSubmitInfo timeline_info{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
  timeline_info.signalSemaphoreValueCount = 1;
  timeline_info.pSignalSemaphoreValues = &value;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.pNext = &timeline_info;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &list.cmd_;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &timeline;
  THETA_VK_RETURN_IF_ERROR(vkQueueSubmit(queue, 1, &submit, list.fence_), "vkQueueSubmit");
  timeline_last_signalled = value;
  list.state_ = CommandList::State::kPending;
  *timeline_value = value;
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<CommandList> Device::NewCommandList() {
  internal::DeviceState& state = *state_;
  CommandList list;
  list.owner_ = &state;
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.queueFamilyIndex = state.queue_family;
  THETA_VK_RETURN_IF_ERROR(vkCreateCommandPool(state.device, &pool_info, nullptr, &list.pool_),
                           "vkCreateCommandPool");
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = list.pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  THETA_VK_RETURN_IF_ERROR(vkAllocateCommandBuffers(state.device, &alloc, &list.cmd_),
                           "vkAllocateCommandBuffers");
  VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  THETA_VK_RETURN_IF_ERROR(vkCreateFence(state.device, &fence_info, nullptr, &list.fence_),
                           "vkCreateFence");
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  THETA_VK_RETURN_IF_ERROR(vkBeginCommandBuffer(list.cmd_, &begin), "vkBeginCommandBuffer");
  return list;
}

CommandList::CommandList(CommandList&& other) noexcept {
  *this = std::move(other);
}

CommandList& CommandList::operator=(CommandList&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    pool_ = std::exchange(other.pool_, VK_NULL_HANDLE);
    cmd_ = std::exchange(other.cmd_, VK_NULL_HANDLE);
    fence_ = std::exchange(other.fence_, VK_NULL_HANDLE);
    descriptor_pools_ = std::exchange(other.descriptor_pools_, {});
    sets_left_in_pool_ = std::exchange(other.sets_left_in_pool_, 0);
    state_ = std::exchange(other.state_, State::kRecording);
    command_count_ = std::exchange(other.command_count_, 0);
  }
  return *this;
}

CommandList::~CommandList() {
  Release();
}

void CommandList::Release() noexcept {
  if (owner_ == nullptr) return;
  VkDevice device = owner_->device;
  // Destroying resources of a running submission is undefined; wait it out first.
  if (state_ == State::kPending) vkWaitForFences(device, 1, &fence_, VK_TRUE, UINT64_MAX);
  for (VkDescriptorPool pool : descriptor_pools_)
    vkDestroyDescriptorPool(device, pool, nullptr);
  descriptor_pools_.clear();
  vkDestroyFence(device, fence_, nullptr);
  vkDestroyCommandPool(device, pool_, nullptr);  // frees cmd_
  owner_ = nullptr;
  pool_ = VK_NULL_HANDLE;
  cmd_ = VK_NULL_HANDLE;
  fence_ = VK_NULL_HANDLE;
}

absl::Status CommandList::BeginCommand() {
  if (owner_ == nullptr) return absl::FailedPreconditionError("compute: empty command list");
  if (state_ != State::kRecording) {
    return absl::FailedPreconditionError(
        "compute: command list was submitted; Reset() it before recording more");
  }
  if (command_count_ > 0) {
    // Each command sees everything the previous ones wrote (reads-after-writes and
    // writes-after-reads alike), so a list reads as a plain sequence of steps.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                            VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    const VkPipelineStageFlags stages =
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  }
  ++command_count_;
  return absl::OkStatus();
}

absl::Status CommandList::EndRecording() {
  // Make the results visible to the host, which reads them after waiting on the fence.
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  THETA_VK_RETURN_IF_ERROR(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  state_ = State::kExecutable;
  return absl::OkStatus();
}

absl::StatusOr<VkDescriptorSet> CommandList::AllocateSet(VkDescriptorSetLayout layout,
                                                         uint32_t /*bindings*/) {
  VkDevice device = owner_->device;
  if (sets_left_in_pool_ == 0) {
    // Every set holds at most kMaxBindings storage buffers, so a pool sized for that never runs
    // out of descriptors before it runs out of sets.
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                              internal::kSetsPerPool * internal::kMaxBindings};
    VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    info.maxSets = internal::kSetsPerPool;
    info.poolSizeCount = 1;
    info.pPoolSizes = &size;
    VkDescriptorPool pool;
    THETA_VK_RETURN_IF_ERROR(vkCreateDescriptorPool(device, &info, nullptr, &pool),
                             "vkCreateDescriptorPool");
    descriptor_pools_.push_back(pool);
    sets_left_in_pool_ = internal::kSetsPerPool;
  }
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = descriptor_pools_.back();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &layout;
  VkDescriptorSet set;
  THETA_VK_RETURN_IF_ERROR(vkAllocateDescriptorSets(device, &alloc, &set),
                           "vkAllocateDescriptorSets");
  --sets_left_in_pool_;
  return set;
}

absl::Status CommandList::Dispatch(const Kernel& kernel, std::span<const Buffer* const> buffers,
                                   std::span<const std::byte> push, uint32_t groups_x,
                                   uint32_t groups_y, uint32_t groups_z) {
  const KernelSpec& spec = kernel.spec();
  if (owner_ == nullptr) return absl::FailedPreconditionError("compute: empty command list");
  if (buffers.size() != spec.bindings) {
    return absl::InvalidArgumentError(absl::StrCat("compute: kernel ", spec.shader, " takes ",
                                                   spec.bindings, " buffers, got ",
                                                   buffers.size()));
  }
  if (push.size() != spec.push_constant_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("compute: kernel ", spec.shader, " takes ",
                                                   spec.push_constant_bytes,
                                                   " push-constant bytes, got ", push.size()));
  }
  const uint32_t groups[3] = {groups_x, groups_y, groups_z};
  for (int i = 0; i < 3; ++i) {
    if (groups[i] == 0 || groups[i] > owner_->info.max_workgroup_count[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "compute: kernel ", spec.shader, " dispatch of ", groups[i], " workgroups in dimension ",
          i, " is outside 1..", owner_->info.max_workgroup_count[i]));
    }
  }
  for (const Buffer* buffer : buffers) {
    if (buffer == nullptr || !buffer->valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("compute: kernel ", spec.shader, " was given an empty buffer"));
    }
  }
  return RecordDispatch(kernel, buffers, push, groups_x, groups_y, groups_z);
}

absl::Status CommandList::RecordDispatch(const Kernel& kernel,
                                         std::span<const Buffer* const> buffers,
                                         std::span<const std::byte> push, uint32_t groups_x,
                                         uint32_t groups_y, uint32_t groups_z) {
  const KernelSpec& spec = kernel.spec();
  THETA_RETURN_IF_ERROR(BeginCommand());
  THETA_ASSIGN_OR_RETURN(VkDescriptorSet set, AllocateSet(kernel.set_layout_, spec.bindings));
  VkDescriptorBufferInfo infos[internal::kMaxBindings];
  VkWriteDescriptorSet writes[internal::kMaxBindings];
  for (uint32_t i = 0; i < spec.bindings; ++i) {
    infos[i] = {buffers[i]->handle(), 0, VK_WHOLE_SIZE};
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(owner_->device, spec.bindings, writes, 0, nullptr);
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline_);
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout_, 0, 1, &set, 0,
                          nullptr);
  if (!push.empty()) {
    vkCmdPushConstants(cmd_, kernel.layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                       static_cast<uint32_t>(push.size()), push.data());
  }
  vkCmdDispatch(cmd_, groups_x, groups_y, groups_z);
  return absl::OkStatus();
}

absl::Status CommandList::Copy(const Buffer& src, uint64_t src_offset, const Buffer& dst,
                               uint64_t dst_offset, uint64_t bytes) {
  if (owner_ == nullptr) return absl::FailedPreconditionError("compute: empty command list");
  if (bytes == 0 || src_offset > src.size() || bytes > src.size() - src_offset ||
      dst_offset > dst.size() || bytes > dst.size() - dst_offset) {
    return absl::InvalidArgumentError(absl::StrCat(
        "compute: copy of ", bytes, " bytes from offset ", src_offset, " of a ", src.size(),
        "-byte buffer to offset ", dst_offset, " of a ", dst.size(), "-byte buffer does not fit"));
  }
  THETA_RETURN_IF_ERROR(BeginCommand());
  VkBufferCopy region{src_offset, dst_offset, bytes};
  vkCmdCopyBuffer(cmd_, src.handle(), dst.handle(), 1, &region);
  return absl::OkStatus();
}

absl::Status CommandList::Wait(std::chrono::nanoseconds timeout) {
  if (owner_ == nullptr || state_ != State::kPending) return absl::OkStatus();
  const VkResult result =
      vkWaitForFences(owner_->device, 1, &fence_, VK_TRUE, static_cast<uint64_t>(timeout.count()));
  if (result == VK_TIMEOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("compute: command list did not finish within ", timeout.count(), " ns"));
  }
  THETA_RETURN_IF_ERROR(internal::VkStatus(result, "vkWaitForFences"));
  state_ = State::kExecutable;
  return absl::OkStatus();
}

absl::Status CommandList::Reset() {
  if (owner_ == nullptr) return absl::FailedPreconditionError("compute: empty command list");
  if (state_ == State::kPending) {
    const VkResult status = vkGetFenceStatus(owner_->device, fence_);
    if (status == VK_NOT_READY) {
      return absl::FailedPreconditionError("compute: command list reset while still running");
    }
    THETA_RETURN_IF_ERROR(internal::VkStatus(status, "vkGetFenceStatus"));
  }
  THETA_VK_RETURN_IF_ERROR(vkResetCommandPool(owner_->device, pool_, 0), "vkResetCommandPool");
  for (VkDescriptorPool pool : descriptor_pools_) {
    THETA_VK_RETURN_IF_ERROR(vkResetDescriptorPool(owner_->device, pool, 0),
                             "vkResetDescriptorPool");
  }
  // Keep the first pool for reuse; sets come from the last pool in the list.
  while (descriptor_pools_.size() > 1) {
    vkDestroyDescriptorPool(owner_->device, descriptor_pools_.back(), nullptr);
    descriptor_pools_.pop_back();
  }
  sets_left_in_pool_ = descriptor_pools_.empty() ? 0 : internal::kSetsPerPool;
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  THETA_VK_RETURN_IF_ERROR(vkBeginCommandBuffer(cmd_, &begin), "vkBeginCommandBuffer");
  state_ = State::kRecording;
  command_count_ = 0;
  return absl::OkStatus();
}

}  // namespace theta::compute
