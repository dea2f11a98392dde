// The CPU backend: OpenBLAS for matmul and conv (im2col + sgemm), plain loops for the rest. The
// pixel kernels use the same float formulas as the shaders so the two backends round alike.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "theta/compute/backend.hpp"

namespace theta::compute {
namespace {

uint8_t RoundToByte(float v) {
  return static_cast<uint8_t>(std::clamp(std::floor(v + 0.5f), 0.0f, 255.0f));
}

float SourceCoord(uint32_t d, uint32_t src_size, uint32_t dst_size) {
  return std::max((static_cast<float>(d) + 0.5f) *
                          (static_cast<float>(src_size) / static_cast<float>(dst_size)) -
                      0.5f,
                  0.0f);
}

// Unfolds one image [in_c, h, w] into columns [in_c * kh * kw, out_h * out_w], zero outside.
void Im2Col(const Conv2dShape& s, const float* image, float* columns) {
  const uint32_t oh = s.out_height();
  const uint32_t ow = s.out_width();
  for (uint32_t c = 0; c < s.in_channels; ++c) {
    for (uint32_t ky = 0; ky < s.kernel_h; ++ky) {
      for (uint32_t kx = 0; kx < s.kernel_w; ++kx) {
        float* row = columns + ((size_t{c} * s.kernel_h + ky) * s.kernel_w + kx) * oh * ow;
        for (uint32_t y = 0; y < oh; ++y) {
          const int64_t iy = int64_t{y} * s.stride + ky - s.padding;
          for (uint32_t x = 0; x < ow; ++x) {
            const int64_t ix = int64_t{x} * s.stride + kx - s.padding;
            const bool inside = iy >= 0 && iy < s.height && ix >= 0 && ix < s.width;
            row[size_t{y} * ow + x] =
                inside ? image[(size_t{c} * s.height + iy) * s.width + ix] : 0.0f;
          }
        }
      }
    }
  }
}

class CpuBackend final : public Backend {
 public:
  std::string_view name() const noexcept override { return "cpu"; }

 protected:
  absl::Status DoMatMul(MatMulShape s, std::span<const float> a, std::span<const float> b,
                        std::span<float> c) override {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(s.m), int(s.n), int(s.k), 1.0f,
                a.data(), int(s.k), b.data(), int(s.n), 0.0f, c.data(), int(s.n));
    return absl::OkStatus();
  }

  absl::Status DoActivate(Activation op, std::span<const float> in, std::span<float> out) override {
    for (size_t i = 0; i < in.size(); ++i) {
      const float v = in[i];
      switch (op) {
        case Activation::kRelu:
          out[i] = std::max(v, 0.0f);
          break;
        case Activation::kGelu: {
          const float t = std::clamp(0.7978845608f * (v + 0.044715f * v * v * v), -10.0f, 10.0f);
          out[i] = 0.5f * v * (1.0f + std::tanh(t));
          break;
        }
        case Activation::kSigmoid:
          out[i] = 1.0f / (1.0f + std::exp(-v));
          break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status DoBinary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                        std::span<float> out) override {
    for (size_t i = 0; i < a.size(); ++i)
      out[i] = op == BinaryOp::kAdd ? a[i] + b[i] : a[i] * b[i];
    return absl::OkStatus();
  }

  absl::Status DoSoftmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                         std::span<float> out) override {
    for (uint32_t r = 0; r < rows; ++r) {
      const float* x = in.data() + size_t{r} * cols;
      float* y = out.data() + size_t{r} * cols;
      const float m = *std::max_element(x, x + cols);
      float sum = 0.0f;
      for (uint32_t c = 0; c < cols; ++c)
        sum += std::exp(x[c] - m);
      const float inv = 1.0f / sum;
      for (uint32_t c = 0; c < cols; ++c)
        y[c] = std::exp(x[c] - m) * inv;
    }
    return absl::OkStatus();
  }

  absl::Status DoReduce(ReduceOp op, uint32_t rows, uint32_t cols, std::span<const float> in,
                        std::span<float> out) override {
    for (uint32_t r = 0; r < rows; ++r) {
      const float* x = in.data() + size_t{r} * cols;
      if (op == ReduceOp::kMax) {
        out[r] = *std::max_element(x, x + cols);
      } else {
        double sum = 0.0;  // the reference sums in double; the device's tree order differs anyway
        for (uint32_t c = 0; c < cols; ++c)
          sum += x[c];
        out[r] = static_cast<float>(sum);
      }
    }
    return absl::OkStatus();
  }

  absl::Status DoConv2d(const Conv2dShape& s, std::span<const float> in,
                        std::span<const float> weights, std::span<const float> bias,
                        std::span<float> out) override {
    const size_t spatial = size_t{s.out_height()} * s.out_width();
    const size_t patch = size_t{s.in_channels} * s.kernel_h * s.kernel_w;
    std::vector<float> columns(patch * spatial);
    for (uint32_t n = 0; n < s.batch; ++n) {
      Im2Col(s, in.data() + size_t{n} * s.in_channels * s.height * s.width, columns.data());
      float* y = out.data() + size_t{n} * s.out_channels * spatial;
      for (uint32_t oc = 0; oc < s.out_channels; ++oc) {
        std::fill_n(y + oc * spatial, spatial, bias.empty() ? 0.0f : bias[oc]);
      }
      // y[out_c, spatial] += W[out_c, patch] * columns[patch, spatial]
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(s.out_channels), int(spatial),
                  int(patch), 1.0f, weights.data(), int(patch), columns.data(), int(spatial), 1.0f,
                  y, int(spatial));
    }
    return absl::OkStatus();
  }

