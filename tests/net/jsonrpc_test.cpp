#include "theta/net/jsonrpc.hpp"

#include <catch2/catch.hpp>
#include <memory>

namespace theta::net {
namespace {

std::unique_ptr<RpcDispatcher> MakeDispatcher() {
  auto owned = std::make_unique<RpcDispatcher>(RpcDispatcherOptions{.max_batch_size = 3});
  RpcDispatcher& dispatcher = *owned;
  REQUIRE(dispatcher
              .Register("add",
                        [](const Json& params, const RpcContext&) -> absl::StatusOr<Json> {
                          if (!params.is_array() || params.size() != 2) {
                            return absl::InvalidArgumentError("add takes two numbers");
                          }
                          return params.at(0).get<int64_t>() + params.at(1).get<int64_t>();
                        })
              .ok());
  REQUIRE(dispatcher
              .Register("revert",
                        [](const Json&, const RpcContext&) -> absl::StatusOr<Json> {
                          return RpcErrorStatus(3, "execution reverted", "0x08c379a0");
                        })
              .ok());
  REQUIRE(dispatcher
              .Register("boom",
                        [](const Json&, const RpcContext&) -> absl::StatusOr<Json> {
                          throw std::runtime_error("disk on fire");
                        })
              .ok());
  REQUIRE(dispatcher
              .Register("echo",
                        [](const Json& params, const RpcContext& ctx) -> absl::StatusOr<Json> {
                          return Json{{"params", params}, {"transport", ctx.transport}};
                        })
              .ok());
  return owned;
}

Json Call(const RpcDispatcher& dispatcher, std::string_view body) {
  std::optional<std::string> response = dispatcher.Handle(body, RpcContext{});
  REQUIRE(response.has_value());
  Json parsed = Json::parse(*response);
  return parsed;
}

void CheckError(const Json& response, int code, const Json& id = nullptr) {
  CAPTURE(response.dump());
  CHECK(response["jsonrpc"] == "2.0");
  CHECK(response["id"] == id);
  CHECK(response["error"]["code"] == code);
  CHECK(response["error"]["message"].is_string());
  CHECK_FALSE(response.contains("result"));
}

TEST_CASE("json-rpc answers a call with its id and result", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  const RpcDispatcher& dispatcher = *owned;
  const Json response =
      Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","params":[2,3],"id":7})");
  CHECK(response == Json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", 5}});
  CHECK(Call(dispatcher, R"({"jsonrpc":"2.0","method":"echo","id":"a"})")["result"]["params"]
            .is_null());
  CHECK(Call(dispatcher, R"({"jsonrpc":"2.0","method":"echo","params":{"x":1},"id":null})")["id"]
            .is_null());
}

TEST_CASE("json-rpc maps every bad request to the spec's error code", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  const RpcDispatcher& dispatcher = *owned;
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","params":[1,2)"), kRpcParseError);
  CheckError(Call(dispatcher, "\xff\xfe"), kRpcParseError);
  CheckError(Call(dispatcher, "42"), kRpcInvalidRequest);
  CheckError(Call(dispatcher, R"({"method":"add","params":[1,2],"id":1})"), kRpcInvalidRequest, 1);
  CheckError(Call(dispatcher, R"({"jsonrpc":"1.0","method":"add","id":1})"), kRpcInvalidRequest, 1);
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":1,"id":1})"), kRpcInvalidRequest, 1);
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","params":"x","id":1})"),
             kRpcInvalidRequest, 1);
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","id":{"a":1}})"),
             kRpcInvalidRequest);
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"nope","id":2})"), kRpcMethodNotFound,
             2);
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","params":[1],"id":3})"),
             kRpcInvalidParams, 3);
  // A wrong type inside params makes nlohmann throw in the handler: still invalid params.
  CheckError(Call(dispatcher, R"({"jsonrpc":"2.0","method":"add","params":["a","b"],"id":4})"),
             kRpcInvalidParams, 4);
  const Json boom = Call(dispatcher, R"({"jsonrpc":"2.0","method":"boom","id":5})");
  CheckError(boom, kRpcInternalError, 5);
  CHECK_THAT(boom["error"]["message"].get<std::string>(), Catch::Contains("disk on fire"));
}

TEST_CASE("json-rpc passes a handler's own error code and data through", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  const RpcDispatcher& dispatcher = *owned;
  const Json response = Call(dispatcher, R"({"jsonrpc":"2.0","method":"revert","id":1})");
  CheckError(response, 3, 1);
  CHECK(response["error"]["message"] == "execution reverted");
  CHECK(response["error"]["data"] == "0x08c379a0");
}

TEST_CASE("json-rpc answers batches in order and skips notifications", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  const RpcDispatcher& dispatcher = *owned;
  const Json response = Call(dispatcher, R"([
    {"jsonrpc":"2.0","method":"add","params":[1,1],"id":1},
    {"jsonrpc":"2.0","method":"add","params":[5,5]},
    {"foo":"bar"}
  ])");
  REQUIRE(response.is_array());
  REQUIRE(response.size() == 2);
  CHECK(response[0]["result"] == 2);
  CheckError(response[1], kRpcInvalidRequest);
  CHECK_FALSE(dispatcher.Handle(R"({"jsonrpc":"2.0","method":"add","params":[1,1]})", {}));
  CHECK_FALSE(dispatcher.Handle(R"([{"jsonrpc":"2.0","method":"add","params":[1,1]}])", {}));
  CHECK_FALSE(dispatcher.Handle(R"({"jsonrpc":"2.0","method":"missing"})", {}));
  CheckError(Call(dispatcher, "[]"), kRpcInvalidRequest);
  const Json invalid_batch = Call(dispatcher, "[1,2]");
  REQUIRE(invalid_batch.size() == 2);
  CheckError(invalid_batch[1], kRpcInvalidRequest);
  const Json too_many = Call(dispatcher, "[1,2,3,4]");
  CheckError(too_many, kRpcInvalidRequest);
  CHECK_THAT(too_many["error"]["message"].get<std::string>(), Catch::Contains("limit of 3"));
}

TEST_CASE("json-rpc survives deeply nested input", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  const RpcDispatcher& dispatcher = *owned;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Json response = Call(dispatcher, deep);
  REQUIRE(response.is_array());
  CheckError(response[0], kRpcInvalidRequest);
}

TEST_CASE("json-rpc refuses duplicate and reserved method names", "[net][jsonrpc]") {
  const auto owned = MakeDispatcher();
  RpcDispatcher& dispatcher = *owned;
  CHECK(dispatcher.Register("add", nullptr).code() == absl::StatusCode::kAlreadyExists);
  CHECK(dispatcher.Register("rpc.discover", nullptr).code() == absl::StatusCode::kInvalidArgument);
  CHECK(dispatcher.Register("", nullptr).code() == absl::StatusCode::kInvalidArgument);
  CHECK(dispatcher.Has("echo"));
  CHECK_FALSE(dispatcher.Has("ech"));
}

}  // namespace
}  // namespace theta::net
