#include "vk_status.hpp"

#include "absl/strings/str_cat.h"

namespace theta::compute::internal {

const char* VkResultName(VkResult result) noexcept {
  switch (result) {
#define THETA_VK_NAME(r) \
  case r:                \
    return #r;
    THETA_VK_NAME(VK_SUCCESS)
    THETA_VK_NAME(VK_NOT_READY)
    THETA_VK_NAME(VK_TIMEOUT)
    THETA_VK_NAME(VK_EVENT_SET)
    THETA_VK_NAME(VK_EVENT_RESET)
    THETA_VK_NAME(VK_INCOMPLETE)
    THETA_VK_NAME(VK_ERROR_OUT_OF_HOST_MEMORY)
    THETA_VK_NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    THETA_VK_NAME(VK_ERROR_INITIALIZATION_FAILED)
    THETA_VK_NAME(VK_ERROR_DEVICE_LOST)
    THETA_VK_NAME(VK_ERROR_MEMORY_MAP_FAILED)
    THETA_VK_NAME(VK_ERROR_LAYER_NOT_PRESENT)
    THETA_VK_NAME(VK_ERROR_EXTENSION_NOT_PRESENT)
    THETA_VK_NAME(VK_ERROR_FEATURE_NOT_PRESENT)
    THETA_VK_NAME(VK_ERROR_INCOMPATIBLE_DRIVER)
    THETA_VK_NAME(VK_ERROR_TOO_MANY_OBJECTS)
    THETA_VK_NAME(VK_ERROR_FORMAT_NOT_SUPPORTED)
    THETA_VK_NAME(VK_ERROR_FRAGMENTED_POOL)
    THETA_VK_NAME(VK_ERROR_UNKNOWN)
    THETA_VK_NAME(VK_ERROR_OUT_OF_POOL_MEMORY)
    THETA_VK_NAME(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    THETA_VK_NAME(VK_ERROR_FRAGMENTATION)
    THETA_VK_NAME(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    THETA_VK_NAME(VK_PIPELINE_COMPILE_REQUIRED)
#undef THETA_VK_NAME
    default:
      return "VkResult(unknown)";
  }
}

absl::Status VkStatus(VkResult result, const char* call) {
  if (result >= 0) return absl::OkStatus();
  std::string name = VkResultName(result);
  if (name == "VkResult(unknown)") name = absl::StrCat("VkResult(", static_cast<int>(result), ")");
  std::string message = absl::StrCat("vulkan: ", call, " failed: ", name);
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_FRAGMENTED_POOL:
    case VK_ERROR_FRAGMENTATION:
    case VK_ERROR_TOO_MANY_OBJECTS:
      return absl::ResourceExhaustedError(message);
    case VK_ERROR_INCOMPATIBLE_DRIVER:
    case VK_ERROR_INITIALIZATION_FAILED:
    case VK_ERROR_DEVICE_LOST:
      return absl::UnavailableError(message);
    case VK_ERROR_LAYER_NOT_PRESENT:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
    case VK_ERROR_FORMAT_NOT_SUPPORTED:
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace theta::compute::internal
