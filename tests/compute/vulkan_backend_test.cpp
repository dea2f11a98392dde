// Every Vulkan kernel against the CPU backend on random inputs whose sizes do not divide the tiles,
// with the validation layers on and required to report nothing.
#include <catch2/catch.hpp>

#include "test_data.hpp"
#include "test_device.hpp"
#include "theta/compute/backend.hpp"
#include "theta/compute/vulkan_kernels.hpp"

namespace theta::compute {
namespace {

using testing::CheckNoValidationErrors;
using testing::MaxByteDifference;
using testing::MaxRelativeError;
using testing::OpenTestDevice;
using testing::RandomBytes;
using testing::RandomFloats;

struct Backends {
  std::unique_ptr<Device> device;
  std::unique_ptr<Backend> vulkan;
  std::unique_ptr<Backend> cpu = NewCpuBackend();
};

// Null device when there is no Vulkan device (the test has WARNed SKIPPED).
Backends OpenBackends() {
  Backends b;
  b.device = OpenTestDevice();
  if (!b.device) return b;
  auto vulkan = NewVulkanBackend(*b.device);
  REQUIRE(vulkan.ok());
  b.vulkan = std::move(vulkan).value();
  return b;
}

TEST_CASE("vulkan sgemm matches openblas within 1e-4 on sizes off the tile grid") {
  auto b = OpenBackends();
  if (!b.device) return;
  const uint32_t seed = 101;
  CAPTURE(seed);
  // Shapes with K and N multiples of 4 take the vec4 paths, the others the scalar one.
  const MatMulShape shapes[] = {{1, 1, 1},    {67, 45, 29}, {33, 200, 131},
                                {130, 7, 64}, {45, 68, 36}, {3, 4, 4}};
  for (MatMulShape s : shapes) {
    CAPTURE(s.m, s.n, s.k);
    const auto a = RandomFloats(size_t(s.m) * s.k, seed);
    const auto bm = RandomFloats(size_t(s.k) * s.n, seed + 1);
    std::vector<float> gpu(size_t(s.m) * s.n, -7.0f), cpu(gpu.size());
    REQUIRE(b.vulkan->MatMul(s, a, bm, gpu).ok());
    REQUIRE(b.cpu->MatMul(s, a, bm, cpu).ok());
    CHECK(MaxRelativeError(gpu, cpu) < 1e-4);
  }
  CheckNoValidationErrors(*b.device);
}

TEST_CASE("vulkan sgemm is right for every tiling it may be given, on every load path") {
  auto device = OpenTestDevice();
  if (!device) return;
  for (MatMulShape s : {MatMulShape{37, 53, 19}, MatMulShape{37, 52, 20}}) {
    CAPTURE(s.m, s.n, s.k);
    const auto a = RandomFloats(size_t(s.m) * s.k, 7);
    const auto bm = RandomFloats(size_t(s.k) * s.n, 8);
    std::vector<float> cpu(size_t(s.m) * s.n);
    REQUIRE(NewCpuBackend()->MatMul(s, a, bm, cpu).ok());
    for (SgemmTiling tiling : {SgemmTiling{8, 8, 16, 2}, SgemmTiling{64, 1, 8, 4},
                               SgemmTiling{4, 8, 3, 1}, SgemmTiling{16, 2, 1, 8}}) {
      CAPTURE(tiling.local_x, tiling.local_y, tiling.tm, tiling.tn);
      VulkanKernels kernels(*device, tiling);
      auto da = device->CreateBuffer(a.size() * 4);
      auto db = device->CreateBuffer(bm.size() * 4);
      auto dc = device->CreateBuffer(cpu.size() * 4);
      REQUIRE((da.ok() && db.ok() && dc.ok()));
      REQUIRE(device->Upload(*da, std::as_bytes(std::span(a))).ok());
      REQUIRE(device->Upload(*db, std::as_bytes(std::span(bm))).ok());
      auto list = device->NewCommandList();
      REQUIRE(list.ok());
      REQUIRE(kernels.RecordMatMul(*list, s, *da, *db, *dc).ok());
      REQUIRE(device->Submit(*list).ok());
      REQUIRE(list->Wait().ok());
      std::vector<float> gpu(cpu.size());
      REQUIRE(device->Download(*dc, std::as_writable_bytes(std::span(gpu))).ok());
      CHECK(MaxRelativeError(gpu, cpu) < 1e-4);
    }
  }
  CheckNoValidationErrors(*device);
}

TEST_CASE("vulkan activations and binary ops match the cpu backend") {
  auto b = OpenBackends();
  if (!b.device) return;
  const auto x = RandomFloats(1001, 201, -6.0f, 6.0f);
  const auto y = RandomFloats(1001, 202, -6.0f, 6.0f);
  std::vector<float> gpu(x.size()), cpu(x.size());
  for (Activation op : {Activation::kRelu, Activation::kGelu, Activation::kSigmoid}) {
    CAPTURE(static_cast<int>(op));
    REQUIRE(b.vulkan->Activate(op, x, gpu).ok());
    REQUIRE(b.cpu->Activate(op, x, cpu).ok());
    CHECK(MaxRelativeError(gpu, cpu) < 1e-5);
  }
  for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kMul}) {
    CAPTURE(static_cast<int>(op));
    REQUIRE(b.vulkan->Binary(op, x, y, gpu).ok());
    REQUIRE(b.cpu->Binary(op, x, y, cpu).ok());
    CHECK(gpu == cpu);  // one rounding each, so bit-equal
  }
  CheckNoValidationErrors(*b.device);
}

