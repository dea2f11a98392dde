// Fuzzes the requester's reading of a compute worker's compute_run answer (apps/edge/compute
// worker_service: DecodeRunAnswer). Beyond not crashing: an accepted answer's output hashes to the
// hash it carries, and a refused one has a real status code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "theta/core/hash.hpp"
#include "worker_service.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json answer =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return 0;
  auto result = theta::edge::DecodeRunAnswer(answer);
  if (result.ok()) {
    if (result->output_hash != theta::Blake2b256(result->output)) std::abort();
    return 0;
  }
  if (result.status().code() == absl::StatusCode::kOk) std::abort();
  return 0;
}
