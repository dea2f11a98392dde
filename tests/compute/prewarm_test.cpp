// Prewarming kernels (DeviceOptions::prewarm_kernels, Device::Prewarm, VulkanKernels::Prewarm):
// the kernels are built at open, the empty dispatches trip no validation check, later dispatches
// reuse them, and on a CPU device (lavapipe) the first real dispatch no longer pays the LLVM
// compilation.
#include <time.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "test_device.hpp"
#include "theta/compute/device.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {
namespace {

using testing::CheckNoValidationErrors;
using testing::OpenTestDevice;

KernelSpec AddSpec(Device& device) {
  const std::vector<KernelSpec> specs = VulkanKernels(device).StandardSpecs();
  auto add = std::find_if(specs.begin(), specs.end(), [](const KernelSpec& spec) {
    return spec.shader == "binary" && spec.specialization.size() == 2 &&
           spec.specialization[1] == static_cast<uint32_t>(BinaryOp::kAdd);
  });
  REQUIRE(add != specs.end());
  return *add;
}

Buffer FloatBuffer(Device& device, const std::vector<float>& values) {
  auto buffer = device.CreateBuffer(values.size() * 4);
  REQUIRE(buffer.ok());
  REQUIRE(device.Upload(*buffer, std::as_bytes(std::span<const float>(values))).ok());
  return std::move(buffer).value();
}

// Runs a 100-element add and checks the sums.
void RunAdd(Device& device) {
  std::vector<float> a(100), b(100);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(i) * 0.5f;
    b[i] = 3.0f - static_cast<float>(i);
  }
  Buffer in_a = FloatBuffer(device, a);
  Buffer in_b = FloatBuffer(device, b);
  auto out = device.CreateBuffer(a.size() * 4);
  REQUIRE(out.ok());
  VulkanKernels kernels(device);
  auto list = device.NewCommandList();
  REQUIRE(list.ok());
  REQUIRE(kernels.RecordBinary(*list, BinaryOp::kAdd, 100, in_a, in_b, *out).ok());
  REQUIRE(device.Submit(*list).ok());
  REQUIRE(list->Wait().ok());
  std::vector<float> sums(a.size());
  REQUIRE(device.Download(*out, std::as_writable_bytes(std::span<float>(sums))).ok());
  for (size_t i = 0; i < a.size(); ++i)
    CHECK(sums[i] == a[i] + b[i]);
}

TEST_CASE("compute prewarm_kernels builds the listed kernels at open and dispatches reuse them") {
  KernelSpec add;
  {
    auto probe = OpenTestDevice();
    if (!probe) return;
    add = AddSpec(*probe);
    CHECK(probe->kernel_count() == 0);
  }
  DeviceOptions options;
  options.prewarm_kernels = {add};
  auto device = OpenTestDevice(options);
  REQUIRE(device);
  CHECK(device->kernel_count() == 1);
  RunAdd(*device);
  CHECK(device->kernel_count() == 1);  // the add came from the prewarmed kernel
  CheckNoValidationErrors(*device);
}

