#include "theta/compute/model.hpp"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

constexpr char kMagic[4] = {'T', 'C', 'M', '1'};

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("compute model: ", std::string(what)));
}

std::string LayerName(size_t index) {
  return absl::StrCat("layer ", index);
}

// Reads little-endian fields from the front of a span, never past its end.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t left() const { return bytes_.size() - pos_; }

  absl::StatusOr<uint32_t> U32(std::string_view what) {
    if (left() < 4) return Invalid(absl::StrCat("truncated before ", std::string(what)));
    const uint8_t* p = bytes_.data() + pos_;
    pos_ += 4;
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  }

  // `count` floats; the caller has bounded count by the parameter limit.
  absl::StatusOr<std::vector<float>> Floats(uint64_t count, std::string_view what) {
    if (left() / 4 < count) {
      return Invalid(absl::StrCat("truncated in ", std::string(what), ": needs ", count,
                                  " f32 values, ", left(), " bytes left"));
    }
    std::vector<float> values(count);
    for (uint64_t i = 0; i < count; ++i) {
      const uint8_t* p = bytes_.data() + pos_ + i * 4;
      const uint32_t bits =
          uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
      std::memcpy(&values[i], &bits, 4);
    }
    pos_ += count * 4;
    return values;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

void PutU32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PutFloats(Bytes& out, const std::vector<float>& values) {
  for (float f : values) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    PutU32(out, bits);
  }
}

absl::Status CheckDim(uint32_t value, std::string_view what) {
  if (value == 0 || value > kMaxModelDim) {
    return Invalid(absl::StrCat(std::string(what), " = ", value, " is not in 1..", kMaxModelDim));
  }
  return absl::OkStatus();
}

absl::Status CheckFinite(const std::vector<float>& values, const std::string& where) {
  for (float v : values) {
    if (!std::isfinite(v)) return Invalid(absl::StrCat(where, " has a non-finite value"));
  }
  return absl::OkStatus();
}

// The number of weights a conv2d or dense layer needs, from its shape fields and its input.
uint64_t WeightCount(const ModelLayer& layer, const TensorShape& in) {
  if (layer.type == LayerType::kConv2d) {
    return uint64_t{layer.out_channels} * in.channels * layer.kernel * layer.kernel;
  }
  return in.elements() * layer.out_channels;
}

// Fills in layer.in/out and adds the layer's work; checks the shape fields and tensor sizes.
absl::Status ShapeLayer(ModelLayer& layer, const TensorShape& in, size_t index, uint64_t& work) {
  const std::string name = LayerName(index);
  layer.in = in;
  switch (layer.type) {
    case LayerType::kRelu:
    case LayerType::kSoftmax:
      layer.out = in;
      work += in.elements();
      return absl::OkStatus();
    case LayerType::kConv2d: {
      THETA_RETURN_IF_ERROR(CheckDim(layer.out_channels, name + " out_channels"));
      THETA_RETURN_IF_ERROR(CheckDim(layer.kernel, name + " kernel"));
      THETA_RETURN_IF_ERROR(CheckDim(layer.stride, name + " stride"));
      if (layer.padding >= layer.kernel) {
        return Invalid(absl::StrCat(name, " padding ", layer.padding, " is not below its kernel ",
                                    layer.kernel));
      }
      const Conv2dShape s{1,
                          in.channels,
                          in.height,
                          in.width,
                          layer.out_channels,
                          layer.kernel,
                          layer.kernel,
                          layer.stride,
                          layer.padding};
      layer.out = {layer.out_channels, s.out_height(), s.out_width()};
      if (layer.out.height == 0 || layer.out.width == 0) {
        return Invalid(absl::StrCat(name, " kernel ", layer.kernel, " does not fit its input ",
                                    in.height, "x", in.width));
      }
      work += layer.out.elements() * in.channels * layer.kernel * layer.kernel;
      break;
    }
    case LayerType::kDense:
      THETA_RETURN_IF_ERROR(CheckDim(layer.out_channels, name + " out_features"));
      layer.out = {layer.out_channels, 1, 1};
      work += in.elements() * layer.out_channels;
      break;
    default:
      return Invalid(absl::StrCat(name, " has unknown type ", static_cast<uint32_t>(layer.type)));
  }
  if (layer.out.elements() > kMaxElements) {
    return Invalid(absl::StrCat(name, " output of ", layer.out.elements(), " values is too large"));
  }
  return absl::OkStatus();
}

