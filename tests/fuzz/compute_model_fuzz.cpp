// Fuzzes the TCM1 model decoder. Properties beyond not crashing: a rejected model is
// InvalidArgument (never another code); an accepted one has shapes that chain from its input to
// its output, weights of the sizes its layers need, and encodes back to exactly the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "theta/compute/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace theta::compute;
  auto model = DecodeModel(std::span<const uint8_t>(data, size));
  if (!model.ok()) {
    if (model.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  TensorShape shape = model->input;
  for (const ModelLayer& layer : model->layers) {
    if (!(layer.in == shape)) std::abort();
    shape = layer.out;
  }
  Model copy = *model;
  if (!CheckModel(copy).ok() || !(copy == *model)) std::abort();
  const theta::Bytes encoded = EncodeModel(*model);
  if (encoded.size() != size || !std::equal(encoded.begin(), encoded.end(), data)) std::abort();
  return 0;
}
