// JSON-RPC 2.0 (https://www.jsonrpc.org/specification): a registry of methods and the request
// handling shared by the HTTP and WebSocket transports of RpcServer.
//
// RpcDispatcher::Handle takes one request body (a single request or a batch) and always answers
// with spec-conformant JSON: a result, or an error object with the spec's code for the failure
// (-32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params,
// -32603 internal error, or a handler's own code). Notifications (requests without an id) get no
// answer. Bad input never throws out of Handle and never crashes it.
//
// Thread-safety: Register and Handle may be called from any thread; handlers may run concurrently
// (one per connection being served) and must be thread-safe themselves.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace theta::net {

using Json = nlohmann::json;

inline constexpr int kRpcParseError = -32700;
inline constexpr int kRpcInvalidRequest = -32600;
inline constexpr int kRpcMethodNotFound = -32601;
inline constexpr int kRpcInvalidParams = -32602;
inline constexpr int kRpcInternalError = -32603;

// A status that carries a JSON-RPC error code (and optional data) for a handler to return, e.g.
// RpcErrorStatus(3, "execution reverted", "0x08c379a0...") for Ethereum's revert error. Without it,
// a handler's status maps by code: InvalidArgument -> -32602, Unimplemented -> -32601, others ->
// -32603.
absl::Status RpcErrorStatus(int code, std::string_view message, const Json& data = nullptr);

// The error object {"code", "message"[, "data"]} a status maps to.
Json RpcErrorObject(const absl::Status& status);

// A JSON-RPC notification {"jsonrpc": "2.0", "method": method, "params": params}.
Json MakeRpcNotification(std::string_view method, Json params);

// Pushes notifications to one WebSocket client (subscriptions).
class RpcNotifier {
 public:
  virtual ~RpcNotifier() = default;
  // Queues `message` for the client; false once the connection has closed (drop the subscription).
  // Thread-safe; never blocks. A client that falls too far behind is disconnected.
  virtual bool Notify(const Json& message) = 0;
  virtual bool closed() const = 0;
};

// What a handler knows about the request's origin.
struct RpcContext {
  std::string transport = "http";  // "http" or "ws"
  std::string remote_address;
  // Set for WebSocket requests only: where subscriptions send their notifications.
  std::shared_ptr<RpcNotifier> notifier;
};

// A method: params is the request's "params" (an array, an object, or null when absent).
using RpcHandler = std::function<absl::StatusOr<Json>(const Json& params, const RpcContext& ctx)>;

struct RpcDispatcherOptions {
  // Requests in one batch; a larger batch is refused as a whole (-32600).
  size_t max_batch_size = 100;
};

class RpcDispatcher {
 public:
  explicit RpcDispatcher(RpcDispatcherOptions options = {}) : options_(options) {}

  // Adds a method. AlreadyExists if `name` is registered; InvalidArgument for an empty name or one
  // starting with "rpc." (reserved by the spec).
  absl::Status Register(std::string_view name, RpcHandler handler);
  bool Has(std::string_view name) const;

  // Answers one request body: the response text, or nullopt when the body held only notifications.
  std::optional<std::string> Handle(std::string_view body, const RpcContext& ctx) const;

  // Answers one parsed request object; nullopt for a notification.
  std::optional<Json> HandleRequest(const Json& request, const RpcContext& ctx) const;

 private:
  std::shared_ptr<const RpcHandler> Find(std::string_view name) const;

  RpcDispatcherOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const RpcHandler>, std::less<>> methods_;
};

// The response text of `Handle` for a body that failed before dispatch (e.g. too large), with id
// null.
std::string RpcErrorResponse(int code, std::string_view message);

}  // namespace theta::net
