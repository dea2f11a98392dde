#include "theta/compute/model.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "model_training.hpp"
#include "test_data.hpp"
#include "test_device.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/job_runner.hpp"
#include "theta/compute/vulkan_model.hpp"
#include "theta/core/hash.hpp"

namespace theta::compute {
namespace {

using testing::Dataset;

// Trained once per process: the tests share the weights.
const Model& TrainedCnn() {
  static const Model model = [] {
    Model m = testing::StrokeCnn();
    REQUIRE(CheckModel(m).ok());
    testing::Train(m, testing::MakeStrokes(800, 11), 6, 0.05f, 7);
    return m;
  }();
  return model;
}

const Model& TrainedMlp() {
  static const Model model = [] {
    Model m = testing::StrokeMlp();
    REQUIRE(CheckModel(m).ok());
    testing::Train(m, testing::MakeStrokes(800, 11), 10, 0.03f, 9);
    return m;
  }();
  return model;
}

std::vector<float> ReferenceOutputs(const Model& model, const Dataset& data) {
  std::vector<float> out;
  for (uint32_t i = 0; i < data.count(); ++i) {
    const auto acts =
        testing::ReferenceForward(model, data.images.data() + i * model.input.elements());
    out.insert(out.end(), acts.back().begin(), acts.back().end());
  }
  return out;
}

void PutU32(Bytes& bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

Bytes FloatBytes(const std::vector<float>& values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

absl::StatusCode DecodeCode(const Bytes& bytes) {
  return DecodeModel(bytes).status().code();
}

TEST_CASE("model format round-trips a trained model") {
  const Bytes bytes = EncodeModel(TrainedCnn());
  auto decoded = DecodeModel(bytes);
  REQUIRE(decoded.ok());
  CHECK(*decoded == TrainedCnn());
  CHECK(decoded->output() == TensorShape{4, 1, 1});
  // conv 6*6*6*9 + relu 216 + dense 216*4 + softmax 4
  CHECK(decoded->work_per_sample == 1944 + 216 + 864 + 4);
  // header 20 + conv (4 + 16 + 54*4 + 6*4) + relu 4 + dense (8 + 864*4 + 4*4) + softmax 4
  CHECK(bytes.size() == 20 + 260 + 4 + 3480 + 4);
}

TEST_CASE("model decoder rejects every truncation and bad field with InvalidArgument") {
  const Bytes good = EncodeModel(TrainedMlp());
  for (size_t cut = 0; cut < good.size(); cut += (cut < 64 ? 1 : 97)) {
    INFO("prefix of " << cut << " bytes");
    CHECK(DecodeCode(Bytes(good.begin(), good.begin() + cut)) ==
          absl::StatusCode::kInvalidArgument);
  }
  Bytes extra = good;
  extra.push_back(0);
  CHECK(DecodeCode(extra) == absl::StatusCode::kInvalidArgument);

  Bytes bad = good;
  bad[3] = '2';  // magic
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  bad = good;
  PutU32(bad, 16, 0);  // no layers
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  PutU32(bad, 16, kMaxModelLayers + 1);
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  bad = good;
  PutU32(bad, 20, 9);  // layer 0 type
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  bad = good;
  PutU32(bad, 4, 0);  // input channels
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  bad = good;
  PutU32(bad, 8, kMaxModelDim + 1);  // input height
  CHECK(DecodeCode(bad) == absl::StatusCode::kInvalidArgument);
  bad = good;
  PutU32(bad, 24, kMaxModelDim);  // dense out_features: claims far more weights than are there
  auto status = DecodeModel(bad).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("truncated"));
  bad = good;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&bad[28], &nan, 4);  // first weight of layer 0
  status = DecodeModel(bad).status();
  CHECK_THAT(std::string(status.message()), Catch::Contains("non-finite"));

  // A conv whose kernel does not fit its input, and one whose padding is not below its kernel.
  Model model;
  model.input = {1, 4, 4};
  model.layers = {testing::Conv(2, 5, 1, 0, 1)};
  CHECK(CheckModel(model).code() == absl::StatusCode::kInvalidArgument);
  model.layers = {testing::Conv(2, 3, 1, 3, 1)};
  CHECK(CheckModel(model).code() == absl::StatusCode::kInvalidArgument);
  // Weights that do not match the shape.
  model.layers = {testing::Conv(2, 3, 1, 1, 1)};
  model.layers[0].weights.pop_back();
  CHECK(CheckModel(model).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("model decoder refuses a model over the parameter limit before reading it") {
  // 4096 inputs x 4096 outputs = 16 Mi weights + biases > kMaxModelParameters, in a 36-byte file.
  Model model;
  model.input = {4096, 1, 1};
  Bytes bytes = EncodeModel(model);  // header with no layers
  PutU32(bytes, 16, 1);
  bytes.resize(28);
  PutU32(bytes, 20, 3);
  PutU32(bytes, 24, 4096);
  const auto status = DecodeModel(bytes).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("parameters"));
}

// The trained models must be far better than chance (0.25) on held-out data, and each backend's
// probabilities must equal the plain-loops reference.
void CheckBackendMatchesReference(Backend& backend, const Model& trained) {
  const Model model = *DecodeModel(EncodeModel(trained));
  const Dataset test = testing::MakeStrokes(96, 12345);
  const std::vector<float> reference = ReferenceOutputs(model, test);
  auto out = RunModel(backend, model, test.count(), test.images);
  REQUIRE(out.ok());
  CHECK(testing::MaxRelativeError(*out, reference) < 1e-4);
  CHECK(testing::Accuracy(reference, test) > 0.9);
  CHECK(testing::Accuracy(*out, test) > 0.9);
}

TEST_CASE("a trained CNN and MLP on the CPU backend equal the reference", "[model]") {
  auto cpu = NewCpuBackend();
  CheckBackendMatchesReference(*cpu, TrainedCnn());
  CheckBackendMatchesReference(*cpu, TrainedMlp());
}

TEST_CASE("a trained CNN and MLP on the Vulkan backend equal the reference", "[model][vulkan]") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  auto vulkan = NewVulkanBackend(*device);
  REQUIRE(vulkan.ok());
  CheckBackendMatchesReference(**vulkan, TrainedCnn());
  CheckBackendMatchesReference(**vulkan, TrainedMlp());
  testing::CheckNoValidationErrors(*device);
}

TEST_CASE("a trained CNN resident on the Vulkan device equals the reference", "[model][vulkan]") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  for (const Model* model : {&TrainedCnn(), &TrainedMlp()}) {
    auto resident = VulkanModel::Create(*device, *model);
    REQUIRE(resident.ok());
    // Two batch sizes, then the first again: the per-batch buffers are rebuilt each time.
    for (uint32_t count : {96u, 5u, 96u}) {
      const Dataset test = testing::MakeStrokes(count, 777 + count);
      auto out = (*resident)->Run(count, test.images);
      REQUIRE(out.ok());
      CHECK(testing::MaxRelativeError(*out, ReferenceOutputs(*model, test)) < 1e-4);
      if (count == 96) CHECK(testing::Accuracy(*out, test) > 0.9);
    }
    CHECK((*resident)->Run(3, std::vector<float>(10)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
  Model unchecked = testing::StrokeMlp();
  CHECK(VulkanModel::Create(*device, unchecked).status().code() ==
        absl::StatusCode::kInvalidArgument);

  // A model job on the Vulkan backend takes the resident path when the runner knows the Device.
  auto vulkan = NewVulkanBackend(*device);
  REQUIRE(vulkan.ok());
  auto cpu = NewCpuBackend();
  JobRunnerOptions options{cpu.get(), vulkan->get(), true};
  options.vulkan_device = device.get();
  JobRunner runner(options);
  const Bytes weights = EncodeModel(TrainedCnn());
  const Dataset test = testing::MakeStrokes(16, 99);
  std::vector<float> expected = ReferenceOutputs(TrainedCnn(), test);
  JobSpec spec;
  spec.kernel = JobKernel::kModel;
  spec.dims = {{"batch", 16}};
  spec.inputs = {JobInput{"weights", weights, std::nullopt, weights.size()},
                 JobInput{"input", FloatBytes(test.images), std::nullopt, test.images.size() * 4}};
  spec.backend = BackendChoice::kVulkan;
  auto result = runner.Run(spec);
  REQUIRE(result.ok());
  CHECK(result->backend == "vulkan");
  std::vector<float> got(result->output.size() / 4);
  std::memcpy(got.data(), result->output.data(), result->output.size());
  CHECK(testing::MaxRelativeError(got, expected) < 1e-4);

  // auto: the CPU (OpenBLAS) when the Vulkan device is itself a CPU, else the device.
  spec.backend = BackendChoice::kAuto;
  CHECK(runner.Run(spec).value().backend == "cpu");
  options.vulkan_is_cpu_device = false;
  auto on_gpu = JobRunner(options).Run(spec);
  REQUIRE(on_gpu.ok());
  CHECK(on_gpu->backend == "vulkan");
  CHECK(on_gpu->output == result->output);
  testing::CheckNoValidationErrors(*device);
}

TEST_CASE("an untrained model is near chance, so the accuracy check can fail") {
  Model model = testing::StrokeCnn();
  REQUIRE(CheckModel(model).ok());
  testing::InitWeights(model, 7);
  const Dataset test = testing::MakeStrokes(96, 12345);
  CHECK(testing::Accuracy(ReferenceOutputs(model, test), test) < 0.6);
}

TEST_CASE("run model refuses an input of the wrong size") {
  auto cpu = NewCpuBackend();
  const std::vector<float> input(143);
  CHECK(RunModel(*cpu, TrainedMlp(), 1, input).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(RunModel(*cpu, TrainedMlp(), 0, {}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("model job runs weights given by hash and checks its limits", "[model]") {
  auto cpu = NewCpuBackend();
  const Bytes weights = EncodeModel(TrainedMlp());
  const Dataset test = testing::MakeStrokes(8, 5);
  const Bytes input = FloatBytes(test.images);
  const std::map<Hash32, Bytes> store = {{Blake2b256(weights), weights}};
  JobRunner runner({cpu.get(), nullptr, false, [&](const Hash32& hash) -> absl::StatusOr<Bytes> {
                      auto it = store.find(hash);
                      if (it == store.end()) return absl::NotFoundError("no such blob");
                      return it->second;
                    }});
  JobSpec spec;
  spec.kernel = JobKernel::kModel;
  spec.dims = {{"batch", 8}};
  spec.inputs = {JobInput{"weights", std::nullopt, Blake2b256(weights), weights.size()},
                 JobInput{"input", input, std::nullopt, input.size()}};
  auto result = runner.Run(spec);
  REQUIRE(result.ok());
  CHECK(result->backend == "cpu");
  const auto direct = RunModel(*cpu, TrainedMlp(), 8, test.images);
  REQUIRE(direct.ok());
  CHECK(result->output == FloatBytes(*direct));
  CHECK(testing::Accuracy(*direct, test) > 0.6);

  // The JSON form reads back to the same spec.
  auto parsed = ParseJobSpec(JobSpecToJson(spec));
  REQUIRE(parsed.ok());
  CHECK(*parsed == spec);

  auto code_of = [&](const JobSpec& s) { return runner.Run(s).status().code(); };
  JobSpec limited = spec;
  limited.limits.max_work = 8 * TrainedMlp().work_per_sample - 1;
  CHECK(code_of(limited) == absl::StatusCode::kResourceExhausted);
  limited = spec;
  limited.limits.max_output_bytes = 8 * 4 * 4 - 1;
  CHECK(code_of(limited) == absl::StatusCode::kResourceExhausted);
  limited = spec;
  limited.limits.max_input_bytes = weights.size();
  CHECK(code_of(limited) == absl::StatusCode::kResourceExhausted);
  JobSpec wrong = spec;
  wrong.dims["batch"] = 9;
  CHECK(code_of(wrong) == absl::StatusCode::kInvalidArgument);
  const Bytes garbage(64, 7);
  wrong = spec;
  wrong.inputs[0] = JobInput{"weights", garbage, std::nullopt, garbage.size()};
  CHECK(code_of(wrong) == absl::StatusCode::kInvalidArgument);
  wrong = spec;
  wrong.inputs.pop_back();
  CHECK(code_of(wrong) == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta::compute
