#version 450
// 8-bit YUV 4:2:0 (NV12: Y plane then interleaved UV; I420: Y, U, V planes; chroma planes are
// ceil(w/2) x ceil(h/2)) to interleaved RGB, BT.601 limited range, as most H.264 video is coded:
//   R = 1.164 (Y-16) + 1.596 (V-128)
//   G = 1.164 (Y-16) - 0.392 (U-128) - 0.813 (V-128)
//   B = 1.164 (Y-16) + 2.017 (U-128)
// Each invocation writes one 32-bit word (four output bytes).
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Yuv { uint yuv[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rgb { uint rgb[]; };
layout(push_constant) uniform Params { uint width; uint height; uint layout_id; } p;  // 0 NV12, 1 I420

#include "bytes.glsl"
uint LoadByte(uint index) { return (yuv[index >> 2] >> ((index & 3u) * 8u)) & 0xffu; }

void main() {
  const uint word = FlatInvocationIndex();
  const uint total = p.width * p.height * 3u;
  if (word * 4u >= total) return;
  const uint cw = (p.width + 1u) / 2u;
  const uint chh = (p.height + 1u) / 2u;
  const uint luma_size = p.width * p.height;
  uint packed = 0u;
  for (uint b = 0u; b < 4u; ++b) {
    const uint e = word * 4u + b;
    if (e >= total) break;
    const uint ch = e % 3u;
    const uint pixel = e / 3u;
    const uint x = pixel % p.width;
    const uint y = pixel / p.width;
    const uint chroma = (y / 2u) * cw + x / 2u;
    uint u_index, v_index;
    if (p.layout_id == 0u) {
      u_index = luma_size + chroma * 2u;
      v_index = u_index + 1u;
    } else {
      u_index = luma_size + chroma;
      v_index = luma_size + cw * chh + chroma;
    }
    const float yy = 1.164 * (float(LoadByte(pixel)) - 16.0);
    const float u = float(LoadByte(u_index)) - 128.0;
    const float v = float(LoadByte(v_index)) - 128.0;
    float value;
    if (ch == 0u) value = yy + 1.596 * v;
    else if (ch == 1u) value = yy - 0.392 * u - 0.813 * v;
    else value = yy + 2.017 * u;
    packed |= RoundToByte(value) << (b * 8u);
  }
  rgb[word] = packed;
}
