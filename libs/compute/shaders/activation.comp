#version 450
// out[i] = f(in[i]) for f in relu, gelu (tanh approximation), sigmoid.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"
layout(constant_id = 1) const uint OP = 0;  // 0 relu, 1 gelu, 2 sigmoid

layout(std430, set = 0, binding = 0) readonly buffer In { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params { uint count; } params;

void main() {
  const uint i = FlatInvocationIndex();
  if (i >= params.count) return;
  const float v = x[i];
  float r;
  if (OP == 0) {
    r = max(v, 0.0);
  } else if (OP == 1) {
    // 0.5 v (1 + tanh(sqrt(2/pi) (v + 0.044715 v^3))); the argument is clamped where tanh is +-1 in
    // fp32 so that no implementation's exp() overflows.
    const float t = clamp(0.7978845608 * (v + 0.044715 * v * v * v), -10.0, 10.0);
    r = 0.5 * v * (1.0 + tanh(t));
  } else {
    r = 1.0 / (1.0 + exp(-v));
  }
  y[i] = r;
}
