// Verification of compute results on the requester's side, without trusting any one worker:
//
// - Redundant execution: the same order runs on two (or more) workers. Equal output hashes agree
//   at once (every kernel is deterministic on one implementation); different hashes still agree
//   when the outputs are within the kernel's Tolerance, because fp32 results legitimately differ
//   between backends (summation order, fused multiply-add, the device's exp/tanh).
// - Spot checks: the requester recomputes a random sample of each result on its own CPU (matmul
//   and softmax/reduce: whole rows; conv2d and element-wise ops: single elements; other kernels:
//   the whole job on a local CPU runner, compared at the sampled positions) and compares under the
//   same tolerance. The sample is drawn after the result arrives, from the requester's randomness,
//   so a worker cannot know which elements will be checked.
// - When two results that both pass their spot checks disagree, a local full CPU run (if the
//   verifier has one) decides; without it neither worker is paid nor reported.
//
// A worker whose result fails is not paid and a FaultReport with the evidence goes to the
// PaymentHook; a worker whose result is accepted gets a WorkReceipt through the hook.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/compute/job_order.hpp"
#include "theta/compute/job_runner.hpp"
#include "theta/compute/payment_hook.hpp"
#include "theta/compute/scheduler.hpp"
#include "theta/core/bytes.hpp"

namespace theta::compute {

// How far two outputs of one kernel may differ and still agree.
struct Tolerance {
  bool float_output = true;  // f32 elements; otherwise bytes
  // Float kernels: max |claimed - reference| over the compared elements, divided by the largest
  // |reference| among them (per-element ratios blow up near zero), at most this.
  double relative = 0;
  // Byte kernels: the largest per-byte difference allowed (rounding differs between backends).
  int max_byte_diff = 0;
};

// matmul and conv2d: relative 1e-4 (the bar their tests hold backends to); softmax, reduce and
// activations: 1e-4 (device exp/tanh); binary: 1e-6; resize_bilinear and yuv_to_rgb: 1 per byte;
// model (matched by its name, JobKernelName): relative 1e-4; any other kernel (transcode): bytes,
// exact.
Tolerance ToleranceFor(JobKernel kernel) noexcept;

struct Comparison {
  bool agree = false;
  bool identical = false;  // equal bytes
  double error = 0;        // the measure Tolerance bounds (relative error or max byte difference)
  std::string detail;      // why they disagree, for reports
  std::vector<SampleEvidence> worst;  // up to 16 elements that differ the most
};

// Compares a claimed output with a reference output of the same spec under ToleranceFor.
Comparison CompareOutputs(const JobSpec& spec, ByteView reference, ByteView claimed);

struct SpotCheckOptions {
  size_t samples = 8;    // rows or elements to recompute
  uint64_t seed = 0;     // 0: fresh randomness (std::random_device)
  BlobResolver resolve;  // for inputs given by hash
};

struct SpotCheck {
  bool passed = false;
  std::vector<uint64_t> positions;  // the sampled rows or elements
  Comparison comparison;            // over the sampled elements only
};

// Recomputes a random sample of `spec`'s output on this CPU and compares it with `claimed`. An
// output of the wrong size fails the check. Errors (no check made): InvalidArgument for a spec that
// does not validate, NotFound/DataLoss for inputs that cannot be resolved, a local run's error.
absl::StatusOr<SpotCheck> SpotCheckOutput(const JobSpec& spec, ByteView claimed,
                                          const SpotCheckOptions& options);

// A worker the requester hands orders to: in this process (SchedulerWorker) or across the network.
class ComputeWorker {
 public:
  virtual ~ComputeWorker() = default;
  virtual const WorkerIdentity& identity() const = 0;
  // Runs `order` and returns what the worker claims is its result. May block until the deadline.
  virtual absl::StatusOr<JobResult> Execute(const JobOrder& order) = 0;
};

// A ComputeWorker on a Scheduler in this process (which must outlive it).
class SchedulerWorker : public ComputeWorker {
 public:
  SchedulerWorker(WorkerIdentity identity, Scheduler& scheduler);
  const WorkerIdentity& identity() const override { return identity_; }
  absl::StatusOr<JobResult> Execute(const JobOrder& order) override;

 private:
  WorkerIdentity identity_;
  Scheduler& scheduler_;
};

struct VerifierOptions {
  size_t spot_samples = 8;  // per result; 0 disables spot checks
  uint64_t seed = 0;        // 0: fresh randomness
  BlobResolver resolve;     // for inputs given by hash
  // Settles disagreements between results that pass their spot checks by a full local run on the
  // CPU. Optional (without it such a job is left unverified).
  JobExecutor reference;
  PaymentHook* hook = nullptr;  // optional; receives receipts and fault reports
};

struct WorkerVerdict {
  WorkerIdentity worker;
  absl::Status execution;  // the worker's error when it delivered nothing
  std::optional<Hash32> output_hash;
  bool accepted = false;
  std::optional<FaultReport> fault;
  bool paid = false;
  absl::Status payment;  // the hook's error when the payment failed
};

struct VerifiedJob {
  std::string job_id;
  bool verified = false;                // some worker's result was accepted
  std::optional<JobResult> result;      // the accepted result
  std::vector<WorkerVerdict> verdicts;  // one per worker, in the order given
};

// Runs orders on workers and verifies, pays and reports as the header comment describes. Not
// thread-safe (one Run at a time); Run calls the workers concurrently.
class Verifier {
 public:
  explicit Verifier(VerifierOptions options);

  // Runs `order` on every worker at once (two for redundant execution; one relies on spot checks
  // alone) and returns the verdicts. Errors: InvalidArgument for an order that does not validate,
  // for no workers, or for one worker with spot checks disabled (nothing would check it); the
  // spot check's errors for inputs the verifier cannot resolve.
  absl::StatusOr<VerifiedJob> Run(const JobOrder& order, std::span<ComputeWorker* const> workers);

 private:
  absl::Status Judge(const JobOrder& order, std::vector<absl::StatusOr<JobResult>>& results,
                     VerifiedJob& job);
  FaultReport Report(const JobOrder& order, const WorkerVerdict& verdict, std::string reason,
                     const Comparison& comparison, const Hash32& reference_hash) const;
  VerifierOptions options_;
  uint64_t draws_ = 0;  // seeds successive spot checks differently
};

}  // namespace theta::compute
