#include "theta/compute/job_runner.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <map>

#include "test_data.hpp"
#include "test_device.hpp"
#include "theta/compute/device.hpp"
#include "theta/core/hash.hpp"

namespace theta::compute {
namespace {

Bytes FloatBytes(const std::vector<float>& values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<float> Floats(const Bytes& bytes) {
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

JobSpec MatMulJob(uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
  JobSpec spec;
  spec.kernel = JobKernel::kMatMul;
  spec.dims = {{"m", m}, {"n", n}, {"k", k}};
  const Bytes a = FloatBytes(testing::RandomFloats(size_t(m) * k, seed));
  const Bytes b = FloatBytes(testing::RandomFloats(size_t(k) * n, seed + 1));
  spec.inputs = {JobInput{"a", a, std::nullopt, a.size()},
                 JobInput{"b", b, std::nullopt, b.size()}};
  return spec;
}

TEST_CASE("job runner runs an inline matmul and hashes the output") {
  auto cpu = NewCpuBackend();
  JobRunner runner({cpu.get()});
  JobSpec spec;
  spec.kernel = JobKernel::kMatMul;
  spec.dims = {{"m", 1}, {"n", 1}, {"k", 2}};
  const Bytes a = FloatBytes({2.0f, 3.0f});
  const Bytes b = FloatBytes({5.0f, 7.0f});
  spec.inputs = {JobInput{"a", a, std::nullopt, 8}, JobInput{"b", b, std::nullopt, 8}};
  auto result = runner.Run(spec);
  REQUIRE(result.ok());
  CHECK(Floats(result->output) == std::vector<float>{31.0f});
  CHECK(result->output_hash == Blake2b256(result->output));
  CHECK(result->backend == "cpu");
}

TEST_CASE("job runner fetches inputs by hash and refuses content that does not match") {
  auto cpu = NewCpuBackend();
  const Bytes x = FloatBytes({1.0f, -2.0f, 3.0f});
  std::map<Hash32, Bytes> store = {{Blake2b256(x), x}};
  bool corrupt = false;
  JobRunner runner({cpu.get(), nullptr, false, [&](const Hash32& hash) -> absl::StatusOr<Bytes> {
                      auto it = store.find(hash);
                      if (it == store.end()) return absl::NotFoundError("no such blob");
                      Bytes bytes = it->second;
                      if (corrupt) bytes[0] ^= 1;
                      return bytes;
                    }});
  JobSpec spec;
  spec.kernel = JobKernel::kActivation;
  spec.op = "relu";
  spec.dims = {{"count", 3}};
  spec.inputs = {JobInput{"x", std::nullopt, Blake2b256(x), x.size()}};
  auto result = runner.Run(spec);
  REQUIRE(result.ok());
  CHECK(Floats(result->output) == std::vector<float>{1.0f, 0.0f, 3.0f});

  corrupt = true;
  CHECK(runner.Run(spec).status().code() == absl::StatusCode::kDataLoss);
  spec.inputs[0].blake2b = Blake2b256(AsBytes("something else"));
  CHECK(runner.Run(spec).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("job runner enforces input, output and work limits before running") {
  auto cpu = NewCpuBackend();
  JobRunner runner({cpu.get()});
  JobSpec spec = MatMulJob(8, 8, 8, 1);
  spec.limits.max_input_bytes = 511;  // inputs are 2 * 256 bytes
  auto big_input = runner.Run(spec);
  CHECK(big_input.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(big_input.status().message()), Catch::Contains("512 bytes"));
  spec.limits = {};
  spec.limits.max_work = 511;  // 8 * 8 * 8 = 512 multiply-adds
  CHECK_THAT(std::string(runner.Run(spec).status().message()), Catch::Contains("work of 512"));
  // A shape far larger than its inputs is caught by the limits, not attempted.
  spec.limits = {};
  spec.dims = {{"m", 4000000000u}, {"n", 4000000000u}, {"k", 8}};
  CHECK(runner.Run(spec).status().code() == absl::StatusCode::kResourceExhausted);
  // And one within limits whose inputs do not match the shape is a clear shape error.
  spec.dims = {{"m", 8}, {"n", 8}, {"k", 9}};
  auto mismatch = runner.Run(spec);
  CHECK(mismatch.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(mismatch.status().message()), Catch::Contains("A has 64 elements"));
}

TEST_CASE("job runner routes by backend choice and both backends agree") {
  auto device = testing::OpenTestDevice();
  if (!device) return;
  auto cpu = NewCpuBackend();
  auto vulkan = NewVulkanBackend(*device);
  REQUIRE(vulkan.ok());
  const bool cpu_device = device->info().kind == DeviceKind::kCpu;
  JobRunner runner({cpu.get(), vulkan->get(), cpu_device});
  JobSpec spec = MatMulJob(19, 21, 23, 5);
  auto automatic = runner.Run(spec);
  REQUIRE(automatic.ok());
  CHECK(automatic->backend == (cpu_device ? "cpu" : "vulkan"));
  spec.backend = BackendChoice::kVulkan;
  auto on_vulkan = runner.Run(spec);
  REQUIRE(on_vulkan.ok());
  CHECK(on_vulkan->backend == "vulkan");
  spec.backend = BackendChoice::kCpu;
  auto on_cpu = runner.Run(spec);
  REQUIRE(on_cpu.ok());
  CHECK(testing::MaxRelativeError(Floats(on_vulkan->output), Floats(on_cpu->output)) < 1e-4);

  // Deterministic kernels give the same bytes, so the same hash, on both backends.
  JobSpec relu;
  relu.kernel = JobKernel::kActivation;
  relu.op = "relu";
  relu.dims = {{"count", 100}};
  const Bytes x = FloatBytes(testing::RandomFloats(100, 9));
  relu.inputs = {JobInput{"x", x, std::nullopt, x.size()}};
  auto relu_auto = runner.Run(relu);
  REQUIRE(relu_auto.ok());
  CHECK(relu_auto->backend == "vulkan");
  relu.backend = BackendChoice::kCpu;
  auto relu_cpu = runner.Run(relu);
  REQUIRE(relu_cpu.ok());
  CHECK(relu_auto->output_hash == relu_cpu->output_hash);

  JobRunner cpu_only({cpu.get()});
  relu.backend = BackendChoice::kVulkan;
  CHECK(cpu_only.Run(relu).status().code() == absl::StatusCode::kFailedPrecondition);
  testing::CheckNoValidationErrors(*device);
}

}  // namespace
}  // namespace theta::compute
