// BN254 field, group and pairing costs. No same-run anchor exists for BN254 here; for scale, blst's
// BLS12-381 figures on this machine class (../shared/data/anchors.md) are a Miller loop of 0.22 ms
// and a final exponentiation of 0.31 ms; BN254's smaller field and shorter loop should land well
// under them.
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "internal/bn254_pairing.hpp"
#include "theta/crypto/bn254.hpp"

namespace theta::crypto::internal {
namespace {

constexpr Limbs<4> kScalar =
    HexLimbs<4>("2a1f6744ce179d8e334bdb9d1f7a3c1b5c9e7f8a0b1c2d3e4f5a6b7c8d9eaf01");

void BM_Bn254FpMul(benchmark::State& state) {
  Bn254Fp a = Bn254Fp::FromUint(0x1234567890abcdefULL).Inverse();
  const Bn254Fp b = Bn254Fp::FromUint(0xfedcba0987654321ULL).Inverse();
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254FpMul);

void BM_Bn254FpInverse(benchmark::State& state) {
  Bn254Fp a = Bn254Fp::FromUint(0x1234567890abcdefULL);
  for (auto _ : state) {
    a = a.Inverse();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254FpInverse);

void BM_Bn254FpInverseVartime(benchmark::State& state) {
  Bn254Fp a = Bn254Fp::FromUint(0x1234567890abcdefULL);
  for (auto _ : state) {
    a = a.InverseVartime();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254FpInverseVartime);

// The ECADD precompile end to end: decoding with curve checks, one addition, affine output.
void BM_Bn254AddPrecompile(benchmark::State& state) {
  const auto input = ParseHexDigits(
                         "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9063c909c4"
                         "720840cb5134cb9f59fa7"
                         "49755796819658d32efc0d288198f3726607c2b7f58a84bd6145f00c9c2bc0bb1a187f20f"
                         "f2c92963a88019e7c6a01"
                         "4eed06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7")
                         .value();
  for (auto _ : state)
    benchmark::DoNotOptimize(Bn254Add(input));
}
BENCHMARK(BM_Bn254AddPrecompile);

void BM_Bn254Fp12Mul(benchmark::State& state) {
  const std::array<Bn254PairInput, 1> pair{{{Bn254G1Generator(), Bn254G2Generator()}}};
  Bn254Fp12 a = Bn254MillerLoop(pair);
  const Bn254Fp12 b = a.Square();
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bn254Fp12Mul);

void BM_Bn254G1Add(benchmark::State& state) {
  const Bn254G1 g = Bn254G1::From(Bn254G1Generator());
  Bn254G1 p = g.Double();
  const Bn254G1 q = g.ScalarMulPublic(kScalar);
  for (auto _ : state) {
    p = p + q;
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_Bn254G1Add);

void BM_Bn254G1Mul(benchmark::State& state) {
  const Bn254G1 g = Bn254G1::From(Bn254G1Generator());
  for (auto _ : state)
    benchmark::DoNotOptimize(g.ScalarMulPublic(kScalar));
}
BENCHMARK(BM_Bn254G1Mul)->Unit(benchmark::kMicrosecond);

void BM_Bn254G2Mul(benchmark::State& state) {
  const Bn254G2 g = Bn254G2::From(Bn254G2Generator());
  for (auto _ : state)
    benchmark::DoNotOptimize(g.ScalarMulPublic(kScalar));
}
BENCHMARK(BM_Bn254G2Mul)->Unit(benchmark::kMicrosecond);

void BM_Bn254G2SubgroupCheck(benchmark::State& state) {
  const Bn254G2Affine q = Bn254G2Generator();
  for (auto _ : state)
    benchmark::DoNotOptimize(Bn254G2InSubgroup(q));
}
BENCHMARK(BM_Bn254G2SubgroupCheck)->Unit(benchmark::kMicrosecond);

void BM_Bn254MillerLoop(benchmark::State& state) {
  const std::array<Bn254PairInput, 1> pair{{{Bn254G1Generator(), Bn254G2Generator()}}};
  for (auto _ : state)
    benchmark::DoNotOptimize(Bn254MillerLoop(pair));
}
BENCHMARK(BM_Bn254MillerLoop)->Unit(benchmark::kMicrosecond);

void BM_Bn254FinalExponentiation(benchmark::State& state) {
  const std::array<Bn254PairInput, 1> pair{{{Bn254G1Generator(), Bn254G2Generator()}}};
  const Bn254Fp12 f = Bn254MillerLoop(pair);
  for (auto _ : state)
    benchmark::DoNotOptimize(Bn254FinalExponentiation(f));
}
BENCHMARK(BM_Bn254FinalExponentiation)->Unit(benchmark::kMicrosecond);

// The precompile end to end on 2 pairs, e(P, Q)·e(−P, Q) = 1, including decoding and the G2
// subgroup checks (the shape of a Groth16-style verifier's call).
void BM_Bn254PairingCheck2(benchmark::State& state) {
  Bytes input(2 * kBn254PairSize);
  const Bn254G1Affine p = Bn254G1Generator();
  const Bn254G2Affine q = Bn254G2Generator();
  for (int i = 0; i < 2; ++i) {
    uint8_t* at = input.data() + i * kBn254PairSize;
    const Bn254G1Affine pi = i == 0 ? p : -p;
    pi.x.ToBytes(std::span<uint8_t, 32>(at, 32));
    pi.y.ToBytes(std::span<uint8_t, 32>(at + 32, 32));
    q.x.c1.ToBytes(std::span<uint8_t, 32>(at + 64, 32));
    q.x.c0.ToBytes(std::span<uint8_t, 32>(at + 96, 32));
    q.y.c1.ToBytes(std::span<uint8_t, 32>(at + 128, 32));
    q.y.c0.ToBytes(std::span<uint8_t, 32>(at + 160, 32));
  }
  if (!Bn254PairingCheck(input).value()) state.SkipWithError("pairing check did not hold");
  for (auto _ : state)
    benchmark::DoNotOptimize(Bn254PairingCheck(input));
}
BENCHMARK(BM_Bn254PairingCheck2)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace theta::crypto::internal
