// RFC 9380 hashing to BLS12-381 G1 and G2; see internal/bls12381_hash.hpp.
#include "internal/bls12381_hash.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::crypto::internal {
namespace {

constexpr size_t kShaBytes = 32;  // b_in_bytes of SHA-256
constexpr size_t kShaBlock = 64;  // s_in_bytes
constexpr size_t kL = 64;         // ceil((ceil(log2(p)) + k) / 8) with k = 128

constexpr Bls12381Fp2 F2(std::string_view c0, std::string_view c1) {
  return {Bls12381FpHex(c0), Bls12381FpHex(c1)};
}

// A 64-byte big-endian number mod p: as a wide limb number t < 2^512 < p·R, Redc gives t·R⁻¹ in
// Montgomery form (the value t·R⁻²), and multiplying by the element of value R² restores t.
Bls12381Fp ReduceWide(const uint8_t* bytes) {
  Bls12381Fp::Wide t{};
  for (size_t i = 0; i < kL; ++i) {
    t[7 - i / 8] |= static_cast<uint64_t>(bytes[i]) << (8 * (7 - i % 8));
  }
  static constexpr Bls12381Fp kRSquared = Bls12381Fp::FromMontgomery(Bls12381Fp::kR3);
  return Bls12381Fp::Redc(t) * kRSquared;
}

// sgn0 of RFC 9380 §4.1: the parity of the canonical value; for Bls12381Fp2 the parity of c0 unless
// c0 is zero, then of c1.
bool Sgn0(const Bls12381Fp& a) {
  return (a.ToCanonical()[0] & 1) != 0;
}
bool Sgn0(const Bls12381Fp2& a) {
  return Sgn0(a.c0) || (a.c0.IsZero() && Sgn0(a.c1));
}

bool FieldSqrt(const Bls12381Fp& a, Bls12381Fp* out) {
  return a.Sqrt(out);
}

// The curves y² = x³ + A'x + B' the SSWU map lands on, and its Z (RFC 9380 §8.8.1, §8.8.2).
struct IsoG1 {
  using F = Bls12381Fp;
  static constexpr F kA = Bls12381FpHex(
      "144698a3b8e9433d693a02c96d4982b0ea985383ee66a8d8e8981aefd881ac98936f8da0e0f97f5cf428082d584c"
      "1d");
  static constexpr F kB = Bls12381FpHex(
      "12e2908d11688030018b12e8753eee3b2016c1f0f24f4070a0b9c14fcef35ef55a23215a316ceaa5d1cc48e98e17"
      "2be0");
  static constexpr F kZ = Bls12381Fp::FromUint(11);
};
struct IsoG2 {
  using F = Bls12381Fp2;
  static constexpr F kA = {Bls12381Fp::Zero(), Bls12381Fp::FromUint(240)};
  static constexpr F kB = {Bls12381Fp::FromUint(1012), Bls12381Fp::FromUint(1012)};
  static constexpr F kZ = {-Bls12381Fp::FromUint(2), -Bls12381Fp::FromUint(1)};
};

// Simplified SWU (RFC 9380 §6.6.2), straight-line form with a variable-time square root.
template <class Iso>
void Sswu(const typename Iso::F& u, typename Iso::F* x_out, typename Iso::F* y_out) {
  using F = typename Iso::F;
  const F zu2 = Iso::kZ * u.Square();
  const F denom = zu2.Square() + zu2;  // Z²u⁴ + Zu²
  F x1;
  if (denom.IsZero()) {
    x1 = Iso::kB * (Iso::kZ * Iso::kA).InverseVartime();  // the exceptional case: B/(Z·A)
  } else {
    static const F minus_b_over_a = -Iso::kB * Iso::kA.InverseVartime();
    x1 = minus_b_over_a * (F::One() + denom.InverseVartime());
  }
  auto g = [](const F& x) { return (x.Square() + Iso::kA) * x + Iso::kB; };
  F x = x1;
  F y;
  if (!FieldSqrt(g(x1), &y)) {
    x = zu2 * x1;  // then g(x2) = Z³u⁶·g(x1) is a square
    FieldSqrt(g(x), &y);
  }
  if (Sgn0(u) != Sgn0(y)) y = -y;
  *x_out = x;
  *y_out = y;
}

// Simplified SWU on E2' for G2, for N inputs at once, with one Fp inversion and two Fp
// exponentiations per input (the generic Sswu above spends up to three exponentiations and several
// inversions through Bls12381Fp2Sqrt): whether g(x1) is a square is read off its norm n (a square
// in Fp2 iff n is one in Fp), with s = n^((p+1)/4). If s² = −n instead, g(x2) = Z³u⁶·g(x1) is the
// square, and its norm's root needs no second exponentiation: N(Z³u⁶·g(x1)) = N(Z)³·N(u)⁶·n =
// 125·N(u)⁶·n (N(Z) = 5 for Z = −2 − u), so √ = √(−125)·N(u)³·s, where −125 is a square because
// −1 and 5 are not (Z is not a square). The N denominators share one inversion (Montgomery's
// trick; hash_to_curve maps two field elements). Running the N exponentiations in lockstep
// (PowPublic over a pair) was measured and dropped: 27 % more instructions per exponentiation (the
// tuple's copies, MontMul inlined twice) and no faster hash on the 2-core machine.
template <size_t N>
void SswuG2Batch(const std::array<Bls12381Fp2, N>& u, std::array<Bls12381Fp2, N>* x_out,
                 std::array<Bls12381Fp2, N>* y_out) {
  using F = Bls12381Fp2;
  using Fp = Bls12381Fp;
  static const Fp kRootMinus125 = [] {
    Fp root;
    const bool ok = (-Fp::FromUint(125)).Sqrt(&root);
    (void)ok;  // −125 is a square (see above); the hash-to-curve vectors check the result
    return root;
  }();
  static const F exceptional = IsoG2::kB * (IsoG2::kZ * IsoG2::kA).InverseVartime();  // B/(Z·A)
  static const F minus_b_over_a = -IsoG2::kB * IsoG2::kA.InverseVartime();
  std::array<F, N> zu2, denom, prefix;
  F product = F::One();
  for (size_t i = 0; i < N; ++i) {
    zu2[i] = IsoG2::kZ * u[i].Square();
    denom[i] = zu2[i].Square() + zu2[i];  // Z²u⁴ + Zu²
    prefix[i] = product;                  // the product of the non-zero denominators before i
    if (!denom[i].IsZero()) product = product * denom[i];
  }
  F inverse = product.InverseVartime();  // of the product of the non-zero denominators
  std::array<F, N> x1, gx1;
  std::array<Fp, N> norm;
  auto g = [](const F& x) { return (x.Square() + IsoG2::kA) * x + IsoG2::kB; };
  for (size_t i = N; i-- > 0;) {
    if (denom[i].IsZero()) {
      x1[i] = exceptional;
    } else {
      x1[i] = minus_b_over_a * (F::One() + inverse * prefix[i]);
      inverse = inverse * denom[i];
    }
    gx1[i] = g(x1[i]);
    norm[i] = gx1[i].c0.Square() + gx1[i].c1.Square();
  }
  std::array<F, N> gx;
  std::array<Fp, N> delta;
  for (size_t i = 0; i < N; ++i) {
    (*x_out)[i] = x1[i];
    gx[i] = gx1[i];
    const Fp s = PowPublic(norm[i], Fp::kSqrtExponent);
    Fp norm_root = s;
    if (!(s.Square() == norm[i])) {
      (*x_out)[i] = zu2[i] * x1[i];
      gx[i] = g((*x_out)[i]);
      const Fp norm_u = u[i].c0.Square() + u[i].c1.Square();
      norm_root = kRootMinus125 * norm_u.Square() * norm_u * s;
    }
    // The norm shortcut needs a1 ≠ 0; the rare a1 = 0 takes Bls12381Fp2Sqrt below instead.
    delta[i] = gx[i].c1.IsZero() ? Fp::One() : Bls12381Fp2SqrtDelta(gx[i], norm_root);
  }
  for (size_t i = 0; i < N; ++i) {
    F& y = (*y_out)[i];
    bool ok;
    if (gx[i].c1.IsZero()) {
      ok = Bls12381Fp2Sqrt(gx[i], &y);
    } else {
      ok =
          Bls12381Fp2SqrtFinish(gx[i], delta[i], PowPublic(delta[i], kBls12381InvSqrtExponent), &y);
    }
    (void)ok;  // one of g(x1), g(x2) is a square (RFC 9380 §6.6.2)
    if (Sgn0(u[i]) != Sgn0(y)) y = -y;
  }
}

// Σ c_i·x^i by Horner's rule, coefficients in ascending degree.
template <class F, size_t N>
F Horner(const std::array<F, N>& c, const F& x) {
  F acc = c[N - 1];
  for (size_t i = N - 1; i-- > 0;)
    acc = acc * x + c[i];
  return acc;
}

// The 11-isogeny E1' → E (RFC 9380 Appendix E.2), constants k_(i,j) in ascending degree; the
// denominators' leading coefficient 1 is included as the last entry.
constexpr std::array<Bls12381Fp, 12> kG1XNum = {
    Bls12381FpHex(
        "11a05f2b1e833340b809101dd99815856b303e88a2d7005ff2627b56cdb4e2c85610c2d5f2e62d6ea"
        "eac1662734649b7"),
    Bls12381FpHex(
        "17294ed3e943ab2f0588bab22147a81c7c17e75b2f6a8417f565e33c70d1e86b4838f2a6f318c356e"
        "834eef1b3cb83bb"),
    Bls12381FpHex(
        "0d54005db97678ec1d1048c5d10a9a1bce032473295983e56878e501ec68e25c958c3e3d2a09729fe"
        "0179f9dac9edcb0"),
    Bls12381FpHex(
        "1778e7166fcc6db74e0609d307e55412d7f5e4656a8dbf25f1b33289f1b330835336e25ce3107193c"
        "5b388641d9b6861"),
    Bls12381FpHex(
        "0e99726a3199f4436642b4b3e4118e5499db995a1257fb3f086eeb65982fac18985a286f301e77c45"
        "1154ce9ac8895d9"),
    Bls12381FpHex(
        "1630c3250d7313ff01d1201bf7a74ab5db3cb17dd952799b9ed3ab9097e68f90a0870d2dcae73d19c"
        "d13c1c66f652983"),
    Bls12381FpHex(
        "0d6ed6553fe44d296a3726c38ae652bfb11586264f0f8ce19008e218f9c86b2a8da25128c1052ecad"
        "dd7f225a139ed84"),
    Bls12381FpHex(
        "17b81e7701abdbe2e8743884d1117e53356de5ab275b4db1a682c62ef0f2753339b7c8f8c8f475af9"
        "ccb5618e3f0c88e"),
    Bls12381FpHex(
        "080d3cf1f9a78fc47b90b33563be990dc43b756ce79f5574a2c596c928c5d1de4fa295f296b74e956"
        "d71986a8497e317"),
    Bls12381FpHex("169b1f8e1bcfa7c42e0c37515d138f22dd2ecb803a0c5c99676314baf4bb1b7fa3190b2edc032779"
                  "7f241067be390c9e"),
    Bls12381FpHex(
        "10321da079ce07e272d8ec09d2565b0dfa7dccdde6787f96d50af36003b14866f69b771f8c285decc"
        "a67df3f1605fb7b"),
    Bls12381FpHex(
        "06e08c248e260e70bd1e962381edee3d31d79d7e22c837bc23c0bf1bc24c6b68c24b1b80b64d391fa"
        "9c8ba2e8ba2d229"),
};
constexpr std::array<Bls12381Fp, 11> kG1XDen = {
    Bls12381FpHex(
        "08ca8d548cff19ae18b2e62f4bd3fa6f01d5ef4ba35b48ba9c9588617fc8ac62b558d681be343df89"
        "93cf9fa40d21b1c"),
    Bls12381FpHex(
        "12561a5deb559c4348b4711298e536367041e8ca0cf0800c0126c2588c48bf5713daa8846cb026e9e"
        "5c8276ec82b3bff"),
    Bls12381FpHex(
        "0b2962fe57a3225e8137e629bff2991f6f89416f5a718cd1fca64e00b11aceacd6a3d0967c94fedcf"
        "cc239ba5cb83e19"),
    Bls12381FpHex(
        "03425581a58ae2fec83aafef7c40eb545b08243f16b1655154cca8abc28d6fd04976d5243eecf5c41"
        "30de8938dc62cd8"),
    Bls12381FpHex(
        "13a8e162022914a80a6f1d5f43e7a07dffdfc759a12062bb8d6b44e833b306da9bd29ba81f35781d5"
        "39d395b3532a21e"),
    Bls12381FpHex(
        "0e7355f8e4e667b955390f7f0506c6e9395735e9ce9cad4d0a43bcef24b8982f7400d24bc4228f11c"
        "02df9a29f6304a5"),
    Bls12381FpHex(
        "0772caacf16936190f3e0c63e0596721570f5799af53a1894e2e073062aede9cea73b3538f0de06ce"
        "c2574496ee84a3a"),
    Bls12381FpHex(
        "14a7ac2a9d64a8b230b3f5b074cf01996e7f63c21bca68a81996e1cdf9822c580fa5b9489d11e2d31"
        "1f7d99bbdcc5a5e"),
    Bls12381FpHex(
        "0a10ecf6ada54f825e920b3dafc7a3cce07f8d1d7161366b74100da67f39883503826692abba43704"
        "776ec3a79a1d641"),
    Bls12381FpHex(
        "095fc13ab9e92ad4476d6e3eb3a56680f682b4ee96f7d03776df533978f31c1593174e4b4b7865002"
        "d6384d168ecdd0a"),
    Bls12381Fp::One(),
};
constexpr std::array<Bls12381Fp, 16> kG1YNum = {
    Bls12381FpHex(
        "090d97c81ba24ee0259d1f094980dcfa11ad138e48a869522b52af6c956543d3cd0c7aee9b3ba3c2b"
        "e9845719707bb33"),
    Bls12381FpHex(
        "134996a104ee5811d51036d776fb46831223e96c254f383d0f906343eb67ad34d6c56711962fa8bfe"
        "097e75a2e41c696"),
    Bls12381FpHex(
        "00cc786baa966e66f4a384c86a3b49942552e2d658a31ce2c344be4b91400da7d26d521628b00523b"
        "8dfe240c72de1f6"),
    Bls12381FpHex(
        "01f86376e8981c217898751ad8746757d42aa7b90eeb791c09e4a3ec03251cf9de405aba9ec61deca"
        "6355c77b0e5f4cb"),
    Bls12381FpHex(
        "08cc03fdefe0ff135caf4fe2a21529c4195536fbe3ce50b879833fd221351adc2ee7f8dc099040a84"
        "1b6daecf2e8fedb"),
    Bls12381FpHex(
        "16603fca40634b6a2211e11db8f0a6a074a7d0d4afadb7bd76505c3d3ad5544e203f6326c95a80729"
        "9b23ab13633a5f0"),
    Bls12381FpHex(
        "04ab0b9bcfac1bbcb2c977d027796b3ce75bb8ca2be184cb5231413c4d634f3747a87ac2460f415ec"
        "961f8855fe9d6f2"),
    Bls12381FpHex(
        "0987c8d5333ab86fde9926bd2ca6c674170a05bfe3bdd81ffd038da6c26c842642f64550fedfe935a"
        "15e4ca31870fb29"),
    Bls12381FpHex(
        "09fc4018bd96684be88c9e221e4da1bb8f3abd16679dc26c1e8b6e6a1f20cabe69d65201c78607a36"
        "0370e577bdba587"),
    Bls12381FpHex(
        "0e1bba7a1186bdb5223abde7ada14a23c42a0ca7915af6fe06985e7ed1e4d43b9b3f7055dd4eba6f2"
        "bafaaebca731c30"),
    Bls12381FpHex(
        "19713e47937cd1be0dfd0b8f1d43fb93cd2fcbcb6caf493fd1183e416389e61031bf3a5cce3fbafce"
        "813711ad011c132"),
    Bls12381FpHex(
        "18b46a908f36f6deb918c143fed2edcc523559b8aaf0c2462e6bfe7f911f643249d9cdf41b44d606c"
        "e07c8a4d0074d8e"),
    Bls12381FpHex(
        "0b182cac101b9399d155096004f53f447aa7b12a3426b08ec02710e807b4633f06c851c1919211f20"
        "d4c04f00b971ef8"),
    Bls12381FpHex(
        "0245a394ad1eca9b72fc00ae7be315dc757b3b080d4c158013e6632d3c40659cc6cf90ad1c232a644"
        "2d9d3f5db980133"),
    Bls12381FpHex(
        "05c129645e44cf1102a159f748c4a3fc5e673d81d7e86568d9ab0f5d396a7ce46ba1049b6579afb78"
        "66b1e715475224b"),
    Bls12381FpHex(
        "15e6be4e990f03ce4ea50b3b42df2eb5cb181d8f84965a3957add4fa95af01b2b665027efec01c770"
        "4b456be69c8b604"),
};
constexpr std::array<Bls12381Fp, 16> kG1YDen = {
    Bls12381FpHex(
        "16112c4c3a9c98b252181140fad0eae9601a6de578980be6eec3232b5be72e7a07f3688ef60c206d0"
        "1479253b03663c1"),
    Bls12381FpHex(
        "1962d75c2381201e1a0cbd6c43c348b885c84ff731c4d59ca4a10356f453e01f78a4260763529e353"
        "2f6102c2e49a03d"),
    Bls12381FpHex(
        "058df3306640da276faaae7d6e8eb15778c4855551ae7f310c35a5dd279cd2eca6757cd636f96f891"
        "e2538b53dbf67f2"),
    Bls12381FpHex(
        "16b7d288798e5395f20d23bf89edb4d1d115c5dbddbcd30e123da489e726af41727364f2c28297ada"
        "8d26d98445f5416"),
    Bls12381FpHex(
        "0be0e079545f43e4b00cc912f8228ddcc6d19c9f0f69bbb0542eda0fc9dec916a20b15dc0fd2ededd"
        "a39142311a5001d"),
    Bls12381FpHex(
        "08d9e5297186db2d9fb266eaac783182b70152c65550d881c5ecd87b6f0f5a6449f38db9dfa9cce20"
        "2c6477faaf9b7ac"),
    Bls12381FpHex(
        "166007c08a99db2fc3ba8734ace9824b5eecfdfa8d0cf8ef5dd365bc400a0051d5fa9c01a58b1fb93"
        "d1a1399126a775c"),
    Bls12381FpHex(
        "16a3ef08be3ea7ea03bcddfabba6ff6ee5a4375efa1f4fd7feb34fd206357132b920f5b00801dee46"
        "0ee415a15812ed9"),
    Bls12381FpHex(
        "1866c8ed336c61231a1be54fd1d74cc4f9fb0ce4c6af5920abc5750c4bf39b4852cfe2f7bb9248836"
        "b233d9d55535d4a"),
    Bls12381FpHex(
        "167a55cda70a6e1cea820597d94a84903216f763e13d87bb5308592e7ea7d4fbc7385ea3d529b35e3"
        "46ef48bb8913f55"),
    Bls12381FpHex(
        "04d2f259eea405bd48f010a01ad2911d9c6dd039bb61a6290e591b36e636a5c871a5c29f4f8306040"
        "0f8b49cba8f6aa8"),
    Bls12381FpHex(
        "0accbb67481d033ff5852c1e48c50c477f94ff8aefce42d28c0f9a88cea7913516f968986f7ebbea9"
        "684b529e2561092"),
    Bls12381FpHex(
        "0ad6b9514c767fe3c3613144b45f1496543346d98adf02267d5ceef9a00d9b8693000763e3b90ac11"
        "e99b138573345cc"),
    Bls12381FpHex(
        "02660400eb2e4f3b628bdd0d53cd76f2bf565b94e72927c1cb748df27942480e420517bd8714cc80d"
        "1fadc1326ed06f7"),
    Bls12381FpHex(
        "0e0fa1d816ddc03e6b24255e0d7819c171c40f65e273b853324efcd6356caa205ca2f570f13497804"
        "415473a1d634b8f"),
    Bls12381Fp::One(),
};

// The 3-isogeny E2' → E' (RFC 9380 Appendix E.3), as (c0, c1) pairs in ascending degree.
constexpr std::array<Bls12381Fp2, 4> kG2XNum = {
    F2("5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaa"
       "a97d6",
       "5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaa"
       "a97d6"),
    F2("0",
       "11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffff"
       "ffc71a"),
    F2("11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffff"
       "ffc71e",
       "8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354fffffff"
       "fe38d"),
    F2("171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaa"
       "aa5ed1",
       "0"),
};
constexpr std::array<Bls12381Fp2, 3> kG2XDen = {
    F2("0",
       "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffaa63"),
    F2("c",
       "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffaa9f"),
    Bls12381Fp2::One(),
};
constexpr std::array<Bls12381Fp2, 4> kG2YNum = {
    F2("1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71"
       "c6d706",
       "1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71"
       "c6d706"),
    F2("0",
       "5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaa"
       "a97be"),
    F2("11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffff"
       "ffc71c",
       "8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354fffffff"
       "fe38f"),
    F2("124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c"
       "718b10",
       "0"),
};
constexpr std::array<Bls12381Fp2, 4> kG2YDen = {
    F2("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffa8fb",
       "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffa8fb"),
    F2("0",
       "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffa9d3"),
    F2("12",
       "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffff"
       "ffaa99"),
    Bls12381Fp2::One(),
};

// (x, y) on the isogenous curve to E or E': x = xnum/xden, y = y'·ynum/yden; a zero denominator
// is the point at infinity (RFC 9380 §6.6.3).
template <class Affine, class F, size_t A, size_t B, size_t C, size_t D>
Affine IsoMap(const F& x, const F& y, const std::array<F, A>& xnum, const std::array<F, B>& xden,
              const std::array<F, C>& ynum, const std::array<F, D>& yden) {
  const F xd = Horner(xden, x);
  const F yd = Horner(yden, x);
  if (xd.IsZero() || yd.IsZero()) return Affine::Infinity();
  const F inv = (xd * yd).InverseVartime();  // one inversion for both denominators
  return Affine::Of(Horner(xnum, x) * yd * inv, y * Horner(ynum, x) * xd * inv);
}

// IsoMap without the inversion: the Jacobian point (X : Y : Z) with Z = xden·yden, X =
// xnum·xden·yden², Y = y·ynum·xden³·yden², so that X/Z² = xnum/xden and Y/Z³ = y·ynum/yden. A zero
// denominator gives Z = 0, the point at infinity.
template <class Point, class F, size_t A, size_t B, size_t C, size_t D>
Point IsoMapJacobian(const F& x, const F& y, const std::array<F, A>& xnum,
                     const std::array<F, B>& xden, const std::array<F, C>& ynum,
                     const std::array<F, D>& yden) {
  const F xd = Horner(xden, x);
  const F yd = Horner(yden, x);
  const F yd2 = yd.Square();
  const F xd_yd2 = xd * yd2;
  Point out;
  out.z = xd * yd;
  out.x = Horner(xnum, x) * xd_yd2;
  out.y = y * Horner(ynum, x) * xd_yd2 * xd.Square();
  return out;
}

// DST as used by the expander: a tag longer than 255 bytes is replaced by
// H("H2C-OVERSIZE-DST-" ‖ DST) (RFC 9380 §5.3.3).
Bytes EffectiveDst(ByteView dst) {
  if (dst.size() <= 255) return Bytes(dst.begin(), dst.end());
  constexpr std::string_view kPrefix = "H2C-OVERSIZE-DST-";
  Bytes buf(kPrefix.begin(), kPrefix.end());
  buf.insert(buf.end(), dst.begin(), dst.end());
  const Hash32 h = Sha256(buf);
  return Bytes(h.data(), h.data() + kShaBytes);
}

}  // namespace

