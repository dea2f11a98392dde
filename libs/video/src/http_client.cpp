#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "theta/video/http.hpp"

namespace theta::video {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Runs one asynchronous operation to completion on a private io_context: blocking I/O whose
// deadline (the tcp_stream's expiry) actually fires, unlike Asio's synchronous calls.
template <typename Start>
beast::error_code RunOp(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

absl::Status NetError(std::string_view what, const Url& url, const beast::error_code& ec) {
  const std::string where = absl::StrCat("http://", url.host, ":", url.port, url.path);
  if (ec == beast::error::timeout) {
    return absl::DeadlineExceededError(
        absl::StrCat("GET ", where, ": timed out ", std::string(what)));
  }
  return absl::UnavailableError(
      absl::StrCat("GET ", where, ": ", std::string(what), ": ", ec.message()));
}

}  // namespace

absl::StatusOr<Url> ParseUrl(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(
        absl::StrCat("url ", std::string(text), ": only http:// is supported"));
  }
  text.remove_prefix(kScheme.size());
  Url url;
  const size_t slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  if (slash != std::string_view::npos) url.path = std::string(text.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("url: bad port \"", std::string(port), "\""));
    }
    url.port = static_cast<uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return absl::InvalidArgumentError("url: no host");
  url.host = std::string(authority);
  return url;
}

absl::StatusOr<HttpResponse> HttpGet(const Url& url, const HttpGetOptions& options) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return NetError("resolving the host", url, ec);
  beast::tcp_stream stream(io);
  stream.expires_after(options.timeout);
  ec = RunOp(io, [&](auto handler) { stream.async_connect(endpoints, handler); });
  if (ec) return NetError("connecting", url, ec);
  http::request<http::empty_body> request(http::verb::get, url.path, 11);
  request.set(http::field::host, absl::StrCat(url.host, ":", url.port));
  request.set(http::field::user_agent, "theta-edge");
  if (!options.range.empty()) request.set(http::field::range, options.range);
  ec = RunOp(io, [&](auto handler) { http::async_write(stream, request, handler); });
  if (ec) return NetError("sending the request", url, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::vector_body<uint8_t>> parser;
  parser.body_limit(options.max_body);
  ec = RunOp(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec == http::error::body_limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("GET ", url.path, ": body over ", options.max_body, " bytes"));
  }
  if (ec) return NetError("reading the response", url, ec);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  HttpResponse out;
  auto& message = parser.get();
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    out.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  out.body = std::move(message.body());
  return out;
}

absl::StatusOr<Bytes> HttpGetBody(const Url& url, const HttpGetOptions& options) {
  absl::StatusOr<HttpResponse> response = HttpGet(url, options);
  if (!response.ok()) return response.status();
  if (response->status == 200) return std::move(response->body);
  const std::string what = absl::StrCat("GET ", url.path, ": HTTP ", response->status);
  if (response->status == 404) return absl::NotFoundError(what);
  return absl::UnavailableError(what);
}

}  // namespace theta::video
