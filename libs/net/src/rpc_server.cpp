// RpcServer: an acceptor, one HttpSession per connection, and a WsSession once a connection
// upgrades. Each session runs on its own strand; the server tracks live sessions (weakly) to
// enforce the connection limit and to close them all on Stop.
#include "theta/net/rpc_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "absl/strings/ascii.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/websocket.hpp"

namespace theta::net {
namespace internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr std::string_view kServerName = "theta-cpp";

// Boost 1.74's Beast has its own string_view; these convert at the edge.
std::string_view Std(beast::string_view text) {
  return {text.data(), text.size()};
}
beast::string_view Beast(std::string_view text) {
  return {text.data(), text.size()};
}

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}
bool IsRpcPath(std::string_view path) {
  return path == "/" || path == "/rpc";
}
bool IsWsPath(std::string_view path) {
  return path == "/" || path == "/ws";
}

}  // namespace

// Anything the server can close on Stop.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Shutdown() = 0;
};

class RpcServerImpl : public std::enable_shared_from_this<RpcServerImpl> {
 public:
  RpcServerImpl(asio::io_context& io, std::shared_ptr<const RpcDispatcher> dispatcher,
                std::shared_ptr<const MetricsRegistry> metrics, RpcServerOptions options)
      : io_(io),
        dispatcher_(std::move(dispatcher)),
        metrics_(std::move(metrics)),
        options_(std::move(options)) {
    if (!options_.logger) options_.logger = MakeNullLogger("rpc");
  }

  absl::Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }

  const RpcServerOptions& options() const { return options_; }
  const RpcDispatcher& dispatcher() const { return *dispatcher_; }
  const MetricsRegistry* metrics() const { return metrics_.get(); }

  // False when stopped or at the connection limit; the caller then drops the connection.
  bool Register(const std::shared_ptr<Closable>& session, bool count_against_limit) {
    std::lock_guard lock(mu_);
    if (stopped_) return false;
    if (count_against_limit && sessions_.size() >= options_.max_connections) return false;
    sessions_[session.get()] = session;
    return true;
  }
  void Unregister(const Closable* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
  }

 private:
  void Accept();

  asio::io_context& io_;
  std::shared_ptr<const RpcDispatcher> dispatcher_;
  std::shared_ptr<const MetricsRegistry> metrics_;
  RpcServerOptions options_;
  std::optional<tcp::acceptor> acceptor_;
  std::atomic<uint16_t> port_{0};
  std::mutex mu_;
  bool started_ = false;
  bool stopped_ = false;
  std::map<const Closable*, std::weak_ptr<Closable>> sessions_;
};

// ------------------------------------------------------------------------------------------------
// WebSocket

class WsSession;

class WsNotifier : public RpcNotifier {
 public:
  explicit WsNotifier(std::weak_ptr<WsSession> session) : session_(std::move(session)) {}
  bool Notify(const Json& message) override;
  bool closed() const override;

 private:
  std::weak_ptr<WsSession> session_;
};

