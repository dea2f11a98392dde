#version 450
#extension GL_KHR_shader_subgroup_ballot : require
// C[M,N] = A[M,K] * B[K,N], row-major fp32, register-blocked.
//
// Each invocation keeps a TM x TN block of C in registers (TN counted in vec4 columns when VEC4 is
// set) and walks K: per step it loads TM values of A and TN values of B and does TM * TN multiply-adds.
// The ratio of multiply-adds to loads is what register blocking buys. On lavapipe every storage-buffer
// load is a loop over the SIMD lanes, so the vec4 path (four floats per lane per iteration, taken when
// K and N are multiples of 4) does four times the work per load, and shared-memory tiles would only
// add more of the same loads. Rows and columns past the edge are clamped for loading and masked for
// storing, so the inner loop has no branches and any M, N, K works.
//
// Invocations side by side in x share rows of A; the local_size_y rows of invocations in a workgroup
// share the columns of B, so on a CPU device, which runs a workgroup's subgroups one after another on
// one core, the strip of B they all read stays in that core's cache.
layout(local_size_x_id = 0, local_size_y_id = 4) in;
layout(constant_id = 1) const uint TM = 4;
layout(constant_id = 2) const uint TN = 2;
// 0: scalar loads; 1: vec4 loads (needs K % 4 == 0 and N % 4 == 0); 2: vec4 loads with the rows of A
// shared across the subgroup (also needs subgroup ballot, a subgroup size that is a multiple of 8 and
// local_size_x a multiple of it, so that every subgroup is full and lies in one row of invocations).
layout(constant_id = 3) const uint MODE = 1;

// The same buffers seen as floats and as vec4s (aliased bindings); each path uses one view.
layout(std430, set = 0, binding = 0) readonly buffer MatA { float a[]; };
layout(std430, set = 0, binding = 0) readonly buffer MatA4 { vec4 a4[]; };
layout(std430, set = 0, binding = 1) readonly buffer MatB { float b[]; };
layout(std430, set = 0, binding = 1) readonly buffer MatB4 { vec4 b4[]; };
layout(std430, set = 0, binding = 2) writeonly buffer MatC { float c[]; };
layout(std430, set = 0, binding = 2) writeonly buffer MatC4 { vec4 c4[]; };
layout(push_constant) uniform Shape { uint M; uint N; uint K; } shape;

void MainVec4() {
  const uint n4 = shape.N / 4;
  const uint k4 = shape.K / 4;
  const uint row0 = gl_GlobalInvocationID.y * TM;
  const uint col0 = gl_GlobalInvocationID.x * TN;  // in vec4 columns
  uint a_row[TM];
  for (uint i = 0; i < TM; ++i) a_row[i] = min(row0 + i, shape.M - 1) * k4;
  uint b_col[TN];
  for (uint j = 0; j < TN; ++j) b_col[j] = min(col0 + j, n4 - 1);

  vec4 acc[TM][TN];
  for (uint i = 0; i < TM; ++i)
    for (uint j = 0; j < TN; ++j) acc[i][j] = vec4(0.0);

  for (uint k = 0; k < k4; ++k) {
    vec4 bv[4][TN];
    for (uint kk = 0; kk < 4; ++kk) {
      const uint b_row = (k * 4 + kk) * n4;
      for (uint j = 0; j < TN; ++j) bv[kk][j] = b4[b_row + b_col[j]];
    }
    for (uint i = 0; i < TM; ++i) {
      const vec4 av = a4[a_row[i] + k];
      for (uint j = 0; j < TN; ++j) {
        acc[i][j] = fma(vec4(av.x), bv[0][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.y), bv[1][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.z), bv[2][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.w), bv[3][j], acc[i][j]);
      }
    }
  }

  for (uint i = 0; i < TM; ++i) {
    const uint row = row0 + i;
    if (row >= shape.M) break;
    for (uint j = 0; j < TN; ++j) {
      const uint col = col0 + j;
      if (col < n4) c4[row * n4 + col] = acc[i][j];
    }
  }
}

