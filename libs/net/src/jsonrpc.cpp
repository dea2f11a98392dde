#include "theta/net/jsonrpc.hpp"

#include <optional>

#include "absl/strings/cord.h"

namespace theta::net {
namespace {

constexpr std::string_view kErrorPayloadUrl = "type.theta-cpp/net.RpcError";

Json Response(const Json& id) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}};
}

Json ErrorResponse(const Json& id, int code, std::string_view message) {
  Json out = Response(id);
  out["error"] = Json{{"code", code}, {"message", message}};
  return out;
}

// Dumps without throwing: strings that are not UTF-8 are repaired instead of refused.
std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsValidId(const Json& id) {
  // The spec allows a string, a number or null; fractions "SHOULD NOT" appear but are accepted.
  return id.is_string() || id.is_number() || id.is_null();
}

}  // namespace

absl::Status RpcErrorStatus(int code, std::string_view message, const Json& data) {
  absl::Status status(absl::StatusCode::kUnknown, std::string(message));
  Json payload{{"code", code}};
  if (!data.is_null()) payload["data"] = data;
  status.SetPayload(std::string(kErrorPayloadUrl), absl::Cord(Dump(payload)));
  return status;
}

Json RpcErrorObject(const absl::Status& status) {
  Json error{{"message", std::string(status.message())}};
  if (auto payload = status.GetPayload(std::string(kErrorPayloadUrl)); payload.has_value()) {
    Json parsed = Json::parse(std::string(*payload), nullptr, false);
    if (parsed.is_object() && parsed.contains("code") && parsed["code"].is_number_integer()) {
      error["code"] = parsed["code"];
      if (parsed.contains("data")) error["data"] = parsed["data"];
      return error;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      error["code"] = kRpcInvalidParams;
      break;
    case absl::StatusCode::kUnimplemented:
      error["code"] = kRpcMethodNotFound;
      break;
    default:
      error["code"] = kRpcInternalError;
  }
  return error;
}

Json MakeRpcNotification(std::string_view method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string RpcErrorResponse(int code, std::string_view message) {
  return Dump(ErrorResponse(nullptr, code, message));
}

absl::Status RpcDispatcher::Register(std::string_view name, RpcHandler handler) {
  if (name.empty() || name.substr(0, 4) == "rpc.") {
    return absl::InvalidArgumentError("rpc: method name \"" + std::string(name) +
                                      "\" is empty or uses the reserved prefix \"rpc.\"");
  }
  std::lock_guard lock(mu_);
  auto [it, inserted] =
      methods_.emplace(std::string(name), std::make_shared<const RpcHandler>(std::move(handler)));
  if (!inserted) {
    return absl::AlreadyExistsError("rpc: method \"" + std::string(name) + "\" already registered");
  }
  return absl::OkStatus();
}

bool RpcDispatcher::Has(std::string_view name) const {
  return Find(name) != nullptr;
}

std::shared_ptr<const RpcHandler> RpcDispatcher::Find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : it->second;
}

std::optional<Json> RpcDispatcher::HandleRequest(const Json& request, const RpcContext& ctx) const {
  if (!request.is_object()) {
    return ErrorResponse(nullptr, kRpcInvalidRequest, "invalid request: not a JSON object");
  }
  const auto id_it = request.find("id");
  const bool is_notification = id_it == request.end();
  const Json id = !is_notification && IsValidId(*id_it) ? *id_it : Json(nullptr);
  if (!is_notification && !IsValidId(*id_it)) {
    return ErrorResponse(nullptr, kRpcInvalidRequest,
                         "invalid request: \"id\" must be a string, a number or null");
  }
  const auto version = request.find("jsonrpc");
  if (version == request.end() || *version != "2.0") {
    return ErrorResponse(id, kRpcInvalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\"");
  }
  const auto method = request.find("method");
  if (method == request.end() || !method->is_string()) {
    return ErrorResponse(id, kRpcInvalidRequest, "invalid request: \"method\" must be a string");
  }
  const auto params_it = request.find("params");
  const Json params = params_it == request.end() ? Json(nullptr) : *params_it;
  if (!params.is_null() && !params.is_array() && !params.is_object()) {
    return ErrorResponse(id, kRpcInvalidRequest,
                         "invalid request: \"params\" must be an array or an object");
  }
  const std::string& name = method->get_ref<const std::string&>();
  std::shared_ptr<const RpcHandler> handler = Find(name);
  if (!handler) {
    if (is_notification) return std::nullopt;
    return ErrorResponse(id, kRpcMethodNotFound, "the method " + name + " does not exist");
  }
  absl::StatusOr<Json> result = absl::InternalError("handler did not run");
  try {
    result = (*handler)(params, ctx);
  } catch (const Json::exception& e) {
    // Handlers read params with nlohmann's checked accessors; a wrong shape throws here.
    result = absl::InvalidArgumentError(std::string("invalid params: ") + e.what());
  } catch (const std::exception& e) {
    result = absl::InternalError(std::string("internal error: ") + e.what());
  }
  if (is_notification) return std::nullopt;
  Json out = Response(id);
  if (result.ok()) {
    out["result"] = std::move(*result);
  } else {
    out["error"] = RpcErrorObject(result.status());
  }
  return out;
}

std::optional<std::string> RpcDispatcher::Handle(std::string_view body,
                                                 const RpcContext& ctx) const {
  Json parsed = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Dump(ErrorResponse(nullptr, kRpcParseError, "parse error: the body is not valid JSON"));
  }
  if (!parsed.is_array()) {
    std::optional<Json> response = HandleRequest(parsed, ctx);
    if (!response) return std::nullopt;
    return Dump(*response);
  }
  if (parsed.empty()) {
    return Dump(ErrorResponse(nullptr, kRpcInvalidRequest, "invalid request: empty batch"));
  }
  if (parsed.size() > options_.max_batch_size) {
    return Dump(ErrorResponse(nullptr, kRpcInvalidRequest,
                              "invalid request: batch of " + std::to_string(parsed.size()) +
                                  " requests exceeds the limit of " +
                                  std::to_string(options_.max_batch_size)));
  }
  Json responses = Json::array();
  for (const Json& request : parsed) {
    if (std::optional<Json> response = HandleRequest(request, ctx)) {
      responses.push_back(std::move(*response));
    }
  }
  if (responses.empty()) return std::nullopt;
  return Dump(responses);
}

}  // namespace theta::net
