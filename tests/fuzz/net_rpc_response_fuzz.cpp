// Fuzzes the RPC client's reading of a node's answer (ParseRpcResponse): arbitrary bytes as the
// HTTP body must give a result or a clean error, never a crash or an exception.
#include <cstdint>
#include <string_view>

#include "theta/net/rpc_client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)theta::net::ParseRpcResponse(body, 1, "theta.GetAccount", "http://fuzz");
  return 0;
}
