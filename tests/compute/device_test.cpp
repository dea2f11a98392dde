#include "theta/compute/device.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <vector>

#include "test_device.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {
namespace {

using testing::CheckNoValidationErrors;
using testing::OpenTestDevice;

TEST_CASE("compute device opens with validation and describes itself") {
  auto device = OpenTestDevice();
  if (!device) return;
  const DeviceInfo& info = device->info();
  INFO("device: " << info.name);
  CHECK_FALSE(info.name.empty());
  CHECK(info.api_version >= VK_API_VERSION_1_2);
  CHECK(info.max_workgroup_count[0] >= 65535);
  CHECK(info.validation);  // the layer is installed wherever these tests run (CI, dev machines)
  CheckNoValidationErrors(*device);
}

TEST_CASE("compute buffers round-trip bytes directly and through staging") {
  for (bool stage : {false, true}) {
    CAPTURE(stage);
    DeviceOptions options;
    options.always_stage = stage;
    auto device = OpenTestDevice(options);
    if (!device) return;
    std::vector<std::byte> data(1003);
    for (size_t i = 0; i < data.size(); ++i)
      data[i] = std::byte(i * 7 + 3);
    auto buffer = device->CreateBuffer(data.size());
    REQUIRE(buffer.ok());
    CHECK(buffer->size() == 1004);  // rounded up to whole words
    REQUIRE(device->Upload(*buffer, data).ok());
    std::vector<std::byte> back(data.size() - 10);
    REQUIRE(device->Download(*buffer, back, 10).ok());
    CHECK(std::equal(back.begin(), back.end(), data.begin() + 10));

    auto too_far = device->Upload(*buffer, data, 8);
    CHECK(too_far.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(too_far.message()), Catch::Contains("does not fit"));
    CheckNoValidationErrors(*device);
  }
}

TEST_CASE("compute sub-allocator packs small buffers and gives large ones their own block") {
  DeviceOptions options;
  options.memory_block_bytes = 1 << 20;
  auto device = OpenTestDevice(options);
  if (!device) return;
  std::vector<Buffer> buffers;
  for (int i = 0; i < 64; ++i) {
    auto buffer = device->CreateBuffer(1000 + i);
    REQUIRE(buffer.ok());
    buffers.push_back(std::move(*buffer));
  }
  auto big = device->CreateBuffer(3 << 20);
  REQUIRE(big.ok());
  // Every buffer keeps its own contents.
  for (size_t i = 0; i < buffers.size(); ++i) {
    const std::array<uint32_t, 1> word = {static_cast<uint32_t>(i * 0x01010101u)};
    REQUIRE(device->Upload(buffers[i], std::as_bytes(std::span(word))).ok());
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::array<uint32_t, 1> word{};
    REQUIRE(device->Download(buffers[i], std::as_writable_bytes(std::span(word))).ok());
    CHECK(word[0] == static_cast<uint32_t>(i * 0x01010101u));
  }
  buffers.clear();
  CheckNoValidationErrors(*device);
}

TEST_CASE("compute kernel lookup names the missing shader and checks the spec") {
  auto device = OpenTestDevice();
  if (!device) return;
  auto missing = device->GetKernel(KernelSpec{"no_such_shader", 1, 0, {}});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains("no_such_shader"));
  auto bad_push = device->GetKernel(KernelSpec{"activation", 2, 6, {64, 0}});
  CHECK(bad_push.status().code() == absl::StatusCode::kInvalidArgument);
  auto first = device->GetKernel(KernelSpec{"activation", 2, 4, {64, 0}});
  auto again = device->GetKernel(KernelSpec{"activation", 2, 4, {64, 0}});
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(*first == *again);  // cached
  CheckNoValidationErrors(*device);
}

