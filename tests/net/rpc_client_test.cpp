// RpcClient against the real RpcServer on loopback, and against a raw socket that never answers
// or answers too much.
#include "theta/net/rpc_client.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "theta/net/rpc_server.hpp"

namespace theta::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// An RpcServer with an echo and a failing method, on its own thread.
class Served {
 public:
  Served() : guard_(io_.get_executor()) {
    auto dispatcher = std::make_shared<RpcDispatcher>();
    REQUIRE(
        dispatcher
            ->Register("echo",
                       [](const Json& p, const RpcContext&) -> absl::StatusOr<Json> { return p; })
            .ok());
    REQUIRE(dispatcher
                ->Register("fail",
                           [](const Json&, const RpcContext&) -> absl::StatusOr<Json> {
                             return RpcErrorStatus(3, "execution reverted");
                           })
                .ok());
    REQUIRE(dispatcher
                ->Register("big",
                           [](const Json&, const RpcContext&) -> absl::StatusOr<Json> {
                             return std::string(100000, 'x');
                           })
                .ok());
    server_ = std::make_unique<RpcServer>(io_, dispatcher);
    REQUIRE(server_->Start().ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Served() {
    server_->Stop();
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", server_->port(), "/rpc"); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::unique_ptr<RpcServer> server_;
  std::thread thread_;
};

TEST_CASE("rpc client parses http urls and refuses others", "[rpc_client]") {
  auto url = ParseHttpUrl("http://node.example:16888/rpc");
  REQUIRE(url.ok());
  CHECK(url->host == "node.example");
  CHECK(url->port == "16888");
  CHECK(url->target == "/rpc");
  CHECK(ParseHttpUrl("http://[::1]")->host == "::1");
  CHECK(ParseHttpUrl("http://127.0.0.1")->target == "/");
  CHECK(ParseHttpUrl("http://127.0.0.1")->port == "80");
  for (const char* bad : {"https://x", "x:1", "http://", "http://h:0", "http://h:70000",
                          "http://u@h", "http://[::1"}) {
    CHECK(absl::IsInvalidArgument(ParseHttpUrl(bad).status()));
  }
}

TEST_CASE("rpc client calls methods and maps the node's errors", "[rpc_client]") {
  Served served;
  auto client = RpcClient::Create(served.url());
  REQUIRE(client.ok());
  auto echoed = client->Call("echo", Json{{"a", 1}});
  REQUIRE(echoed.ok());
  CHECK((*echoed)["a"] == 1);
  auto missing = client->Call("nope", nullptr);
  CHECK(absl::IsUnimplemented(missing.status()));
  auto failed = client->Call("fail", Json::array());
  CHECK(absl::IsUnknown(failed.status()));
  CHECK_THAT(std::string(failed.status().message()), Catch::Contains("execution reverted"));
  CHECK_THAT(std::string(failed.status().message()), Catch::Contains("RPC error 3"));
}

TEST_CASE("rpc client caps the response size", "[rpc_client]") {
  Served served;
  RpcClientOptions options;
  options.max_response_bytes = 1000;
  auto client = RpcClient::Create(served.url(), options);
  auto big = client->Call("big", nullptr);
  INFO(big.status().message() << (big.ok() ? big->dump().size() : 0));
  CHECK(absl::IsResourceExhausted(big.status()));
  auto small = client->Call("echo", Json::array({1}));
  INFO(small.status().message());
  CHECK(small.ok());
}

TEST_CASE("rpc client reports an unreachable node and a silent one with the url", "[rpc_client]") {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  const std::string url = absl::StrCat("http://127.0.0.1:", port, "/");
  RpcClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  // The acceptor listens but nobody accepts or answers: the deadline must fire.
  auto silent = RpcClient::Create(url, options)->Call("echo", nullptr);
  CHECK(absl::IsUnavailable(silent.status()));
  CHECK_THAT(std::string(silent.status().message()),
             Catch::Contains("did not answer within 300 ms"));
  acceptor.close();
  auto refused = RpcClient::Create(url, options)->Call("echo", nullptr);
  CHECK(absl::IsUnavailable(refused.status()));
  CHECK_THAT(std::string(refused.status().message()),
             Catch::Contains("node unreachable at " + url));
}

}  // namespace
}  // namespace theta::net
