// Result verification: per-kernel tolerances, spot checks against the requester's recomputation,
// redundant execution on two workers, and a lying worker that is caught, not paid and reported.
#include "theta/compute/verify.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <mutex>

#include "job_test_util.hpp"
#include "test_device.hpp"
#include "theta/compute/device.hpp"
#include "theta/core/hash.hpp"

namespace theta::compute {
namespace {

using testing::Corruption;
using testing::Inline;
using testing::MatMulSpec;
using testing::Order;
using testing::RandomBytes;
using testing::RandomFloats;
using testing::ToBytes;

// The app's side of the hook as the compute library sees it: what was paid and reported.
class RecordingHook : public PaymentHook {
 public:
  absl::Status OnVerified(const WorkReceipt& receipt) override {
    std::lock_guard lock(mu_);
    receipts.push_back(receipt);
    return absl::OkStatus();
  }
  void OnFault(const FaultReport& report) override {
    std::lock_guard lock(mu_);
    faults.push_back(report);
  }
  std::vector<WorkReceipt> receipts;
  std::vector<FaultReport> faults;

 private:
  std::mutex mu_;
};

std::vector<JobSpec> OneOfEachKernel() {
  std::vector<JobSpec> specs;
  specs.push_back(MatMulSpec(37, 29, 41, 1));
  JobSpec conv;
  conv.kernel = JobKernel::kConv2d;
  conv.dims = {{"batch", 2},    {"in_channels", 3},  {"height", 11},
               {"width", 9},    {"out_channels", 5}, {"kernel_h", 3},
               {"kernel_w", 3}, {"stride", 2},       {"padding", 1}};
  conv.inputs = {Inline("input", ToBytes(RandomFloats(2 * 3 * 11 * 9, 2))),
                 Inline("weights", ToBytes(RandomFloats(5 * 3 * 3 * 3, 3))),
                 Inline("bias", ToBytes(RandomFloats(5, 4)))};
  specs.push_back(conv);
  for (const char* op : {"relu", "gelu", "sigmoid"}) {
    JobSpec act;
    act.kernel = JobKernel::kActivation;
    act.op = op;
    act.dims = {{"count", 301}};
    act.inputs = {Inline("x", ToBytes(RandomFloats(301, 5, -4, 4)))};
    specs.push_back(act);
  }
  for (const char* op : {"add", "mul"}) {
    JobSpec bin;
    bin.kernel = JobKernel::kBinary;
    bin.op = op;
    bin.dims = {{"count", 77}};
    bin.inputs = {Inline("a", ToBytes(RandomFloats(77, 6))),
                  Inline("b", ToBytes(RandomFloats(77, 7)))};
    specs.push_back(bin);
  }
  JobSpec softmax;
  softmax.kernel = JobKernel::kSoftmax;
  softmax.dims = {{"rows", 13}, {"cols", 19}};
  softmax.inputs = {Inline("x", ToBytes(RandomFloats(13 * 19, 8, -5, 5)))};
  specs.push_back(softmax);
  for (const char* op : {"sum", "max"}) {
    JobSpec reduce;
    reduce.kernel = JobKernel::kReduce;
    reduce.op = op;
    reduce.dims = {{"rows", 11}, {"cols", 50}};
    reduce.inputs = {Inline("x", ToBytes(RandomFloats(11 * 50, 9)))};
    specs.push_back(reduce);
  }
  JobSpec resize;
  resize.kernel = JobKernel::kResizeBilinear;
  resize.dims = {
      {"src_width", 17}, {"src_height", 13}, {"channels", 3}, {"dst_width", 9}, {"dst_height", 7}};
  resize.inputs = {Inline("src", RandomBytes(17 * 13 * 3, 10))};
  specs.push_back(resize);
  JobSpec yuv;
  yuv.kernel = JobKernel::kYuvToRgb;
  yuv.op = "nv12";
  yuv.dims = {{"width", 9}, {"height", 7}};
  yuv.inputs = {Inline("frame", RandomBytes(Yuv420FrameBytes({9, 7}), 11))};
  specs.push_back(yuv);
  return specs;
}

TEST_CASE("outputs compare by bytes first and then within the kernel's tolerance",
          "[compute][verify]") {
  const JobSpec spec = MatMulSpec(2, 2, 2, 1);
  const Bytes reference = ToBytes({1.0f, -2.0f, 3.0f, 100.0f});
  CHECK(CompareOutputs(spec, reference, reference).identical);
  const Comparison close = CompareOutputs(spec, reference, ToBytes({1.0f, -2.0f, 3.0f, 100.001f}));
  CHECK(close.agree);
  CHECK_FALSE(close.identical);
  const Comparison far = CompareOutputs(spec, reference, ToBytes({1.0f, -2.0f, 3.1f, 100.0f}));
  CHECK_FALSE(far.agree);
  REQUIRE(far.worst.size() == 1);
  CHECK(far.worst[0].index == 2);
  CHECK_THAT(far.detail, Catch::Contains("exceeds the tolerance"));
  CHECK_FALSE(CompareOutputs(spec, reference, ToBytes({1.0f, -2.0f, 3.0f, NAN})).agree);
  CHECK_FALSE(CompareOutputs(spec, reference, ToBytes({1.0f, -2.0f, 3.0f})).agree);
  CHECK(ToleranceFor(JobKernel::kConv2d).relative == 1e-4);
  JobSpec image;
  image.kernel = JobKernel::kResizeBilinear;
  CHECK(CompareOutputs(image, Bytes{10, 20}, Bytes{11, 20}).agree);
  CHECK_FALSE(CompareOutputs(image, Bytes{10, 20}, Bytes{12, 20}).agree);
}

TEST_CASE("spot checks pass honest results of every kernel and fail corrupted ones",
          "[compute][verify]") {
  auto honest = NewLocalExecutor(nullptr);
  auto lying = testing::FaultyExecutors(Corruption::kScaleAll)(0);
  REQUIRE(honest.ok());
  REQUIRE(lying.ok());
  uint64_t seed = 42;
  for (const JobSpec& spec : OneOfEachKernel()) {
    INFO("kernel " << JobKernelName(spec.kernel).data() << " " << spec.op << ", seed " << seed);
    auto good = (*honest)(spec);
    REQUIRE(good.ok());
    auto check = SpotCheckOutput(spec, good->output, {.samples = 4, .seed = seed});
    REQUIRE(check.ok());
    INFO("error " << check->comparison.error);
    CHECK(check->passed);
    CHECK_FALSE(check->positions.empty());
    auto bad = (*lying)(spec);
    REQUIRE(bad.ok());
    // relu of a negative is 0 and 0 * 1.01 is 0, yet most sampled elements still move.
    auto caught = SpotCheckOutput(spec, bad->output, {.samples = 16, .seed = seed});
    REQUIRE(caught.ok());
    CHECK_FALSE(caught->passed);
    CHECK_FALSE(caught->comparison.worst.empty());
    Bytes truncated = good->output;
    truncated.pop_back();
    auto short_output = SpotCheckOutput(spec, truncated, {.samples = 4, .seed = seed});
    REQUIRE(short_output.ok());
    CHECK_FALSE(short_output->passed);
    ++seed;
  }
}

TEST_CASE("a spot check needs the inputs and says which one it could not resolve",
          "[compute][verify]") {
  JobSpec spec = MatMulSpec(3, 3, 3, 1);
  const Bytes b = *spec.inputs[1].inline_data;
  spec.inputs[1] = JobInput{"b", std::nullopt, Blake2b256(b), b.size()};
  auto missing = SpotCheckOutput(spec, Bytes(36), {});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  auto resolved = SpotCheckOutput(
      spec, Bytes(36), {.resolve = [&](const Hash32&) -> absl::StatusOr<Bytes> { return b; }});
  REQUIRE(resolved.ok());
  CHECK_FALSE(resolved->passed);  // 36 zero bytes are not the product
}

TEST_CASE("a spot check refuses inputs that do not fit the shape and outputs over the limit",
          "[compute][verify]") {
  JobSpec spec = MatMulSpec(4, 4, 4, 1);
  spec.inputs[1] = Inline("b", ToBytes(RandomFloats(15, 2)));
  auto misfit = SpotCheckOutput(spec, Bytes(64), {});
  CHECK(misfit.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(misfit.status().message()), Catch::Contains("input b has 60 bytes"));
  // k = 1 and a huge n: an output the runner refuses; no claim passes, nothing is allocated.
  JobSpec wide;
  wide.kernel = JobKernel::kMatMul;
  wide.dims = {{"m", 1}, {"n", 1u << 30}, {"k", 0}};
  wide.inputs = {Inline("a", {}), Inline("b", {})};
  auto check = SpotCheckOutput(wide, Bytes(64), {});
  REQUIRE(check.ok());
  CHECK_FALSE(check->passed);
}

struct Workers {
  std::unique_ptr<Scheduler> honest_scheduler, other_scheduler;
  std::unique_ptr<SchedulerWorker> honest, other;