class WsSession : public Closable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<RpcServerImpl> server, tcp::socket socket, std::string remote)
      : server_(std::move(server)), ws_(std::move(socket)), remote_(std::move(remote)) {}
  ~WsSession() override { server_->Unregister(this); }

  void Accept(http::request<http::string_body> request) {
    if (!server_->Register(shared_from_this(), false)) return;
    notifier_ = std::make_shared<WsNotifier>(weak_from_this());
    const RpcServerOptions& options = server_->options();
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timers
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = options.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options.max_ws_message_size);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::server, Beast(kServerName));
    }));
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->MarkClosed();
      self->Read();
    });
  }

  void Shutdown() override {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
      self->MarkClosed();
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

  bool Notify(const Json& message) {
    if (closed_) return false;
    std::string text = message.dump(-1, ' ', false, Json::error_handler_t::replace);
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->Queue(std::move(text));
    });
    return true;
  }
  bool closed() const { return closed_; }

 private:
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->MarkClosed();
      const std::string body = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      RpcContext ctx{"ws", self->remote_, self->notifier_};
      if (std::optional<std::string> response = self->server_->dispatcher().Handle(body, ctx)) {
        self->Queue(std::move(*response));
      }
      if (!self->closed_) self->Read();
    });
  }

  void Queue(std::string text) {
    if (closed_) return;
    queued_bytes_ += text.size();
    if (queued_bytes_ > server_->options().max_ws_queue_bytes) {
      SPDLOG_LOGGER_WARN(server_->options().logger,
                         "rpc: dropping WebSocket client {}: {} unsent bytes", remote_,
                         queued_bytes_);
      return Shutdown();
    }
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) Write();
  }

  void Write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->queued_bytes_ -= self->queue_.front().size();
                      self->queue_.pop_front();
                      if (ec) return self->MarkClosed();
                      if (!self->queue_.empty()) self->Write();
                    });
  }

  void MarkClosed() { closed_ = true; }

  std::shared_ptr<RpcServerImpl> server_;
  websocket::stream<beast::tcp_stream> ws_;
  std::string remote_;
  std::shared_ptr<RpcNotifier> notifier_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  std::atomic<bool> closed_{false};
};

bool WsNotifier::Notify(const Json& message) {
  std::shared_ptr<WsSession> session = session_.lock();
  return session && session->Notify(message);
}

bool WsNotifier::closed() const {
  std::shared_ptr<WsSession> session = session_.lock();
  return !session || session->closed();
}

