#include "theta/compute/job_order.hpp"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

using Json = nlohmann::json;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("compute job order: ", std::string(what)));
}

// Within the wall clock's range (nanoseconds in 64 bits reach the year 2262), so a converted
// deadline never overflows it: 2^43 ms is in the year 2248.
constexpr int64_t kMaxUnixMillis = int64_t{1} << 43;

}  // namespace

bool IsValidJobId(std::string_view job_id) noexcept {
  if (job_id.empty() || job_id.size() > 64) return false;
  for (char c : job_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int64_t ToUnixMillis(std::chrono::system_clock::time_point time) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point FromUnixMillis(int64_t millis) noexcept {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis));
}

Hash32 JobSpecHash(const JobSpec& spec) {
  const std::string json = JobSpecToJson(spec);
  return Blake2b256(ByteView(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

absl::StatusOr<JobOrder> ParseJobOrder(std::string_view json) {
  if (json.size() > kMaxJobSpecBytes + 4096) {
    return Bad(absl::StrCat("document of ", json.size(), " bytes exceeds the limit of ",
                            kMaxJobSpecBytes + 4096));
  }
  const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  if (!doc.is_object()) return Bad("the document is not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "job_id" && key != "spec" && key != "price_tfuel_wei" && key != "deadline_unix_ms" &&
        key != "requester") {
      return Bad(absl::StrCat("unknown key \"", key, "\""));
    }
  }
  JobOrder order;
  const auto id = doc.find("job_id");
  if (id == doc.end() || !id->is_string()) return Bad("\"job_id\" must be a string");
  order.job_id = id->get<std::string>();
  if (!IsValidJobId(order.job_id)) return Bad("\"job_id\" must be 1 to 64 of [A-Za-z0-9._-]");

  const auto spec = doc.find("spec");
  if (spec == doc.end() || !spec->is_object()) return Bad("\"spec\" must be a JSON object");
  absl::StatusOr<JobSpec> parsed = ParseJobSpec(spec->dump());
  if (!parsed.ok()) return Bad(absl::StrCat("\"spec\": ", std::string(parsed.status().message())));
  order.spec = std::move(*parsed);

  const auto price = doc.find("price_tfuel_wei");
  if (price == doc.end() || !price->is_string()) {
    return Bad("\"price_tfuel_wei\" must be a decimal string");
  }
  absl::StatusOr<uint256> wei = uint256::FromDecimal(price->get<std::string>());
  if (!wei.ok()) return Bad("\"price_tfuel_wei\" is not a decimal amount below 2^256");
  order.price_tfuel_wei = *wei;

  const auto deadline = doc.find("deadline_unix_ms");
  if (deadline == doc.end() || !deadline->is_number_unsigned() ||
      deadline->get<uint64_t>() > uint64_t{kMaxUnixMillis}) {
    return Bad("\"deadline_unix_ms\" must be a whole number of milliseconds up to 2^43");
  }
  order.deadline = FromUnixMillis(static_cast<int64_t>(deadline->get<uint64_t>()));

  if (const auto requester = doc.find("requester"); requester != doc.end()) {
    if (!requester->is_string()) return Bad("\"requester\" must be a 0x-prefixed address");
    absl::StatusOr<Address> address = Address::FromHex(requester->get<std::string>());
    if (!address.ok()) return Bad("\"requester\" is not a 20-byte hex address");
    order.requester = *address;
  }
  return order;
}

std::string JobOrderToJson(const JobOrder& order) {
  Json doc = Json::object();
  doc["job_id"] = order.job_id;
  doc["spec"] = Json::parse(JobSpecToJson(order.spec));
  doc["price_tfuel_wei"] = order.price_tfuel_wei.ToDecimal();
  doc["deadline_unix_ms"] =
      static_cast<uint64_t>(std::max<int64_t>(0, ToUnixMillis(order.deadline)));
  doc["requester"] = order.requester.ToHex();
  return doc.dump();
}

}  // namespace theta::compute