absl::StatusOr<Bytes> ExpandMessageXmd(ByteView msg, ByteView dst, size_t len) {
  const size_t ell = (len + kShaBytes - 1) / kShaBytes;
  if (len == 0 || ell > 255 || len > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("expand_message_xmd: output length ", len, " is not in 1..8160"));
  }
  // msg' = Z_pad ‖ msg ‖ I2OSP(len, 2) ‖ I2OSP(0, 1) ‖ DST', DST' = DST ‖ I2OSP(len(DST), 1).
  Bytes dst_prime = EffectiveDst(dst);
  dst_prime.push_back(static_cast<uint8_t>(dst_prime.size()));
  Bytes buf(kShaBlock, 0);
  buf.insert(buf.end(), msg.begin(), msg.end());
  buf.push_back(static_cast<uint8_t>(len >> 8));
  buf.push_back(static_cast<uint8_t>(len));
  buf.push_back(0);
  buf.insert(buf.end(), dst_prime.begin(), dst_prime.end());
  const Hash32 b0 = Sha256(buf);
  // b_1 = H(b_0 ‖ 1 ‖ DST'), b_i = H((b_0 ⊕ b_(i−1)) ‖ i ‖ DST').
  Bytes out;
  out.reserve(ell * kShaBytes);
  Hash32 prev{};
  for (size_t i = 1; i <= ell; ++i) {
    buf.assign(kShaBytes, 0);
    for (size_t j = 0; j < kShaBytes; ++j)
      buf[j] = static_cast<uint8_t>(b0.data()[j] ^ (i == 1 ? 0 : prev.data()[j]));
    buf.push_back(static_cast<uint8_t>(i));
    buf.insert(buf.end(), dst_prime.begin(), dst_prime.end());
    prev = Sha256(buf);
    out.insert(out.end(), prev.data(), prev.data() + kShaBytes);
  }
  out.resize(len);
  return out;
}

