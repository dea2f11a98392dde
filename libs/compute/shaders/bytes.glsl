// Byte access to buffers declared as uint words (8-bit storage is optional in Vulkan): a kernel that
// produces bytes writes whole words, four bytes per invocation, so no two invocations share a word.
uint LoadByte(uint index);  // defined by the shader over its input buffer

uint RoundToByte(float v) { return uint(clamp(floor(v + 0.5), 0.0, 255.0)); }
