#version 450
// Direct 2-D convolution, NCHW input, [out_c, in_c, kh, kw] weights, one output element per
// invocation, zero padding. out = bias[oc] + sum over (ic, ky, kx) of in * w.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer In { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weights { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params {
  uint batch; uint in_c; uint height; uint width;
  uint out_c; uint kh; uint kw; uint stride; uint pad;
  uint out_h; uint out_w;
} p;

void main() {
  const uint i = FlatInvocationIndex();
  if (i >= p.batch * p.out_c * p.out_h * p.out_w) return;
  const uint ox = i % p.out_w;
  const uint oy = (i / p.out_w) % p.out_h;
  const uint oc = (i / (p.out_w * p.out_h)) % p.out_c;
  const uint n = i / (p.out_w * p.out_h * p.out_c);
  float acc = bias[oc];
  for (uint ic = 0; ic < p.in_c; ++ic) {
    const uint in_base = (n * p.in_c + ic) * p.height * p.width;
    const uint w_base = (oc * p.in_c + ic) * p.kh * p.kw;
    for (uint ky = 0; ky < p.kh; ++ky) {
      const int iy = int(oy * p.stride + ky) - int(p.pad);
      if (iy < 0 || iy >= int(p.height)) continue;
      for (uint kx = 0; kx < p.kw; ++kx) {
        const int ix = int(ox * p.stride + kx) - int(p.pad);
        if (ix < 0 || ix >= int(p.width)) continue;
        acc = fma(x[in_base + uint(iy) * p.width + uint(ix)], w[w_base + ky * p.kw + kx], acc);
      }
    }
  }
  y[i] = acc;
}
