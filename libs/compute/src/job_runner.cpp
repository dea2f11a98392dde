#include "theta/compute/job_runner.hpp"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "theta/compute/model.hpp"
#include "theta/compute/transcode.hpp"
#include "theta/compute/vulkan_model.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

// Products of shape numbers, saturating instead of wrapping so a hostile spec cannot slip under a
// limit by overflow.
uint64_t Mul(std::initializer_list<uint64_t> factors) {
  uint64_t product = 1;
  for (uint64_t f : factors) {
    if (f != 0 && product > UINT64_MAX / f) return UINT64_MAX;
    product *= f;
  }
  return product;
}

struct Cost {
  uint64_t output_bytes = 0;
  uint64_t work = 0;
};

Cost CostOf(const JobSpec& spec) {
  auto d = [&](const char* key) -> uint64_t {
    auto it = spec.dims.find(key);
    return it == spec.dims.end() ? 0 : it->second;
  };
  switch (spec.kernel) {
    case JobKernel::kMatMul:
      return {Mul({d("m"), d("n"), 4}), Mul({d("m"), d("n"), d("k")})};
    case JobKernel::kActivation:
    case JobKernel::kBinary:
      return {Mul({d("count"), 4}), d("count")};
    case JobKernel::kSoftmax:
      return {Mul({d("rows"), d("cols"), 4}), Mul({d("rows"), d("cols")})};
    case JobKernel::kReduce:
      return {Mul({d("rows"), 4}), Mul({d("rows"), d("cols")})};
    case JobKernel::kConv2d: {
      Conv2dShape s{uint32_t(d("batch")),    uint32_t(d("in_channels")),  uint32_t(d("height")),
                    uint32_t(d("width")),    uint32_t(d("out_channels")), uint32_t(d("kernel_h")),
                    uint32_t(d("kernel_w")), uint32_t(d("stride")),       uint32_t(d("padding"))};
      const uint64_t out = Mul({s.batch, s.out_channels, s.out_height(), s.out_width()});
      return {Mul({out, 4}), Mul({out, s.in_channels, s.kernel_h, s.kernel_w})};
    }
    case JobKernel::kResizeBilinear: {
      const uint64_t out = Mul({d("dst_width"), d("dst_height"), d("channels")});
      return {out, out};
    }
    case JobKernel::kYuvToRgb:
      return {Mul({d("width"), d("height"), 3}), Mul({d("width"), d("height")})};
    case JobKernel::kModel:
    case JobKernel::kTranscode:
      return {};  // known only from the inputs; checked when they are read
  }
  return {};
}

absl::Status CheckLimits(const JobSpec& spec) {
  uint64_t input_bytes = 0;
  for (const JobInput& input : spec.inputs)
    input_bytes += input.size;  // each < 2^32
  if (input_bytes > spec.limits.max_input_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("compute job: inputs of ", input_bytes,
                                                     " bytes exceed max_input_bytes ",
                                                     spec.limits.max_input_bytes));
  }
  const Cost cost = CostOf(spec);
  if (cost.output_bytes > spec.limits.max_output_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "compute job: ", JobKernelName(spec.kernel).data(), " output of ", cost.output_bytes,
        " bytes exceeds max_output_bytes ", spec.limits.max_output_bytes));
  }
  if (cost.work > spec.limits.max_work) {
    return absl::ResourceExhaustedError(
        absl::StrCat("compute job: ", JobKernelName(spec.kernel).data(), " work of ", cost.work,
                     " exceeds max_work ", spec.limits.max_work));
  }
  return absl::OkStatus();
}

std::vector<float> AsFloats(const Bytes& bytes) {
  std::vector<float> values(bytes.size() / 4);
  std::memcpy(values.data(), bytes.data(), values.size() * 4);
  return values;
}

absl::Status CheckFloatInput(const JobInput& input, const Bytes& bytes) {
  if (bytes.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat("compute job: input ", input.name, " has ",
                                                   bytes.size(),
                                                   " bytes, not a whole number of f32 values"));
  }
  return absl::OkStatus();
}

Bytes FloatBytes(const std::vector<float>& values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

absl::Status CheckModelCost(const JobSpec& spec, const Model& model, uint32_t batch) {
  const uint64_t output_bytes = Mul({batch, model.output().elements(), 4});
  if (output_bytes > spec.limits.max_output_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("compute job: model output of ", output_bytes,
                                                     " bytes exceeds max_output_bytes ",
                                                     spec.limits.max_output_bytes));
  }
  const uint64_t work = Mul({batch, model.work_per_sample});
  if (work > spec.limits.max_work) {
    return absl::ResourceExhaustedError(absl::StrCat("compute job: model work of ", work,
                                                     " exceeds max_work ", spec.limits.max_work));
  }
  return absl::OkStatus();
}

