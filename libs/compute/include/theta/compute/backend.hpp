// A Backend runs the compute kernels of theta-edge-compute on host memory: the same operations on
// the Vulkan device (NewVulkanBackend) or on the CPU (NewCpuBackend: OpenBLAS for matmul and conv,
// plain loops elsewhere), so a job runs on either and both give equal results within fp32
// tolerance.
//
// Layouts: matrices are row-major fp32; conv2d takes NCHW input and [out_c, in_c, kh, kw] weights;
// images are 8-bit interleaved (RGB or any channel count); YUV frames are 4:2:0 with chroma planes
// of ceil(w/2) x ceil(h/2) and no row padding.
//
// Every call checks its shape against the spans first (the same checks on every backend):
// InvalidArgument naming the operand and the sizes when they disagree or a tensor exceeds
// kMaxElements. A Backend is not thread-safe; use one per thread (they may share a Device).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace theta::compute {

class Device;

// The largest tensor (in elements or bytes) a kernel takes: device kernels index with 32 bits.
inline constexpr uint64_t kMaxElements = uint64_t{1} << 30;

struct MatMulShape {
  uint32_t m = 0;  // rows of A and C
  uint32_t n = 0;  // columns of B and C
  uint32_t k = 0;  // columns of A, rows of B
};

struct Conv2dShape {
  uint32_t batch = 1;
  uint32_t in_channels = 0;
  uint32_t height = 0;
  uint32_t width = 0;
  uint32_t out_channels = 0;
  uint32_t kernel_h = 0;
  uint32_t kernel_w = 0;
  uint32_t stride = 1;
  uint32_t padding = 0;  // zeros on every side

  // Output size; 0 when the kernel does not fit the padded input.
  uint32_t out_height() const noexcept;
  uint32_t out_width() const noexcept;
};

enum class Activation { kRelu, kGelu, kSigmoid };
enum class BinaryOp { kAdd, kMul };
enum class ReduceOp { kSum, kMax };
enum class YuvLayout { kNv12, kI420 };

struct ImageSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// Bytes of a 4:2:0 frame of `size` (luma plus two quarter-size chroma planes, rounded up).
uint64_t Yuv420FrameBytes(ImageSize size) noexcept;

class Backend {
 public:
  virtual ~Backend() = default;
  // "cpu" or "vulkan".
  virtual std::string_view name() const noexcept = 0;

  // c = a * b.
  absl::Status MatMul(MatMulShape shape, std::span<const float> a, std::span<const float> b,
                      std::span<float> c);
  // out[i] = f(in[i]); gelu is the tanh approximation. in and out may be the same span.
  absl::Status Activate(Activation op, std::span<const float> in, std::span<float> out);
  // out[i] = a[i] op b[i].
  absl::Status Binary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                      std::span<float> out);
  // Softmax of each row of a [rows, cols] matrix.
  absl::Status Softmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                       std::span<float> out);
  // out[r] = sum or max of row r of a [rows, cols] matrix.
  absl::Status Reduce(ReduceOp op, uint32_t rows, uint32_t cols, std::span<const float> in,
                      std::span<float> out);
  // out = conv(in, weights) + bias; `bias` has out_channels values or is empty (no bias).
  absl::Status Conv2d(const Conv2dShape& shape, std::span<const float> in,
                      std::span<const float> weights, std::span<const float> bias,
                      std::span<float> out);
  // Bilinear resize (half-pixel centres) of an interleaved 8-bit image.
  absl::Status ResizeBilinear(ImageSize src_size, uint32_t channels, std::span<const uint8_t> src,
                              ImageSize dst_size, std::span<uint8_t> dst);
  // 4:2:0 frame to interleaved RGB (BT.601, limited range).
  absl::Status YuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                        std::span<uint8_t> rgb);

 protected:
  // Called with shapes already checked against the spans.
  virtual absl::Status DoMatMul(MatMulShape shape, std::span<const float> a,
                                std::span<const float> b, std::span<float> c) = 0;
  virtual absl::Status DoActivate(Activation op, std::span<const float> in,
                                  std::span<float> out) = 0;
  virtual absl::Status DoBinary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                                std::span<float> out) = 0;
  virtual absl::Status DoSoftmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                                 std::span<float> out) = 0;
  virtual absl::Status DoReduce(ReduceOp op, uint32_t rows, uint32_t cols,
                                std::span<const float> in, std::span<float> out) = 0;
  virtual absl::Status DoConv2d(const Conv2dShape& shape, std::span<const float> in,
                                std::span<const float> weights, std::span<const float> bias,
                                std::span<float> out) = 0;
  virtual absl::Status DoResizeBilinear(ImageSize src_size, uint32_t channels,
                                        std::span<const uint8_t> src, ImageSize dst_size,
                                        std::span<uint8_t> dst) = 0;
  virtual absl::Status DoYuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                                  std::span<uint8_t> rgb) = 0;
};

// The CPU backend. Matmul and conv (im2col + sgemm) call OpenBLAS with its own thread pool.
std::unique_ptr<Backend> NewCpuBackend();

// The Vulkan backend on `device`, which must outlive it. Each call uploads its inputs, runs the
// kernel, waits and downloads the result. Errors from the device name the Vulkan call.
absl::StatusOr<std::unique_ptr<Backend>> NewVulkanBackend(Device& device);

}  // namespace theta::compute
