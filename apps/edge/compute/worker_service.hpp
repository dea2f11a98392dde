// Compute jobs over the network: the worker side (JSON-RPC methods on theta-net's RpcServer,
// answered by a compute::Scheduler) and the requester side (RemoteWorker, a ComputeWorker that
// calls them), so the Verifier runs orders on workers in other processes exactly as on local ones.
//
// Methods (JSON-RPC 2.0 over HTTP POST /rpc):
//   compute_run    {"order": <JobOrder JSON>} -> {"job_id", "ok": true, "backend", "output_hash",
//                  "output_hex", "queued_ms", "run_ms"} or {"job_id", "ok": false, "code":
//                  <absl::StatusCode number>, "message"} when the scheduler refused or failed the
//                  job. Answers when the job's outcome is out (by its deadline at the latest).
//   compute_cancel {"job_id"} -> true when such a job was queued or running.
//   compute_stats  {} -> the scheduler's counters.
// Malformed params are JSON-RPC errors (-32602); a job's own failure is a normal answer with
// "ok": false, so the requester sees the scheduler's status code (ResourceExhausted for a full
// queue, DeadlineExceeded, Cancelled, ...).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "theta/compute/scheduler.hpp"
#include "theta/compute/verify.hpp"
#include "theta/net/jsonrpc.hpp"

namespace theta::edge {

// Registers the methods above on `dispatcher`, answered by `scheduler` (which must outlive it).
// AlreadyExists when a method name is taken.
absl::Status RegisterComputeMethods(net::RpcDispatcher& dispatcher, compute::Scheduler& scheduler);

// Reads a compute_run answer from a worker (outside input): the result, the worker's own status
// for a failed job (a code in absl's range, with its message), or DataLoss for an answer that is
// malformed or inconsistent (an output whose BLAKE2b-256 is not the hash it claims).
absl::StatusOr<compute::JobResult> DecodeRunAnswer(const net::Json& answer);

// A worker in another process, reached at `url` (http://host:port/rpc). Execute sends the order
// and waits for the answer until the order's deadline plus `grace`. Errors: the worker's status
// for its job, Unavailable when it cannot be reached or does not answer in time, DataLoss when its
// answer is inconsistent (an output whose hash is not the one it claims).
class RemoteWorker : public compute::ComputeWorker {
 public:
  RemoteWorker(compute::WorkerIdentity identity, std::string url,
               std::chrono::milliseconds grace = std::chrono::seconds(2));
  const compute::WorkerIdentity& identity() const override { return identity_; }
  absl::StatusOr<compute::JobResult> Execute(const compute::JobOrder& order) override;
  // Asks the worker to cancel `job_id`; whether it had such a job.
  absl::StatusOr<bool> Cancel(const std::string& job_id);

 private:
  compute::WorkerIdentity identity_;
  std::string url_;
  std::chrono::milliseconds grace_;
};

}  // namespace theta::edge