// `device` is set when the backend is Vulkan and the runner knows its Device.
absl::StatusOr<Bytes> RunModelJob(const JobSpec& spec, const std::vector<Bytes>& data,
                                  Backend& backend, Device* device) {
  THETA_ASSIGN_OR_RETURN(Model model, DecodeModel(data[0]));
  const uint32_t batch = spec.dims.at("batch");
  THETA_RETURN_IF_ERROR(CheckModelCost(spec, model, batch));
  THETA_RETURN_IF_ERROR(CheckFloatInput(spec.inputs[1], data[1]));
  std::vector<float> out;
  if (device != nullptr) {
    THETA_ASSIGN_OR_RETURN(auto resident, VulkanModel::Create(*device, model));
    THETA_ASSIGN_OR_RETURN(out, resident->Run(batch, AsFloats(data[1])));
  } else {
    THETA_ASSIGN_OR_RETURN(out, RunModel(backend, model, batch, AsFloats(data[1])));
  }
  return FloatBytes(out);
}

absl::StatusOr<Bytes> RunTranscodeJob(const JobSpec& spec, const Bytes& video, Backend* scaler,
                                      Device* device) {
  TranscodeOptions options;
  options.dst_width = spec.dims.at("dst_width");
  options.dst_height = spec.dims.at("dst_height");
  options.preset = spec.op;
  if (auto it = spec.dims.find("crf"); it != spec.dims.end()) options.crf = it->second;
  if (auto it = spec.dims.find("bitrate_kbps"); it != spec.dims.end()) {
    options.bitrate_kbps = it->second;
  }
  if (auto it = spec.dims.find("max_frames"); it != spec.dims.end()) {
    if (it->second > kMaxTranscodeFrames) {
      return absl::ResourceExhaustedError(absl::StrCat("compute job: transcode max_frames ",
                                                       it->second, " exceeds the cap of ",
                                                       kMaxTranscodeFrames));
    }
    options.max_frames = it->second;
  }
  options.max_output_bytes = spec.limits.max_output_bytes;
  options.max_work = spec.limits.max_work;
  options.scaler = scaler;
  options.scaler_device = device;
  THETA_ASSIGN_OR_RETURN(TranscodeResult result, Transcode(video, options));
  return std::move(result.output);
}

}  // namespace

JobRunner::JobRunner(JobRunnerOptions options) : options_(std::move(options)) {}

absl::StatusOr<Backend*> JobRunner::PickBackend(const JobSpec& spec) const {
  if (options_.cpu == nullptr) {
    return absl::FailedPreconditionError("compute job: the runner has no CPU backend");
  }
  switch (spec.backend) {
    case BackendChoice::kCpu:
      return options_.cpu;
    case BackendChoice::kVulkan:
      if (options_.vulkan == nullptr) {
        return absl::FailedPreconditionError("compute job: backend vulkan asked for, none here");
      }
      return options_.vulkan;
    case BackendChoice::kAuto:
      break;
  }
  if (options_.vulkan == nullptr) return options_.cpu;
  // Kernels dominated by matmul/conv or by libav work run faster on the CPU than on lavapipe.
  const bool cpu_first = spec.kernel == JobKernel::kMatMul || spec.kernel == JobKernel::kConv2d ||
                         spec.kernel == JobKernel::kModel || spec.kernel == JobKernel::kTranscode;
  return cpu_first && options_.vulkan_is_cpu_device ? options_.cpu : options_.vulkan;
}

