// Fuzzes theta-edge's reader of a node's theta.GetAccount answer (the viewer's reserved funds the
// edge checks vouchers against). Properties: it never crashes or throws on any JSON.
#include <cstdint>
#include <string>

#include "video_payments.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto json = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size),
                                          nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  (void)theta::edge::ParseReservedFundsJson(json);
  return 0;
}
