#include "theta/compute/device.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/str_cat.h"
#include "device_state.hpp"
#include "theta/core/status.hpp"
#include "vk_status.hpp"

namespace theta::compute {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL OnDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT /*types*/,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                              void* user_data) {
  auto* state = static_cast<internal::DeviceState*>(user_data);
  const bool is_error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  state->RecordMessage(is_error, absl::StrCat(is_error ? "error: " : "warning: ",
                                              data->pMessage ? data->pMessage : "(no message)"));
  return VK_FALSE;  // never abort the call that triggered the message
}

bool HasLayer(const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  if (vkEnumerateInstanceLayerProperties(&count, layers.data()) != VK_SUCCESS) return false;
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

bool HasInstanceExtension(const char* layer, const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceExtensionProperties(layer, &count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkExtensionProperties> extensions(count);
  if (vkEnumerateInstanceExtensionProperties(layer, &count, extensions.data()) != VK_SUCCESS) {
    return false;
  }
  return std::any_of(extensions.begin(), extensions.end(), [&](const VkExtensionProperties& e) {
    return std::strcmp(e.extensionName, name) == 0;
  });
}

DeviceKind KindOf(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return DeviceKind::kDiscreteGpu;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return DeviceKind::kIntegratedGpu;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return DeviceKind::kVirtualGpu;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return DeviceKind::kCpu;
    default:
      return DeviceKind::kOther;
  }
}

// Lower is better: the order devices are preferred in.
int Rank(DeviceKind kind) {
  return static_cast<int>(kind);
}

absl::Status CreateInstance(internal::DeviceState& state) {
  const bool want_validation = state.options.validation && HasLayer(kValidationLayer);
  const bool debug_utils =
      want_validation && HasInstanceExtension(nullptr, VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  if (want_validation) layers.push_back(kValidationLayer);
  if (debug_utils) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  VkInstanceCreateFlags flags = 0;
  if (HasInstanceExtension(nullptr, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }

  VkDebugUtilsMessengerCreateInfoEXT messenger_info{
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger_info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                                   VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger_info.messageType =
      VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
  messenger_info.pfnUserCallback = OnDebugMessage;
  messenger_info.pUserData = &state;
  // Core validation is on by default; synchronization validation has to be asked for.
  const VkValidationFeatureEnableEXT enables[] = {
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  features.pNext = debug_utils ? &messenger_info : nullptr;

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "theta-edge-compute";
  app.pEngineName = "theta-cpp";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pNext = want_validation ? &features : nullptr;
  info.flags = flags;
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  const VkResult result = vkCreateInstance(&info, nullptr, &state.instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER) {
    return absl::UnavailableError(
        "vulkan: no Vulkan driver (ICD) is installed: vkCreateInstance failed: "
        "VK_ERROR_INCOMPATIBLE_DRIVER (install mesa-vulkan-drivers for lavapipe)");
  }
  THETA_RETURN_IF_ERROR(internal::VkStatus(result, "vkCreateInstance"));
  state.info.validation = want_validation;
  if (debug_utils) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(state.instance, "vkCreateDebugUtilsMessengerEXT"));
    if (create == nullptr) {
      return absl::FailedPreconditionError("vulkan: vkCreateDebugUtilsMessengerEXT is missing");
    }
    THETA_VK_RETURN_IF_ERROR(create(state.instance, &messenger_info, nullptr, &state.messenger),
                             "vkCreateDebugUtilsMessengerEXT");
  }
  return absl::OkStatus();
}

std::optional<uint32_t> ComputeQueueFamily(VkPhysicalDevice device) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
  // A compute-only family (an async compute queue) first, then any family that can compute.
  for (uint32_t i = 0; i < count; ++i) {
    if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) &&
        !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) {
      return i;
    }
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
  }
  return std::nullopt;
}

