// Inference throughput of an MNIST-sized CNN (28x28 input; conv 1->8 and 8->16, 3x3 stride 2;
// dense 784->10; softmax) with seeded random weights, batches of 64, on the CPU backend (the
// anchor: OpenBLAS), on the Vulkan backend (a round trip per layer) and resident on the Vulkan
// device (VulkanModel: one submission per batch), in the same run (lavapipe here).
#include <benchmark/benchmark.h>

#include <random>

#include "theta/compute/device.hpp"
#include "theta/compute/model.hpp"
#include "theta/compute/vulkan_model.hpp"

namespace theta::compute {
namespace {

constexpr uint32_t kBatch = 64;

ModelLayer Layer(LayerType type, uint32_t out = 0, uint32_t kernel = 0, uint32_t stride = 1,
                 uint32_t padding = 0) {
  ModelLayer layer;
  layer.type = type;
  layer.out_channels = out;
  layer.kernel = kernel;
  layer.stride = stride;
  layer.padding = padding;
  return layer;
}

Model MnistCnn() {
  Model model;
  model.input = {1, 28, 28};
  model.layers = {Layer(LayerType::kConv2d, 8, 3, 2, 1),  Layer(LayerType::kRelu),
                  Layer(LayerType::kConv2d, 16, 3, 2, 1), Layer(LayerType::kRelu),
                  Layer(LayerType::kDense, 10),           Layer(LayerType::kSoftmax)};
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-0.3f, 0.3f);
  TensorShape shape = model.input;
  for (ModelLayer& layer : model.layers) {
    if (layer.type == LayerType::kConv2d) {
      layer.weights.resize(size_t{layer.out_channels} * shape.channels * 9);
      shape = {layer.out_channels, (shape.height + 1) / 2, (shape.width + 1) / 2};
    } else if (layer.type == LayerType::kDense) {
      layer.weights.resize(shape.elements() * layer.out_channels);
      shape = {layer.out_channels, 1, 1};
    }
    layer.bias.resize(layer.weights.empty() ? 0 : layer.out_channels);
    for (float& w : layer.weights)
      w = dist(rng);
  }
  (void)CheckModel(model);
  return model;
}

std::vector<float> Input(const Model& model) {
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> input(kBatch * model.input.elements());
  for (float& v : input)
    v = dist(rng);
  return input;
}

template <typename Runner>
void RunBatches(benchmark::State& state, const Model& model, Runner run) {
  const std::vector<float> input = Input(model);
  for (auto _ : state) {
    absl::StatusOr<std::vector<float>> out = run(input);
    if (!out.ok()) {
      state.SkipWithError(std::string(out.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(out->data());
  }
  state.counters["samples_per_s"] =
      benchmark::Counter(double(state.iterations()) * kBatch, benchmark::Counter::kIsRate);
}

void BM_ModelCpuBackend(benchmark::State& state) {
  auto cpu = NewCpuBackend();
  const Model model = MnistCnn();
  RunBatches(state, model,
             [&](std::span<const float> x) { return RunModel(*cpu, model, kBatch, x); });
}
BENCHMARK(BM_ModelCpuBackend)->Unit(benchmark::kMillisecond)->UseRealTime();

std::unique_ptr<Device> Open(benchmark::State& state) {
  DeviceOptions options;
  options.validation = false;
  auto device = Device::Create(options);
  if (!device.ok()) {
    state.SkipWithError(std::string(device.status().message()).c_str());
    return nullptr;
  }
  state.SetLabel((*device)->info().name);
  return std::move(device).value();
}

void BM_ModelVulkanBackend(benchmark::State& state) {
  auto device = Open(state);
  if (!device) return;
  auto vulkan = NewVulkanBackend(*device);
  const Model model = MnistCnn();
  RunBatches(state, model,
             [&](std::span<const float> x) { return RunModel(**vulkan, model, kBatch, x); });
}
BENCHMARK(BM_ModelVulkanBackend)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ModelVulkanResident(benchmark::State& state) {
  auto device = Open(state);
  if (!device) return;
  const Model model = MnistCnn();
  auto resident = VulkanModel::Create(*device, model);
  if (!resident.ok()) {
    state.SkipWithError(std::string(resident.status().message()).c_str());
    return;
  }
  RunBatches(state, model, [&](std::span<const float> x) { return (*resident)->Run(kBatch, x); });
}
BENCHMARK(BM_ModelVulkanResident)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace theta::compute