absl::StatusOr<std::array<Bls12381Fp, 2>> HashToFp(ByteView msg, ByteView dst, size_t count) {
  THETA_ASSIGN_OR_RETURN(const Bytes uniform, ExpandMessageXmd(msg, dst, count * kL));
  std::array<Bls12381Fp, 2> out{};
  for (size_t i = 0; i < count && i < out.size(); ++i)
    out[i] = ReduceWide(uniform.data() + i * kL);
  return out;
}

absl::StatusOr<std::array<Bls12381Fp2, 2>> HashToFp2(ByteView msg, ByteView dst, size_t count) {
  THETA_ASSIGN_OR_RETURN(const Bytes uniform, ExpandMessageXmd(msg, dst, count * 2 * kL));
  std::array<Bls12381Fp2, 2> out{};
  for (size_t i = 0; i < count && i < out.size(); ++i) {
    out[i] = {ReduceWide(uniform.data() + 2 * i * kL),
              ReduceWide(uniform.data() + (2 * i + 1) * kL)};
  }
  return out;
}

Bls12381G1Affine MapToCurveG1(const Bls12381Fp& u) {
  Bls12381Fp x, y;
  Sswu<IsoG1>(u, &x, &y);
  return IsoMap<Bls12381G1Affine>(x, y, kG1XNum, kG1XDen, kG1YNum, kG1YDen);
}

