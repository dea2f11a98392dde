// The Vulkan backend: upload, record one kernel, submit, wait, download.
#include <cstring>
#include <vector>

#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/vulkan_kernels.hpp"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

class VulkanBackend final : public Backend {
 public:
  explicit VulkanBackend(Device& device) : device_(device), kernels_(device) {}
  std::string_view name() const noexcept override { return "vulkan"; }

 protected:
  absl::Status DoMatMul(MatMulShape s, std::span<const float> a, std::span<const float> b,
                        std::span<float> c) override {
    THETA_ASSIGN_OR_RETURN(Buffer da, Load(a));
    THETA_ASSIGN_OR_RETURN(Buffer db, Load(b));
    THETA_ASSIGN_OR_RETURN(Buffer dc, device_.CreateBuffer(c.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(kernels_.RecordMatMul(list, s, da, db, dc));
    return RunAndStore(list, dc, std::as_writable_bytes(c));
  }

  absl::Status DoActivate(Activation op, std::span<const float> in, std::span<float> out) override {
    THETA_ASSIGN_OR_RETURN(Buffer din, Load(in));
    THETA_ASSIGN_OR_RETURN(Buffer dout, device_.CreateBuffer(out.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(
        kernels_.RecordActivate(list, op, static_cast<uint32_t>(in.size()), din, dout));
    return RunAndStore(list, dout, std::as_writable_bytes(out));
  }

  absl::Status DoBinary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                        std::span<float> out) override {
    THETA_ASSIGN_OR_RETURN(Buffer da, Load(a));
    THETA_ASSIGN_OR_RETURN(Buffer db, Load(b));
    THETA_ASSIGN_OR_RETURN(Buffer dout, device_.CreateBuffer(out.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(
        kernels_.RecordBinary(list, op, static_cast<uint32_t>(a.size()), da, db, dout));
    return RunAndStore(list, dout, std::as_writable_bytes(out));
  }

  absl::Status DoSoftmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                         std::span<float> out) override {
    THETA_ASSIGN_OR_RETURN(Buffer din, Load(in));
    THETA_ASSIGN_OR_RETURN(Buffer dout, device_.CreateBuffer(out.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(kernels_.RecordSoftmax(list, rows, cols, din, dout));
    return RunAndStore(list, dout, std::as_writable_bytes(out));
  }

  absl::Status DoReduce(ReduceOp op, uint32_t rows, uint32_t cols, std::span<const float> in,
                        std::span<float> out) override {
    THETA_ASSIGN_OR_RETURN(Buffer din, Load(in));
    THETA_ASSIGN_OR_RETURN(Buffer dout, device_.CreateBuffer(out.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(kernels_.RecordReduce(list, op, rows, cols, din, dout));
    return RunAndStore(list, dout, std::as_writable_bytes(out));
  }

  absl::Status DoConv2d(const Conv2dShape& s, std::span<const float> in,
                        std::span<const float> weights, std::span<const float> bias,
                        std::span<float> out) override {
    const std::vector<float> zeros(bias.empty() ? s.out_channels : 0, 0.0f);
    THETA_ASSIGN_OR_RETURN(Buffer din, Load(in));
    THETA_ASSIGN_OR_RETURN(Buffer dw, Load(weights));
    THETA_ASSIGN_OR_RETURN(Buffer db, Load(bias.empty() ? std::span<const float>(zeros) : bias));
    THETA_ASSIGN_OR_RETURN(Buffer dout, device_.CreateBuffer(out.size_bytes()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(kernels_.RecordConv2d(list, s, din, dw, db, dout));
    return RunAndStore(list, dout, std::as_writable_bytes(out));
  }

  absl::Status DoResizeBilinear(ImageSize src_size, uint32_t channels, std::span<const uint8_t> src,
                                ImageSize dst_size, std::span<uint8_t> dst) override {
    THETA_ASSIGN_OR_RETURN(Buffer dsrc, Load(src));
    THETA_ASSIGN_OR_RETURN(Buffer ddst, device_.CreateBuffer(dst.size()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(
        kernels_.RecordResizeBilinear(list, src_size, channels, dsrc, dst_size, ddst));
    return RunAndStore(list, ddst, std::as_writable_bytes(dst));
  }

  absl::Status DoYuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                          std::span<uint8_t> rgb) override {
    THETA_ASSIGN_OR_RETURN(Buffer dyuv, Load(yuv));
    THETA_ASSIGN_OR_RETURN(Buffer drgb, device_.CreateBuffer(rgb.size()));
    THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
    THETA_RETURN_IF_ERROR(kernels_.RecordYuvToRgb(list, layout, size, dyuv, drgb));
    return RunAndStore(list, drgb, std::as_writable_bytes(rgb));
  }

 private:
  template <typename T>
  absl::StatusOr<Buffer> Load(std::span<const T> data) {
    THETA_ASSIGN_OR_RETURN(Buffer buffer, device_.CreateBuffer(data.size_bytes()));
    THETA_RETURN_IF_ERROR(device_.Upload(buffer, std::as_bytes(data)));
    return buffer;
  }

  absl::Status RunAndStore(CommandList& list, const Buffer& result, std::span<std::byte> out) {
    THETA_RETURN_IF_ERROR(device_.Submit(list).status());
    THETA_RETURN_IF_ERROR(list.Wait());
    return device_.Download(result, out);
  }

  Device& device_;
  VulkanKernels kernels_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> NewVulkanBackend(Device& device) {
  return std::unique_ptr<Backend>(std::make_unique<VulkanBackend>(device));
}

}  // namespace theta::compute
