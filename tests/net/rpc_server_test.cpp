// The RPC server over real loopback HTTP and WebSocket connections, with a small Beast client whose
// every operation has a deadline.
#include "theta/net/rpc_server.hpp"

#include <catch2/catch.hpp>
#include <mutex>

#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/websocket.hpp"
#include "net_test_util.hpp"

namespace theta::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using testing::IoThread;
using testing::WaitFor;

// Runs one asynchronous client operation to completion or fails the test after 5 s.
template <typename StartOp>
beast::error_code Await(asio::io_context& io, StartOp start) {
  std::optional<beast::error_code> result;
  start([&](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  return *result;
}

// One keep-alive HTTP connection.
class HttpClient {
 public:
  explicit HttpClient(uint16_t port) : stream_(io_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    REQUIRE_FALSE(Await(io_, [&](auto done) { stream_.async_connect(endpoint, done); }));
  }

  // Sends a request; the error code is set when the connection fails instead of answering.
  http::response<http::string_body> Request(http::verb verb, std::string_view target,
                                            std::string body = "",
                                            std::string content_type = "application/json",
                                            beast::error_code* error = nullptr) {
    http::request<http::string_body> request(verb, std::string(target), 11);
    request.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    beast::error_code ec =
        Await(io_, [&](auto done) { http::async_write(stream_, request, done); });
    http::response<http::string_body> response;
    if (!ec) {
      ec = Await(io_, [&](auto done) { http::async_read(stream_, buffer_, response, done); });
    }
    if (error) {
      *error = ec;
    } else {
      REQUIRE_FALSE(ec);
    }
    return response;
  }

  http::response<http::string_body> Post(std::string body, std::string_view target = "/") {
    return Request(http::verb::post, target, std::move(body));
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

Json BodyJson(const http::response<http::string_body>& response) {
  return Json::parse(response.body());
}

// A server with a few methods, on its own thread.
struct Fixture {
  explicit Fixture(RpcServerOptions options = {}) {
    auto dispatcher = std::make_shared<RpcDispatcher>();
    REQUIRE(dispatcher
                ->Register("add",
                           [](const Json& p, const RpcContext&) -> absl::StatusOr<Json> {
                             return p.at(0).get<int64_t>() + p.at(1).get<int64_t>();
                           })
                .ok());
    REQUIRE(dispatcher
                ->Register("transport",
                           [](const Json&, const RpcContext& ctx) -> absl::StatusOr<Json> {
                             return ctx.transport;
                           })
                .ok());
    REQUIRE(dispatcher
                ->Register("subscribe",
                           [this](const Json&, const RpcContext& ctx) -> absl::StatusOr<Json> {
                             if (!ctx.notifier)
                               return RpcErrorStatus(-32000, "notifications need a WebSocket");
                             std::lock_guard lock(mu);
                             notifiers.push_back(ctx.notifier);
                             return "0x1";
                           })
                .ok());
    metrics = std::make_shared<MetricsRegistry>();
    metrics->GetGauge("theta_height", "Latest block height.").Set(12);
    server = std::make_unique<RpcServer>(io.io(), dispatcher, metrics, std::move(options));
    REQUIRE(server->Start().ok());
  }
  ~Fixture() { server.reset(); }

  std::shared_ptr<RpcNotifier> notifier(size_t i) {
    std::lock_guard lock(mu);
    return i < notifiers.size() ? notifiers[i] : nullptr;
  }

  std::mutex mu;
  std::vector<std::shared_ptr<RpcNotifier>> notifiers;
  std::shared_ptr<MetricsRegistry> metrics;
  IoThread io;  // declared before the server: drained after the server stopped
  std::unique_ptr<RpcServer> server;
};

TEST_CASE("rpc server answers JSON-RPC calls over HTTP on / and /rpc", "[net][rpc]") {
  Fixture fixture;
  REQUIRE(fixture.server->port() != 0);
  HttpClient client(fixture.server->port());
  auto response = client.Post(R"({"jsonrpc":"2.0","method":"add","params":[2,40],"id":1})");
  CHECK(response.result() == http::status::ok);
  CHECK(response[http::field::content_type] == "application/json");
  CHECK(BodyJson(response) == Json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", 42}});
  response = client.Post(R"([{"jsonrpc":"2.0","method":"transport","id":2}])", "/rpc");
  CHECK(BodyJson(response)[0]["result"] == "http");
}

TEST_CASE("rpc server gives bad HTTP requests the status codes clients expect", "[net][rpc]") {
  Fixture fixture(RpcServerOptions{.max_body_size = 1024});
  HttpClient client(fixture.server->port());
  auto parse_error = client.Post("{not json");
  CHECK(parse_error.result() == http::status::ok);
  CHECK(BodyJson(parse_error)["error"]["code"] == kRpcParseError);
  auto unknown = client.Post(R"({"jsonrpc":"2.0","method":"nope","id":1})");
  CHECK(BodyJson(unknown)["error"]["code"] == kRpcMethodNotFound);
  auto get = client.Request(http::verb::get, "/");
  CHECK(get.result() == http::status::method_not_allowed);
  CHECK(get[http::field::allow] == "POST");
  CHECK(BodyJson(get)["error"]["code"] == kRpcInvalidRequest);
  CHECK(client.Request(http::verb::post, "/nowhere", "{}").result() == http::status::not_found);
  auto form = client.Request(http::verb::post, "/", "a=b", "application/x-www-form-urlencoded");
  CHECK(form.result() == http::status::unsupported_media_type);
  auto notification = client.Post(R"({"jsonrpc":"2.0","method":"add","params":[1,2]})");
  CHECK(notification.result() == http::status::no_content);
  CHECK(notification.body().empty());
  // Too large a body ends the connection after a 413 with a JSON-RPC error.
  auto too_big = client.Post(std::string(2000, ' ') + "{}");
  CHECK(too_big.result() == http::status::payload_too_large);
  CHECK(BodyJson(too_big)["error"]["code"] == kRpcInvalidRequest);
  CHECK_THAT(too_big.body(), Catch::Contains("limit of 1024 bytes"));
  CHECK_FALSE(too_big.keep_alive());
}

TEST_CASE("rpc server closes a keep-alive connection after its request limit", "[net][rpc]") {
  Fixture fixture(RpcServerOptions{.max_requests_per_connection = 2});
  HttpClient client(fixture.server->port());
  const std::string call = R"({"jsonrpc":"2.0","method":"add","params":[1,1],"id":1})";
  CHECK(client.Post(call).keep_alive());
  auto second = client.Post(call);
  CHECK(BodyJson(second)["result"] == 2);
  CHECK_FALSE(second.keep_alive());
  beast::error_code error;
  client.Request(http::verb::post, "/", call, "application/json", &error);
  CHECK(error);
}

TEST_CASE("rpc server closes an idle connection", "[net][rpc]") {
  Fixture fixture(RpcServerOptions{.idle_timeout = std::chrono::milliseconds(100)});
  asio::io_context io;
  beast::tcp_stream stream(io);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), fixture.server->port());
  REQUIRE_FALSE(Await(io, [&](auto done) { stream.async_connect(endpoint, done); }));
  std::array<char, 16> buffer{};
  const beast::error_code ec =
      Await(io, [&](auto done) { stream.async_read_some(asio::buffer(buffer), done); });
  CHECK(ec == asio::error::eof);
}

TEST_CASE("rpc server refuses connections beyond its limit", "[net][rpc]") {
  Fixture fixture(RpcServerOptions{.max_connections = 1});
  const std::string call = R"({"jsonrpc":"2.0","method":"add","params":[1,1],"id":1})";
  HttpClient first(fixture.server->port());
  CHECK(BodyJson(first.Post(call))["result"] == 2);
  HttpClient second(fixture.server->port());
  beast::error_code error;
  second.Request(http::verb::post, "/", call, "application/json", &error);
  CHECK(error);
  CHECK(BodyJson(first.Post(call))["result"] == 2);
}

TEST_CASE("rpc server serves the metrics registry as Prometheus text", "[net][rpc]") {
  Fixture fixture;
  HttpClient client(fixture.server->port());
  auto response = client.Request(http::verb::get, "/metrics", "", "");
  CHECK(response.result() == http::status::ok);
  CHECK_THAT(std::string(response[http::field::content_type]), Catch::Contains("version=0.0.4"));
  CHECK_THAT(response.body(), Catch::Contains("# TYPE theta_height gauge\ntheta_height 12\n"));
}

// One WebSocket client.
class WsClient {
 public:
  WsClient(uint16_t port, std::string_view path) : ws_(io_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    REQUIRE_FALSE(
        Await(io_, [&](auto done) { beast::get_lowest_layer(ws_).async_connect(endpoint, done); }));
    REQUIRE_FALSE(
        Await(io_, [&](auto done) { ws_.async_handshake("127.0.0.1", std::string(path), done); }));
  }
  void Send(const std::string& text) {
    REQUIRE_FALSE(Await(io_, [&](auto done) { ws_.async_write(asio::buffer(text), done); }));
  }
  Json Receive() {
    beast::flat_buffer buffer;
    REQUIRE_FALSE(Await(io_, [&](auto done) { ws_.async_read(buffer, done); }));
    return Json::parse(beast::buffers_to_string(buffer.data()));
  }
  void Close() {
    (void)Await(io_, [&](auto done) { ws_.async_close(websocket::close_code::normal, done); });
  }

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
};

TEST_CASE("rpc server answers over WebSocket on /ws and on /", "[net][rpc]") {
  Fixture fixture;
  for (const char* path : {"/ws", "/"}) {
    CAPTURE(path);
    WsClient client(fixture.server->port(), path);
    client.Send(R"({"jsonrpc":"2.0","method":"transport","id":9})");
    CHECK(client.Receive() == Json{{"jsonrpc", "2.0"}, {"id", 9}, {"result", "ws"}});
    client.Send("[]");
    CHECK(client.Receive()["error"]["code"] == kRpcInvalidRequest);
    client.Close();
  }
}

TEST_CASE("rpc server pushes subscription notifications until the client leaves", "[net][rpc]") {
  Fixture fixture;
  {
    WsClient client(fixture.server->port(), "/ws");
    client.Send(R"({"jsonrpc":"2.0","method":"subscribe","id":1})");
    CHECK(client.Receive()["result"] == "0x1");
    std::shared_ptr<RpcNotifier> notifier = fixture.notifier(0);
    REQUIRE(notifier);
    CHECK_FALSE(notifier->closed());
    for (int i = 0; i < 3; ++i) {
      REQUIRE(notifier->Notify(MakeRpcNotification(
          "eth_subscription", Json{{"subscription", "0x1"}, {"result", {{"number", i}}}})));
    }
    for (int i = 0; i < 3; ++i) {
      const Json note = client.Receive();
      CHECK(note["method"] == "eth_subscription");
      CHECK(note["params"]["result"]["number"] == i);
      CHECK_FALSE(note.contains("id"));
    }
    client.Close();
  }
  CHECK(WaitFor([&] { return fixture.notifier(0)->closed(); }));
  CHECK_FALSE(fixture.notifier(0)->Notify(Json::object()));
}

TEST_CASE("rpc server drops a subscriber that stops reading", "[net][rpc]") {
  Fixture fixture(RpcServerOptions{.max_ws_queue_bytes = 64 << 10});
  WsClient client(fixture.server->port(), "/ws");
  client.Send(R"({"jsonrpc":"2.0","method":"subscribe","id":1})");
  CHECK(client.Receive()["result"] == "0x1");
  std::shared_ptr<RpcNotifier> notifier = fixture.notifier(0);
  REQUIRE(notifier);
  const Json big = MakeRpcNotification("eth_subscription", std::string(16 << 10, 'x'));
  // The client never reads again; the kernel buffers fill, then the server's queue.
  for (int i = 0; i < 4000 && notifier->Notify(big); ++i) {
    if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(WaitFor([&] { return notifier->closed(); }));
}

TEST_CASE("rpc server refuses subscriptions over plain HTTP", "[net][rpc]") {
  Fixture fixture;
  HttpClient client(fixture.server->port());
  auto response = client.Post(R"({"jsonrpc":"2.0","method":"subscribe","id":1})");
  CHECK(BodyJson(response)["error"]["code"] == -32000);
}

}  // namespace
}  // namespace theta::net