  Workers(JobExecutorFactory honest_executors, JobExecutorFactory other_executors) {
    honest_scheduler =
        std::move(*Scheduler::Start({.workers = 1, .make_executor = honest_executors}));
    other_scheduler =
        std::move(*Scheduler::Start({.workers = 1, .make_executor = other_executors}));
    honest = std::make_unique<SchedulerWorker>(WorkerIdentity{"honest", Address{{1}}},
                                               *honest_scheduler);
    other =
        std::make_unique<SchedulerWorker>(WorkerIdentity{"other", Address{{2}}}, *other_scheduler);
  }
};

JobExecutorFactory CpuExecutors() {
  return [](size_t) { return NewLocalExecutor(nullptr); };
}

TEST_CASE("two honest workers agree by hash and both are paid", "[compute][verify]") {
  Workers w(CpuExecutors(), CpuExecutors());
  RecordingHook hook;
  Verifier verifier({.spot_samples = 4, .seed = 7, .hook = &hook});
  ComputeWorker* workers[] = {w.honest.get(), w.other.get()};
  const JobOrder order = Order("agree", MatMulSpec(40, 30, 20, 3));
  auto job = verifier.Run(order, workers);
  REQUIRE(job.ok());
  CHECK(job->verified);
  REQUIRE(job->verdicts.size() == 2);
  for (const WorkerVerdict& v : job->verdicts) {
    CHECK(v.accepted);
    CHECK(v.paid);
    CHECK_FALSE(v.fault.has_value());
  }
  REQUIRE(hook.receipts.size() == 2);
  CHECK(hook.receipts[0].job_id == "agree");
  CHECK(hook.receipts[0].price_tfuel_wei == order.price_tfuel_wei);
  CHECK(hook.receipts[0].spec_hash == JobSpecHash(order.spec));
  CHECK(hook.receipts[0].output_hash == job->result->output_hash);
  CHECK(hook.faults.empty());
}

TEST_CASE("a worker that corrupts every output is caught by spot checks, not paid and reported",
          "[compute][verify]") {
  Workers w(CpuExecutors(), testing::FaultyExecutors(Corruption::kScaleAll));
  RecordingHook hook;
  Verifier verifier({.spot_samples = 4, .hook = &hook});  // fresh randomness, as a requester uses
  ComputeWorker* workers[] = {w.honest.get(), w.other.get()};
  auto job = verifier.Run(Order("scaled", MatMulSpec(64, 48, 32, 5)), workers);
  REQUIRE(job.ok());
  CHECK(job->verified);
  CHECK(job->verdicts[0].paid);
  CHECK_FALSE(job->verdicts[1].accepted);
  CHECK_FALSE(job->verdicts[1].paid);
  REQUIRE(job->verdicts[1].fault.has_value());
  CHECK(job->verdicts[1].fault->reason == "spot_check");
  REQUIRE(hook.receipts.size() == 1);
  CHECK(hook.receipts[0].worker.id == "honest");
  REQUIRE(hook.faults.size() == 1);
  const FaultReport& report = hook.faults[0];
  CHECK(report.worker.id == "other");
  CHECK(report.worker.payee == Address{{2}});
  CHECK(report.claimed_output_hash == *job->verdicts[1].output_hash);
  REQUIRE_FALSE(report.evidence.empty());
  // The evidence holds up: the claimed value really is 1.01 times the right one.
  const SampleEvidence& e = report.evidence[0];
  CHECK(std::abs(e.claimed - e.expected * 1.01) <= 1e-4 * std::abs(e.expected) + 1e-6);
  CHECK_THAT(report.ToJson(), Catch::Contains("\"reason\":\"spot_check\""));
}

TEST_CASE("a worker that corrupts one element is caught by redundant execution and a reference run",
          "[compute][verify]") {
  Workers w(CpuExecutors(), testing::FaultyExecutors(Corruption::kOneElement));
  RecordingHook hook;
  auto reference = NewLocalExecutor(nullptr);
  REQUIRE(reference.ok());
  // No spot checks: sampling would find one bad element of 4096 only by luck.
  Verifier verifier({.spot_samples = 0, .reference = *reference, .hook = &hook});
  ComputeWorker* workers[] = {w.other.get(), w.honest.get()};
  auto job = verifier.Run(Order("one-off", MatMulSpec(64, 64, 16, 8)), workers);
  REQUIRE(job.ok());
  CHECK(job->verified);
  CHECK_FALSE(job->verdicts[0].paid);
  REQUIRE(job->verdicts[0].fault.has_value());
  CHECK(job->verdicts[0].fault->reason == "reference_mismatch");
  CHECK(job->verdicts[0].fault->evidence.size() == 1);
  CHECK(job->verdicts[0].fault->evidence[0].index == 64 * 64 / 2);
  CHECK(job->verdicts[1].paid);
  CHECK(job->result->output_hash == *job->verdicts[1].output_hash);
  REQUIRE(hook.receipts.size() == 1);
  CHECK(hook.receipts[0].worker.id == "honest");
  REQUIRE(hook.faults.size() == 1);
}

TEST_CASE("disagreeing workers with no reference run leave the job unverified and nobody paid",
          "[compute][verify]") {
  Workers w(CpuExecutors(), testing::FaultyExecutors(Corruption::kOneElement));
  RecordingHook hook;
  Verifier verifier({.spot_samples = 0, .hook = &hook});
  ComputeWorker* workers[] = {w.honest.get(), w.other.get()};
  auto job = verifier.Run(Order("tie", MatMulSpec(32, 32, 8, 9)), workers);
  REQUIRE(job.ok());
  CHECK_FALSE(job->verified);
  CHECK(hook.receipts.empty());
  CHECK(hook.faults.empty());  // an honest worker is never reported on a tie
}

TEST_CASE("the verifier refuses to run an order nothing would check", "[compute][verify]") {
  Workers w(CpuExecutors(), CpuExecutors());
  Verifier unchecked({.spot_samples = 0});
  ComputeWorker* one[] = {w.honest.get()};
  CHECK(unchecked.Run(Order("alone", MatMulSpec(2, 2, 2, 1)), one).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(unchecked.Run(Order("none", MatMulSpec(2, 2, 2, 1)), {}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  Verifier checked({.spot_samples = 2});
  auto alone = checked.Run(Order("alone", MatMulSpec(5, 5, 5, 1)), one);
  REQUIRE(alone.ok());
  CHECK(alone->verified);
}

TEST_CASE("a worker that misses the deadline is neither paid nor reported", "[compute][verify]") {
  auto gate = std::make_shared<testing::Gate>();
  Workers w(CpuExecutors(), testing::GatedExecutors(gate));
  RecordingHook hook;
  Verifier verifier({.spot_samples = 4, .hook = &hook});
  ComputeWorker* workers[] = {w.honest.get(), w.other.get()};
  auto job =
      verifier.Run(Order("slow", MatMulSpec(8, 8, 8, 1), std::chrono::milliseconds(200)), workers);
  gate->Open();
  REQUIRE(job.ok());
  CHECK(job->verified);
  CHECK(job->verdicts[0].paid);
  CHECK(job->verdicts[1].execution.code() == absl::StatusCode::kDeadlineExceeded);
  CHECK_FALSE(job->verdicts[1].paid);
  CHECK(hook.faults.empty());
  CHECK(hook.receipts.size() == 1);
}

TEST_CASE("a cpu worker and a lavapipe worker agree within tolerance and are both paid",
          "[compute][verify][vulkan]") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  Device* shared = device.get();
  {
    Workers w(CpuExecutors(), [shared](size_t) { return NewLocalExecutor(shared); });
    RecordingHook hook;
    Verifier verifier({.spot_samples = 4, .seed = 11, .hook = &hook});
    ComputeWorker* workers[] = {w.honest.get(), w.other.get()};
    for (JobSpec spec : OneOfEachKernel()) {
      INFO("kernel " << JobKernelName(spec.kernel).data() << " " << spec.op);
      auto job = verifier.Run(Order("mixed", spec), workers);
      REQUIRE(job.ok());
      CHECK(job->verified);
      CHECK(job->verdicts[0].paid);
      CHECK(job->verdicts[1].paid);
    }
    CHECK(hook.faults.empty());
  }
  testing::CheckNoValidationErrors(*device);
}

}  // namespace
}  // namespace theta::compute
