// Fuzzes the compute job spec parser. Properties beyond not crashing: a rejected document is
// InvalidArgument (never another code); an accepted one passes ValidateJobSpec, serializes to JSON
// that parses back to an equal spec, and that JSON is canonical (serializing again is identical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/compute/job_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace theta::compute;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = ParseJobSpec(text);
  if (!spec.ok()) {
    if (spec.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (!ValidateJobSpec(*spec).ok()) std::abort();
  const std::string json = JobSpecToJson(*spec);
  auto again = ParseJobSpec(json);
  if (!again.ok() || !(*again == *spec)) std::abort();
  if (JobSpecToJson(*again) != json) std::abort();
  return 0;
}
