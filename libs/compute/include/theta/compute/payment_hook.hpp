// The seam between theta-edge-compute and payments. theta::compute does not know the ledger: when
// the verifier accepts a worker's result it reports the work done as a WorkReceipt, and when it
// catches a wrong result it files a FaultReport. The edge app implements PaymentHook with the
// ledger's micropayment API (a signed service-payment voucher per receipt); the worker that lied
// gets no receipt, so it is never paid.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "theta/core/address.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/uint256.hpp"

namespace theta::compute {

// Who ran a job: a name for logs and reports, and the address its payment goes to.
struct WorkerIdentity {
  std::string id;
  Address payee;

  bool operator==(const WorkerIdentity&) const = default;
};

// One verified piece of work, owed `price_tfuel_wei` by `requester` to `worker.payee`.
struct WorkReceipt {
  std::string job_id;
  Hash32 spec_hash;    // JobSpecHash of the order's spec
  Hash32 output_hash;  // BLAKE2b-256 of the output the worker delivered
  Address requester;
  WorkerIdentity worker;
  uint256 price_tfuel_wei;
  std::string backend;  // what the worker said it ran on
};

// One output element the requester recomputed and the worker got wrong (or a whole-output
// comparison when `index` is the output size: a length mismatch).
struct SampleEvidence {
  uint64_t index = 0;  // element (float kernels) or byte (byte kernels) of the output
  double expected = 0;
  double claimed = 0;
};

// Evidence that a worker delivered a wrong result: enough for a third party holding the spec and
// the inputs to recompute the sampled elements and see the lie.
struct FaultReport {
  std::string job_id;
  Hash32 spec_hash;
  WorkerIdentity worker;
  Hash32 claimed_output_hash;
  Hash32 reference_output_hash;  // zero when the reference was a spot check, not a full result
  // "spot_check": sampled elements recomputed by the requester differ beyond the kernel's
  // tolerance; "reference_mismatch": the whole output differs from the accepted result.
  std::string reason;
  std::string detail;                    // human-readable: the error measure and tolerance
  std::vector<SampleEvidence> evidence;  // the worst elements, at most 16
  int64_t unix_ms = 0;                   // when it was filed

  std::string ToJson() const;
};

// Implemented by the app. Called by the Verifier from the thread that runs Verifier::Run; an
// implementation used by several verifiers at once must lock.
class PaymentHook {
 public:
  virtual ~PaymentHook() = default;
  // Pays for `receipt`. A non-OK status means the payment was not made (the verdict says so).
  virtual absl::Status OnVerified(const WorkReceipt& receipt) = 0;
  // Records (and may forward) a report against a worker. The worker is not paid for the job.
  virtual void OnFault(const FaultReport& report) = 0;
};

}  // namespace theta::compute
