#include "theta/compute/vulkan_kernels.hpp"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

constexpr uint32_t kLocalSize =
    64;  // elementwise and row kernels; a power of two for the reductions

template <size_t N>
std::span<const std::byte> AsBytes(const std::array<uint32_t, N>& words) {
  return std::as_bytes(std::span<const uint32_t>(words));
}

absl::Status CheckBuffer(const char* op, const char* operand, const Buffer& buffer,
                         uint64_t bytes) {
  if (!buffer.valid() || buffer.size() < bytes) {
    return absl::InvalidArgumentError(absl::StrCat("compute: ", op, " ", operand, " buffer has ",
                                                   buffer.size(), " bytes, the shape needs ",
                                                   bytes));
  }
  return absl::OkStatus();
}

// The spec of each kernel, shared by its Record* method and StandardSpecs().
KernelSpec BinarySpec(BinaryOp op) {
  return {"binary", 3, 4, {kLocalSize, static_cast<uint32_t>(op)}};
}
KernelSpec ActivationSpec(Activation op) {
  return {"activation", 2, 4, {kLocalSize, static_cast<uint32_t>(op)}};
}
KernelSpec SoftmaxSpec() {
  return {"softmax", 2, 8, {kLocalSize}};
}
KernelSpec ReduceSpec(ReduceOp op) {
  return {"reduce", 2, 8, {kLocalSize, static_cast<uint32_t>(op)}};
}
KernelSpec Conv2dSpec() {
  return {"conv2d", 4, 44, {kLocalSize}};
}
KernelSpec ResizeSpec() {
  return {"resize_bilinear", 2, 20, {kLocalSize}};
}
KernelSpec YuvToRgbSpec() {
  return {"yuv_to_rgb", 2, 12, {kLocalSize}};
}
// mode: 0 scalar columns, 1 vec4 columns, 2 vec4 with A shared through the subgroup.
KernelSpec SgemmSpec(const SgemmTiling& t, uint32_t mode) {
  return {"sgemm", 3, 12, {t.local_x, t.tm, t.tn, mode, t.local_y}};
}

}  // namespace

SgemmTiling DefaultSgemmTiling(const DeviceInfo& info) {
  // Measured on lavapipe (2 cores, AVX2, subgroups of 8): tm 16 x tn 2 vec4 columns per invocation,
  // 8 x 8 invocations per workgroup, with A shared through the subgroup.
  if (info.kind == DeviceKind::kCpu) return SgemmTiling{8, 8, 16, 2};
  return SgemmTiling{16, 4, 8, 1};
}

VulkanKernels::VulkanKernels(Device& device)
    : VulkanKernels(device, DefaultSgemmTiling(device.info())) {}

VulkanKernels::VulkanKernels(Device& device, SgemmTiling tiling)
    : device_(device), tiling_(tiling) {}

bool VulkanKernels::SubgroupSgemmUsable() const {
  // The shared path needs full subgroups of a multiple of 8 lanes that each lie in one row of
  // invocations.
  const DeviceInfo& info = device_.info();
  return info.subgroup_broadcast && info.subgroup_size > 0 && info.subgroup_size % 8 == 0 &&
         tiling_.local_x % info.subgroup_size == 0;
}

std::vector<KernelSpec> VulkanKernels::StandardSpecs() const {
  std::vector<KernelSpec> specs = {BinarySpec(BinaryOp::kAdd),
                                   BinarySpec(BinaryOp::kMul),
                                   ActivationSpec(Activation::kRelu),
                                   ActivationSpec(Activation::kGelu),
                                   ActivationSpec(Activation::kSigmoid),
                                   SoftmaxSpec(),
                                   ReduceSpec(ReduceOp::kSum),
                                   ReduceSpec(ReduceOp::kMax),
                                   Conv2dSpec(),
                                   ResizeSpec(),
                                   YuvToRgbSpec(),
                                   SgemmSpec(tiling_, 0),
                                   SgemmSpec(tiling_, 1)};
  if (SubgroupSgemmUsable()) specs.push_back(SgemmSpec(tiling_, 2));
  return specs;
}

absl::Status VulkanKernels::Prewarm() {
  const std::vector<KernelSpec> specs = StandardSpecs();
  return device_.Prewarm(specs);
}

