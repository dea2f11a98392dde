#include "worker_service.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/net/rpc_client.hpp"

namespace theta::edge {
namespace {

using net::Json;

double Millis(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

absl::StatusOr<Json> Run(compute::Scheduler& scheduler, const Json& params) {
  if (!params.is_object() || !params.contains("order") || !params["order"].is_object()) {
    return absl::InvalidArgumentError("compute_run: params must be {\"order\": <job order>}");
  }
  absl::StatusOr<compute::JobOrder> order = compute::ParseJobOrder(params["order"].dump());
  if (!order.ok()) return order.status();
  Json answer = {{"job_id", order->job_id}};
  absl::StatusOr<compute::JobResult> result = [&]() -> absl::StatusOr<compute::JobResult> {
    absl::StatusOr<std::shared_future<compute::JobOutcome>> outcome = scheduler.Submit(*order);
    if (!outcome.ok()) return outcome.status();
    const compute::JobOutcome& done = outcome->get();
    answer["queued_ms"] = Millis(done.queued);
    answer["run_ms"] = Millis(done.run_time);
    return done.result;
  }();
  if (!result.ok()) {
    answer["ok"] = false;
    answer["code"] = static_cast<int>(result.status().code());
    answer["message"] = std::string(result.status().message());
    return answer;
  }
  answer["ok"] = true;
  answer["backend"] = result->backend;
  answer["output_hash"] = result->output_hash.ToHex();
  answer["output_hex"] = ToHex(result->output);
  return answer;
}

Json Stats(const compute::SchedulerStats& s) {
  return {{"queued", s.queued},    {"running", s.running},     {"completed", s.completed},
          {"failed", s.failed},    {"timed_out", s.timed_out}, {"cancelled", s.cancelled},
          {"rejected", s.rejected}};
}

}  // namespace

absl::Status RegisterComputeMethods(net::RpcDispatcher& dispatcher, compute::Scheduler& scheduler) {
  compute::Scheduler* s = &scheduler;
  absl::Status st = dispatcher.Register(
      "compute_run", [s](const Json& params, const net::RpcContext&) { return Run(*s, params); });
  if (!st.ok()) return st;
  st = dispatcher.Register(
      "compute_cancel", [s](const Json& params, const net::RpcContext&) -> absl::StatusOr<Json> {
        if (!params.is_object() || !params.contains("job_id") || !params["job_id"].is_string()) {
          return absl::InvalidArgumentError("compute_cancel: params must be {\"job_id\": ID}");
        }
        return Json(s->Cancel(params["job_id"].get<std::string>()));
      });
  if (!st.ok()) return st;
  return dispatcher.Register("compute_stats",
                             [s](const Json&, const net::RpcContext&) -> absl::StatusOr<Json> {
                               return Stats(s->stats());
                             });
}

absl::StatusOr<compute::JobResult> DecodeRunAnswer(const Json& answer) {
  auto bad = [](std::string_view what) {
    return absl::DataLossError(absl::StrCat("compute_run answer: ", std::string(what)));
  };
  if (!answer.is_object()) return bad("not a JSON object");
  const auto ok = answer.find("ok");
  if (ok == answer.end() || !ok->is_boolean()) return bad("no boolean \"ok\"");
  if (!ok->get<bool>()) {
    const auto code = answer.find("code");
    const auto message = answer.find("message");
    if (code == answer.end() || message == answer.end() || !code->is_number_integer() ||
        !message->is_string() || code->get<int64_t>() <= 0 ||
        code->get<int64_t>() > static_cast<int64_t>(absl::StatusCode::kUnauthenticated)) {
      return bad("a failure without a valid status code and message");
    }
    return absl::Status(static_cast<absl::StatusCode>(code->get<int64_t>()),
                        message->get<std::string>());
  }
  const auto hex = answer.find("output_hex");
  const auto hash = answer.find("output_hash");
  const auto backend = answer.find("backend");
  if (hex == answer.end() || hash == answer.end() || backend == answer.end() || !hex->is_string() ||
      !hash->is_string() || !backend->is_string()) {
    return bad("missing output_hex, output_hash or backend");
  }
  absl::StatusOr<Bytes> output = ParseHex(hex->get<std::string>());
  absl::StatusOr<Hash32> claimed = Hash32::FromHex(hash->get<std::string>());
  if (!output.ok() || !claimed.ok()) return bad("output or hash is not hex");
  compute::JobResult result;
  result.output = std::move(*output);
  result.output_hash = Blake2b256(result.output);
  if (result.output_hash != *claimed) return bad("the output does not match its claimed hash");
  result.backend = backend->get<std::string>();
  return result;
}

RemoteWorker::RemoteWorker(compute::WorkerIdentity identity, std::string url,
                           std::chrono::milliseconds grace)
    : identity_(std::move(identity)), url_(std::move(url)), grace_(grace) {}

absl::StatusOr<compute::JobResult> RemoteWorker::Execute(const compute::JobOrder& order) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      order.deadline - std::chrono::system_clock::now());
  net::RpcClientOptions options;
  // Capped: a deadline centuries away must not overflow the client's clock arithmetic.
  options.timeout = std::clamp<std::chrono::milliseconds>(left, std::chrono::milliseconds(0),
                                                          std::chrono::hours(24)) +
                    grace_;
  // The output comes back as hex: twice its bytes, plus the envelope.
  options.max_response_bytes = static_cast<size_t>(
      std::min<uint64_t>(order.spec.limits.max_output_bytes, 512ull << 20) * 2 + (64 << 10));
  absl::StatusOr<net::RpcClient> client = net::RpcClient::Create(url_, options);
  if (!client.ok()) return client.status();
  absl::StatusOr<Json> answer =
      client->Call("compute_run", {{"order", Json::parse(compute::JobOrderToJson(order))}});
  if (!answer.ok()) return answer.status();
  absl::StatusOr<compute::JobResult> result = DecodeRunAnswer(*answer);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat("compute worker ", identity_.id, " at ", url_, ": ",
                                     std::string(result.status().message())));
  }
  return result;
}

absl::StatusOr<bool> RemoteWorker::Cancel(const std::string& job_id) {
  absl::StatusOr<net::RpcClient> client = net::RpcClient::Create(url_);
  if (!client.ok()) return client.status();
  absl::StatusOr<Json> answer = client->Call("compute_cancel", {{"job_id", job_id}});
  if (!answer.ok()) return answer.status();
  if (!answer->is_boolean()) return absl::DataLossError("compute_cancel: not a boolean answer");
  return answer->get<bool>();
}

}  // namespace theta::edge
