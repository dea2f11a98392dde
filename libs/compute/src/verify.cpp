#include "theta/compute/verify.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <future>
#include <limits>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "theta/compute/backend.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

constexpr size_t kMaxEvidence = 16;

float FloatAt(ByteView bytes, uint64_t index) {
  float value;
  std::memcpy(&value, bytes.data() + index * 4, 4);
  return value;
}

// The reference value of some output elements, and how to read the claimed ones.
struct Sample {
  std::vector<uint64_t> positions;                    // what was drawn: rows or elements
  std::vector<std::pair<uint64_t, double>> expected;  // output element -> reference value
  uint64_t output_elements = 0;                       // how many the whole output has
};

// Compares `claimed` at the expected elements. Non-finite values that differ count as infinite
// error, so NaN cannot pass for a number.
Comparison CompareAt(const Tolerance& tolerance, ByteView claimed,
                     const std::vector<std::pair<uint64_t, double>>& expected) {
  Comparison c;
  double max_ref = 0;
  std::vector<SampleEvidence> diffs;
  for (const auto& [index, value] : expected) {
    const double got = tolerance.float_output ? FloatAt(claimed, index) : claimed[index];
    max_ref = std::max(max_ref, std::isfinite(value) ? std::abs(value) : 0.0);
    diffs.push_back({index, value, got});
  }
  auto diff_of = [](const SampleEvidence& e) {
    if (e.expected == e.claimed || (std::isnan(e.expected) && std::isnan(e.claimed))) return 0.0;
    if (!std::isfinite(e.expected) || !std::isfinite(e.claimed)) {
      return std::numeric_limits<double>::infinity();
    }
    return std::abs(e.expected - e.claimed);
  };
  double max_diff = 0;
  for (const SampleEvidence& e : diffs)
    max_diff = std::max(max_diff, diff_of(e));
  if (tolerance.float_output) {
    c.error = max_ref == 0 ? max_diff : max_diff / max_ref;
    c.agree = c.error <= tolerance.relative;
  } else {
    c.error = max_diff;
    c.agree = max_diff <= tolerance.max_byte_diff;
  }
  std::sort(diffs.begin(), diffs.end(), [&](const SampleEvidence& a, const SampleEvidence& b) {
    return diff_of(a) > diff_of(b);
  });
  for (const SampleEvidence& e : diffs) {
    if (c.worst.size() == kMaxEvidence || diff_of(e) == 0) break;
    c.worst.push_back(e);
  }
  if (!c.agree) {
    c.detail = tolerance.float_output
                   ? absl::StrFormat("relative error %.3g exceeds the tolerance %.3g", c.error,
                                     tolerance.relative)
                   : absl::StrFormat("byte difference %.0f exceeds the tolerance %d", c.error,
                                     tolerance.max_byte_diff);
  }
  return c;
}

uint64_t OutputElements(const JobSpec& spec, uint64_t output_bytes) {
  return ToleranceFor(spec.kernel).float_output ? output_bytes / 4 : output_bytes;
}

// `samples` distinct values below `count` (all of them when there are fewer).
std::vector<uint64_t> Draw(uint64_t count, size_t samples, std::mt19937_64& rng) {
  std::vector<uint64_t> drawn;
  if (count <= samples) {
    for (uint64_t i = 0; i < count; ++i)
      drawn.push_back(i);
    return drawn;
  }
  std::set<uint64_t> chosen;
  std::uniform_int_distribution<uint64_t> pick(0, count - 1);
  while (chosen.size() < samples)
    chosen.insert(pick(rng));
  return {chosen.begin(), chosen.end()};
}

absl::StatusOr<std::vector<Bytes>> ResolveInputs(const JobSpec& spec, const BlobResolver& resolve) {
  std::vector<Bytes> data;
  for (const JobInput& input : spec.inputs) {
    if (input.inline_data) {
      data.push_back(*input.inline_data);
      continue;
    }
    if (!resolve) {
      return absl::NotFoundError(absl::StrCat("compute verify: input ", input.name,
                                              " is given by hash and nothing resolves it"));
    }
    THETA_ASSIGN_OR_RETURN(Bytes bytes, resolve(*input.blake2b));
    if (bytes.size() != input.size || Blake2b256(bytes) != *input.blake2b) {
      return absl::DataLossError(absl::StrCat("compute verify: content for input ", input.name,
                                              " does not match its size and hash"));
    }
    data.push_back(std::move(bytes));
  }
  return data;
}

