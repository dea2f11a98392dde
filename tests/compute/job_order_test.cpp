// The job order envelope: JSON round trip and clear errors for bad documents.
#include "theta/compute/job_order.hpp"

#include <catch2/catch.hpp>

#include "job_test_util.hpp"

namespace theta::compute {
namespace {

constexpr char kOrder[] = R"({"job_id": "job-1",
  "spec": {"kernel": "binary", "params": {"op": "add", "count": 2},
           "inputs": [{"name": "a", "hex": "0x0000803f00000040"},
                      {"name": "b", "hex": "0x0000803f00000040"}]},
  "price_tfuel_wei": "1000000000000000000", "deadline_unix_ms": 1765000000000,
  "requester": "0x2e833968e5bb786ae419c4d13189fb081cc43bab"})";

TEST_CASE("a job order parses, names its price and deadline and round-trips", "[compute][order]") {
  auto order = ParseJobOrder(kOrder);
  REQUIRE(order.ok());
  CHECK(order->job_id == "job-1");
  CHECK(order->spec.kernel == JobKernel::kBinary);
  CHECK(order->price_tfuel_wei == uint256(1'000'000'000'000'000'000ULL));
  CHECK(ToUnixMillis(order->deadline) == 1765000000000);
  CHECK(order->requester.ToHex() == "0x2e833968e5bb786ae419c4d13189fb081cc43bab");
  auto again = ParseJobOrder(JobOrderToJson(*order));
  REQUIRE(again.ok());
  CHECK(*again == *order);
  CHECK(JobSpecHash(order->spec) == JobSpecHash(again->spec));
  JobSpec other = order->spec;
  other.op = "mul";
  CHECK(JobSpecHash(other) != JobSpecHash(order->spec));
}

TEST_CASE("bad job orders are InvalidArgument naming the key", "[compute][order]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "not a JSON object"},
      {"{", "not valid JSON"},
      {R"({"job_id": "x", "spec": {}, "price_tfuel_wei": "1", "deadline_unix_ms": 1})", "spec"},
      {R"({"job_id": "", "spec": {}, "price_tfuel_wei": "1", "deadline_unix_ms": 1})", "job_id"},
      {R"({"job_id": "a b", "spec": {}, "price_tfuel_wei": "1", "deadline_unix_ms": 1})", "job_id"},
      {R"({"job_id": "a", "spec": {"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
          "inputs": [{"name": "a", "hex": "0x00000000"}, {"name": "b", "hex": "0x00000000"}]},
          "price_tfuel_wei": 5, "deadline_unix_ms": 1})",
       "price_tfuel_wei"},
      {R"({"job_id": "a", "spec": {"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
          "inputs": [{"name": "a", "hex": "0x00000000"}, {"name": "b", "hex": "0x00000000"}]},
          "price_tfuel_wei": "5", "deadline_unix_ms": -1})",
       "deadline_unix_ms"},
      {R"({"job_id": "a", "spec": {"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
          "inputs": [{"name": "a", "hex": "0x00000000"}, {"name": "b", "hex": "0x00000000"}]},
          "price_tfuel_wei": "5", "deadline_unix_ms": 1, "requester": "0x12"})",
       "requester"},
      {R"({"job_id": "a", "spec": {"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
          "inputs": [{"name": "a", "hex": "0x00000000"}, {"name": "b", "hex": "0x00000000"}]},
          "price_tfuel_wei": "5", "deadline_unix_ms": 8796093022209})",
       "deadline_unix_ms"},
      {R"({"job_id": "a", "extra": 1})", "unknown key"},
  };
  for (const auto& [json, mentions] : cases) {
    INFO(json);
    auto order = ParseJobOrder(json);
    REQUIRE_FALSE(order.ok());
    CHECK(order.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(order.status().message()), Catch::Contains(mentions));
  }
}

}  // namespace
}  // namespace theta::compute