  absl::Status DoResizeBilinear(ImageSize src_size, uint32_t channels, std::span<const uint8_t> src,
                                ImageSize dst_size, std::span<uint8_t> dst) override {
    for (uint32_t dy = 0; dy < dst_size.height; ++dy) {
      const float sy = SourceCoord(dy, src_size.height, dst_size.height);
      const uint32_t y0 = std::min(static_cast<uint32_t>(sy), src_size.height - 1);
      const uint32_t y1 = std::min(y0 + 1, src_size.height - 1);
      const float fy = sy - static_cast<float>(y0);
      for (uint32_t dx = 0; dx < dst_size.width; ++dx) {
        const float sx = SourceCoord(dx, src_size.width, dst_size.width);
        const uint32_t x0 = std::min(static_cast<uint32_t>(sx), src_size.width - 1);
        const uint32_t x1 = std::min(x0 + 1, src_size.width - 1);
        const float fx = sx - static_cast<float>(x0);
        for (uint32_t c = 0; c < channels; ++c) {
          auto at = [&](uint32_t x, uint32_t y) {
            return static_cast<float>(src[(size_t{y} * src_size.width + x) * channels + c]);
          };
          const float top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * fx;
          const float bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * fx;
          dst[(size_t{dy} * dst_size.width + dx) * channels + c] =
              RoundToByte(top + (bottom - top) * fy);
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status DoYuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                          std::span<uint8_t> rgb) override {
    const size_t cw = (size.width + 1) / 2;
    const size_t ch = (size.height + 1) / 2;
    const size_t luma = size_t{size.width} * size.height;
    for (uint32_t y = 0; y < size.height; ++y) {
      for (uint32_t x = 0; x < size.width; ++x) {
        const size_t chroma = (y / 2) * cw + x / 2;
        const size_t u_index = layout == YuvLayout::kNv12 ? luma + chroma * 2 : luma + chroma;
        const size_t v_index = layout == YuvLayout::kNv12 ? u_index + 1 : luma + cw * ch + chroma;
        const size_t pixel = size_t{y} * size.width + x;
        const float yy = 1.164f * (static_cast<float>(yuv[pixel]) - 16.0f);
        const float u = static_cast<float>(yuv[u_index]) - 128.0f;
        const float v = static_cast<float>(yuv[v_index]) - 128.0f;
        rgb[pixel * 3 + 0] = RoundToByte(yy + 1.596f * v);
        rgb[pixel * 3 + 1] = RoundToByte(yy - 0.392f * u - 0.813f * v);
        rgb[pixel * 3 + 2] = RoundToByte(yy + 2.017f * u);
      }
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<Backend> NewCpuBackend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace theta::compute
