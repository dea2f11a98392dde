// Verifier::Run and FaultReport::ToJson (verify.hpp, payment_hook.hpp).
#include <chrono>
#include <cmath>
#include <future>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "theta/compute/payment_hook.hpp"
#include "theta/compute/verify.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {

std::string FaultReport::ToJson() const {
  nlohmann::json doc = nlohmann::json::object();
  doc["job_id"] = job_id;
  doc["spec_hash"] = spec_hash.ToHex();
  doc["worker"] = {{"id", worker.id}, {"payee", worker.payee.ToHex()}};
  doc["claimed_output_hash"] = claimed_output_hash.ToHex();
  doc["reference_output_hash"] = reference_output_hash.ToHex();
  doc["reason"] = reason;
  doc["detail"] = detail;
  nlohmann::json samples = nlohmann::json::array();
  for (const SampleEvidence& e : evidence) {
    // Non-finite values are not JSON numbers; write them as strings.
    auto number = [](double v) -> nlohmann::json {
      if (std::isfinite(v)) return v;
      return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    };
    samples.push_back(
        {{"index", e.index}, {"expected", number(e.expected)}, {"claimed", number(e.claimed)}});
  }
  doc["evidence"] = samples;
  doc["unix_ms"] = unix_ms;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Verifier::Verifier(VerifierOptions options) : options_(std::move(options)) {}

FaultReport Verifier::Report(const JobOrder& order, const WorkerVerdict& verdict,
                             std::string reason, const Comparison& comparison,
                             const Hash32& reference_hash) const {
  FaultReport report;
  report.job_id = order.job_id;
  report.spec_hash = JobSpecHash(order.spec);
  report.worker = verdict.worker;
  report.claimed_output_hash = verdict.output_hash.value_or(Hash32{});
  report.reference_output_hash = reference_hash;
  report.reason = std::move(reason);
  report.detail = comparison.detail;
  report.evidence = comparison.worst;
  report.unix_ms = ToUnixMillis(std::chrono::system_clock::now());
  return report;
}

absl::StatusOr<VerifiedJob> Verifier::Run(const JobOrder& order,
                                          std::span<ComputeWorker* const> workers) {
  THETA_RETURN_IF_ERROR(ValidateJobSpec(order.spec));
  if (workers.empty() || (workers.size() == 1 && options_.spot_samples == 0)) {
    return absl::InvalidArgumentError(
        "compute verify: one worker without spot checks (or none) leaves nothing to verify with");
  }
  std::vector<std::future<absl::StatusOr<JobResult>>> running;
  for (ComputeWorker* worker : workers) {
    running.push_back(
        std::async(std::launch::async, [worker, &order] { return worker->Execute(order); }));
  }
  std::vector<absl::StatusOr<JobResult>> results;
  VerifiedJob job;
  job.job_id = order.job_id;
  for (size_t i = 0; i < workers.size(); ++i) {
    results.push_back(running[i].get());
    WorkerVerdict verdict;
    verdict.worker = workers[i]->identity();
    if (results.back().ok()) {
      verdict.output_hash = results.back()->output_hash;
    } else {
      verdict.execution = results.back().status();
    }
    job.verdicts.push_back(std::move(verdict));
  }
  THETA_RETURN_IF_ERROR(Judge(order, results, job));

  // Pay the accepted, report the faulty; the worker that lied gets no receipt.
  for (size_t i = 0; i < job.verdicts.size(); ++i) {
    WorkerVerdict& verdict = job.verdicts[i];
    if (verdict.fault && options_.hook != nullptr) options_.hook->OnFault(*verdict.fault);
    if (!verdict.accepted || options_.hook == nullptr) continue;
    const WorkReceipt receipt{order.job_id,       JobSpecHash(order.spec), results[i]->output_hash,
                              order.requester,    verdict.worker,          order.price_tfuel_wei,
                              results[i]->backend};
    verdict.payment = options_.hook->OnVerified(receipt);
    verdict.paid = verdict.payment.ok();
  }
  return job;
}

absl::Status Verifier::Judge(const JobOrder& order, std::vector<absl::StatusOr<JobResult>>& results,
                             VerifiedJob& job) {
  // Spot checks first: each result against the requester's own recomputation of a sample.
  std::vector<size_t> candidates;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) continue;
    if (options_.spot_samples > 0) {
      SpotCheckOptions check_options{options_.spot_samples,
                                     options_.seed == 0 ? 0 : options_.seed + draws_++,
                                     options_.resolve};
      THETA_ASSIGN_OR_RETURN(SpotCheck check,
                             SpotCheckOutput(order.spec, results[i]->output, check_options));
      if (!check.passed) {
        job.verdicts[i].fault = Report(order, job.verdicts[i], "spot_check", check.comparison, {});
        continue;
      }
    }
    candidates.push_back(i);
  }
  if (candidates.empty()) return absl::OkStatus();

  // Redundant results: all agree with the first, or a local full run decides.
  bool all_agree = true;
  for (size_t i : candidates) {
    all_agree =
        all_agree &&
        CompareOutputs(order.spec, results[candidates[0]]->output, results[i]->output).agree;
  }
  std::vector<size_t> accepted;
  if (all_agree) {
    accepted = candidates;
  } else if (options_.reference) {
    THETA_ASSIGN_OR_RETURN(JobResult reference, options_.reference(order.spec));
    for (size_t i : candidates) {
      const Comparison c = CompareOutputs(order.spec, reference.output, results[i]->output);
      if (c.agree) {
        accepted.push_back(i);
      } else {
        job.verdicts[i].fault =
            Report(order, job.verdicts[i], "reference_mismatch", c, reference.output_hash);
      }
    }
  }
  for (size_t i : accepted)
    job.verdicts[i].accepted = true;
  if (!accepted.empty()) {
    job.verified = true;
    job.result = *results[accepted[0]];
  }
  return absl::OkStatus();
}

}  // namespace theta::compute