void MainScalar() {
  const uint row0 = gl_GlobalInvocationID.y * TM;
  const uint col0 = gl_GlobalInvocationID.x * TN;
  uint a_row[TM];
  for (uint i = 0; i < TM; ++i) a_row[i] = min(row0 + i, shape.M - 1) * shape.K;
  uint b_col[TN];
  for (uint j = 0; j < TN; ++j) b_col[j] = min(col0 + j, shape.N - 1);

  float acc[TM][TN];
  for (uint i = 0; i < TM; ++i)
    for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;

  for (uint k = 0; k < shape.K; ++k) {
    float bv[TN];
    for (uint j = 0; j < TN; ++j) bv[j] = b[k * shape.N + b_col[j]];
    for (uint i = 0; i < TM; ++i) {
      const float av = a[a_row[i] + k];
      for (uint j = 0; j < TN; ++j) acc[i][j] = fma(av, bv[j], acc[i][j]);
    }
  }

  for (uint i = 0; i < TM; ++i) {
    const uint row = row0 + i;
    if (row >= shape.M) break;
    for (uint j = 0; j < TN; ++j) {
      const uint col = col0 + j;
      if (col < shape.N) c[row * shape.N + col] = acc[i][j];
    }
  }
}

// Mode 2. Like mode 1 (invocations along x own TN vec4 columns each and share TM rows), but the
// TM vec4s of A a step needs are loaded once per subgroup, one per lane, and handed round with
// subgroupBroadcast (a register shuffle) instead of every lane loading all of them.
const uint kSubgroupRows = 8;  // rows loaded per lane-round; the host checks the subgroup size
const uint kRounds = (TM + kSubgroupRows - 1) / kSubgroupRows;

void MainVec4Shared() {
  const uint n4 = shape.N / 4;
  const uint k4 = shape.K / 4;
  const uint row0 = gl_GlobalInvocationID.y * TM;
  const uint col0 = gl_GlobalInvocationID.x * TN;  // in vec4 columns
  const uint lane = gl_SubgroupInvocationID % kSubgroupRows;
  uint my_row[kRounds];
  for (uint r = 0; r < kRounds; ++r) my_row[r] = min(row0 + r * kSubgroupRows + lane, shape.M - 1) * k4;
  uint b_col[TN];
  for (uint j = 0; j < TN; ++j) b_col[j] = min(col0 + j, n4 - 1);

  vec4 acc[TM][TN];
  for (uint i = 0; i < TM; ++i)
    for (uint j = 0; j < TN; ++j) acc[i][j] = vec4(0.0);

  for (uint k = 0; k < k4; ++k) {
    vec4 mine[kRounds];
    for (uint r = 0; r < kRounds; ++r) mine[r] = a4[my_row[r] + k];
    vec4 bv[4][TN];
    for (uint kk = 0; kk < 4; ++kk) {
      const uint b_row = (k * 4 + kk) * n4;
      for (uint j = 0; j < TN; ++j) bv[kk][j] = b4[b_row + b_col[j]];
    }
    for (uint i = 0; i < TM; ++i) {
      const vec4 av = subgroupBroadcast(mine[i / kSubgroupRows], i % kSubgroupRows);
      for (uint j = 0; j < TN; ++j) {
        acc[i][j] = fma(vec4(av.x), bv[0][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.y), bv[1][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.z), bv[2][j], acc[i][j]);
        acc[i][j] = fma(vec4(av.w), bv[3][j], acc[i][j]);
      }
    }
  }

  for (uint i = 0; i < TM; ++i) {
    const uint row = row0 + i;
    if (row >= shape.M) break;
    for (uint j = 0; j < TN; ++j) {
      const uint col = col0 + j;
      if (col < n4) c4[row * n4 + col] = acc[i][j];
    }
  }
}

void main() {
  if (MODE == 2) {
    MainVec4Shared();
  } else if (MODE == 1) {
    MainVec4();
  } else {
    MainScalar();
  }
}
