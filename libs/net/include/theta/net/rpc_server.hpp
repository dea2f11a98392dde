// The HTTP + WebSocket JSON-RPC server (Boost.Beast) and the /metrics endpoint.
//
// Routes on one port:
//   POST /, /rpc         JSON-RPC over HTTP (one request or a batch per body)
//   GET  /ws, /          WebSocket upgrade; every text message is a JSON-RPC body, and handlers may
//                        push notifications through RpcContext::notifier (subscriptions)
//   GET  /metrics        the MetricsRegistry in Prometheus text format (when one is given)
// HTTP status codes follow what Ethereum clients expect from geth: every JSON-RPC answer, error or
// not, is 200; a body over the limit is 413, a content type other than JSON is 415, another method
// on an RPC path is 405, an unknown path 404, a malformed HTTP request 400. Notification-only
// bodies get 204. Bad requests never crash the server.
//
// Limits: body size, requests per keep-alive connection, idle time per connection, open
// connections, WebSocket message size and unsent notification bytes per client (a slow subscriber
// is dropped).
//
// Thread-safety: the server runs on the caller's io_context (any number of threads); Start, Stop
// and port may be called from any thread. Handlers run on the io_context threads and block the
// connection that called them while they run. The io_context must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/asio/io_context.hpp"
#include "theta/core/log.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/net/metrics.hpp"

namespace theta::net {

namespace internal {
class RpcServerImpl;
}

struct RpcServerOptions {
  // Loopback by default: exposing RPC beyond the machine is an explicit operator choice.
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port (see RpcServer::port)
  size_t max_body_size = 5 << 20;
  size_t max_header_size = 16 << 10;
  // Requests served on one keep-alive connection before the server closes it.
  size_t max_requests_per_connection = 10000;
  // A connection (HTTP or WebSocket) with no traffic for this long is closed.
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_connections = 512;
  size_t max_ws_message_size = 5 << 20;
  // Unsent bytes (responses and notifications) beyond which a WebSocket client is dropped.
  size_t max_ws_queue_bytes = 16 << 20;
  // Default: discard logs.
  Logger logger;
};

class RpcServer {
 public:
  // `dispatcher` answers the requests; `metrics` (optional) is served on /metrics.
  RpcServer(boost::asio::io_context& io, std::shared_ptr<const RpcDispatcher> dispatcher,
            std::shared_ptr<const MetricsRegistry> metrics = nullptr,
            RpcServerOptions options = {});
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;
  ~RpcServer();

  // Binds and starts accepting. FailedPrecondition when already started; InvalidArgument for an
  // address that is not numeric; Unavailable when it cannot be bound.
  absl::Status Start();
  // Stops accepting and closes every connection. Idempotent.
  void Stop();
  // The bound port; 0 before Start.
  uint16_t port() const;

 private:
  std::shared_ptr<internal::RpcServerImpl> impl_;
};

}  // namespace theta::net