TEST_CASE("vulkan softmax and reductions match the cpu backend") {
  auto b = OpenBackends();
  if (!b.device) return;
  for (auto [rows, cols] : {std::pair<uint32_t, uint32_t>{1, 1}, {7, 333}, {65, 10}}) {
    CAPTURE(rows, cols);
    const auto x = RandomFloats(size_t(rows) * cols, 301, -30.0f, 30.0f);
    std::vector<float> gpu(x.size()), cpu(x.size());
    REQUIRE(b.vulkan->Softmax(rows, cols, x, gpu).ok());
    REQUIRE(b.cpu->Softmax(rows, cols, x, cpu).ok());
    CHECK(MaxRelativeError(gpu, cpu) < 1e-5);
    std::vector<float> gpu_r(rows), cpu_r(rows);
    REQUIRE(b.vulkan->Reduce(ReduceOp::kSum, rows, cols, x, gpu_r).ok());
    REQUIRE(b.cpu->Reduce(ReduceOp::kSum, rows, cols, x, cpu_r).ok());
    CHECK(MaxRelativeError(gpu_r, cpu_r) < 1e-4);
    REQUIRE(b.vulkan->Reduce(ReduceOp::kMax, rows, cols, x, gpu_r).ok());
    REQUIRE(b.cpu->Reduce(ReduceOp::kMax, rows, cols, x, cpu_r).ok());
    CHECK(gpu_r == cpu_r);
  }
  CheckNoValidationErrors(*b.device);
}

TEST_CASE("vulkan conv2d matches im2col and openblas within 1e-4") {
  auto b = OpenBackends();
  if (!b.device) return;
  const Conv2dShape shapes[] = {
      {2, 3, 13, 11, 5, 3, 3, 1, 1}, {1, 4, 17, 9, 3, 5, 3, 2, 0}, {3, 1, 28, 28, 8, 5, 5, 1, 2}};
  for (const Conv2dShape& s : shapes) {
    CAPTURE(s.batch, s.in_channels, s.height, s.width, s.kernel_h, s.stride, s.padding);
    const auto in = RandomFloats(size_t(s.batch) * s.in_channels * s.height * s.width, 401);
    const auto w =
        RandomFloats(size_t(s.out_channels) * s.in_channels * s.kernel_h * s.kernel_w, 402);
    const auto bias = RandomFloats(s.out_channels, 403);
    std::vector<float> gpu(size_t(s.batch) * s.out_channels * s.out_height() * s.out_width());
    std::vector<float> cpu(gpu.size());
    REQUIRE(b.vulkan->Conv2d(s, in, w, bias, gpu).ok());
    REQUIRE(b.cpu->Conv2d(s, in, w, bias, cpu).ok());
    CHECK(MaxRelativeError(gpu, cpu) < 1e-4);
  }
  CheckNoValidationErrors(*b.device);
}

TEST_CASE("vulkan bilinear resize matches the cpu backend to within one level") {
  auto b = OpenBackends();
  if (!b.device) return;
  struct Case {
    ImageSize src;
    uint32_t channels;
    ImageSize dst;
  };
  for (const Case& c :
       {Case{{37, 23}, 3, {16, 11}}, Case{{9, 7}, 1, {31, 17}}, Case{{64, 36}, 4, {43, 24}}}) {
    CAPTURE(c.src.width, c.src.height, c.channels, c.dst.width, c.dst.height);
    const auto src = RandomBytes(size_t(c.src.width) * c.src.height * c.channels, 501);
    std::vector<uint8_t> gpu(size_t(c.dst.width) * c.dst.height * c.channels), cpu(gpu.size());
    REQUIRE(b.vulkan->ResizeBilinear(c.src, c.channels, src, c.dst, gpu).ok());
    REQUIRE(b.cpu->ResizeBilinear(c.src, c.channels, src, c.dst, cpu).ok());
    CHECK(MaxByteDifference(gpu, cpu) <= 1);
  }
  CheckNoValidationErrors(*b.device);
}

TEST_CASE("vulkan nv12 and i420 to rgb match the cpu backend to within one level") {
  auto b = OpenBackends();
  if (!b.device) return;
  for (ImageSize size : {ImageSize{2, 2}, ImageSize{33, 17}, ImageSize{64, 48}}) {
    for (YuvLayout layout : {YuvLayout::kNv12, YuvLayout::kI420}) {
      CAPTURE(size.width, size.height, static_cast<int>(layout));
      const auto yuv = RandomBytes(Yuv420FrameBytes(size), 601);
      std::vector<uint8_t> gpu(size_t(size.width) * size.height * 3), cpu(gpu.size());
      REQUIRE(b.vulkan->YuvToRgb(layout, size, yuv, gpu).ok());
      REQUIRE(b.cpu->YuvToRgb(layout, size, yuv, cpu).ok());
      CHECK(MaxByteDifference(gpu, cpu) <= 1);
    }
  }
  CheckNoValidationErrors(*b.device);
}

}  // namespace
}  // namespace theta::compute
