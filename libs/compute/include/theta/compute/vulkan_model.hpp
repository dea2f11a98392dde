// A TCM1 model (model.hpp) resident on a Vulkan device: the weights are uploaded once, and each
// Run records every layer into one command list (conv2d, sgemm + bias add, relu, softmax kernels
// from VulkanKernels) with one upload of the input, one submission and one download of the
// output, so nothing returns to the host between layers. Results equal RunModel on any backend
// within fp32 tolerance.
//
// The Device must outlive the VulkanModel. Not thread-safe (it keeps per-batch buffers); use one
// per thread.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/compute/buffer.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/model.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {

class VulkanModel {
 public:
  // `model` must have passed CheckModel (DecodeModel does that). Device errors name the call.
  static absl::StatusOr<std::unique_ptr<VulkanModel>> Create(Device& device, const Model& model);

  // As RunModel: `batch` samples in, [batch, output elements] out.
  absl::StatusOr<std::vector<float>> Run(uint32_t batch, std::span<const float> input);

 private:
  struct LayerBuffers {
    Buffer weights;
    Buffer bias;     // conv2d: out_channels values; dense: the bias repeated for the batch
    Buffer product;  // dense: the matmul result before the bias
    Buffer output;
  };

  VulkanModel(Device& device, Model model);
  absl::Status PrepareBatch(uint32_t batch);
  absl::Status Record(CommandList& list, uint32_t batch);

  Device& device_;
  VulkanKernels kernels_;
  Model model_;
  std::vector<LayerBuffers> layers_;
  Buffer input_;
  uint32_t batch_ = 0;  // the batch the per-batch buffers are sized for; 0 before the first Run
};

}  // namespace theta::compute