bool HasWeights(LayerType type) {
  return type == LayerType::kConv2d || type == LayerType::kDense;
}

// Reads one layer's type and shape fields (not its weights).
absl::Status ReadLayerHeader(Reader& reader, size_t index, ModelLayer& layer) {
  const std::string name = LayerName(index);
  THETA_ASSIGN_OR_RETURN(uint32_t type, reader.U32(name + " type"));
  if (type < 1 || type > 4) return Invalid(absl::StrCat(name, " has unknown type ", type));
  layer.type = static_cast<LayerType>(type);
  if (layer.type == LayerType::kConv2d) {
    THETA_ASSIGN_OR_RETURN(layer.out_channels, reader.U32(name + " out_channels"));
    THETA_ASSIGN_OR_RETURN(layer.kernel, reader.U32(name + " kernel"));
    THETA_ASSIGN_OR_RETURN(layer.stride, reader.U32(name + " stride"));
    THETA_ASSIGN_OR_RETURN(layer.padding, reader.U32(name + " padding"));
  } else if (layer.type == LayerType::kDense) {
    THETA_ASSIGN_OR_RETURN(layer.out_channels, reader.U32(name + " out_features"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckModel(Model& model) {
  THETA_RETURN_IF_ERROR(CheckDim(model.input.channels, "input channels"));
  THETA_RETURN_IF_ERROR(CheckDim(model.input.height, "input height"));
  THETA_RETURN_IF_ERROR(CheckDim(model.input.width, "input width"));
  if (model.layers.empty() || model.layers.size() > kMaxModelLayers) {
    return Invalid(absl::StrCat(model.layers.size(), " layers; 1..", kMaxModelLayers, " allowed"));
  }
  TensorShape shape = model.input;
  uint64_t work = 0;
  uint64_t parameters = 0;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    ModelLayer& layer = model.layers[i];
    THETA_RETURN_IF_ERROR(ShapeLayer(layer, shape, i, work));
    const std::string name = LayerName(i);
    const uint64_t weights = HasWeights(layer.type) ? WeightCount(layer, shape) : 0;
    const uint64_t biases = HasWeights(layer.type) ? layer.out_channels : 0;
    if (layer.weights.size() != weights || layer.bias.size() != biases) {
      return Invalid(absl::StrCat(name, " has ", layer.weights.size(), " weights and ",
                                  layer.bias.size(), " biases; its shape needs ", weights, " and ",
                                  biases));
    }
    parameters += weights + biases;
    THETA_RETURN_IF_ERROR(CheckFinite(layer.weights, name + " weights"));
    THETA_RETURN_IF_ERROR(CheckFinite(layer.bias, name + " bias"));
    shape = layer.out;
  }
  if (parameters > kMaxModelParameters) {
    return Invalid(absl::StrCat(parameters, " parameters exceed ", kMaxModelParameters));
  }
  model.work_per_sample = work;
  return absl::OkStatus();
}

absl::StatusOr<Model> DecodeModel(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return Invalid("not a TCM1 model (bad magic)");
  }
  Reader reader(bytes.subspan(4));
  Model model;
  THETA_ASSIGN_OR_RETURN(model.input.channels, reader.U32("input channels"));
  THETA_ASSIGN_OR_RETURN(model.input.height, reader.U32("input height"));
  THETA_ASSIGN_OR_RETURN(model.input.width, reader.U32("input width"));
  THETA_RETURN_IF_ERROR(CheckDim(model.input.channels, "input channels"));
  THETA_RETURN_IF_ERROR(CheckDim(model.input.height, "input height"));
  THETA_RETURN_IF_ERROR(CheckDim(model.input.width, "input width"));
  THETA_ASSIGN_OR_RETURN(uint32_t count, reader.U32("layer count"));
  if (count == 0 || count > kMaxModelLayers) {
    return Invalid(absl::StrCat(count, " layers; 1..", kMaxModelLayers, " allowed"));
  }
  // Shapes are checked layer by layer before any weights are read, so a hostile header cannot make
  // the decoder allocate more than the bytes that are actually there.
  TensorShape shape = model.input;
  uint64_t work = 0;
  uint64_t parameters = 0;
  for (uint32_t i = 0; i < count; ++i) {
    ModelLayer layer;
    THETA_RETURN_IF_ERROR(ReadLayerHeader(reader, i, layer));
    THETA_RETURN_IF_ERROR(ShapeLayer(layer, shape, i, work));
    if (HasWeights(layer.type)) {
      const uint64_t weights = WeightCount(layer, shape);
      parameters += weights + layer.out_channels;
      if (parameters > kMaxModelParameters) {
        return Invalid(
            absl::StrCat("more than ", kMaxModelParameters, " parameters by ", LayerName(i)));
      }
      THETA_ASSIGN_OR_RETURN(layer.weights, reader.Floats(weights, LayerName(i) + " weights"));
      THETA_ASSIGN_OR_RETURN(layer.bias, reader.Floats(layer.out_channels, LayerName(i) + " bias"));
    }
    shape = layer.out;
    model.layers.push_back(std::move(layer));
  }
  if (reader.left() != 0) {
    return Invalid(absl::StrCat(reader.left(), " bytes after the last layer"));
  }
  THETA_RETURN_IF_ERROR(CheckModel(model));  // the finiteness checks and the totals
  return model;
}

Bytes EncodeModel(const Model& model) {
  Bytes out(kMagic, kMagic + 4);
  PutU32(out, model.input.channels);
  PutU32(out, model.input.height);
  PutU32(out, model.input.width);
  PutU32(out, static_cast<uint32_t>(model.layers.size()));
  for (const ModelLayer& layer : model.layers) {
    PutU32(out, static_cast<uint32_t>(layer.type));
    if (layer.type == LayerType::kConv2d) {
      PutU32(out, layer.out_channels);
      PutU32(out, layer.kernel);
      PutU32(out, layer.stride);
      PutU32(out, layer.padding);
    } else if (layer.type == LayerType::kDense) {
      PutU32(out, layer.out_channels);
    }
    PutFloats(out, layer.weights);
    PutFloats(out, layer.bias);
  }
  return out;
}

absl::StatusOr<std::vector<float>> RunModel(Backend& backend, const Model& model, uint32_t batch,
                                            std::span<const float> input) {
  const uint64_t expected = uint64_t{batch} * model.input.elements();
  if (batch == 0 || input.size() != expected) {
    return Invalid(absl::StrCat("input has ", input.size(), " values; a batch of ", batch,
                                " needs ", expected));
  }
  std::vector<float> x(input.begin(), input.end());
  std::vector<float> y;
  for (const ModelLayer& layer : model.layers) {
    const uint64_t out_elements = uint64_t{batch} * layer.out.elements();
    if (out_elements > kMaxElements) {
      return Invalid(absl::StrCat("a batch of ", batch, " makes tensors over ", kMaxElements));
    }
    y.assign(out_elements, 0.0f);
    switch (layer.type) {
      case LayerType::kConv2d: {
        const Conv2dShape s{batch,          layer.in.channels,  layer.in.height,
                            layer.in.width, layer.out_channels, layer.kernel,
                            layer.kernel,   layer.stride,       layer.padding};
        THETA_RETURN_IF_ERROR(backend.Conv2d(s, x, layer.weights, layer.bias, y));
        break;
      }
      case LayerType::kDense: {
        const MatMulShape s{batch, layer.out_channels, static_cast<uint32_t>(layer.in.elements())};
        THETA_RETURN_IF_ERROR(backend.MatMul(s, x, layer.weights, y));
        std::vector<float> bias(y.size());
        for (uint32_t n = 0; n < batch; ++n) {
          std::copy(layer.bias.begin(), layer.bias.end(),
                    bias.begin() + size_t{n} * layer.bias.size());
        }
        THETA_RETURN_IF_ERROR(backend.Binary(BinaryOp::kAdd, y, bias, y));
        break;
      }
      case LayerType::kRelu:
        THETA_RETURN_IF_ERROR(backend.Activate(Activation::kRelu, x, y));
        break;
      case LayerType::kSoftmax:
        THETA_RETURN_IF_ERROR(
            backend.Softmax(batch, static_cast<uint32_t>(layer.in.elements()), x, y));
        break;
    }
    x.swap(y);
  }
  return x;
}

}  // namespace theta::compute
