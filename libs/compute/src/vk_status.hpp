// VkResult -> absl::Status, naming the Vulkan call that failed.
#pragma once

#include <vulkan/vulkan.h>

#include "absl/status/status.h"

namespace theta::compute::internal {

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" for a known result, else "VkResult(<n>)".
const char* VkResultName(VkResult result) noexcept;

// OK for VK_SUCCESS (and the other non-negative results); else a Status whose message is
// "vulkan: <call> failed: <VkResultName>" and whose code follows the meaning of the result:
// out of memory -> ResourceExhausted, no driver / lost device / init failure -> Unavailable,
// missing layer/extension/feature -> FailedPrecondition, else Internal.
absl::Status VkStatus(VkResult result, const char* call);

}  // namespace theta::compute::internal

// Evaluates a Vulkan call and returns its Status from the enclosing function when it failed.
#define THETA_VK_RETURN_IF_ERROR(call_expr, call_name) \
  THETA_RETURN_IF_ERROR(::theta::compute::internal::VkStatus((call_expr), (call_name)))