TEST_CASE("compute command lists resubmit, count on the timeline and reject misuse") {
  auto device = OpenTestDevice();
  if (!device) return;
  VulkanKernels kernels(*device);
  std::vector<float> ones(100, 1.0f);
  auto a = device->CreateBuffer(400);
  auto b = device->CreateBuffer(400);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(device->Upload(*a, std::as_bytes(std::span(ones))).ok());
  auto list = device->NewCommandList();
  REQUIRE(list.ok());
  // b = a + a, then a = b + b: run twice, a goes 1 -> 4 -> 16.
  REQUIRE(kernels.RecordBinary(*list, BinaryOp::kAdd, 100, *a, *a, *b).ok());
  REQUIRE(kernels.RecordBinary(*list, BinaryOp::kAdd, 100, *b, *b, *a).ok());
  CHECK(list->command_count() == 2);
  auto first = device->Submit(*list);
  REQUIRE(first.ok());
  REQUIRE(list->Wait().ok());
  auto second = device->Submit(*list);
  REQUIRE(second.ok());
  CHECK(*second == *first + 1);
  REQUIRE(device->WaitForTimeline(*second).ok());
  auto completed = device->CompletedTimelineValue();
  REQUIRE(completed.ok());
  CHECK(*completed >= *second);
  REQUIRE(list->Wait().ok());
  std::vector<float> out(100);
  REQUIRE(device->Download(*a, std::as_writable_bytes(std::span(out))).ok());
  CHECK(out[0] == 16.0f);
  CHECK(out[99] == 16.0f);

  // Recording after submission needs a Reset; a wrong buffer count is refused.
  CHECK(kernels.RecordBinary(*list, BinaryOp::kAdd, 100, *a, *a, *b).code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(list->Reset().ok());
  auto kernel = device->GetKernel(KernelSpec{"binary", 3, 4, {64, 0}});
  REQUIRE(kernel.ok());
  const Buffer* two[] = {&*a, &*b};
  const std::array<uint32_t, 1> push = {100};
  CHECK(list->Dispatch(**kernel, two, std::as_bytes(std::span(push)), 2).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(kernels.RecordMatMul(*list, MatMulShape{20, 20, 20}, *a, *a, *b).code() ==
        absl::StatusCode::kInvalidArgument);  // 1600 bytes needed, 400 given
  CheckNoValidationErrors(*device);
}

TEST_CASE("compute pipeline cache is written to its file and reloaded") {
  const auto path = std::filesystem::temp_directory_path() / "theta_compute_test_pipeline.cache";
  std::filesystem::remove(path);
  DeviceOptions options;
  options.pipeline_cache_path = path.string();
  {
    auto device = OpenTestDevice(options);
    if (!device) return;
    REQUIRE(device->GetKernel(KernelSpec{"binary", 3, 4, {64, 1}}).ok());
    REQUIRE(device->SavePipelineCache().ok());
    CheckNoValidationErrors(*device);
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(std::filesystem::file_size(path) >= 32);  // at least the header
  {
    auto device = OpenTestDevice(options);
    REQUIRE(device != nullptr);
    REQUIRE(device->GetKernel(KernelSpec{"binary", 3, 4, {64, 1}}).ok());
    CheckNoValidationErrors(*device);
  }
  // A file of garbage is ignored, not an error.
  {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "not a pipeline cache";
    auto device = OpenTestDevice(options);
    REQUIRE(device != nullptr);
    CheckNoValidationErrors(*device);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace theta::compute

namespace theta::compute {
namespace {

TEST_CASE("compute validation messenger reports a kernel whose layout lacks a binding") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  if (!device->info().validation) {
    WARN("SKIPPED: the validation layer is not installed");
    return;
  }
  // binary.comp reads bindings 0..2; a layout of two leaves binding 2 undeclared, which the core
  // validation layer reports while the pipeline is created (the driver may still build it).
  (void)device->GetKernel(KernelSpec{"binary", 2, 4, {64, 0}});
  CHECK(device->validation_error_count() > 0);
  const auto messages = device->TakeValidationMessages();
  REQUIRE_FALSE(messages.empty());
  CHECK_THAT(messages.front(), Catch::Contains("error:"));
  CHECK(device->TakeValidationMessages().empty());
}

}  // namespace
}  // namespace theta::compute
