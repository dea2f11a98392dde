// Internal: bilinear scaling of YUV 4:2:0 frames on a Vulkan device with the buffers and the
// recorded command list kept between frames, for transcode jobs. Per frame: three plane uploads,
// one submission of the three resize dispatches, three downloads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"

namespace theta::compute::internal {

// One 8-bit plane in memory with `stride` bytes between rows.
struct PlaneView {
  uint8_t* data = nullptr;
  int stride = 0;
};

class PlaneScaler {
 public:
  // Frames of `src` size to `dst` size (chroma planes are half of each, rounded up).
  static absl::StatusOr<std::unique_ptr<PlaneScaler>> Create(Device& device, ImageSize src,
                                                             ImageSize dst);

  ImageSize src_size() const { return sizes_[0].first; }
  absl::Status Scale(const std::array<PlaneView, 3>& src, const std::array<PlaneView, 3>& dst);

 private:
  explicit PlaneScaler(Device& device) : device_(device) {}

  Device& device_;
  std::array<std::pair<ImageSize, ImageSize>, 3> sizes_;  // per plane: source, destination
  std::array<Buffer, 3> src_;
  std::array<Buffer, 3> dst_;
  CommandList list_;
  std::vector<uint8_t> packed_;
};

}  // namespace theta::compute::internal
