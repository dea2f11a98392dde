// EIP-196/197 input decoding and the three precompile operations over the internal BN254 layer.
#include "theta/crypto/bn254.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "internal/bn254_pairing.hpp"
#include "theta/core/status.hpp"

namespace theta::crypto {
namespace {

using internal::Bn254Fp;
using internal::Bn254Fp2;
using internal::Bn254G1;
using internal::Bn254G1Affine;
using internal::Bn254G2Affine;

constexpr size_t kWord = 32;

// The input right-padded with zeros (or truncated) to `size` bytes.
template <size_t size>
std::array<uint8_t, size> PadInput(ByteView input) {
  std::array<uint8_t, size> out{};
  std::copy_n(input.begin(), std::min(input.size(), size), out.begin());
  return out;
}

std::string Hex(ByteView bytes) {
  return ToHex(bytes);
}

absl::StatusOr<Bn254Fp> DecodeFp(ByteView word, const char* what) {
  Bn254Fp f;
  if (!Bn254Fp::FromBytes(std::span<const uint8_t, kWord>(word.data(), kWord), &f)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bn254: ", what, " ", Hex(word), " is not below the field modulus p"));
  }
  return f;
}

bool AllZero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

absl::StatusOr<Bn254G1Affine> DecodeG1(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(const Bn254Fp x, DecodeFp(bytes.subspan(0, kWord), "G1 x coordinate"));
  THETA_ASSIGN_OR_RETURN(const Bn254Fp y, DecodeFp(bytes.subspan(kWord, kWord), "G1 y coordinate"));
  if (x.IsZero() && y.IsZero()) return Bn254G1Affine::Infinity();
  const Bn254G1Affine p = Bn254G1Affine::Of(x, y);
  if (!p.IsOnCurve()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bn254: G1 point (", Hex(bytes.subspan(0, kWord)), ", ",
                     Hex(bytes.subspan(kWord, kWord)), ") is not on the curve y^2 = x^3 + 3"));
  }
  return p;
}

absl::StatusOr<Bn254G2Affine> DecodeG2(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(const Bn254Fp x_im,
                         DecodeFp(bytes.subspan(0, kWord), "G2 x_im coordinate"));
  THETA_ASSIGN_OR_RETURN(const Bn254Fp x_re,
                         DecodeFp(bytes.subspan(32, kWord), "G2 x_re coordinate"));
  THETA_ASSIGN_OR_RETURN(const Bn254Fp y_im,
                         DecodeFp(bytes.subspan(64, kWord), "G2 y_im coordinate"));
  THETA_ASSIGN_OR_RETURN(const Bn254Fp y_re,
                         DecodeFp(bytes.subspan(96, kWord), "G2 y_re coordinate"));
  if (AllZero(bytes)) return Bn254G2Affine::Infinity();
  const Bn254G2Affine q = Bn254G2Affine::Of(Bn254Fp2{x_re, x_im}, Bn254Fp2{y_re, y_im});
  if (!q.IsOnCurve()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bn254: G2 point ", Hex(bytes), " is not on the twist y^2 = x^3 + 3/(9+i)"));
  }
  if (!internal::Bn254G2InSubgroup(q)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bn254: G2 point ", Hex(bytes), " is not in the order-r subgroup"));
  }
  return q;
}

std::array<uint8_t, kBn254G1Size> EncodeG1(const Bn254G1& point) {
  std::array<uint8_t, kBn254G1Size> out{};
  const Bn254G1Affine a = point.ToAffine();
  if (a.infinity) return out;
  a.x.ToBytes(std::span<uint8_t, kWord>(out.data(), kWord));
  a.y.ToBytes(std::span<uint8_t, kWord>(out.data() + kWord, kWord));
  return out;
}

}  // namespace

absl::StatusOr<std::array<uint8_t, kBn254G1Size>> Bn254Add(ByteView input) {
  const auto in = PadInput<2 * kBn254G1Size>(input);
  const ByteView view(in);
  THETA_ASSIGN_OR_RETURN(const Bn254G1Affine a, DecodeG1(view.first(kBn254G1Size)));
  THETA_ASSIGN_OR_RETURN(const Bn254G1Affine b, DecodeG1(view.subspan(kBn254G1Size)));
  return EncodeG1(Bn254G1::From(a).AddAffine(b));
}

absl::StatusOr<std::array<uint8_t, kBn254G1Size>> Bn254Mul(ByteView input) {
  const auto in = PadInput<kBn254G1Size + kWord>(input);
  const ByteView view(in);
  THETA_ASSIGN_OR_RETURN(const Bn254G1Affine p, DecodeG1(view.first(kBn254G1Size)));
  internal::Limbs<4> scalar{};
  for (size_t i = 0; i < kWord; ++i) {
    scalar[3 - i / 8] |= static_cast<uint64_t>(in[kBn254G1Size + i]) << (8 * (7 - i % 8));
  }
  return EncodeG1(Bn254G1::From(p).ScalarMulPublic(scalar));
}

absl::StatusOr<bool> Bn254PairingCheck(ByteView input) {
  if (input.size() % kBn254PairSize != 0) {
    return absl::InvalidArgumentError(absl::StrCat("bn254: pairing input length ", input.size(),
                                                   " is not a multiple of ", kBn254PairSize));
  }
  std::vector<internal::Bn254PairInput> pairs(input.size() / kBn254PairSize);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const ByteView pair = input.subspan(i * kBn254PairSize, kBn254PairSize);
    THETA_ASSIGN_OR_RETURN(pairs[i].p, DecodeG1(pair.first(kBn254G1Size)));
    THETA_ASSIGN_OR_RETURN(pairs[i].q, DecodeG2(pair.subspan(kBn254G1Size)));
  }
  const internal::Bn254Fp12 f = internal::Bn254MillerLoop(pairs);
  return internal::Bn254FinalExponentiation(f).IsOne();
}

}  // namespace theta::crypto
