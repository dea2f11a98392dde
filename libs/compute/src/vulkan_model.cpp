#include "theta/compute/vulkan_model.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

absl::StatusOr<Buffer> Load(Device& device, std::span<const float> values) {
  THETA_ASSIGN_OR_RETURN(Buffer buffer, device.CreateBuffer(values.size_bytes()));
  THETA_RETURN_IF_ERROR(device.Upload(buffer, std::as_bytes(values)));
  return buffer;
}

}  // namespace

VulkanModel::VulkanModel(Device& device, Model model)
    : device_(device), kernels_(device), model_(std::move(model)) {}

absl::StatusOr<std::unique_ptr<VulkanModel>> VulkanModel::Create(Device& device,
                                                                 const Model& model) {
  if (model.layers.empty() || model.layers.front().in != model.input) {
    return absl::InvalidArgumentError("compute model: the model has not passed CheckModel");
  }
  std::unique_ptr<VulkanModel> resident(new VulkanModel(device, model));
  for (const ModelLayer& layer : model.layers) {
    LayerBuffers buffers;
    if (!layer.weights.empty()) {
      THETA_ASSIGN_OR_RETURN(buffers.weights, Load(device, layer.weights));
    }
    if (layer.type == LayerType::kConv2d) {
      THETA_ASSIGN_OR_RETURN(buffers.bias, Load(device, layer.bias));
    }
    resident->layers_.push_back(std::move(buffers));
  }
  return resident;
}

absl::Status VulkanModel::PrepareBatch(uint32_t batch) {
  if (batch == batch_) return absl::OkStatus();
  batch_ = 0;  // until every buffer is in place
  THETA_ASSIGN_OR_RETURN(input_,
                         device_.CreateBuffer(uint64_t{batch} * model_.input.elements() * 4));
  for (size_t i = 0; i < model_.layers.size(); ++i) {
    const ModelLayer& layer = model_.layers[i];
    LayerBuffers& buffers = layers_[i];
    const uint64_t out_bytes = uint64_t{batch} * layer.out.elements() * 4;
    THETA_ASSIGN_OR_RETURN(buffers.output, device_.CreateBuffer(out_bytes));
    if (layer.type == LayerType::kDense) {
      THETA_ASSIGN_OR_RETURN(buffers.product, device_.CreateBuffer(out_bytes));
      std::vector<float> tiled;
      tiled.reserve(size_t{batch} * layer.bias.size());
      for (uint32_t n = 0; n < batch; ++n)
        tiled.insert(tiled.end(), layer.bias.begin(), layer.bias.end());
      THETA_ASSIGN_OR_RETURN(buffers.bias, Load(device_, tiled));
    }
  }
  batch_ = batch;
  return absl::OkStatus();
}

absl::Status VulkanModel::Record(CommandList& list, uint32_t batch) {
  const Buffer* x = &input_;
  for (size_t i = 0; i < model_.layers.size(); ++i) {
    const ModelLayer& layer = model_.layers[i];
    LayerBuffers& b = layers_[i];
    const auto out_count = static_cast<uint32_t>(uint64_t{batch} * layer.out.elements());
    switch (layer.type) {
      case LayerType::kConv2d: {
        const Conv2dShape s{batch,          layer.in.channels,  layer.in.height,
                            layer.in.width, layer.out_channels, layer.kernel,
                            layer.kernel,   layer.stride,       layer.padding};
        THETA_RETURN_IF_ERROR(kernels_.RecordConv2d(list, s, *x, b.weights, b.bias, b.output));
        break;
      }
      case LayerType::kDense: {
        const MatMulShape s{batch, layer.out_channels, static_cast<uint32_t>(layer.in.elements())};
        THETA_RETURN_IF_ERROR(kernels_.RecordMatMul(list, s, *x, b.weights, b.product));
        THETA_RETURN_IF_ERROR(
            kernels_.RecordBinary(list, BinaryOp::kAdd, out_count, b.product, b.bias, b.output));
        break;
      }
      case LayerType::kRelu:
        THETA_RETURN_IF_ERROR(
            kernels_.RecordActivate(list, Activation::kRelu, out_count, *x, b.output));
        break;
      case LayerType::kSoftmax:
        THETA_RETURN_IF_ERROR(kernels_.RecordSoftmax(
            list, batch, static_cast<uint32_t>(layer.in.elements()), *x, b.output));
        break;
    }
    x = &b.output;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> VulkanModel::Run(uint32_t batch, std::span<const float> input) {
  const uint64_t expected = uint64_t{batch} * model_.input.elements();
  if (batch == 0 || input.size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat("compute model: input has ", input.size(),
                                                   " values; a batch of ", batch, " needs ",
                                                   expected));
  }
  for (const ModelLayer& layer : model_.layers) {
    if (uint64_t{batch} * layer.out.elements() > kMaxElements) {
      return absl::InvalidArgumentError(
          absl::StrCat("compute model: a batch of ", batch, " makes tensors over ", kMaxElements));
    }
  }
  THETA_RETURN_IF_ERROR(PrepareBatch(batch));
  THETA_RETURN_IF_ERROR(device_.Upload(input_, std::as_bytes(input)));
  THETA_ASSIGN_OR_RETURN(CommandList list, device_.NewCommandList());
  THETA_RETURN_IF_ERROR(Record(list, batch));
  THETA_RETURN_IF_ERROR(device_.Submit(list).status());
  THETA_RETURN_IF_ERROR(list.Wait());
  std::vector<float> out(uint64_t{batch} * model_.output().elements());
  THETA_RETURN_IF_ERROR(
      device_.Download(layers_.back().output, std::as_writable_bytes(std::span(out))));
  return out;
}

}  // namespace theta::compute
