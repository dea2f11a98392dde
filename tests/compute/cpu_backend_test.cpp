#include <catch2/catch.hpp>

#include "test_data.hpp"
#include "theta/compute/backend.hpp"

namespace theta::compute {
namespace {

using testing::MaxRelativeError;
using testing::RandomFloats;

std::vector<float> NaiveMatMul(MatMulShape s, const std::vector<float>& a,
                               const std::vector<float>& b) {
  std::vector<float> c(size_t(s.m) * s.n);
  for (uint32_t i = 0; i < s.m; ++i) {
    for (uint32_t j = 0; j < s.n; ++j) {
      double sum = 0;
      for (uint32_t k = 0; k < s.k; ++k)
        sum += double(a[i * s.k + k]) * b[k * s.n + j];
      c[i * s.n + j] = float(sum);
    }
  }
  return c;
}

std::vector<float> NaiveConv(const Conv2dShape& s, const std::vector<float>& in,
                             const std::vector<float>& w, const std::vector<float>& bias) {
  const uint32_t oh = s.out_height(), ow = s.out_width();
  std::vector<float> out(size_t(s.batch) * s.out_channels * oh * ow);
  for (uint32_t n = 0; n < s.batch; ++n)
    for (uint32_t oc = 0; oc < s.out_channels; ++oc)
      for (uint32_t y = 0; y < oh; ++y)
        for (uint32_t x = 0; x < ow; ++x) {
          double sum = bias.empty() ? 0.0 : bias[oc];
          for (uint32_t ic = 0; ic < s.in_channels; ++ic)
            for (uint32_t ky = 0; ky < s.kernel_h; ++ky)
              for (uint32_t kx = 0; kx < s.kernel_w; ++kx) {
                const int iy = int(y * s.stride + ky) - int(s.padding);
                const int ix = int(x * s.stride + kx) - int(s.padding);
                if (iy < 0 || ix < 0 || iy >= int(s.height) || ix >= int(s.width)) continue;
                sum += double(in[((n * s.in_channels + ic) * s.height + iy) * s.width + ix]) *
                       w[((oc * s.in_channels + ic) * s.kernel_h + ky) * s.kernel_w + kx];
              }
          out[((n * s.out_channels + oc) * oh + y) * ow + x] = float(sum);
        }
  return out;
}

TEST_CASE("cpu backend matmul matches a naive double-precision product") {
  auto cpu = NewCpuBackend();
  for (MatMulShape s : {MatMulShape{1, 1, 1}, MatMulShape{67, 45, 29}, MatMulShape{5, 130, 257}}) {
    CAPTURE(s.m, s.n, s.k);
    const auto a = RandomFloats(size_t(s.m) * s.k, 11);
    const auto b = RandomFloats(size_t(s.k) * s.n, 12);
    std::vector<float> c(size_t(s.m) * s.n);
    REQUIRE(cpu->MatMul(s, a, b, c).ok());
    CHECK(MaxRelativeError(c, NaiveMatMul(s, a, b)) < 1e-5);
  }
}

TEST_CASE("cpu backend conv2d by im2col matches a direct convolution") {
  auto cpu = NewCpuBackend();
  const Conv2dShape shapes[] = {
      {2, 3, 13, 11, 5, 3, 3, 1, 1}, {1, 4, 17, 9, 3, 5, 3, 2, 0}, {1, 1, 5, 5, 1, 5, 5, 1, 2}};
  for (const Conv2dShape& s : shapes) {
    CAPTURE(s.in_channels, s.height, s.width, s.kernel_h, s.kernel_w, s.stride, s.padding);
    const auto in = RandomFloats(size_t(s.batch) * s.in_channels * s.height * s.width, 21);
    const auto w =
        RandomFloats(size_t(s.out_channels) * s.in_channels * s.kernel_h * s.kernel_w, 22);
    const auto bias = RandomFloats(s.out_channels, 23);
    std::vector<float> out(size_t(s.batch) * s.out_channels * s.out_height() * s.out_width());
    REQUIRE(cpu->Conv2d(s, in, w, bias, out).ok());
    CHECK(MaxRelativeError(out, NaiveConv(s, in, w, bias)) < 1e-5);
    REQUIRE(cpu->Conv2d(s, in, w, {}, out).ok());
    CHECK(MaxRelativeError(out, NaiveConv(s, in, w, {})) < 1e-5);
  }
}

TEST_CASE("cpu backend softmax rows sum to one and reductions agree with plain sums") {
  auto cpu = NewCpuBackend();
  const auto x = RandomFloats(3 * 37, 31, -20.0f, 20.0f);
  std::vector<float> y(x.size());
  REQUIRE(cpu->Softmax(3, 37, x, y).ok());
  std::vector<float> sums(3);
  REQUIRE(cpu->Reduce(ReduceOp::kSum, 3, 37, y, sums).ok());
  for (float s : sums)
    CHECK(s == Approx(1.0f).epsilon(1e-5));
  std::vector<float> maxes(3);
  REQUIRE(cpu->Reduce(ReduceOp::kMax, 3, 37, x, maxes).ok());
  CHECK(maxes[1] == *std::max_element(x.begin() + 37, x.begin() + 74));
}

TEST_CASE("cpu backend activations and colour conversion hit known values") {
  auto cpu = NewCpuBackend();
  const std::vector<float> x = {-2.0f, 0.0f, 1.0f};
  std::vector<float> y(3);
  REQUIRE(cpu->Activate(Activation::kRelu, x, y).ok());
  CHECK(y == std::vector<float>{0.0f, 0.0f, 1.0f});
  REQUIRE(cpu->Activate(Activation::kSigmoid, x, y).ok());
  CHECK(y[1] == 0.5f);
  REQUIRE(cpu->Activate(Activation::kGelu, x, y).ok());
  CHECK(y[2] == Approx(0.841192f).epsilon(1e-5));  // gelu_tanh(1)
  // A 2x2 NV12 frame of studio white (Y 235, U = V = 128) is RGB 255.
  const std::vector<uint8_t> white = {235, 235, 235, 235, 128, 128};
  std::vector<uint8_t> rgb(12);
  REQUIRE(cpu->YuvToRgb(YuvLayout::kNv12, {2, 2}, white, rgb).ok());
  CHECK(rgb == std::vector<uint8_t>(12, 255));
}

TEST_CASE("backend shape checks name the operand and the sizes") {
  auto cpu = NewCpuBackend();
  std::vector<float> a(6), b(6), c(4);
  auto bad = cpu->MatMul({2, 2, 3}, a, std::span<const float>(b).first(5), c);
  CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.message()), Catch::Contains("B has 5 elements, the shape needs 6"));
  CHECK(cpu->MatMul({0, 2, 3}, a, b, c).code() == absl::StatusCode::kInvalidArgument);
  std::vector<float> out(1);
  CHECK(cpu->Conv2d({1, 1, 2, 2, 1, 3, 3, 1, 0}, a, b, {}, out).code() ==
        absl::StatusCode::kInvalidArgument);  // 3x3 kernel on a 2x2 image without padding
  std::vector<uint8_t> img(12), dst(12);
  CHECK(cpu->ResizeBilinear({2, 2}, 5, img, {2, 2}, dst).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(
      cpu->YuvToRgb(YuvLayout::kI420, {2, 2}, std::span<const uint8_t>(img).first(5), dst).code() ==
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta::compute
