// A keep-alive HTTP/1.1 connection for the load generator: one socket per node and sender thread,
// reused across requests (a fresh TCP connection per batch would measure the kernel, not the
// node). Reconnects once when the node closed the connection (it caps requests per connection).
//
// Not thread-safe: one connection per thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/asio/io_context.hpp"
#include "boost/beast/core/tcp_stream.hpp"

namespace theta::loadgen {

class HttpConnection {
 public:
  HttpConnection(std::string host, std::string port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // POSTs a JSON body to `target`; the response body. Unavailable when the node cannot be
  // reached or does not answer in time, Internal for an HTTP status other than 200.
  absl::StatusOr<std::string> PostJson(std::string_view target, std::string body);
  // GETs `target` (the /metrics page); the response body.
  absl::StatusOr<std::string> Get(std::string_view target);

  std::string endpoint() const { return host_ + ":" + port_; }

 private:
  absl::StatusOr<std::string> Exchange(bool post, std::string_view target, const std::string& body);
  absl::StatusOr<std::string> ExchangeOnce(bool post, std::string_view target,
                                           const std::string& body);
  absl::Status Connect();

  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  bool connected_ = false;
};

}  // namespace theta::loadgen