absl::StatusOr<JobResult> JobRunner::Run(const JobSpec& spec) {
  THETA_RETURN_IF_ERROR(ValidateJobSpec(spec));  // from here on every dim and input exists
  THETA_RETURN_IF_ERROR(CheckLimits(spec));
  THETA_ASSIGN_OR_RETURN(Backend * backend, PickBackend(spec));
  std::vector<Bytes> data;
  for (const JobInput& input : spec.inputs) {
    if (input.inline_data) {
      data.push_back(*input.inline_data);
      continue;
    }
    if (!options_.resolve) {
      return absl::NotFoundError(absl::StrCat("compute job: input ", input.name,
                                              " is given by hash ", input.blake2b->ToHex(),
                                              " and nothing resolves it"));
    }
    THETA_ASSIGN_OR_RETURN(Bytes bytes, options_.resolve(*input.blake2b));
    if (bytes.size() != input.size || Blake2b256(bytes) != *input.blake2b) {
      return absl::DataLossError(absl::StrCat("compute job: content fetched for input ", input.name,
                                              " does not match its size and BLAKE2b-256 hash"));
    }
    data.push_back(std::move(bytes));
  }
  auto d = [&](const char* key) { return spec.dims.at(key); };
  JobResult result;
  result.backend = std::string(backend->name());
  if (spec.kernel == JobKernel::kModel || spec.kernel == JobKernel::kTranscode) {
    // The CPU backend's scale is libswscale; the Vulkan backend's is its resize kernel, resident
    // on the Device when the runner knows it.
    Device* device = backend == options_.vulkan ? options_.vulkan_device : nullptr;
    auto output =
        spec.kernel == JobKernel::kModel
            ? RunModelJob(spec, data, *backend, device)
            : RunTranscodeJob(spec, data[0], backend == options_.cpu ? nullptr : backend, device);
    if (!output.ok()) return output.status();
    result.output = std::move(*output);
    result.output_hash = Blake2b256(result.output);
    return result;
  }
  const bool float_kernel =
      spec.kernel != JobKernel::kResizeBilinear && spec.kernel != JobKernel::kYuvToRgb;
  if (float_kernel) {
    for (size_t i = 0; i < data.size(); ++i) {
      THETA_RETURN_IF_ERROR(CheckFloatInput(spec.inputs[i], data[i]));
    }
  }
  std::vector<float> out(float_kernel ? CostOf(spec).output_bytes / 4 : 0);
  switch (spec.kernel) {
    case JobKernel::kMatMul:
      THETA_RETURN_IF_ERROR(
          backend->MatMul({d("m"), d("n"), d("k")}, AsFloats(data[0]), AsFloats(data[1]), out));
      break;
    case JobKernel::kActivation: {
      const Activation op = spec.op == "relu"   ? Activation::kRelu
                            : spec.op == "gelu" ? Activation::kGelu
                                                : Activation::kSigmoid;
      THETA_RETURN_IF_ERROR(backend->Activate(op, AsFloats(data[0]), out));
      break;
    }
    case JobKernel::kBinary:
      THETA_RETURN_IF_ERROR(backend->Binary(spec.op == "add" ? BinaryOp::kAdd : BinaryOp::kMul,
                                            AsFloats(data[0]), AsFloats(data[1]), out));
      break;
    case JobKernel::kSoftmax:
      THETA_RETURN_IF_ERROR(backend->Softmax(d("rows"), d("cols"), AsFloats(data[0]), out));
      break;
    case JobKernel::kReduce:
      THETA_RETURN_IF_ERROR(backend->Reduce(spec.op == "sum" ? ReduceOp::kSum : ReduceOp::kMax,
                                            d("rows"), d("cols"), AsFloats(data[0]), out));
      break;
    case JobKernel::kConv2d: {
      const Conv2dShape s{d("batch"),    d("in_channels"),  d("height"),
                          d("width"),    d("out_channels"), d("kernel_h"),
                          d("kernel_w"), d("stride"),       d("padding")};
      const std::vector<float> bias = data.size() > 2 ? AsFloats(data[2]) : std::vector<float>{};
      THETA_RETURN_IF_ERROR(backend->Conv2d(s, AsFloats(data[0]), AsFloats(data[1]), bias, out));
      break;
    }
    case JobKernel::kResizeBilinear:
      result.output.resize(CostOf(spec).output_bytes);
      THETA_RETURN_IF_ERROR(
          backend->ResizeBilinear({d("src_width"), d("src_height")}, d("channels"), data[0],
                                  {d("dst_width"), d("dst_height")}, result.output));
      break;
    case JobKernel::kYuvToRgb:
      result.output.resize(CostOf(spec).output_bytes);
      THETA_RETURN_IF_ERROR(
          backend->YuvToRgb(spec.op == "nv12" ? YuvLayout::kNv12 : YuvLayout::kI420,
                            {d("width"), d("height")}, data[0], result.output));
      break;
    case JobKernel::kModel:
    case JobKernel::kTranscode:
      break;  // handled above
  }
  if (float_kernel) result.output = FloatBytes(out);
  result.output_hash = Blake2b256(result.output);
  return result;
}

}  // namespace theta::compute
