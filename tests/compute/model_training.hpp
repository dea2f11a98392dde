// A plain-loops reference for the TCM1 layers (forward and backward) and a seeded SGD trainer, so
// the model tests make their own pretrained weights: a synthetic MNIST-like task (12x12 strokes in
// four orientations, with noise), trained deterministically, then saved in the TCM1 format. The
// forward pass here is the reference the backends are compared with; it shares no code with them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "theta/compute/model.hpp"

namespace theta::compute::testing {

inline constexpr uint32_t kStrokeSide = 12;
inline constexpr uint32_t kStrokeClasses = 4;

struct Dataset {
  std::vector<float> images;  // [count, 1, 12, 12]
  std::vector<uint32_t> labels;
  uint32_t count() const { return static_cast<uint32_t>(labels.size()); }
};

// Class 0: a horizontal stroke, 1: vertical, 2: diagonal, 3: anti-diagonal; each 5..9 pixels long
// at a random place, on uniform noise in [0, 0.3).
inline Dataset MakeStrokes(uint32_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  std::uniform_real_distribution<float> noise(0.0f, 0.3f);
  Dataset data;
  constexpr uint32_t kPixels = kStrokeSide * kStrokeSide;
  data.images.resize(size_t{count} * kPixels);
  for (uint32_t i = 0; i < count; ++i) {
    float* image = data.images.data() + size_t{i} * kPixels;
    for (uint32_t p = 0; p < kPixels; ++p)
      image[p] = noise(rng);
    const uint32_t label = uniform(kStrokeClasses);
    const uint32_t length = 5 + uniform(5);
    const uint32_t room = kStrokeSide - length + 1;
    uint32_t x = uniform(room), y = uniform(room);
    if (label == 0) y = uniform(kStrokeSide);
    if (label == 1) x = uniform(kStrokeSide);
    for (uint32_t t = 0; t < length; ++t) {
      const uint32_t px = label == 1 ? x : (label == 3 ? x + length - 1 - t : x + t);
      const uint32_t py = label == 0 ? y : y + t;
      image[py * kStrokeSide + px] = 1.0f;
    }
    data.labels.push_back(label);
  }
  return data;
}

// The activations of one sample through the model: acts[0] is the input, acts[i + 1] layer i's
// output.
inline std::vector<std::vector<float>> ReferenceForward(const Model& model, const float* sample) {
  std::vector<std::vector<float>> acts;
  acts.emplace_back(sample, sample + model.input.elements());
  for (const ModelLayer& layer : model.layers) {
    const std::vector<float>& x = acts.back();
    std::vector<float> y(layer.out.elements());
    const TensorShape& in = layer.in;
    const TensorShape& out = layer.out;
    switch (layer.type) {
      case LayerType::kConv2d:
        for (uint32_t oc = 0; oc < out.channels; ++oc)
          for (uint32_t oy = 0; oy < out.height; ++oy)
            for (uint32_t ox = 0; ox < out.width; ++ox) {
              double sum = layer.bias[oc];
              for (uint32_t ic = 0; ic < in.channels; ++ic)
                for (uint32_t ky = 0; ky < layer.kernel; ++ky)
                  for (uint32_t kx = 0; kx < layer.kernel; ++kx) {
                    const int64_t iy = int64_t{oy} * layer.stride + ky - layer.padding;
                    const int64_t ix = int64_t{ox} * layer.stride + kx - layer.padding;
                    if (iy < 0 || ix < 0 || iy >= in.height || ix >= in.width) continue;
                    sum +=
                        double(layer.weights[((size_t{oc} * in.channels + ic) * layer.kernel + ky) *
                                                 layer.kernel +
                                             kx]) *
                        x[(size_t{ic} * in.height + iy) * in.width + ix];
                  }
              y[(size_t{oc} * out.height + oy) * out.width + ox] = static_cast<float>(sum);
            }
        break;
      case LayerType::kDense:
        for (uint32_t o = 0; o < out.channels; ++o) {
          double sum = layer.bias[o];
          for (size_t i = 0; i < x.size(); ++i)
            sum += double(x[i]) * layer.weights[i * out.channels + o];
          y[o] = static_cast<float>(sum);
        }
        break;
      case LayerType::kRelu:
        for (size_t i = 0; i < x.size(); ++i)
          y[i] = std::max(x[i], 0.0f);
        break;
      case LayerType::kSoftmax: {
        const float m = *std::max_element(x.begin(), x.end());
        double sum = 0;
        for (float v : x)
          sum += std::exp(double(v) - m);
        for (size_t i = 0; i < x.size(); ++i)
          y[i] = static_cast<float>(std::exp(double(x[i]) - m) / sum);
        break;
      }
    }
    acts.push_back(std::move(y));
  }
  return acts;
}

// One SGD step on one sample with cross-entropy loss; the model must end in softmax.
inline void SgdStep(Model& model, const float* sample, uint32_t label, float rate) {
  const auto acts = ReferenceForward(model, sample);
  std::vector<float> grad = acts.back();  // d loss / d logits = p - onehot
  grad[label] -= 1.0f;
  for (size_t li = model.layers.size() - 1; li-- > 0;) {
    ModelLayer& layer = model.layers[li];
    const std::vector<float>& x = acts[li];
    std::vector<float> grad_in(x.size(), 0.0f);
    const TensorShape& in = layer.in;
    const TensorShape& out = layer.out;
    if (layer.type == LayerType::kRelu) {
      for (size_t i = 0; i < x.size(); ++i)
        grad_in[i] = x[i] > 0.0f ? grad[i] : 0.0f;
    } else if (layer.type == LayerType::kDense) {
      for (size_t i = 0; i < x.size(); ++i)
        for (uint32_t o = 0; o < out.channels; ++o) {
          float& w = layer.weights[i * out.channels + o];
          grad_in[i] += w * grad[o];
          w -= rate * x[i] * grad[o];
        }
      for (uint32_t o = 0; o < out.channels; ++o)
        layer.bias[o] -= rate * grad[o];
    } else if (layer.type == LayerType::kConv2d) {
      for (uint32_t oc = 0; oc < out.channels; ++oc)
        for (uint32_t oy = 0; oy < out.height; ++oy)
          for (uint32_t ox = 0; ox < out.width; ++ox) {
            const float g = grad[(size_t{oc} * out.height + oy) * out.width + ox];
            layer.bias[oc] -= rate * g;
            for (uint32_t ic = 0; ic < in.channels; ++ic)
              for (uint32_t ky = 0; ky < layer.kernel; ++ky)
                for (uint32_t kx = 0; kx < layer.kernel; ++kx) {
                  const int64_t iy = int64_t{oy} * layer.stride + ky - layer.padding;
                  const int64_t ix = int64_t{ox} * layer.stride + kx - layer.padding;
                  if (iy < 0 || ix < 0 || iy >= in.height || ix >= in.width) continue;
                  const size_t xi = (size_t{ic} * in.height + iy) * in.width + ix;
                  float& w = layer.weights[((size_t{oc} * in.channels + ic) * layer.kernel + ky) *
                                               layer.kernel +
                                           kx];
                  grad_in[xi] += w * g;
                  w -= rate * g * x[xi];
                }
          }
    }
    grad.swap(grad_in);
  }
}

// Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights, zero biases; `model` must pass CheckModel.
inline void InitWeights(Model& model, uint32_t seed) {
  std::mt19937 rng(seed);
  for (ModelLayer& layer : model.layers) {
    if (layer.weights.empty()) continue;
    const double fan_in = double(layer.weights.size()) / layer.out_channels;
    std::uniform_real_distribution<float> dist(-1.0f / std::sqrt(fan_in), 1.0f / std::sqrt(fan_in));
    for (float& w : layer.weights)
      w = dist(rng);
  }
}

inline ModelLayer Conv(uint32_t out_channels, uint32_t kernel, uint32_t stride, uint32_t padding,
                       uint32_t in_channels) {
  ModelLayer layer{LayerType::kConv2d, out_channels, kernel, stride, padding};
  layer.weights.resize(size_t{out_channels} * in_channels * kernel * kernel);
  layer.bias.resize(out_channels);
  return layer;
}

inline ModelLayer Dense(uint32_t in_features, uint32_t out_features) {
  ModelLayer layer{LayerType::kDense, out_features};
  layer.weights.resize(size_t{in_features} * out_features);
  layer.bias.resize(out_features);
  return layer;
}

inline ModelLayer Plain(LayerType type) {
  return ModelLayer{type};
}

// conv 1->6 (3x3, stride 2, pad 1) -> relu -> dense 216->4 -> softmax.
inline Model StrokeCnn() {
  Model model;
  model.input = {1, kStrokeSide, kStrokeSide};
  model.layers = {Conv(6, 3, 2, 1, 1), Plain(LayerType::kRelu), Dense(6 * 6 * 6, kStrokeClasses),
                  Plain(LayerType::kSoftmax)};
  return model;
}

// dense 144->24 -> relu -> dense 24->4 -> softmax.
inline Model StrokeMlp() {
  Model model;
  model.input = {1, kStrokeSide, kStrokeSide};
  model.layers = {Dense(kStrokeSide * kStrokeSide, 24), Plain(LayerType::kRelu),
                  Dense(24, kStrokeClasses), Plain(LayerType::kSoftmax)};
  return model;
}

// Trains `model` (already checked) on `data` for `epochs` passes in a seeded order.
inline void Train(Model& model, const Dataset& data, uint32_t epochs, float rate, uint32_t seed) {
  InitWeights(model, seed);
  std::mt19937 rng(seed + 1);
  std::vector<uint32_t> order(data.count());
  for (uint32_t i = 0; i < data.count(); ++i)
    order[i] = i;
  const size_t pixels = model.input.elements();
  for (uint32_t e = 0; e < epochs; ++e) {
    std::shuffle(order.begin(), order.end(), rng);
    for (uint32_t i : order)
      SgdStep(model, data.images.data() + i * pixels, data.labels[i], rate);
  }
}

// Fraction of samples whose largest output is the label; `outputs` is [count, classes].
inline double Accuracy(const std::vector<float>& outputs, const Dataset& data) {
  const size_t classes = outputs.size() / data.count();
  uint32_t right = 0;
  for (uint32_t i = 0; i < data.count(); ++i) {
    const float* row = outputs.data() + i * classes;
    right += static_cast<uint32_t>(std::max_element(row, row + classes) - row) == data.labels[i];
  }
  return double(right) / data.count();
}

}  // namespace theta::compute::testing
