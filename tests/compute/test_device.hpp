// Opening the Vulkan device for tests. With no Vulkan driver or device the test is skipped: Catch2
// v2 has no SKIP, so the test WARNs "SKIPPED: ..." (visible in the output and in CTest's log) and
// returns. Validation is always on; CheckNoValidationErrors turns anything the layer reported into
// a failure.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "theta/compute/device.hpp"

namespace theta::compute::testing {

inline std::unique_ptr<Device> OpenTestDevice(DeviceOptions options = {}) {
  options.validation = true;
  auto device = Device::Create(options);
  if (!device.ok()) {
    if (device.status().code() == absl::StatusCode::kUnavailable) {
      WARN("SKIPPED: no Vulkan device: " << std::string(device.status().message()));
      return nullptr;
    }
    FAIL("opening the Vulkan device failed: " << std::string(device.status().message()));
  }
  if (!(*device)->info().validation) {
    WARN("the Vulkan validation layer is not installed; running without it");
  }
  return std::move(device).value();
}

inline void CheckNoValidationErrors(Device& device) {
  for (const std::string& message : device.TakeValidationMessages()) {
    UNSCOPED_INFO("validation: " << message);
  }
  CHECK(device.validation_error_count() == 0);
}

}  // namespace theta::compute::testing
