#version 450
// Row-wise softmax of a [rows, cols] matrix, one workgroup per row (the workgroup size is a power of
// two): y = exp(x - max) / sum(exp(x - max)).
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"
#include "row_reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer In { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params { uint rows; uint cols; } params;

void main() {
  const uint row = FlatGroupIndex();
  if (row >= params.rows) return;  // uniform across the workgroup, so no barrier is skipped by half
  const uint base = row * params.cols;
  const uint lid = gl_LocalInvocationID.x;
  float m = -3.402823466e38;
  for (uint c = lid; c < params.cols; c += gl_WorkGroupSize.x) m = max(m, x[base + c]);
  m = ReduceMax(m);
  float s = 0.0;
  for (uint c = lid; c < params.cols; c += gl_WorkGroupSize.x) s += exp(x[base + c] - m);
  s = ReduceSum(s);
  const float inv = 1.0 / s;
  for (uint c = lid; c < params.cols; c += gl_WorkGroupSize.x) y[base + c] = exp(x[base + c] - m) * inv;
}
