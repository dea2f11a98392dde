#include "plane_scaler.hpp"

#include <cstring>

#include "theta/compute/vulkan_kernels.hpp"
#include "theta/core/status.hpp"

namespace theta::compute::internal {

absl::StatusOr<std::unique_ptr<PlaneScaler>> PlaneScaler::Create(Device& device, ImageSize src,
                                                                 ImageSize dst) {
  std::unique_ptr<PlaneScaler> scaler(new PlaneScaler(device));
  const ImageSize src_chroma{(src.width + 1) / 2, (src.height + 1) / 2};
  const ImageSize dst_chroma{(dst.width + 1) / 2, (dst.height + 1) / 2};
  scaler->sizes_ = {{{src, dst}, {src_chroma, dst_chroma}, {src_chroma, dst_chroma}}};
  THETA_ASSIGN_OR_RETURN(scaler->list_, device.NewCommandList());
  VulkanKernels kernels(device);
  for (size_t p = 0; p < 3; ++p) {
    const auto [from, to] = scaler->sizes_[p];
    THETA_ASSIGN_OR_RETURN(scaler->src_[p],
                           device.CreateBuffer(uint64_t{from.width} * from.height));
    THETA_ASSIGN_OR_RETURN(scaler->dst_[p], device.CreateBuffer(uint64_t{to.width} * to.height));
    THETA_RETURN_IF_ERROR(
        kernels.RecordResizeBilinear(scaler->list_, from, 1, scaler->src_[p], to, scaler->dst_[p]));
  }
  return scaler;
}

absl::Status PlaneScaler::Scale(const std::array<PlaneView, 3>& src,
                                const std::array<PlaneView, 3>& dst) {
  for (size_t p = 0; p < 3; ++p) {
    const ImageSize from = sizes_[p].first;
    packed_.resize(size_t{from.width} * from.height);
    for (uint32_t y = 0; y < from.height; ++y) {
      std::memcpy(packed_.data() + size_t{y} * from.width, src[p].data + int64_t{y} * src[p].stride,
                  from.width);
    }
    THETA_RETURN_IF_ERROR(device_.Upload(src_[p], std::as_bytes(std::span(packed_))));
  }
  THETA_RETURN_IF_ERROR(device_.Submit(list_).status());
  THETA_RETURN_IF_ERROR(list_.Wait());
  for (size_t p = 0; p < 3; ++p) {
    const ImageSize to = sizes_[p].second;
    packed_.resize(size_t{to.width} * to.height);
    THETA_RETURN_IF_ERROR(device_.Download(dst_[p], std::as_writable_bytes(std::span(packed_))));
    for (uint32_t y = 0; y < to.height; ++y) {
      std::memcpy(dst[p].data + int64_t{y} * dst[p].stride, packed_.data() + size_t{y} * to.width,
                  to.width);
    }
  }
  return absl::OkStatus();
}

}  // namespace theta::compute::internal