std::vector<float> Floats(const Bytes& bytes) {
  std::vector<float> values(bytes.size() / 4);
  std::memcpy(values.data(), bytes.data(), values.size() * 4);
  return values;
}

double Gelu(double v) {
  const double t = std::clamp(0.7978845608 * (v + 0.044715 * v * v * v), -10.0, 10.0);
  return 0.5 * v * (1.0 + std::tanh(t));
}

// A product of shape numbers that saturates instead of wrapping, so a hostile shape cannot
// match a small input or output by overflow.
constexpr uint64_t kSaturated = UINT64_MAX / 4;  // still fits when counted in f32 bytes
uint64_t SatMul(std::initializer_list<uint64_t> factors) {
  uint64_t product = 1;
  for (uint64_t f : factors) {
    if (f != 0 && product > kSaturated / f) return kSaturated;
    product *= f;
  }
  return product;
}

// The f32 counts the inputs of the directly sampled kernels must have (empty for other kernels),
// so a spec whose inputs do not fit its shape is an error here as it is in the runner.
std::vector<uint64_t> InputFloats(const JobSpec& spec) {
  auto d = [&](const char* key) -> uint64_t { return spec.dims.at(key); };
  switch (spec.kernel) {
    case JobKernel::kMatMul:
      return {SatMul({d("m"), d("k")}), SatMul({d("k"), d("n")})};
    case JobKernel::kConv2d:
      return {SatMul({d("batch"), d("in_channels"), d("height"), d("width")}),
              SatMul({d("out_channels"), d("in_channels"), d("kernel_h"), d("kernel_w")}),
              d("out_channels")};
    case JobKernel::kActivation:
      return {d("count")};
    case JobKernel::kBinary:
      return {d("count"), d("count")};
    case JobKernel::kSoftmax:
    case JobKernel::kReduce:
      return {SatMul({d("rows"), d("cols")})};
    default:
      return {};
  }
}

absl::Status CheckInputSizes(const JobSpec& spec, const std::vector<Bytes>& inputs) {
  const std::vector<uint64_t> floats = InputFloats(spec);
  for (size_t i = 0; i < inputs.size() && i < floats.size(); ++i) {
    if (inputs[i].size() != floats[i] * 4) {
      return absl::InvalidArgumentError(absl::StrCat("compute verify: input ", spec.inputs[i].name,
                                                     " has ", inputs[i].size(),
                                                     " bytes, the shape needs ", floats[i] * 4));
    }
  }
  return absl::OkStatus();
}

