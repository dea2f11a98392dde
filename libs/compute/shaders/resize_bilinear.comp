#version 450
// Bilinear resize of an 8-bit interleaved image with `channels` channels, half-pixel centres (as
// OpenCV's INTER_LINEAR and FFmpeg's bilinear): src x = (dst x + 0.5) * sw / dw - 0.5, clamped at the
// edges. Each invocation writes one 32-bit word (four output bytes).
#extension GL_GOOGLE_include_directive : require
layout(local_size_x_id = 0) in;
#include "grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Src { uint src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Dst { uint dst[]; };
layout(push_constant) uniform Params {
  uint src_w; uint src_h; uint dst_w; uint dst_h; uint channels;
} p;

#include "bytes.glsl"
uint LoadByte(uint index) { return (src[index >> 2] >> ((index & 3u) * 8u)) & 0xffu; }

float SourceCoord(uint d, uint src_size, uint dst_size) {
  return max((float(d) + 0.5) * (float(src_size) / float(dst_size)) - 0.5, 0.0);
}

void main() {
  const uint word = FlatInvocationIndex();
  const uint total = p.dst_w * p.dst_h * p.channels;
  if (word * 4u >= total) return;
  uint packed = 0u;
  for (uint b = 0u; b < 4u; ++b) {
    const uint e = word * 4u + b;
    if (e >= total) break;
    const uint ch = e % p.channels;
    const uint pixel = e / p.channels;
    const uint dx = pixel % p.dst_w;
    const uint dy = pixel / p.dst_w;
    const float sx = SourceCoord(dx, p.src_w, p.dst_w);
    const float sy = SourceCoord(dy, p.src_h, p.dst_h);
    const uint x0 = min(uint(sx), p.src_w - 1u);
    const uint y0 = min(uint(sy), p.src_h - 1u);
    const uint x1 = min(x0 + 1u, p.src_w - 1u);
    const uint y1 = min(y0 + 1u, p.src_h - 1u);
    const float fx = sx - float(x0);
    const float fy = sy - float(y0);
    const float v00 = float(LoadByte((y0 * p.src_w + x0) * p.channels + ch));
    const float v01 = float(LoadByte((y0 * p.src_w + x1) * p.channels + ch));
    const float v10 = float(LoadByte((y1 * p.src_w + x0) * p.channels + ch));
    const float v11 = float(LoadByte((y1 * p.src_w + x1) * p.channels + ch));
    const float top = v00 + (v01 - v00) * fx;
    const float bottom = v10 + (v11 - v10) * fx;
    packed |= RoundToByte(top + (bottom - top) * fy) << (b * 8u);
  }
  dst[word] = packed;
}
