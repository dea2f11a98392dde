// The shape checks every backend shares.
#include "theta/compute/backend.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

absl::Status CheckCount(const char* op, const char* operand, uint64_t expected, size_t actual) {
  if (expected > kMaxElements) {
    return absl::InvalidArgumentError(absl::StrCat("compute: ", op, " ", operand, " of ", expected,
                                                   " elements exceeds the limit of ",
                                                   kMaxElements));
  }
  if (expected != actual) {
    return absl::InvalidArgumentError(absl::StrCat("compute: ", op, " ", operand, " has ", actual,
                                                   " elements, the shape needs ", expected));
  }
  return absl::OkStatus();
}

absl::Status CheckNonEmpty(const char* op, uint64_t count) {
  if (count == 0) {
    return absl::InvalidArgumentError(absl::StrCat("compute: ", op, " with an empty shape"));
  }
  return absl::OkStatus();
}

}  // namespace

uint32_t Conv2dShape::out_height() const noexcept {
  const uint64_t padded = uint64_t{height} + 2ull * padding;
  if (stride == 0 || kernel_h == 0 || padded < kernel_h) return 0;
  return static_cast<uint32_t>((padded - kernel_h) / stride + 1);
}

uint32_t Conv2dShape::out_width() const noexcept {
  const uint64_t padded = uint64_t{width} + 2ull * padding;
  if (stride == 0 || kernel_w == 0 || padded < kernel_w) return 0;
  return static_cast<uint32_t>((padded - kernel_w) / stride + 1);
}

uint64_t Yuv420FrameBytes(ImageSize size) noexcept {
  const uint64_t luma = uint64_t{size.width} * size.height;
  const uint64_t chroma = uint64_t{(size.width + 1) / 2} * ((size.height + 1) / 2);
  return luma + 2 * chroma;
}

absl::Status Backend::MatMul(MatMulShape s, std::span<const float> a, std::span<const float> b,
                             std::span<float> c) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("matmul", uint64_t{s.m} * s.n * s.k));
  THETA_RETURN_IF_ERROR(CheckCount("matmul", "A", uint64_t{s.m} * s.k, a.size()));
  THETA_RETURN_IF_ERROR(CheckCount("matmul", "B", uint64_t{s.k} * s.n, b.size()));
  THETA_RETURN_IF_ERROR(CheckCount("matmul", "C", uint64_t{s.m} * s.n, c.size()));
  return DoMatMul(s, a, b, c);
}

absl::Status Backend::Activate(Activation op, std::span<const float> in, std::span<float> out) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("activation", in.size()));
  THETA_RETURN_IF_ERROR(CheckCount("activation", "output", in.size(), out.size()));
  THETA_RETURN_IF_ERROR(CheckCount("activation", "input", in.size(), in.size()));
  return DoActivate(op, in, out);
}

absl::Status Backend::Binary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                             std::span<float> out) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("binary op", a.size()));
  THETA_RETURN_IF_ERROR(CheckCount("binary op", "A", a.size(), a.size()));
  THETA_RETURN_IF_ERROR(CheckCount("binary op", "B", a.size(), b.size()));
  THETA_RETURN_IF_ERROR(CheckCount("binary op", "output", a.size(), out.size()));
  return DoBinary(op, a, b, out);
}

absl::Status Backend::Softmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                              std::span<float> out) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("softmax", uint64_t{rows} * cols));
  THETA_RETURN_IF_ERROR(CheckCount("softmax", "input", uint64_t{rows} * cols, in.size()));
  THETA_RETURN_IF_ERROR(CheckCount("softmax", "output", uint64_t{rows} * cols, out.size()));
  return DoSoftmax(rows, cols, in, out);
}

absl::Status Backend::Reduce(ReduceOp op, uint32_t rows, uint32_t cols, std::span<const float> in,
                             std::span<float> out) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("reduce", uint64_t{rows} * cols));
  THETA_RETURN_IF_ERROR(CheckCount("reduce", "input", uint64_t{rows} * cols, in.size()));
  THETA_RETURN_IF_ERROR(CheckCount("reduce", "output", rows, out.size()));
  return DoReduce(op, rows, cols, in, out);
}

absl::Status Backend::Conv2d(const Conv2dShape& s, std::span<const float> in,
                             std::span<const float> weights, std::span<const float> bias,
                             std::span<float> out) {
  if (s.stride == 0) return absl::InvalidArgumentError("compute: conv2d stride 0");
  const uint64_t out_elems = uint64_t{s.batch} * s.out_channels * s.out_height() * s.out_width();
  THETA_RETURN_IF_ERROR(CheckNonEmpty("conv2d", out_elems * s.in_channels));
  THETA_RETURN_IF_ERROR(CheckCount(
      "conv2d", "input", uint64_t{s.batch} * s.in_channels * s.height * s.width, in.size()));
  THETA_RETURN_IF_ERROR(CheckCount(
      "conv2d", "weights", uint64_t{s.out_channels} * s.in_channels * s.kernel_h * s.kernel_w,
      weights.size()));
  if (!bias.empty())
    THETA_RETURN_IF_ERROR(CheckCount("conv2d", "bias", s.out_channels, bias.size()));
  THETA_RETURN_IF_ERROR(CheckCount("conv2d", "output", out_elems, out.size()));
  // im2col on the CPU backend holds in_c * kh * kw * out_h * out_w values.
  THETA_RETURN_IF_ERROR(
      CheckCount("conv2d", "unfolded input",
                 uint64_t{s.in_channels} * s.kernel_h * s.kernel_w * s.out_height() * s.out_width(),
                 static_cast<size_t>(uint64_t{s.in_channels} * s.kernel_h * s.kernel_w *
                                     s.out_height() * s.out_width())));
  return DoConv2d(s, in, weights, bias, out);
}

absl::Status Backend::ResizeBilinear(ImageSize src_size, uint32_t channels,
                                     std::span<const uint8_t> src, ImageSize dst_size,
                                     std::span<uint8_t> dst) {
  if (channels == 0 || channels > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("compute: resize of an image with ", channels, " channels; 1 to 4 allowed"));
  }
  THETA_RETURN_IF_ERROR(CheckNonEmpty(
      "resize", uint64_t{src_size.width} * src_size.height * dst_size.width * dst_size.height));
  THETA_RETURN_IF_ERROR(CheckCount(
      "resize", "source", uint64_t{src_size.width} * src_size.height * channels, src.size()));
  THETA_RETURN_IF_ERROR(CheckCount(
      "resize", "destination", uint64_t{dst_size.width} * dst_size.height * channels, dst.size()));
  return DoResizeBilinear(src_size, channels, src, dst_size, dst);
}

absl::Status Backend::YuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                               std::span<uint8_t> rgb) {
  THETA_RETURN_IF_ERROR(CheckNonEmpty("yuv to rgb", uint64_t{size.width} * size.height));
  THETA_RETURN_IF_ERROR(CheckCount("yuv to rgb", "frame", Yuv420FrameBytes(size), yuv.size()));
  THETA_RETURN_IF_ERROR(
      CheckCount("yuv to rgb", "rgb", uint64_t{size.width} * size.height * 3, rgb.size()));
  return DoYuvToRgb(layout, size, yuv, rgb);
}

}  // namespace theta::compute
