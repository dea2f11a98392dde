// A JobOrder is a JobSpec as a requester trades it: an id the requester chooses, the price it pays
// a worker whose result is verified, the deadline after which the result is worth nothing to it,
// and the requester's address (the payer of the service-payment voucher). The scheduler on an edge
// worker queues orders; the verifier checks their results and the payment hook pays for them.
//
// JSON form (every key required except "requester"; unknown keys are rejected):
//   {"job_id": "job-1", "spec": {<a JobSpec, see job_spec.hpp>},
//    "price_tfuel_wei": "1000000000000000", "deadline_unix_ms": 1765000000000,
//    "requester": "0x<20 bytes>"}
// The price is a decimal string (TFUEL wei do not fit a JSON double); the deadline is at most 2^43
// (the year 2248, inside the range of the wall clock's nanoseconds). ParseJobOrder never throws:
// bad input is InvalidArgument naming the key. JobOrderToJson writes the canonical form, which
// ParseJobOrder reads back to an equal order.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/compute/job_spec.hpp"
#include "theta/core/address.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/uint256.hpp"

namespace theta::compute {

struct JobOrder {
  std::string job_id;  // 1 to 64 of [A-Za-z0-9._-]
  JobSpec spec;
  uint256 price_tfuel_wei;
  // Wall-clock time (millisecond precision) by which the result must be delivered.
  std::chrono::system_clock::time_point deadline;
  Address requester;  // all zero when the order names none

  bool operator==(const JobOrder&) const = default;
};

absl::StatusOr<JobOrder> ParseJobOrder(std::string_view json);
std::string JobOrderToJson(const JobOrder& order);
// Whether `job_id` is a valid order id (what ParseJobOrder and the scheduler accept).
bool IsValidJobId(std::string_view job_id) noexcept;

// BLAKE2b-256 of the spec's canonical JSON (JobSpecToJson): the name receipts and fault reports
// give the job, so a third party can check that both sides talk about the same work.
Hash32 JobSpecHash(const JobSpec& spec);

// Milliseconds since the Unix epoch, the unit of "deadline_unix_ms".
int64_t ToUnixMillis(std::chrono::system_clock::time_point time) noexcept;
std::chrono::system_clock::time_point FromUnixMillis(int64_t millis) noexcept;

}  // namespace theta::compute