TEST_CASE("compute prewarm of a kernel that does not exist fails the open with its name") {
  {
    auto probe = OpenTestDevice();
    if (!probe) return;
  }
  DeviceOptions options;
  options.validation = true;
  options.prewarm_kernels = {KernelSpec{"no_such_shader", 1, 0, {}}};
  auto device = Device::Create(options);
  REQUIRE_FALSE(device.ok());
  CHECK(device.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(device.status().message()),
             Catch::StartsWith("compute: prewarm: ") && Catch::Contains("no_such_shader"));

  options.prewarm_kernels = {KernelSpec{"binary", 9, 4, {64, 0}}};  // too many bindings
  device = Device::Create(options);
  REQUIRE_FALSE(device.ok());
  CHECK(device.status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("compute VulkanKernels prewarm covers every kernel its recorders build") {
  auto device = OpenTestDevice();
  if (!device) return;
  VulkanKernels kernels(*device);
  REQUIRE(kernels.Prewarm().ok());
  const size_t prewarmed = device->kernel_count();
  CHECK(prewarmed == kernels.StandardSpecs().size());
  CheckNoValidationErrors(*device);

  // One small buffer set large enough for every shape below, recorded into one list.
  std::vector<Buffer> buffers;
  for (int i = 0; i < 4; ++i) {
    auto buffer = device->CreateBuffer(64 * 64 * 4);
    REQUIRE(buffer.ok());
    buffers.push_back(std::move(buffer).value());
  }
  const Buffer& x = buffers[0];
  const Buffer& y = buffers[1];
  const Buffer& z = buffers[2];
  const Buffer& w = buffers[3];
  auto list = device->NewCommandList();
  REQUIRE(list.ok());
  REQUIRE(kernels.RecordMatMul(*list, {8, 8, 8}, x, y, z).ok());  // vec4 columns
  REQUIRE(kernels.RecordMatMul(*list, {7, 5, 3}, x, y, z).ok());  // scalar columns
  for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kMul})
    REQUIRE(kernels.RecordBinary(*list, op, 100, x, y, z).ok());
  for (Activation op : {Activation::kRelu, Activation::kGelu, Activation::kSigmoid})
    REQUIRE(kernels.RecordActivate(*list, op, 100, x, z).ok());
  REQUIRE(kernels.RecordSoftmax(*list, 4, 10, x, z).ok());
  for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kMax})
    REQUIRE(kernels.RecordReduce(*list, op, 4, 10, x, z).ok());
  Conv2dShape conv;
  conv.in_channels = 2;
  conv.height = 6;
  conv.width = 6;
  conv.out_channels = 3;
  conv.kernel_h = 3;
  conv.kernel_w = 3;
  REQUIRE(kernels.RecordConv2d(*list, conv, x, y, w, z).ok());
  REQUIRE(kernels.RecordResizeBilinear(*list, {16, 8}, 4, x, {8, 4}, z).ok());
  for (YuvLayout layout : {YuvLayout::kNv12, YuvLayout::kI420})
    REQUIRE(kernels.RecordYuvToRgb(*list, layout, {16, 8}, x, z).ok());
  CHECK(device->kernel_count() == prewarmed);  // nothing was built after the prewarm
  REQUIRE(device->Submit(*list).ok());
  REQUIRE(list->Wait().ok());
  CheckNoValidationErrors(*device);
}

double ProcessCpuMs() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// CPU time of the whole process (the driver compiles in its own thread) from recording to the
// fence of the first add on `device`.
double FirstAddCpuMs(Device& device) {
  auto a = device.CreateBuffer(256);
  REQUIRE(a.ok());
  VulkanKernels kernels(device);
  const double start = ProcessCpuMs();
  auto list = device.NewCommandList();
  REQUIRE(list.ok());
  REQUIRE(kernels.RecordBinary(*list, BinaryOp::kAdd, 64, *a, *a, *a).ok());
  REQUIRE(device.Submit(*list).ok());
  REQUIRE(list->Wait().ok());
  return ProcessCpuMs() - start;
}

TEST_CASE("compute prewarm moves lavapipe's shader compilation out of the first dispatch") {
  auto cold = OpenTestDevice();
  if (!cold) return;
  if (cold->info().kind != DeviceKind::kCpu) {
    WARN("SKIPPED: " << cold->info().name << " is not a CPU device; nothing to compare");
    return;
  }
  const KernelSpec add = AddSpec(*cold);
  const double cold_ms = FirstAddCpuMs(*cold);
  DeviceOptions options;
  options.prewarm_kernels = {add};
  auto warm = OpenTestDevice(options);
  REQUIRE(warm);
  const double warm_ms = FirstAddCpuMs(*warm);
  INFO("first add, process CPU: " << cold_ms << " ms cold, " << warm_ms << " ms prewarmed");
  // Measured here: about 7 ms cold (2 ms pipeline creation, 5 ms LLVM) against 0.3 ms; CPU time,
  // not wall time, so a loaded machine does not blur it.
  CHECK(warm_ms < cold_ms / 2);
  CheckNoValidationErrors(*cold);
  CheckNoValidationErrors(*warm);
}

}  // namespace
}  // namespace theta::compute
