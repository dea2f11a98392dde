// HttpConnection (http.hpp): Beast's asynchronous calls driven to completion on a private
// io_context, so that every step has a deadline (the synchronous calls have none).
#include "http.hpp"

#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"

namespace theta::loadgen {
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

HttpConnection::HttpConnection(std::string host, std::string port,
                               std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(std::move(port)), timeout_(timeout), stream_(io_) {}

absl::Status HttpConnection::Connect() {
  boost::system::error_code error;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host_, port_, error);
  if (error) return absl::UnavailableError(absl::StrCat(endpoint(), ": ", error.message()));
  stream_.expires_after(timeout_);
  stream_.async_connect(endpoints,
                        [&](boost::system::error_code e, const tcp::endpoint&) { error = e; });
  io_.restart();
  io_.run();
  if (error) return absl::UnavailableError(absl::StrCat(endpoint(), ": ", error.message()));
  stream_.socket().set_option(tcp::no_delay(true), error);
  connected_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> HttpConnection::ExchangeOnce(bool post, std::string_view target,
                                                         const std::string& body) {
  if (!connected_) {
    absl::Status status = Connect();
    if (!status.ok()) return status;
  }
  http::request<http::string_body> request(post ? http::verb::post : http::verb::get,
                                           std::string(target), 11);
  request.set(http::field::host, host_);
  request.keep_alive(true);
  if (post) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
  }
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  boost::system::error_code error;
  stream_.expires_after(timeout_);
  http::async_write(stream_, request, [&](boost::system::error_code e, size_t) {
    error = e;
    if (!e)
      http::async_read(stream_, buffer, parser,
                       [&](boost::system::error_code r, size_t) { error = r; });
  });
  io_.restart();
  io_.run();
  if (error) {
    connected_ = false;
    boost::system::error_code ignored;
    stream_.socket().close(ignored);
    return absl::UnavailableError(absl::StrCat(endpoint(), ": ", error.message()));
  }
  auto response = parser.release();
  if (!response.keep_alive()) {
    connected_ = false;
    stream_.socket().close(error);
  }
  if (response.result() != http::status::ok)
    return absl::InternalError(absl::StrCat(endpoint(), " answered HTTP ", response.result_int(),
                                            ": ", response.body().substr(0, 200)));
  return std::move(response.body());
}

absl::StatusOr<std::string> HttpConnection::Exchange(bool post, std::string_view target,
                                                     const std::string& body) {
  const bool reused = connected_;
  absl::StatusOr<std::string> answer = ExchangeOnce(post, target, body);
  // A kept-alive connection the node closed in between fails on first use: one fresh try.
  if (!answer.ok() && reused && absl::IsUnavailable(answer.status()))
    answer = ExchangeOnce(post, target, body);
  return answer;
}

absl::StatusOr<std::string> HttpConnection::PostJson(std::string_view target, std::string body) {
  return Exchange(true, target, body);
}

absl::StatusOr<std::string> HttpConnection::Get(std::string_view target) {
  return Exchange(false, target, std::string());
}

}  // namespace theta::loadgen