bool SupportsTimelineSemaphores(VkPhysicalDevice device) {
  VkPhysicalDeviceVulkan12Features features12{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.pNext = &features12;
  vkGetPhysicalDeviceFeatures2(device, &features);
  return features12.timelineSemaphore == VK_TRUE;
}

absl::Status PickPhysicalDevice(internal::DeviceState& state) {
  uint32_t count = 0;
  THETA_VK_RETURN_IF_ERROR(vkEnumeratePhysicalDevices(state.instance, &count, nullptr),
                           "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devices(count);
  THETA_VK_RETURN_IF_ERROR(vkEnumeratePhysicalDevices(state.instance, &count, devices.data()),
                           "vkEnumeratePhysicalDevices");
  if (count == 0) return absl::UnavailableError("vulkan: the driver reports no physical device");
  int best_rank = 1 << 30;
  std::string rejected;
  for (VkPhysicalDevice candidate : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(candidate, &props);
    const DeviceKind kind = KindOf(props.deviceType);
    std::string why;
    if (props.apiVersion < VK_API_VERSION_1_2)
      why = "Vulkan < 1.2";
    else if (!ComputeQueueFamily(candidate))
      why = "no compute queue";
    else if (!SupportsTimelineSemaphores(candidate))
      why = "no timeline semaphores";
    else if (kind == DeviceKind::kCpu && !state.options.allow_cpu_device)
      why = "CPU device not allowed";
    if (!why.empty()) {
      absl::StrAppend(&rejected, rejected.empty() ? "" : "; ", props.deviceName, ": ", why);
      continue;
    }
    if (Rank(kind) < best_rank) {
      best_rank = Rank(kind);
      state.physical = candidate;
      state.properties = props;
      state.queue_family = *ComputeQueueFamily(candidate);
    }
  }
  if (state.physical == VK_NULL_HANDLE) {
    return absl::UnavailableError(absl::StrCat("vulkan: no usable device (", rejected, ")"));
  }
  vkGetPhysicalDeviceMemoryProperties(state.physical, &state.memory_properties);
  VkPhysicalDeviceSubgroupProperties subgroup{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(state.physical, &props2);
  DeviceInfo& info = state.info;
  info.name = state.properties.deviceName;
  info.kind = KindOf(state.properties.deviceType);
  info.api_version = state.properties.apiVersion;
  info.vendor_id = state.properties.vendorID;
  info.device_id = state.properties.deviceID;
  info.subgroup_size = subgroup.subgroupSize;
  info.subgroup_broadcast = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                            (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BALLOT_BIT);
  info.max_workgroup_invocations = state.properties.limits.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    info.max_workgroup_count[i] = state.properties.limits.maxComputeWorkGroupCount[i];
  }
  return absl::OkStatus();
}

absl::Status CreateLogicalDevice(internal::DeviceState& state) {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = state.queue_family;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkPhysicalDeviceVulkan12Features features12{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  features12.timelineSemaphore = VK_TRUE;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features12;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  THETA_VK_RETURN_IF_ERROR(vkCreateDevice(state.physical, &info, nullptr, &state.device),
                           "vkCreateDevice");
  vkGetDeviceQueue(state.device, state.queue_family, 0, &state.queue);

  VkSemaphoreTypeCreateInfo type_info{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
  type_info.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
  type_info.initialValue = 0;
  VkSemaphoreCreateInfo semaphore_info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  semaphore_info.pNext = &type_info;
  THETA_VK_RETURN_IF_ERROR(
      vkCreateSemaphore(state.device, &semaphore_info, nullptr, &state.timeline),
      "vkCreateSemaphore");
  return absl::OkStatus();
}

// The saved cache if it was made by this very device and driver, else nothing: drivers must reject
// foreign data themselves, but not all do so gracefully.
std::vector<char> LoadCacheFile(const internal::DeviceState& state) {
  std::vector<char> data;
  if (state.options.pipeline_cache_path.empty()) return data;
  std::ifstream in(state.options.pipeline_cache_path, std::ios::binary);
  if (!in) return data;
  data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  // VkPipelineCacheHeaderVersionOne: length, version, vendor ID, device ID, 16-byte UUID.
  constexpr size_t kHeader = 16 + VK_UUID_SIZE;
  uint32_t fields[4];
  if (data.size() < kHeader) return {};
  std::memcpy(fields, data.data(), sizeof(fields));
  if (fields[0] < kHeader || fields[1] != VK_PIPELINE_CACHE_HEADER_VERSION_ONE ||
      fields[2] != state.properties.vendorID || fields[3] != state.properties.deviceID ||
      std::memcmp(data.data() + 16, state.properties.pipelineCacheUUID, VK_UUID_SIZE) != 0) {
    return {};
  }
  return data;
}

absl::Status CreatePipelineCache(internal::DeviceState& state) {
  const std::vector<char> initial = LoadCacheFile(state);
  VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  info.initialDataSize = initial.size();
  info.pInitialData = initial.empty() ? nullptr : initial.data();
  THETA_VK_RETURN_IF_ERROR(
      vkCreatePipelineCache(state.device, &info, nullptr, &state.pipeline_cache),
      "vkCreatePipelineCache");
  return absl::OkStatus();
}

}  // namespace

namespace internal {

void DeviceState::RecordMessage(bool is_error, std::string message) {
  if (is_error) validation_errors.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(messages_mutex);
  messages.push_back(std::move(message));
}

DeviceState::~DeviceState() {
  if (device != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device);
    for (auto& kernel : kernels) {
      vkDestroyPipeline(device, kernel->pipeline_, nullptr);
      vkDestroyPipelineLayout(device, kernel->layout_, nullptr);
      vkDestroyDescriptorSetLayout(device, kernel->set_layout_, nullptr);
    }
    for (auto& block : blocks) {
      vkFreeMemory(device, block->memory, nullptr);
    }
    vkDestroyPipelineCache(device, pipeline_cache, nullptr);
    vkDestroySemaphore(device, timeline, nullptr);
    vkDestroyDevice(device, nullptr);
  }
  if (messenger != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy != nullptr) destroy(instance, messenger, nullptr);
  }
  if (instance != VK_NULL_HANDLE) vkDestroyInstance(instance, nullptr);
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<Device>> Device::Create(const DeviceOptions& options) {
  if (options.memory_block_bytes < (1u << 20)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "compute: memory_block_bytes ", options.memory_block_bytes, " is below the 1 MiB minimum"));
  }
  auto state = std::make_unique<internal::DeviceState>();
  state->options = options;
  THETA_RETURN_IF_ERROR(CreateInstance(*state));
  THETA_RETURN_IF_ERROR(PickPhysicalDevice(*state));
  THETA_RETURN_IF_ERROR(CreateLogicalDevice(*state));
  THETA_RETURN_IF_ERROR(CreatePipelineCache(*state));
  std::unique_ptr<Device> device(new Device(std::move(state)));
  THETA_RETURN_IF_ERROR(device->Prewarm(device->state_->options.prewarm_kernels));
  return device;
}

Device::Device(std::unique_ptr<internal::DeviceState> state) : state_(std::move(state)) {}

Device::~Device() {
  if (state_ && state_->device != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(state_->device);
    (void)SavePipelineCache();
  }
}

const DeviceInfo& Device::info() const noexcept {
  return state_->info;
}

absl::StatusOr<Buffer> Device::CreateBuffer(uint64_t bytes) {
  return state_->CreateBuffer(bytes, /*host_visible=*/false);
}

absl::StatusOr<const Kernel*> Device::GetKernel(const KernelSpec& spec) {
  return state_->GetKernel(spec);
}

absl::StatusOr<uint64_t> Device::Submit(CommandList& list) {
  uint64_t value = 0;
  THETA_RETURN_IF_ERROR(state_->Submit(list, &value));
  return value;
}

absl::Status Device::WaitForTimeline(uint64_t value, std::chrono::nanoseconds timeout) {
  VkSemaphoreWaitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
  info.semaphoreCount = 1;
  info.pSemaphores = &state_->timeline;
  info.pValues = &value;
  const VkResult result =
      vkWaitSemaphores(state_->device, &info, static_cast<uint64_t>(timeout.count()));
  if (result == VK_TIMEOUT) {
    return absl::DeadlineExceededError(absl::StrCat(
        "vulkan: timeline value ", value, " not reached within ", timeout.count(), " ns"));
  }
  return internal::VkStatus(result, "vkWaitSemaphores");
}

absl::StatusOr<uint64_t> Device::CompletedTimelineValue() const {
  uint64_t value = 0;
  THETA_VK_RETURN_IF_ERROR(vkGetSemaphoreCounterValue(state_->device, state_->timeline, &value),
                           "vkGetSemaphoreCounterValue");
  return value;
}

absl::Status Device::SavePipelineCache() {
  const std::string& path = state_->options.pipeline_cache_path;
  if (path.empty()) return absl::OkStatus();
  size_t size = 0;
  THETA_VK_RETURN_IF_ERROR(
      vkGetPipelineCacheData(state_->device, state_->pipeline_cache, &size, nullptr),
      "vkGetPipelineCacheData");
  std::vector<char> data(size);
  THETA_VK_RETURN_IF_ERROR(
      vkGetPipelineCacheData(state_->device, state_->pipeline_cache, &size, data.data()),
      "vkGetPipelineCacheData");
  data.resize(size);
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      return absl::UnavailableError(absl::StrCat("compute: cannot write pipeline cache ", temp));
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("compute: cannot rename ", temp, " to ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

std::vector<std::string> Device::TakeValidationMessages() {
  std::lock_guard lock(state_->messages_mutex);
  return std::exchange(state_->messages, {});
}

uint64_t Device::validation_error_count() const {
  return state_->validation_errors.load(std::memory_order_relaxed);
}

}  // namespace theta::compute