Bls12381G2 MapToCurveG2Jacobian(const Bls12381Fp2& u) {
  std::array<Bls12381Fp2, 1> x, y;
  SswuG2Batch<1>({u}, &x, &y);
  return IsoMapJacobian<Bls12381G2>(x[0], y[0], kG2XNum, kG2XDen, kG2YNum, kG2YDen);
}

std::array<Bls12381G2, 2> MapToCurveG2JacobianPair(const std::array<Bls12381Fp2, 2>& u) {
  std::array<Bls12381Fp2, 2> x, y;
  SswuG2Batch<2>(u, &x, &y);
  return {IsoMapJacobian<Bls12381G2>(x[0], y[0], kG2XNum, kG2XDen, kG2YNum, kG2YDen),
          IsoMapJacobian<Bls12381G2>(x[1], y[1], kG2XNum, kG2XDen, kG2YNum, kG2YDen)};
}

Bls12381G2Affine MapToCurveG2(const Bls12381Fp2& u) {
  return MapToCurveG2Jacobian(u).ToAffine();
}

Bls12381G1 ClearCofactorG1(const Bls12381G1& p) {
  constexpr Limbs<1> kHEff = {kBls12381X + 1};  // 1 − x = |x| + 1
  return p.ScalarMulPublic(kHEff);
}

