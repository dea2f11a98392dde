#version 450
// out[i] = a[i] op b[i] for op in add, mul.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"
layout(constant_id = 1) const uint OP = 0;  // 0 add, 1 mul

layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params { uint count; } params;

void main() {
  const uint i = FlatInvocationIndex();
  if (i >= params.count) return;
  y[i] = OP == 0 ? a[i] + b[i] : a[i] * b[i];
}
