// RpcClient: resolve, connect, write and read as asynchronous operations on a private io_context,
// so that one deadline (beast::tcp_stream's timer plus run_for for the resolver) bounds the call.
#include "theta/net/rpc_client.hpp"

#include <atomic>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

namespace theta::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

std::atomic<uint64_t> next_request_id{1};

beast::string_view Beast(std::string_view text) {
  return {text.data(), text.size()};
}

absl::Status Unreachable(std::string_view url, const beast::error_code& ec) {
  return absl::UnavailableError(
      absl::StrCat("node unreachable at ", std::string(url), ": ", ec.message()));
}

// One request/response exchange; the members outlive every handler because io.run returns first.
class Exchange {
 public:
  Exchange(const HttpUrl& parts, std::string body, const RpcClientOptions& options)
      : parts_(parts), resolver_(io_), stream_(io_), options_(options) {
    request_ = http::request<http::string_body>(http::verb::post, Beast(parts.target), 11);
    request_.set(http::field::host, Beast(parts.host));
    request_.set(http::field::content_type, "application/json");
    request_.set(http::field::user_agent, "theta-cpp rpc client");
    request_.body() = std::move(body);
    request_.prepare_payload();
    parser_.body_limit(options.max_response_bytes);
    parser_.header_limit(64 << 10);
  }

  // The response body, or the transport error (ec) with `timed_out` telling a deadline apart.
  std::optional<std::string> Run(beast::error_code& ec, bool& timed_out) {
    stream_.expires_after(options_.timeout);
    resolver_.async_resolve(
        parts_.host, parts_.port, [this](beast::error_code e, tcp::resolver::results_type results) {
          if (e) return Finish(e);
          stream_.async_connect(results, [this](beast::error_code c, auto&&) {
            if (c) return Finish(c);
            http::async_write(stream_, request_, [this](beast::error_code w, size_t) {
              if (w) return Finish(w);
              ReadResponse();
            });
          });
        });
    io_.run_for(options_.timeout + std::chrono::milliseconds(100));
    if (!done_) {  // the resolver has no timer of its own
      resolver_.cancel();
      beast::error_code ignored;
      stream_.socket().close(ignored);
      io_.run();
      result_ = beast::error::timeout;
    }
    timed_out = result_ == beast::error::timeout;
    ec = result_;
    if (ec) return std::nullopt;
    status_ = parser_.get().result_int();
    return std::move(parser_.get().body());
  }

  unsigned http_status() const { return status_; }

 private:
  // The header first, so that a declared Content-Length over the cap is refused before any body
  // byte is buffered (in tests, Boost 1.74's parser body_limit let such bodies through); bodies
  // without a length are checked once read.
  void ReadResponse() {
    http::async_read_header(stream_, buffer_, parser_, [this](beast::error_code h, size_t) {
      if (h) return Finish(h);
      const auto length = parser_.content_length();
      if (length && *length > options_.max_response_bytes) return Finish(http::error::body_limit);
      http::async_read(stream_, buffer_, parser_, [this](beast::error_code r, size_t) {
        if (!r && parser_.get().body().size() > options_.max_response_bytes) {
          r = http::error::body_limit;
        }
        Finish(r);
      });
    });
  }

  void Finish(beast::error_code ec) {
    done_ = true;
    result_ = ec;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  const HttpUrl& parts_;
  asio::io_context io_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  RpcClientOptions options_;
  beast::error_code result_;
  bool done_ = false;
  unsigned status_ = 0;
};

absl::Status RemoteError(std::string_view method, const Json& error) {
  const int code =
      error.contains("code") && error["code"].is_number_integer() ? error["code"].get<int>() : 0;
  const std::string message = error.contains("message") && error["message"].is_string()
                                  ? error["message"].get<std::string>()
                                  : error.dump();
  std::string text = absl::StrCat(std::string(method), ": ", message, " (RPC error ", code, ")");
  switch (code) {
    case -32602:
      return absl::InvalidArgumentError(text);
    case -32601:
      return absl::UnimplementedError(text);
    default:
      return absl::UnknownError(text);
  }
}

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  auto bad = [&](std::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("rpc url \"", std::string(url), "\": ", std::string(rule)));
  };
  if (url.substr(0, kScheme.size()) != kScheme) {
    return bad("must start with http:// (for https, put a TLS proxy in front of the node)");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("@#") != std::string_view::npos) {
    return bad("user info and fragments are not supported");
  }
  HttpUrl parts;
  const size_t slash = rest.find('/');
  parts.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string_view authority = rest.substr(0, slash);
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in the IPv6 host");
    parts.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected :port after the IPv6 host");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    parts.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (parts.host.empty()) return bad("the host is empty");
  uint32_t number = 80;
  if (!port.empty() &&
      (!absl::SimpleAtoi(std::string(port), &number) || number == 0 || number > 65535)) {
    return bad("the port must be 1..65535");
  }
  parts.port = std::to_string(number);
  return parts;
}

absl::StatusOr<RpcClient> RpcClient::Create(std::string_view url, RpcClientOptions options) {
  auto parts = ParseHttpUrl(url);
  if (!parts.ok()) return parts.status();
  return RpcClient(std::string(url), *std::move(parts), options);
}

absl::StatusOr<Json> RpcClient::Call(std::string_view method, const Json& params) const {
  const uint64_t id = next_request_id.fetch_add(1);
  Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}};
  if (!params.is_null()) request["params"] = params;

  Exchange exchange(parts_, request.dump(), options_);
  beast::error_code ec;
  bool timed_out = false;
  std::optional<std::string> body = exchange.Run(ec, timed_out);
  if (!body) {
    if (timed_out) {
      return absl::UnavailableError(absl::StrCat("node at ", url_, " did not answer within ",
                                                 options_.timeout.count(), " ms"));
    }
    if (ec == http::error::body_limit) {
      return absl::ResourceExhaustedError(
          absl::StrCat("response from ", url_, " exceeds ", options_.max_response_bytes, " bytes"));
    }
    return Unreachable(url_, ec);
  }
  if (exchange.http_status() != 200) {
    return absl::InternalError(absl::StrCat("node at ", url_, " answered HTTP ",
                                            exchange.http_status(), " to ", std::string(method)));
  }
  return ParseRpcResponse(*body, id, method, url_);
}

absl::StatusOr<Json> ParseRpcResponse(std::string_view body, uint64_t id, std::string_view method,
                                      std::string_view url) {
  const std::string from =
      absl::StrCat("node at ", std::string(url), " answered ", std::string(method), " with ");
  Json response = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (response.is_discarded() || !response.is_object()) {
    return absl::InternalError(absl::StrCat(from, "non-JSON-RPC text"));
  }
  if (!response.contains("id") || response["id"] != Json(id)) {
    return absl::InternalError(absl::StrCat(from, "another request's id"));
  }
  if (auto error = response.find("error"); error != response.end() && !error->is_null()) {
    return RemoteError(method, *error);
  }
  if (!response.contains("result")) {
    return absl::InternalError(absl::StrCat(from, "neither result nor error"));
  }
  return std::move(response["result"]);
}

}  // namespace theta::net