absl::Status VulkanKernels::RecordFlat(CommandList& list, const KernelSpec& spec,
                                       uint64_t invocations,
                                       std::initializer_list<const Buffer*> buffers,
                                       std::span<const std::byte> push) {
  THETA_ASSIGN_OR_RETURN(const Kernel* kernel, device_.GetKernel(spec));
  const uint64_t groups = (invocations + kLocalSize - 1) / kLocalSize;
  const uint64_t max_x = device_.info().max_workgroup_count[0];
  const uint64_t x = std::min<uint64_t>(groups, max_x);
  const uint64_t y = (groups + x - 1) / x;
  return list.Dispatch(*kernel, std::span<const Buffer* const>(buffers.begin(), buffers.size()),
                       push, static_cast<uint32_t>(x), static_cast<uint32_t>(y));
}

absl::Status VulkanKernels::RecordRows(CommandList& list, const KernelSpec& spec, uint32_t rows,
                                       std::initializer_list<const Buffer*> buffers,
                                       std::span<const std::byte> push) {
  THETA_ASSIGN_OR_RETURN(const Kernel* kernel, device_.GetKernel(spec));
  const uint32_t x = std::min(rows, device_.info().max_workgroup_count[0]);
  const uint32_t y = (rows + x - 1) / x;
  return list.Dispatch(*kernel, std::span<const Buffer* const>(buffers.begin(), buffers.size()),
                       push, x, y);
}