// Reference values of the sampled rows or elements of the kernels cheap to sample; false for
// kernels sampled from a full local run instead.
bool SampleDirectly(const JobSpec& spec, const std::vector<Bytes>& in, size_t samples,
                    std::mt19937_64& rng, Sample& sample) {
  auto d = [&](const char* key) -> uint64_t { return spec.dims.at(key); };
  // Input sizes were checked against the shape (CheckInputSizes).
  auto x = [&](size_t input, uint64_t i) -> double { return FloatAt(in[input], i); };
  switch (spec.kernel) {
    case JobKernel::kMatMul: {
      const uint64_t m = d("m"), n = d("n"), k = d("k");
      sample.output_elements = SatMul({m, n});
      // An output over the spec's own limit is one the runner refuses (and with k tiny it could
      // be far larger than the inputs): draw nothing, so every claim fails the size check.
      if (sample.output_elements * 4 > spec.limits.max_output_bytes) return true;
      sample.positions = Draw(m, samples, rng);
      const std::vector<float> a = Floats(in[0]), b = Floats(in[1]);
      std::vector<double> row(n);
      for (uint64_t r : sample.positions) {
        // Row r of A times B, walking B row by row so the inner loop reads it contiguously.
        std::fill(row.begin(), row.end(), 0.0);
        for (uint64_t i = 0; i < k; ++i) {
          const double a_ri = a[r * k + i];
          const float* b_row = b.data() + i * n;
          for (uint64_t j = 0; j < n; ++j)
            row[j] += a_ri * b_row[j];
        }
        for (uint64_t j = 0; j < n; ++j)
          sample.expected.push_back({r * n + j, row[j]});
      }
      return true;
    }
    case JobKernel::kConv2d: {
      const Conv2dShape s{
          uint32_t(d("batch")),    uint32_t(d("in_channels")),  uint32_t(d("height")),
          uint32_t(d("width")),    uint32_t(d("out_channels")), uint32_t(d("kernel_h")),
          uint32_t(d("kernel_w")), uint32_t(d("stride")),       uint32_t(d("padding"))};
      const uint64_t oh = s.out_height(), ow = s.out_width();
      sample.output_elements = SatMul({s.batch, s.out_channels, oh, ow});
      // No output that large exists: the size check below fails any claim, and no element is
      // drawn whose index would not decompose within the shape.
      if (sample.output_elements == kSaturated) return true;
      sample.positions = Draw(sample.output_elements, samples, rng);
      for (uint64_t e : sample.positions) {
        const uint64_t ox = e % ow, oy = e / ow % oh, oc = e / (ow * oh) % s.out_channels,
                       b = e / (ow * oh * s.out_channels);
        double sum = in.size() > 2 ? x(2, oc) : 0.0;
        for (uint64_t ic = 0; ic < s.in_channels; ++ic) {
          for (uint64_t ky = 0; ky < s.kernel_h; ++ky) {
            for (uint64_t kx = 0; kx < s.kernel_w; ++kx) {
              const int64_t iy = int64_t(oy * s.stride + ky) - s.padding;
              const int64_t ix = int64_t(ox * s.stride + kx) - s.padding;
              if (iy < 0 || ix < 0 || iy >= s.height || ix >= s.width) continue;
              sum += x(0, ((b * s.in_channels + ic) * s.height + iy) * s.width + ix) *
                     x(1, ((oc * s.in_channels + ic) * s.kernel_h + ky) * s.kernel_w + kx);
            }
          }
        }
        sample.expected.push_back({e, sum});
      }
      return true;
    }
    case JobKernel::kActivation:
    case JobKernel::kBinary: {
      sample.output_elements = d("count");
      sample.positions = Draw(d("count"), samples, rng);
      for (uint64_t i : sample.positions) {
        const double v = x(0, i);
        double y = 0;
        if (spec.op == "relu") y = std::max(v, 0.0);
        if (spec.op == "gelu") y = Gelu(v);
        if (spec.op == "sigmoid") y = 1.0 / (1.0 + std::exp(-v));
        if (spec.op == "add") y = v + x(1, i);
        if (spec.op == "mul") y = v * x(1, i);
        sample.expected.push_back({i, y});
      }
      return true;
    }
    case JobKernel::kSoftmax:
    case JobKernel::kReduce: {
      const uint64_t cols = d("cols");
      sample.output_elements =
          spec.kernel == JobKernel::kSoftmax ? SatMul({d("rows"), cols}) : d("rows");
      sample.positions = Draw(d("rows"), samples, rng);
      for (uint64_t r : sample.positions) {
        double max = -std::numeric_limits<double>::infinity(), sum = 0;
        for (uint64_t c = 0; c < cols; ++c)
          max = std::max(max, x(0, r * cols + c));
        for (uint64_t c = 0; c < cols; ++c)
          sum += spec.kernel == JobKernel::kSoftmax ? std::exp(x(0, r * cols + c) - max)
                                                    : x(0, r * cols + c);
        if (spec.kernel == JobKernel::kReduce) {
          sample.expected.push_back({r, spec.op == "max" ? max : sum});
          continue;
        }
        for (uint64_t c = 0; c < cols; ++c)
          sample.expected.push_back({r * cols + c, std::exp(x(0, r * cols + c) - max) / sum});
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

Tolerance ToleranceFor(JobKernel kernel) noexcept {
  switch (kernel) {
    case JobKernel::kMatMul:
    case JobKernel::kConv2d:
    case JobKernel::kActivation:
    case JobKernel::kSoftmax:
    case JobKernel::kReduce:
      return {.float_output = true, .relative = 1e-4};
    case JobKernel::kBinary:
      return {.float_output = true, .relative = 1e-6};
    case JobKernel::kResizeBilinear:
    case JobKernel::kYuvToRgb:
      return {.float_output = false, .max_byte_diff = 1};
    default:
      break;
  }
  // By name, so this holds on either side of the merge that adds the kernel: a model's output is
  // f32 from chained matmul/conv layers, held to the 1e-4 of its own tests.
  if (JobKernelName(kernel) == "model") return {.float_output = true, .relative = 1e-4};
  // Other kernels (transcode: the same bytes on every backend, fixed encoder threads) compare
  // exactly until they declare otherwise.
  return {.float_output = false, .max_byte_diff = 0};
}

Comparison CompareOutputs(const JobSpec& spec, ByteView reference, ByteView claimed) {
  if (reference.size() != claimed.size()) {
    Comparison c;
    c.error = std::numeric_limits<double>::infinity();
    c.detail =
        absl::StrCat("output of ", claimed.size(), " bytes, the reference has ", reference.size());
    c.worst.push_back({claimed.size(), double(reference.size()), double(claimed.size())});
    return c;
  }
  if (std::equal(reference.begin(), reference.end(), claimed.begin())) {
    Comparison c;
    c.agree = c.identical = true;
    return c;
  }
  const Tolerance tolerance = ToleranceFor(spec.kernel);
  std::vector<std::pair<uint64_t, double>> expected;
  const uint64_t elements = OutputElements(spec, reference.size());
  expected.reserve(elements);
  for (uint64_t i = 0; i < elements; ++i) {
    expected.push_back(
        {i, tolerance.float_output ? double(FloatAt(reference, i)) : double(reference[i])});
  }
  return CompareAt(tolerance, claimed, expected);
}

absl::StatusOr<SpotCheck> SpotCheckOutput(const JobSpec& spec, ByteView claimed,
                                          const SpotCheckOptions& options) {
  THETA_RETURN_IF_ERROR(ValidateJobSpec(spec));
  std::mt19937_64 rng(options.seed != 0 ? options.seed : std::random_device{}());
  THETA_ASSIGN_OR_RETURN(std::vector<Bytes> inputs, ResolveInputs(spec, options.resolve));
  THETA_RETURN_IF_ERROR(CheckInputSizes(spec, inputs));
  SpotCheck check;
  Sample sample;
  if (!SampleDirectly(spec, inputs, options.samples, rng, sample)) {
    // Kernels without a per-element reference here: a full run on a local CPU backend.
    std::unique_ptr<Backend> cpu = NewCpuBackend();
    JobSpec local = spec;
    local.backend = BackendChoice::kCpu;
    JobRunner runner({.cpu = cpu.get(), .resolve = options.resolve});
    THETA_ASSIGN_OR_RETURN(JobResult reference, runner.Run(local));
    const Tolerance tolerance = ToleranceFor(spec.kernel);
    sample.output_elements = OutputElements(spec, reference.output.size());
    sample.positions = Draw(sample.output_elements, options.samples, rng);
    for (uint64_t i : sample.positions) {
      sample.expected.push_back({i, tolerance.float_output ? double(FloatAt(reference.output, i))
                                                           : double(reference.output[i])});
    }
  }
  check.positions = sample.positions;
  const Tolerance tolerance = ToleranceFor(spec.kernel);
  const uint64_t expected_bytes = sample.output_elements * (tolerance.float_output ? 4 : 1);
  if (claimed.size() != expected_bytes) {
    check.comparison.error = std::numeric_limits<double>::infinity();
    check.comparison.detail =
        absl::StrCat("output of ", claimed.size(), " bytes, the job makes ", expected_bytes);
    check.comparison.worst.push_back(
        {claimed.size(), double(expected_bytes), double(claimed.size())});
    return check;
  }
  check.comparison = CompareAt(tolerance, claimed, sample.expected);
  check.passed = check.comparison.agree;
  return check;
}

SchedulerWorker::SchedulerWorker(WorkerIdentity identity, Scheduler& scheduler)
    : identity_(std::move(identity)), scheduler_(scheduler) {}

absl::StatusOr<JobResult> SchedulerWorker::Execute(const JobOrder& order) {
  THETA_ASSIGN_OR_RETURN(std::shared_future<JobOutcome> outcome, scheduler_.Submit(order));
  return outcome.get().result;
}

}  // namespace theta::compute
