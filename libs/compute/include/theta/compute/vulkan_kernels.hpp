// VulkanKernels records the operations of backend.hpp onto a CommandList over device-resident
// Buffers, for callers that keep data on the device between steps (the Vulkan backend, the
// inference path, the benchmarks). Shapes follow backend.hpp; byte images are packed four bytes to
// a 32-bit word (buffers are sized in bytes, rounded up to 4).
//
// Each Record* checks that the buffers are large enough for the shape (InvalidArgument naming the
// operand) and builds its kernel on first use (through the Device's pipeline cache). Thread-safety:
// like the Device; a CommandList must still be used by one thread.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "theta/compute/backend.hpp"
#include "theta/compute/device.hpp"

namespace theta::compute {

// Tile sizes of the register-blocked SGEMM (specialization constants of sgemm.comp): each
// invocation computes tm rows by tn columns of C, where a column is a vec4 (four floats) when K and
// N are multiples of 4 and one float otherwise; a workgroup is local_x by local_y invocations.
struct SgemmTiling {
  uint32_t local_x = 16;
  uint32_t local_y = 4;
  uint32_t tm = 8;
  uint32_t tn = 1;
};

// The tiling measured best for the device's kind: large tm on CPU devices (lavapipe), where every
// divergent load is expensive and loads of A are uniform.
SgemmTiling DefaultSgemmTiling(const DeviceInfo& info);

class VulkanKernels {
 public:
  // `device` must outlive this object.
  explicit VulkanKernels(Device& device);
  VulkanKernels(Device& device, SgemmTiling tiling);

  const SgemmTiling& sgemm_tiling() const noexcept { return tiling_; }

  // The spec of every kernel the Record* methods below can build on this device with this tiling
  // (each op and variant once), for Device::Prewarm or DeviceOptions::prewarm_kernels.
  std::vector<KernelSpec> StandardSpecs() const;
  // Device::Prewarm(StandardSpecs()): every kernel built and compiled now, so that no Record* and
  // no first dispatch pays for it later. On lavapipe it adds 40-125 ms to start-up here
  // (docs/edge-compute.md).
  absl::Status Prewarm();

  absl::Status RecordMatMul(CommandList& list, MatMulShape shape, const Buffer& a, const Buffer& b,
                            const Buffer& c);
  absl::Status RecordActivate(CommandList& list, Activation op, uint32_t count, const Buffer& in,
                              const Buffer& out);
  absl::Status RecordBinary(CommandList& list, BinaryOp op, uint32_t count, const Buffer& a,
                            const Buffer& b, const Buffer& out);
  absl::Status RecordSoftmax(CommandList& list, uint32_t rows, uint32_t cols, const Buffer& in,
                             const Buffer& out);
  absl::Status RecordReduce(CommandList& list, ReduceOp op, uint32_t rows, uint32_t cols,
                            const Buffer& in, const Buffer& out);
  // `bias` holds out_channels floats (zeros for no bias).
  absl::Status RecordConv2d(CommandList& list, const Conv2dShape& shape, const Buffer& in,
                            const Buffer& weights, const Buffer& bias, const Buffer& out);
  absl::Status RecordResizeBilinear(CommandList& list, ImageSize src_size, uint32_t channels,
                                    const Buffer& src, ImageSize dst_size, const Buffer& dst);
  absl::Status RecordYuvToRgb(CommandList& list, YuvLayout layout, ImageSize size,
                              const Buffer& yuv, const Buffer& rgb);

 private:
  // Whether RecordMatMul may use the subgroup-shared SGEMM path on this device.
  bool SubgroupSgemmUsable() const;
  // Records `shader` over enough workgroups of 64 for `invocations`, folding >65535 groups into
  // 2-D.
  absl::Status RecordFlat(CommandList& list, const KernelSpec& spec, uint64_t invocations,
                          std::initializer_list<const Buffer*> buffers,
                          std::span<const std::byte> push);
  absl::Status RecordRows(CommandList& list, const KernelSpec& spec, uint32_t rows,
                          std::initializer_list<const Buffer*> buffers,
                          std::span<const std::byte> push);

  Device& device_;
  SgemmTiling tiling_;
};

}  // namespace theta::compute