// RFC 9380 Appendix G.3 (Budroni–Pintore): h_eff·P = [x² − x − 1]P + [x − 1]ψ(P) + ψ²(2P), with
// c1 = x = −|x|.
Bls12381G2 ClearCofactorG2(const Bls12381G2& p) {
  constexpr Limbs<1> kX = {kBls12381X};
  auto times_x = [&](const Bls12381G2& q) { return -q.ScalarMulPublic(kX); };
  const Bls12381G2 t1 = times_x(p);
  Bls12381G2 t2 = Bls12381PsiMap(p);
  Bls12381G2 t3 = Bls12381PsiMap(Bls12381PsiMap(p.Double()));
  t3 = t3 + -t2;
  t2 = times_x(t1 + t2);
  t3 = t3 + t2;
  t3 = t3 + -t1;
  return t3 + -p;
}

absl::StatusOr<Bls12381G1Affine> HashToG1(ByteView msg, ByteView dst) {
  THETA_ASSIGN_OR_RETURN(const auto u, HashToFp(msg, dst, 2));
  const Bls12381G1 r = Bls12381G1::From(MapToCurveG1(u[0])).AddAffine(MapToCurveG1(u[1]));
  return ClearCofactorG1(r).ToAffine();
}

absl::StatusOr<Bls12381G1Affine> EncodeToG1(ByteView msg, ByteView dst) {
  THETA_ASSIGN_OR_RETURN(const auto u, HashToFp(msg, dst, 1));
  return ClearCofactorG1(Bls12381G1::From(MapToCurveG1(u[0]))).ToAffine();
}

absl::StatusOr<Bls12381G2Affine> HashToG2(ByteView msg, ByteView dst) {
  THETA_ASSIGN_OR_RETURN(const auto u, HashToFp2(msg, dst, 2));
  const std::array<Bls12381G2, 2> q = MapToCurveG2JacobianPair(u);
  const Bls12381G2 r = q[0] + q[1];
  return ClearCofactorG2(r).ToAffine();
}

absl::StatusOr<Bls12381G2Affine> EncodeToG2(ByteView msg, ByteView dst) {
  THETA_ASSIGN_OR_RETURN(const auto u, HashToFp2(msg, dst, 1));
  return ClearCofactorG2(MapToCurveG2Jacobian(u[0])).ToAffine();
}

}  // namespace theta::crypto::internal