absl::Status VulkanKernels::RecordMatMul(CommandList& list, MatMulShape s, const Buffer& a,
                                         const Buffer& b, const Buffer& c) {
  THETA_RETURN_IF_ERROR(CheckBuffer("matmul", "A", a, uint64_t{s.m} * s.k * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("matmul", "B", b, uint64_t{s.k} * s.n * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("matmul", "C", c, uint64_t{s.m} * s.n * 4));
  if (s.m == 0 || s.n == 0 || s.k == 0) {
    return absl::InvalidArgumentError("compute: matmul with an empty shape");
  }
  // The vec4 paths need rows of A and B that start on 16-byte boundaries.
  const bool vec4 = s.k % 4 == 0 && s.n % 4 == 0;
  const bool shared = vec4 && SubgroupSgemmUsable();
  const uint32_t mode = shared ? 2 : (vec4 ? 1 : 0);
  THETA_ASSIGN_OR_RETURN(const Kernel* kernel, device_.GetKernel(SgemmSpec(tiling_, mode)));
  const uint64_t columns = vec4 ? s.n / 4 : s.n;  // in the units one invocation loads
  const uint64_t column_blocks = (columns + tiling_.tn - 1) / tiling_.tn;
  const uint64_t row_blocks = (s.m + tiling_.tm - 1) / tiling_.tm;
  const uint64_t along_x = column_blocks;
  const uint64_t along_y = row_blocks;
  const std::array<uint32_t, 3> push = {s.m, s.n, s.k};
  const Buffer* buffers[] = {&a, &b, &c};
  return list.Dispatch(*kernel, buffers, AsBytes(push),
                       static_cast<uint32_t>((along_x + tiling_.local_x - 1) / tiling_.local_x),
                       static_cast<uint32_t>((along_y + tiling_.local_y - 1) / tiling_.local_y));
}

absl::Status VulkanKernels::RecordActivate(CommandList& list, Activation op, uint32_t count,
                                           const Buffer& in, const Buffer& out) {
  THETA_RETURN_IF_ERROR(CheckBuffer("activation", "input", in, uint64_t{count} * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("activation", "output", out, uint64_t{count} * 4));
  const std::array<uint32_t, 1> push = {count};
  return RecordFlat(list, ActivationSpec(op), count, {&in, &out}, AsBytes(push));
}

absl::Status VulkanKernels::RecordBinary(CommandList& list, BinaryOp op, uint32_t count,
                                         const Buffer& a, const Buffer& b, const Buffer& out) {
  THETA_RETURN_IF_ERROR(CheckBuffer("binary op", "A", a, uint64_t{count} * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("binary op", "B", b, uint64_t{count} * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("binary op", "output", out, uint64_t{count} * 4));
  const std::array<uint32_t, 1> push = {count};
  return RecordFlat(list, BinarySpec(op), count, {&a, &b, &out}, AsBytes(push));
}

absl::Status VulkanKernels::RecordSoftmax(CommandList& list, uint32_t rows, uint32_t cols,
                                          const Buffer& in, const Buffer& out) {
  THETA_RETURN_IF_ERROR(CheckBuffer("softmax", "input", in, uint64_t{rows} * cols * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("softmax", "output", out, uint64_t{rows} * cols * 4));
  const std::array<uint32_t, 2> push = {rows, cols};
  return RecordRows(list, SoftmaxSpec(), rows, {&in, &out}, AsBytes(push));
}

absl::Status VulkanKernels::RecordReduce(CommandList& list, ReduceOp op, uint32_t rows,
                                         uint32_t cols, const Buffer& in, const Buffer& out) {
  THETA_RETURN_IF_ERROR(CheckBuffer("reduce", "input", in, uint64_t{rows} * cols * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("reduce", "output", out, uint64_t{rows} * 4));
  const std::array<uint32_t, 2> push = {rows, cols};
  return RecordRows(list, ReduceSpec(op), rows, {&in, &out}, AsBytes(push));
}

absl::Status VulkanKernels::RecordConv2d(CommandList& list, const Conv2dShape& s, const Buffer& in,
                                         const Buffer& weights, const Buffer& bias,
                                         const Buffer& out) {
  const uint64_t out_elems = uint64_t{s.batch} * s.out_channels * s.out_height() * s.out_width();
  if (out_elems == 0 || s.in_channels == 0) {
    return absl::InvalidArgumentError("compute: conv2d with an empty shape");
  }
  THETA_RETURN_IF_ERROR(CheckBuffer("conv2d", "input", in,
                                    uint64_t{s.batch} * s.in_channels * s.height * s.width * 4));
  THETA_RETURN_IF_ERROR(
      CheckBuffer("conv2d", "weights", weights,
                  uint64_t{s.out_channels} * s.in_channels * s.kernel_h * s.kernel_w * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("conv2d", "bias", bias, uint64_t{s.out_channels} * 4));
  THETA_RETURN_IF_ERROR(CheckBuffer("conv2d", "output", out, out_elems * 4));
  const std::array<uint32_t, 11> push = {s.batch,        s.in_channels,  s.height,     s.width,
                                         s.out_channels, s.kernel_h,     s.kernel_w,   s.stride,
                                         s.padding,      s.out_height(), s.out_width()};
  return RecordFlat(list, Conv2dSpec(), out_elems, {&in, &weights, &bias, &out}, AsBytes(push));
}

absl::Status VulkanKernels::RecordResizeBilinear(CommandList& list, ImageSize src_size,
                                                 uint32_t channels, const Buffer& src,
                                                 ImageSize dst_size, const Buffer& dst) {
  const uint64_t dst_bytes = uint64_t{dst_size.width} * dst_size.height * channels;
  if (dst_bytes == 0 || src_size.width == 0 || src_size.height == 0) {
    return absl::InvalidArgumentError("compute: resize with an empty image");
  }
  THETA_RETURN_IF_ERROR(
      CheckBuffer("resize", "source", src, uint64_t{src_size.width} * src_size.height * channels));
  THETA_RETURN_IF_ERROR(CheckBuffer("resize", "destination", dst, dst_bytes));
  const std::array<uint32_t, 5> push = {src_size.width, src_size.height, dst_size.width,
                                        dst_size.height, channels};
  return RecordFlat(list, ResizeSpec(), (dst_bytes + 3) / 4, {&src, &dst}, AsBytes(push));
}

absl::Status VulkanKernels::RecordYuvToRgb(CommandList& list, YuvLayout layout, ImageSize size,
                                           const Buffer& yuv, const Buffer& rgb) {
  const uint64_t rgb_bytes = uint64_t{size.width} * size.height * 3;
  if (rgb_bytes == 0) return absl::InvalidArgumentError("compute: yuv to rgb of an empty frame");
  THETA_RETURN_IF_ERROR(CheckBuffer("yuv to rgb", "frame", yuv, Yuv420FrameBytes(size)));
  THETA_RETURN_IF_ERROR(CheckBuffer("yuv to rgb", "rgb", rgb, rgb_bytes));
  const std::array<uint32_t, 3> push = {size.width, size.height,
                                        layout == YuvLayout::kNv12 ? 0u : 1u};
  return RecordFlat(list, YuvToRgbSpec(), (rgb_bytes + 3) / 4, {&yuv, &rgb}, AsBytes(push));
}

}  // namespace theta::compute
