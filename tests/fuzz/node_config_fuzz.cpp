// Fuzzes theta-node's config parser (a file an operator edits by hand): any bytes give a config or
// an InvalidArgument, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/node/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = theta::node::ParseNodeConfig(text, "/data");
  if (!config.ok() && config.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  if (auto endpoint = theta::node::ParseEndpoint(text); endpoint.ok()) {
    if (theta::node::FormatEndpoint(*endpoint).empty()) std::abort();
  }
  return 0;
}
