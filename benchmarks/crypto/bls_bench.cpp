// BLS12-381 and BLS signature costs, each beside supranational/blst's figure on this machine class
// (../shared/data/anchors.md, minimal-pubkey-size POP ciphersuite, 32-byte messages); the issue's
// target is at most 2× each. The anchor is in each benchmark's label.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "internal/bls12381_codec.hpp"
#include "internal/bls12381_hash.hpp"
#include "internal/bls12381_pairing.hpp"
#include "theta/crypto/bls.hpp"

namespace theta::crypto {
namespace {

using namespace internal;  // NOLINT: the benchmarks time the internal layers too

const Bytes kMessage(32, 0x5a);

bls::SecretKey KeyFromIndex(uint64_t i) {
  std::array<uint8_t, 32> b{};
  for (int j = 0; j < 8; ++j)
    b[31 - j] = static_cast<uint8_t>((i + 1) >> (8 * j));
  return *bls::SecretKey::FromBytes(b);
}

// n validated keys pk_i = (i + 1)·G1 and the aggregate signature of all of them with multiplicity
// m_i, built cheaply from Σ m_i(i + 1) as one secret.
struct Committee {
  std::vector<bls::PublicKey> keys;
};
const Committee& GetCommittee(size_t n) {
  static std::vector<std::pair<size_t, Committee>> cache;
  for (const auto& [size, c] : cache)
    if (size == n) return c;
  Committee c;
  Bls12381G1 p = Bls12381G1::Infinity();
  const Bls12381G1Affine g = Bls12381G1Generator();
  for (size_t i = 0; i < n; ++i) {
    p = p.AddAffine(g);
    c.keys.push_back(*bls::PublicKey::FromBytes(EncodeG1Compressed(p.ToAffine())));
  }
  cache.emplace_back(n, std::move(c));
  return cache.back().second;
}
bls::Signature SignWeighted(const std::vector<uint32_t>& m) {
  Bls12381Fr sum = Bls12381Fr::Zero();
  for (size_t i = 0; i < m.size(); ++i)
    sum += Bls12381Fr::FromUint(m[i]) * Bls12381Fr::FromUint(i + 1);
  std::array<uint8_t, 32> b{};
  const auto limbs = sum.ToCanonical();
  for (size_t i = 0; i < 32; ++i)
    b[i] = static_cast<uint8_t>(limbs[3 - i / 8] >> (8 * (7 - i % 8)));
  return bls::Sign(*bls::SecretKey::FromBytes(b), kMessage);
}

void BM_BlsKeyGenAndPk(benchmark::State& state) {
  state.SetLabel("blst 85-91 us");
  Bytes ikm(32, 1);
  for (auto _ : state) {
    ++ikm[0];
    benchmark::DoNotOptimize(bls::SkToPk(*bls::KeyGen(ikm)));
  }
}
BENCHMARK(BM_BlsKeyGenAndPk)->Unit(benchmark::kMicrosecond);

void BM_BlsHashToG2(benchmark::State& state) {
  state.SetLabel("blst 151-158 us");
  const std::string dst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
  const ByteView d(reinterpret_cast<const uint8_t*>(dst.data()), dst.size());
  for (auto _ : state)
    benchmark::DoNotOptimize(HashToG2(kMessage, d));
}
BENCHMARK(BM_BlsHashToG2)->Unit(benchmark::kMicrosecond);

void BM_BlsSign(benchmark::State& state) {
  state.SetLabel("blst 0.31-0.33 ms");
  const bls::SecretKey sk = KeyFromIndex(12345);
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::Sign(sk, kMessage));
}
BENCHMARK(BM_BlsSign)->Unit(benchmark::kMicrosecond);

void BM_BlsPublicKeyDecode(benchmark::State& state) {
  state.SetLabel("blst 49 us (decompress + G1 subgroup check)");
  const auto bytes = bls::SkToPk(KeyFromIndex(7)).ToBytes();
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::PublicKey::FromBytes(bytes));
}
BENCHMARK(BM_BlsPublicKeyDecode)->Unit(benchmark::kMicrosecond);

void BM_BlsSignatureDecode(benchmark::State& state) {
  state.SetLabel("blst 24 + 45 us (decompress + G2 subgroup check)");
  const auto bytes = bls::Sign(KeyFromIndex(7), kMessage).ToBytes();
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::Signature::FromBytes(bytes));
}
BENCHMARK(BM_BlsSignatureDecode)->Unit(benchmark::kMicrosecond);

void BM_BlsVerify(benchmark::State& state) {
  state.SetLabel("blst 1.01 ms");
  const bls::SecretKey sk = KeyFromIndex(99);
  const bls::PublicKey pk = bls::SkToPk(sk);
  const bls::Signature sig = bls::Sign(sk, kMessage);
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::Verify(pk, kMessage, sig));
}
BENCHMARK(BM_BlsVerify)->Unit(benchmark::kMicrosecond);

void BM_Bls12381MillerLoop(benchmark::State& state) {
  state.SetLabel("blst 0.22 ms");
  const std::array<Bls12381PairInput, 1> pair{{{Bls12381G1Generator(), Bls12381G2Generator()}}};
  for (auto _ : state)
    benchmark::DoNotOptimize(Bls12381MillerLoop(pair));
}
BENCHMARK(BM_Bls12381MillerLoop)->Unit(benchmark::kMicrosecond);

