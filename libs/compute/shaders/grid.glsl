// Include after the layout(local_size_x_id = 0) declaration: before it gl_WorkGroupSize is the
// constant (1, 1, 1), not the specialization constant.
// Flat workgroup index over a 2-D grid: the host splits more than 65535 groups into rows of groups.
uint FlatGroupIndex() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }
uint FlatInvocationIndex() { return FlatGroupIndex() * gl_WorkGroupSize.x + gl_LocalInvocationID.x; }
