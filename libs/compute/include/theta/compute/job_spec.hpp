// A JobSpec is one compute job as a requester submits it: which kernel, its shape parameters, its
// inputs (inline as hex, or by BLAKE2b-256 content hash with the expected size, fetched by the
// runner), limits the worker enforces, and which backend to run on.
//
// JSON form (all keys other than "kernel" and "inputs" optional; unknown keys are rejected):
//   {"kernel": "matmul", "params": {"m": 2, "n": 2, "k": 3},
//    "inputs": [{"name": "a", "hex": "0x..."}, {"name": "b", "blake2b": "0x<32 bytes>", "size":
//    24}], "limits": {"max_input_bytes": 1048576, "max_output_bytes": 1048576, "max_work":
//    1000000000}, "backend": "auto"}
// Kernels, their params and inputs (f32 little-endian unless noted):
//   matmul {m, n, k} a, b | activation {op: relu|gelu|sigmoid, count} x | binary {op: add|mul,
//   count} a, b softmax {rows, cols} x | reduce {op: sum|max, rows, cols} x conv2d {batch,
//   in_channels, height, width, out_channels, kernel_h, kernel_w, stride, padding}
//          input, weights, optional bias
//   resize_bilinear {src_width, src_height, channels, dst_width, dst_height} src (u8)
//   yuv_to_rgb {layout: nv12|i420, width, height} frame (u8)
//   model {batch} weights (a TCM1 model, see model.hpp), input ([batch, c, h, w] f32);
//          output [batch, the model's output elements] f32
//   transcode {dst_width, dst_height, preset: ultrafast..veryslow, optional crf (0..51, default
//          23) or bitrate_kbps, optional max_frames} video (a container libavformat reads);
//          output an MPEG-TS of H.264 (libx264), see transcode.hpp
//
// ParseJobSpec never throws or aborts on bad input: malformed JSON, a missing or unknown key, a
// wrong type, a number out of range or a bad hex string is InvalidArgument naming the key.
// JobSpecToJson writes the canonical form, which ParseJobSpec reads back to an equal spec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta::compute {

enum class JobKernel {
  kMatMul,
  kActivation,
  kBinary,
  kSoftmax,
  kReduce,
  kConv2d,
  kResizeBilinear,
  kYuvToRgb,
  kModel,
  kTranscode
};

enum class BackendChoice { kAuto, kCpu, kVulkan };

struct JobInput {
  std::string name;
  std::optional<Bytes> inline_data;  // set for inline inputs
  std::optional<Hash32> blake2b;     // set for inputs by hash, with `size`
  uint64_t size = 0;                 // bytes; equals inline_data->size() for inline inputs

  bool operator==(const JobInput&) const = default;
};

struct JobLimits {
  uint64_t max_input_bytes = 64ull << 20;  // all inputs together
  uint64_t max_output_bytes = 64ull << 20;
  uint64_t max_work = 100'000'000'000ull;  // multiply-adds or element operations

  bool operator==(const JobLimits&) const = default;
};

struct JobSpec {
  JobKernel kernel = JobKernel::kMatMul;
  std::map<std::string, uint32_t> dims;  // the numeric params
  std::string op;                        // the "op" or "layout" param, where the kernel has one
  std::vector<JobInput> inputs;
  JobLimits limits;
  BackendChoice backend = BackendChoice::kAuto;

  bool operator==(const JobSpec&) const = default;
};

// Largest job document accepted, in bytes.
inline constexpr size_t kMaxJobSpecBytes = 16u << 20;

absl::StatusOr<JobSpec> ParseJobSpec(std::string_view json);
// The checks ParseJobSpec makes after reading the JSON, for specs built in code: the kernel's
// params all present and no others, a valid op, the inputs named and counted as the kernel takes
// them, each either inline (with size equal to its data) or by hash. InvalidArgument naming what is
// wrong.
absl::Status ValidateJobSpec(const JobSpec& spec);
std::string JobSpecToJson(const JobSpec& spec);
std::string_view JobKernelName(JobKernel kernel) noexcept;

}  // namespace theta::compute
