// ZCash serialization of BLS12-381 points; see internal/bls12381_codec.hpp for the format.
#include "internal/bls12381_codec.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace theta::crypto::internal {
namespace {

constexpr uint8_t kCompressionFlag = 0x80;
constexpr uint8_t kInfinityFlag = 0x40;
constexpr uint8_t kSignFlag = 0x20;
constexpr uint8_t kFlagMask = kCompressionFlag | kInfinityFlag | kSignFlag;

// Field-specific pieces: the byte size of one element, its encoding and decoding.
void WriteField(const Bls12381Fp& f, uint8_t* out) {
  f.ToBytes(std::span<uint8_t, kBls12381FpBytes>(out, kBls12381FpBytes));
}
void WriteField(const Bls12381Fp2& f, uint8_t* out) {
  WriteField(f.c1, out);
  WriteField(f.c0, out + kBls12381FpBytes);
}
bool ReadField(const uint8_t* in, Bls12381Fp* out) {
  return Bls12381Fp::FromBytes(std::span<const uint8_t, kBls12381FpBytes>(in, kBls12381FpBytes),
                               out);
}
bool ReadField(const uint8_t* in, Bls12381Fp2* out) {
  return ReadField(in, &out->c1) && ReadField(in + kBls12381FpBytes, &out->c0);
}
bool FieldSqrt(const Bls12381Fp& a, Bls12381Fp* out) {
  return a.Sqrt(out);
}
bool FieldSqrt(const Bls12381Fp2& a, Bls12381Fp2* out) {
  return Bls12381Fp2Sqrt(a, out);
}
// x³ + b of the curve the field belongs to.
Bls12381Fp CurveRhs(const Bls12381Fp& x) {
  return x.Square() * x + Bls12381G1Curve::B();
}
Bls12381Fp2 CurveRhs(const Bls12381Fp2& x) {
  return x.Square() * x + Bls12381G2Curve::B();
}
bool InSubgroup(const Bls12381G1Affine& p) {
  return Bls12381G1InSubgroup(p);
}
bool InSubgroup(const Bls12381G2Affine& q) {
  return Bls12381G2InSubgroup(q);
}

template <class Affine, size_t kSize>
std::array<uint8_t, kSize> Encode(const Affine& p, bool compressed) {
  using F = typename Affine::F;
  constexpr size_t kFieldSize = sizeof(F) / sizeof(Bls12381Fp) * kBls12381FpBytes;
  std::array<uint8_t, kSize> out{};
  if (p.infinity) {
    out[0] = kInfinityFlag | (compressed ? kCompressionFlag : 0);
    return out;
  }
  WriteField(p.x, out.data());
  if (compressed) {
    out[0] |= kCompressionFlag | (Bls12381IsLexLargest(p.y) ? kSignFlag : 0);
  } else {
    WriteField(p.y, out.data() + kFieldSize);
  }
  return out;
}

template <class Affine>
absl::StatusOr<Affine> Decode(ByteView bytes, const char* group) {
  using F = typename Affine::F;
  constexpr size_t kFieldSize = sizeof(F) / sizeof(Bls12381Fp) * kBls12381FpBytes;
  auto invalid = [&](const std::string& rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("bls12-381: ", group, " encoding ", ToHex(bytes), " ", rule));
  };
  if (bytes.size() != kFieldSize && bytes.size() != 2 * kFieldSize) {
    return invalid(
        absl::StrCat("has length ", bytes.size(), ", not ", kFieldSize, " or ", 2 * kFieldSize));
  }
  const bool compressed = bytes.size() == kFieldSize;
  const uint8_t flags = bytes[0] & kFlagMask;
  if (((flags & kCompressionFlag) != 0) != compressed) {
    return invalid(compressed ? "is compressed-length without the compression flag"
                              : "is uncompressed-length with the compression flag");
  }
  // A private copy with the flag bits cleared, so the coordinates parse as plain numbers.
  std::array<uint8_t, 2 * kFieldSize> buf{};
  std::copy(bytes.begin(), bytes.end(), buf.begin());
  buf[0] &= static_cast<uint8_t>(~kFlagMask);
  if ((flags & kInfinityFlag) != 0) {
    if ((flags & kSignFlag) != 0) return invalid("sets the sign flag on the point at infinity");
    if (!std::all_of(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(bytes.size()),
                     [](uint8_t b) { return b == 0; })) {
      return invalid("sets the infinity flag but has non-zero coordinate bytes");
    }
    return Affine::Infinity();
  }
  if (!compressed && (flags & kSignFlag) != 0) {
    return invalid("sets the sign flag in the uncompressed form");
  }
  F x;
  if (!ReadField(buf.data(), &x)) return invalid("has an x coordinate not below p");
  Affine p;
  if (compressed) {
    F y;
    if (!FieldSqrt(CurveRhs(x), &y)) {
      return invalid("has an x with no point on the curve");
    }
    if (Bls12381IsLexLargest(y) != ((flags & kSignFlag) != 0)) y = -y;
    p = Affine::Of(x, y);
  } else {
    F y;
    if (!ReadField(buf.data() + kFieldSize, &y)) return invalid("has a y coordinate not below p");
    p = Affine::Of(x, y);
  }
  if (!p.IsOnCurve()) return invalid("is not on the curve");
  if (!InSubgroup(p)) return invalid("is not in the order-r subgroup");
  return p;
}

}  // namespace

std::array<uint8_t, kBls12381G1Compressed> EncodeG1Compressed(const Bls12381G1Affine& p) {
  return Encode<Bls12381G1Affine, kBls12381G1Compressed>(p, true);
}
std::array<uint8_t, kBls12381G1Uncompressed> EncodeG1Uncompressed(const Bls12381G1Affine& p) {
  return Encode<Bls12381G1Affine, kBls12381G1Uncompressed>(p, false);
}
std::array<uint8_t, kBls12381G2Compressed> EncodeG2Compressed(const Bls12381G2Affine& q) {
  return Encode<Bls12381G2Affine, kBls12381G2Compressed>(q, true);
}
std::array<uint8_t, kBls12381G2Uncompressed> EncodeG2Uncompressed(const Bls12381G2Affine& q) {
  return Encode<Bls12381G2Affine, kBls12381G2Uncompressed>(q, false);
}

absl::StatusOr<Bls12381G1Affine> DecodeG1(ByteView bytes) {
  return Decode<Bls12381G1Affine>(bytes, "G1");
}
absl::StatusOr<Bls12381G2Affine> DecodeG2(ByteView bytes) {
  return Decode<Bls12381G2Affine>(bytes, "G2");
}

}  // namespace theta::crypto::internal
