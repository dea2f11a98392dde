// Fuzzes the compute job order parser (the envelope with price, deadline and requester around a
// job spec). Beyond not crashing: a rejected document is InvalidArgument; an accepted one has a
// valid id and spec, and its canonical JSON parses back to an equal order and is a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/compute/job_order.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace theta::compute;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto order = ParseJobOrder(text);
  if (!order.ok()) {
    if (order.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (!IsValidJobId(order->job_id) || !ValidateJobSpec(order->spec).ok()) std::abort();
  const std::string json = JobOrderToJson(*order);
  auto again = ParseJobOrder(json);
  if (!again.ok() || !(*again == *order)) std::abort();
  if (JobOrderToJson(*again) != json) std::abort();
  return 0;
}
