#version 450
// Row-wise sum or max of a [rows, cols] matrix into rows values, one workgroup per row.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"
layout(constant_id = 1) const uint OP = 0;  // 0 sum, 1 max
#include "row_reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer In { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params { uint rows; uint cols; } params;

void main() {
  const uint row = FlatGroupIndex();
  if (row >= params.rows) return;
  const uint base = row * params.cols;
  const uint lid = gl_LocalInvocationID.x;
  float r = OP == 0 ? 0.0 : -3.402823466e38;
  for (uint c = lid; c < params.cols; c += gl_WorkGroupSize.x) {
    r = OP == 0 ? r + x[base + c] : max(r, x[base + c]);
  }
  r = OP == 0 ? ReduceSum(r) : ReduceMax(r);
  if (lid == 0) y[row] = r;
}
