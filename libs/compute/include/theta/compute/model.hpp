// A small feed-forward model (an MNIST-class CNN or MLP) in the theta compute model format, and
// inference over a Backend built from its kernels (conv2d, matmul, binary add, relu, softmax).
//
// The format ("TCM1"), every number little-endian, nothing after the last layer:
//   magic     4 bytes "TCM1"
//   u32       input channels, input height, input width   (each 1..kMaxModelDim)
//   u32       layer count                                 (1..kMaxModelLayers)
//   layers, each a u32 type followed by its fields:
//     1 conv2d   u32 out_channels, kernel (square), stride, padding;
//                f32 weights [out_channels, in_channels, kernel, kernel]; f32 bias [out_channels]
//     2 relu     (no fields)
//     3 dense    u32 out_features; f32 weights [in_features, out_features] (row-major, so a batch
//                [batch, in_features] times weights is the layer); f32 bias [out_features]
//     4 softmax  (no fields; over the features of each sample)
// A layer's input is the previous layer's output [channels, height, width]; a dense layer reads
// it flattened (channels * height * width features) and outputs [out_features, 1, 1]. Strided
// convolutions take the place of pooling layers.
//
// DecodeModel never trusts the bytes: a bad magic, an unknown layer type, a shape that does not
// fit, a non-finite weight, missing or trailing bytes, or a model over the limits below is
// InvalidArgument naming the layer and what is wrong.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/compute/backend.hpp"
#include "theta/core/bytes.hpp"

namespace theta::compute {

inline constexpr uint32_t kMaxModelLayers = 64;
inline constexpr uint32_t kMaxModelDim = 4096;  // any channel count, side, kernel or feature count
// All weights and biases together (64 MiB of f32).
inline constexpr uint64_t kMaxModelParameters = uint64_t{16} << 20;

enum class LayerType : uint32_t { kConv2d = 1, kRelu = 2, kDense = 3, kSoftmax = 4 };

struct TensorShape {
  uint32_t channels = 0;
  uint32_t height = 0;
  uint32_t width = 0;

  uint64_t elements() const noexcept { return uint64_t{channels} * height * width; }
  bool operator==(const TensorShape&) const = default;
};

struct ModelLayer {
  LayerType type = LayerType::kRelu;
  uint32_t out_channels = 0;  // conv2d output channels, or dense output features
  uint32_t kernel = 0;        // conv2d only
  uint32_t stride = 1;        // conv2d only
  uint32_t padding = 0;       // conv2d only
  std::vector<float> weights;
  std::vector<float> bias;
  // Filled in by DecodeModel / CheckModel from the model's input shape.
  TensorShape in;
  TensorShape out;

  bool operator==(const ModelLayer&) const = default;
};

struct Model {
  TensorShape input;
  std::vector<ModelLayer> layers;
  // Multiply-adds and element operations for one sample (filled in like the shapes).
  uint64_t work_per_sample = 0;

  const TensorShape& output() const { return layers.back().out; }
  bool operator==(const Model&) const = default;
};

// Checks `model` as DecodeModel does and fills in each layer's shapes and work_per_sample.
absl::Status CheckModel(Model& model);
absl::StatusOr<Model> DecodeModel(std::span<const uint8_t> bytes);
// The TCM1 bytes of a model that passes CheckModel.
Bytes EncodeModel(const Model& model);

// Runs `batch` samples ([batch, c, h, w] f32, the model's input shape) through the model on
// `backend`; returns [batch, output elements]. InvalidArgument when the input does not match;
// the backend's errors otherwise.
absl::StatusOr<std::vector<float>> RunModel(Backend& backend, const Model& model, uint32_t batch,
                                            std::span<const float> input);

}  // namespace theta::compute
