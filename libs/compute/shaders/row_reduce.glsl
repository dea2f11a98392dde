// Workgroup-wide reduction helpers over shared memory (one row per workgroup).
shared float partial[gl_WorkGroupSize.x];

float ReduceMax(float v) {
  const uint lid = gl_LocalInvocationID.x;
  partial[lid] = v;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (lid < s) partial[lid] = max(partial[lid], partial[lid + s]);
    barrier();
  }
  const float r = partial[0];
  barrier();
  return r;
}

float ReduceSum(float v) {
  const uint lid = gl_LocalInvocationID.x;
  partial[lid] = v;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (lid < s) partial[lid] += partial[lid + s];
    barrier();
  }
  const float r = partial[0];
  barrier();
  return r;
}