// ------------------------------------------------------------------------------------------------
// HTTP

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<RpcServerImpl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {
    beast::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  }
  ~HttpSession() override { server_->Unregister(this); }

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  void Shutdown() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.close();
    });
  }

 private:
  using Response = http::response<http::string_body>;

  void Read() {
    const RpcServerOptions& options = server_->options();
    parser_.emplace();
    parser_->body_limit(options.max_body_size);
    parser_->header_limit(static_cast<uint32_t>(options.max_header_size));
    stream_.expires_after(options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Send(
          Reply(http::status::payload_too_large, 11, false, "application/json",
                RpcErrorResponse(kRpcInvalidRequest,
                                 "request body exceeds the limit of " +
                                     std::to_string(server_->options().max_body_size) + " bytes")));
    }
    if (ec == http::error::header_limit) {
      return Send(Reply(http::status::request_header_fields_too_large, 11, false, "text/plain",
                        "request headers too large\n"));
    }
    if (ec) {
      return Send(Reply(http::status::bad_request, 11, false, "text/plain",
                        "bad request: " + ec.message() + "\n"));
    }
    http::request<http::string_body> request = parser_->release();
    ++served_;
    const std::string_view path = PathOf(Std(request.target()));
    if (websocket::is_upgrade(request)) {
      if (!IsWsPath(path)) return Send(NotFound(request));
      auto ws = std::make_shared<WsSession>(server_, stream_.release_socket(), remote_);
      return ws->Accept(std::move(request));
    }
    Send(Route(request));
  }

  Response Route(const http::request<http::string_body>& request) {
    const std::string_view path = PathOf(Std(request.target()));
    if (path == "/metrics" && server_->metrics() != nullptr) {
      if (request.method() != http::verb::get) return NotAllowed(request, "GET");
      return Reply(http::status::ok, request.version(), request.keep_alive(),
                   "text/plain; version=0.0.4; charset=utf-8",
                   server_->metrics()->RenderPrometheus());
    }
    if (!IsRpcPath(path)) return NotFound(request);
    if (request.method() != http::verb::post) return NotAllowed(request, "POST");
    const std::string content_type =
        absl::AsciiStrToLower(std::string(Std(request[http::field::content_type])));
    if (!content_type.empty() && content_type.rfind("application/json", 0) != 0) {
      return Reply(http::status::unsupported_media_type, request.version(), request.keep_alive(),
                   "application/json",
                   RpcErrorResponse(kRpcInvalidRequest, "content type \"" + content_type +
                                                            "\" is not application/json"));
    }
    RpcContext ctx{"http", remote_, nullptr};
    std::optional<std::string> body = server_->dispatcher().Handle(request.body(), ctx);
    if (!body)
      return Reply(http::status::no_content, request.version(), request.keep_alive(), "", "");
    return Reply(http::status::ok, request.version(), request.keep_alive(), "application/json",
                 std::move(*body));
  }

  Response NotFound(const http::request<http::string_body>& request) {
    return Reply(http::status::not_found, request.version(), request.keep_alive(), "text/plain",
                 "no such path: " + std::string(PathOf(Std(request.target()))) + "\n");
  }

  Response NotAllowed(const http::request<http::string_body>& request, std::string_view allow) {
    Response response =
        Reply(http::status::method_not_allowed, request.version(), request.keep_alive(),
              "application/json",
              RpcErrorResponse(kRpcInvalidRequest, "use " + std::string(allow) + " on this path"));
    response.set(http::field::allow, Beast(allow));
    return response;
  }

  Response Reply(http::status status, unsigned version, bool keep_alive,
                 std::string_view content_type, std::string body) {
    Response response(status, version);
    response.set(http::field::server, Beast(kServerName));
    if (!content_type.empty()) response.set(http::field::content_type, Beast(content_type));
    response.keep_alive(keep_alive && served_ < server_->options().max_requests_per_connection);
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
  }

  void Send(Response response) {
    auto owned = std::make_shared<Response>(std::move(response));
    stream_.expires_after(server_->options().idle_timeout);
    http::async_write(stream_, *owned,
                      [self = shared_from_this(), owned](beast::error_code ec, size_t) {
                        if (ec || !owned->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  std::shared_ptr<RpcServerImpl> server_;
  beast::tcp_stream stream_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  size_t served_ = 0;
};

// ------------------------------------------------------------------------------------------------

absl::Status RpcServerImpl::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) return absl::FailedPreconditionError("rpc: already started");
    started_ = true;
  }
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError("rpc: address \"" + options_.address +
                                      "\" is not a numeric IP address");
  }
  tcp::acceptor& acceptor = acceptor_.emplace(asio::make_strand(io_));
  const tcp::endpoint endpoint(address, options_.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError("rpc: cannot listen on " + options_.address + ":" +
                                  std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor.local_endpoint().port();
  SPDLOG_LOGGER_INFO(options_.logger, "rpc: listening on {}:{}", options_.address, port_.load());
  asio::dispatch(acceptor.get_executor(), [self = shared_from_this()] { self->Accept(); });
  return absl::OkStatus();
}

void RpcServerImpl::Accept() {
  acceptor_->async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                              tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor_->is_open()) return;
    if (!ec) {
      auto session = std::make_shared<HttpSession>(self, std::move(socket));
      if (self->Register(session, true)) {
        session->Run();
      } else {
        SPDLOG_LOGGER_WARN(self->options_.logger, "rpc: refusing a connection: limit of {} reached",
                           self->options_.max_connections);
      }
    }
    self->Accept();
  });
}

void RpcServerImpl::Stop() {
  std::vector<std::shared_ptr<Closable>> open;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (const auto& [key, weak] : sessions_) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  if (acceptor_) {
    asio::dispatch(acceptor_->get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_->close(ignored);
    });
  }
  for (const auto& session : open)
    session->Shutdown();
}

}  // namespace internal

RpcServer::RpcServer(boost::asio::io_context& io, std::shared_ptr<const RpcDispatcher> dispatcher,
                     std::shared_ptr<const MetricsRegistry> metrics, RpcServerOptions options)
    : impl_(std::make_shared<internal::RpcServerImpl>(io, std::move(dispatcher), std::move(metrics),
                                                      std::move(options))) {}
RpcServer::~RpcServer() {
  impl_->Stop();
}
absl::Status RpcServer::Start() {
  return impl_->Start();
}
void RpcServer::Stop() {
  impl_->Stop();
}
uint16_t RpcServer::port() const {
  return impl_->port();
}

}  // namespace theta::net
