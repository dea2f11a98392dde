// A JSON-RPC 2.0 client over HTTP/1.1 (Boost.Beast): one POST per call, a fresh connection each
// time, a deadline on the whole exchange and a cap on the response size, so that a node that is
// down, slow or hostile costs the caller a clear error and nothing more.
//
// Errors, by meaning:
//   Unavailable         "node unreachable at <url>: <cause>" (name resolution, connection refused,
//                       reset) and "node at <url> did not answer within <ms> ms" (the deadline)
//   InvalidArgument     a URL this client cannot use (only http://host[:port][/path])
//   ResourceExhausted   a response larger than RpcClientOptions::max_response_bytes
//   Internal            an answer that is not a JSON-RPC response to our request (wrong HTTP
//   status,
//                       not JSON, another id)
//   the node's own error: InvalidArgument for -32602, Unimplemented for -32601, Unknown for other
//                       codes; the message is "<method>: <node message> (RPC error <code>)"
//
// Thread-safety: an RpcClient is an immutable value; Call may run from many threads at once (each
// call has its own io_context and socket).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace theta::net {

struct RpcClientOptions {
  // Deadline for one call: resolve, connect, send and receive together. Default 30 s.
  std::chrono::milliseconds timeout{30000};
  // Largest accepted response body. Default 16 MiB.
  size_t max_response_bytes = 16 << 20;
};

// The parts of an http:// URL.
struct HttpUrl {
  std::string host;
  std::string port;    // "80" when the URL names none
  std::string target;  // "/" when the URL names no path
};

// Parses "http://host[:port][/path]" (host a name, an IPv4 address or a bracketed IPv6 address).
// InvalidArgument naming the rule for another scheme (https is not supported: put a TLS proxy in
// front), an empty host, a port that is not 1..65535, or user info / fragments.
absl::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url);

// Reads the body of a JSON-RPC answer to request `id` of `method` (from the node at `url`, for
// messages): the "result" member, the node's error as described above, or Internal for text that
// is not a JSON-RPC response to that request.
absl::StatusOr<nlohmann::json> ParseRpcResponse(std::string_view body, uint64_t id,
                                                std::string_view method, std::string_view url);

class RpcClient {
 public:
  // A client for the node at `url` (see ParseHttpUrl). Its errors.
  static absl::StatusOr<RpcClient> Create(std::string_view url, RpcClientOptions options = {});

  // Calls `method` with `params` (an object, an array or null) and returns the "result" member.
  // The errors listed at the top of this file.
  absl::StatusOr<nlohmann::json> Call(std::string_view method, const nlohmann::json& params) const;

  const std::string& url() const { return url_; }

 private:
  RpcClient(std::string url, HttpUrl parts, RpcClientOptions options)
      : url_(std::move(url)), parts_(std::move(parts)), options_(options) {}

  std::string url_;
  HttpUrl parts_;
  RpcClientOptions options_;
};

}  // namespace theta::net
