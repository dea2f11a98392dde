// Fuzzes the JSON-RPC request handling with arbitrary bodies. Properties: it never crashes or
// throws; every answer is valid JSON shaped as JSON-RPC 2.0 (a response object, or a non-empty
// array of them, each with "jsonrpc": "2.0", an "id", and exactly one of "result" and "error" with
// an integer code and a string message); a body that is not JSON gets -32700; no answer only for
// valid JSON.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/net/jsonrpc.hpp"

namespace {

using theta::net::Json;

const theta::net::RpcDispatcher& Dispatcher() {
  static const auto* dispatcher = [] {
    auto* d = new theta::net::RpcDispatcher(theta::net::RpcDispatcherOptions{.max_batch_size = 8});
    (void)d->Register(
        "echo", [](const Json& params, const theta::net::RpcContext&) -> absl::StatusOr<Json> {
          return params;
        });
    (void)d->Register(
        "add", [](const Json& params, const theta::net::RpcContext&) -> absl::StatusOr<Json> {
          return params.at(0).get<int64_t>() + params.at(1).get<int64_t>();
        });
    (void)d->Register(
        "fail", [](const Json& params, const theta::net::RpcContext&) -> absl::StatusOr<Json> {
          return theta::net::RpcErrorStatus(3, "execution reverted", params);
        });
    return d;
  }();
  return *dispatcher;
}

void CheckResponse(const Json& response) {
  if (!response.is_object()) std::abort();
  if (response.value("jsonrpc", "") != "2.0" || !response.contains("id")) std::abort();
  const Json& id = response["id"];
  if (!id.is_null() && !id.is_string() && !id.is_number()) std::abort();
  if (response.contains("result") == response.contains("error")) std::abort();
  if (response.contains("error")) {
    const Json& error = response["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer() ||
        !error.contains("message") || !error["message"].is_string()) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const bool is_json = Json::accept(body);
  const std::optional<std::string> answer = Dispatcher().Handle(body, theta::net::RpcContext{});
  if (!answer) {
    if (!is_json) std::abort();
    return 0;
  }
  const Json parsed = Json::parse(*answer, nullptr, false);
  if (parsed.is_discarded()) std::abort();
  if (parsed.is_array()) {
    if (parsed.empty()) std::abort();
    for (const Json& response : parsed)
      CheckResponse(response);
  } else {
    CheckResponse(parsed);
    if (!is_json &&
        (!parsed.contains("error") || parsed["error"]["code"] != theta::net::kRpcParseError)) {
      std::abort();
    }
  }
  return 0;
}