void BM_Bls12381FinalExponentiation(benchmark::State& state) {
  state.SetLabel("blst 0.31 ms");
  const std::array<Bls12381PairInput, 1> pair{{{Bls12381G1Generator(), Bls12381G2Generator()}}};
  const Bls12381Fp12 f = Bls12381MillerLoop(pair);
  for (auto _ : state)
    benchmark::DoNotOptimize(Bls12381FinalExponentiation(f));
}
BENCHMARK(BM_Bls12381FinalExponentiation)->Unit(benchmark::kMicrosecond);

void BM_BlsFastAggregateVerify(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  state.SetLabel(n == 1000 ? "blst 1.85-1.88 ms" : "blst 9.85 ms");
  const Committee& c = GetCommittee(n);
  const bls::Signature sig = SignWeighted(std::vector<uint32_t>(n, 1));
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::FastAggregateVerify(c.keys, kMessage, sig));
}
BENCHMARK(BM_BlsFastAggregateVerify)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_BlsVerifyBitmap(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  state.SetLabel(n == 1000 ? "blst 1.21 ms" : "blst 3.39 ms");
  const Committee& c = GetCommittee(n);
  std::vector<uint8_t> bitmap((n + 7) / 8, 0);
  std::vector<uint32_t> m(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (i % 3 == 0) continue;  // two thirds of the committee signed
    bitmap[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    m[i] = 1;
  }
  const bls::Signature sig = SignWeighted(m);
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::VerifyBitmap(c.keys, bitmap, kMessage, sig));
}
BENCHMARK(BM_BlsVerifyBitmap)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_BlsVerifyWeighted(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  state.SetLabel(n == 1000 ? "blst 1.70 ms" : "blst 6.29 ms");
  const Committee& c = GetCommittee(n);
  bls::WeightedAggregate agg;
  agg.multiplicity.resize(n);
  for (size_t i = 0; i < n; ++i)
    agg.multiplicity[i] = static_cast<uint32_t>((i * 2654435761u) % 1024);  // 10-bit counts
  agg.signature = SignWeighted(agg.multiplicity);
  for (auto _ : state)
    benchmark::DoNotOptimize(bls::VerifyWeighted(c.keys, kMessage, agg));
}
BENCHMARK(BM_BlsVerifyWeighted)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Field-level costs under the pairing: a dependent chain, so latency rather than throughput.
void BM_Bls12381FpMul(benchmark::State& state) {
  Bls12381Fp a = Bls12381Fp::FromUint(7), b = Bls12381Fp::FromUint(11);
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bls12381FpMul);

void BM_Bls12381Fp2Mul(benchmark::State& state) {
  Bls12381Fp2 a = {Bls12381Fp::FromUint(7), Bls12381Fp::FromUint(5)};
  const Bls12381Fp2 b = {Bls12381Fp::FromUint(11), Bls12381Fp::FromUint(3)};
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bls12381Fp2Mul);

void BM_Bls12381Fp12Mul(benchmark::State& state) {
  const std::array<Bls12381PairInput, 1> pair{{{Bls12381G1Generator(), Bls12381G2Generator()}}};
  Bls12381Fp12 a = Bls12381MillerLoop(pair);
  const Bls12381Fp12 b = a.Square();
  for (auto _ : state) {
    a = a * b;
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bls12381Fp12Mul);

void BM_Bls12381CyclotomicSquare(benchmark::State& state) {
  const std::array<Bls12381PairInput, 1> pair{{{Bls12381G1Generator(), Bls12381G2Generator()}}};
  Bls12381Fp12 a = Bls12381FinalExponentiation(Bls12381MillerLoop(pair));
  for (auto _ : state) {
    a = a.CyclotomicSquare();
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Bls12381CyclotomicSquare);

void BM_Bls12381G2MixedAdd(benchmark::State& state) {
  state.SetLabel("blst 1.1 us");
  Bls12381G2 acc = Bls12381G2::From(Bls12381G2Generator()).Double();
  const Bls12381G2Affine q = Bls12381G2Generator();
  for (auto _ : state) {
    acc = acc.AddAffine(q);
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_Bls12381G2MixedAdd);

// A chain of G2 doublings, lazily reduced (what scalar multiplication and cofactor clearing run)
// and fully reduced (the reference formulas), in the same binary.
void BM_Bls12381G2Double(benchmark::State& state) {
  Bls12381G2 acc = Bls12381G2::From(Bls12381G2Generator());
  for (auto _ : state) {
    acc = acc.Double();
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_Bls12381G2Double);

void BM_Bls12381G2DoubleReference(benchmark::State& state) {
  Bls12381G2 acc = Bls12381G2::From(Bls12381G2Generator());
  for (auto _ : state) {
    acc = acc.DoubleReference();
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_Bls12381G2DoubleReference);

// Hash to G2's cofactor clearing alone (two multiplications by |x| and the ψ terms).
void BM_Bls12381ClearCofactorG2(benchmark::State& state) {
  const Bls12381G2 p = MapToCurveG2Jacobian({Bls12381Fp::FromUint(7), Bls12381Fp::FromUint(3)});
  for (auto _ : state)
    benchmark::DoNotOptimize(ClearCofactorG2(p));
}
BENCHMARK(BM_Bls12381ClearCofactorG2)->Unit(benchmark::kMicrosecond);

void BM_Bls12381G1MixedAdd(benchmark::State& state) {
  state.SetLabel("blst 0.4 us");
  Bls12381G1 acc = Bls12381G1::From(Bls12381G1Generator()).Double();
  const Bls12381G1Affine p = Bls12381G1Generator();
  for (auto _ : state) {
    acc = acc.AddAffine(p);
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_Bls12381G1MixedAdd);

}  // namespace
}  // namespace theta::crypto
