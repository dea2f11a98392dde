#version 450
// C[M,N] = A[M,K] * B[K,N], row-major fp32, register-blocked.
//
// A workgroup owns TM rows of C and LX*TN columns; each invocation keeps a TM x TN block of C in
// registers. The rows depend only on the workgroup, so every load of A is uniform across the
// workgroup (one scalar load on CPU implementations such as lavapipe, a broadcast on GPUs); only
// the TN loads of B per k differ per invocation. That ratio (TM multiply-adds per divergent load) is
// what register blocking buys: on lavapipe every divergent load is a per-lane loop, and shared-memory
// tiles cost the same divergent loads again, so tiling in shared memory is slower there.
// Out-of-range rows and columns are clamped for loading and masked for storing, so the inner loop has
// no branches and any M, N, K works.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 16;
layout(constant_id = 2) const uint TN = 2;

layout(std430, set = 0, binding = 0) readonly buffer MatA { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer MatB { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer MatC { float c[]; };
layout(push_constant) uniform Shape { uint M; uint N; uint K; } shape;

void main() {
  const uint lx = gl_WorkGroupSize.x;
  const uint row0 = gl_WorkGroupID.y * TM;
  const uint col0 = gl_WorkGroupID.x * lx * TN + gl_LocalInvocationID.x;
  uint a_row[TM];
  for (uint i = 0; i < TM; ++i) a_row[i] = min(row0 + i, shape.M - 1) * shape.K;
  uint b_col[TN];
  for (uint j = 0; j < TN; ++j) b_col[j] = min(col0 + j * lx, shape.N - 1);

  float acc[TM][TN];
  for (uint i = 0; i < TM; ++i)
    for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;

  for (uint k = 0; k < shape.K; ++k) {
    float bv[TN];
    const uint b_row = k * shape.N;
    for (uint j = 0; j < TN; ++j) bv[j] = b[b_row + b_col[j]];
    for (uint i = 0; i < TM; ++i) {
      const float av = a[a_row[i] + k];
      for (uint j = 0; j < TN; ++j) acc[i][j] = fma(av, bv[j], acc[i][j]);
    }
  }

  for (uint i = 0; i < TM; ++i) {
    const uint row = row0 + i;
    if (row >= shape.M) break;
    for (uint j = 0; j < TN; ++j) {
      const uint col = col0 + j * lx;
      if (col < shape.N) c[row * shape.N + col] = acc[i][j];
    }
  }
}
