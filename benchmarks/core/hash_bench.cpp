// Hash throughput. Anchor: Keccak-256 of 200 bytes with Crypto++ takes 0.60 µs on this machine
// class
// (../shared/data/anchors.md); theta::Keccak256 wraps Crypto++, so the figures should agree.
#include <benchmark/benchmark.h>
#include <cryptopp/keccak.h>
#include <sodium.h>

#include "theta/core/hash.hpp"

namespace theta {
namespace {

void BM_Keccak256(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Keccak256(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Keccak256)->Arg(32)->Arg(200)->Arg(1024);

// Same-run anchor: Crypto++'s Keccak-256 called directly (what theta::Keccak256 wraps).
void BM_Keccak256CryptoPP(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  uint8_t out[CryptoPP::Keccak_256::DIGESTSIZE];
  for (auto _ : state) {
    CryptoPP::Keccak_256().CalculateDigest(out, data.data(), data.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Keccak256CryptoPP)->Arg(200);

void BM_Sha256(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Sha256(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(32)->Arg(1024);

void BM_Blake2b256(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Blake2b256(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Blake2b256)->Arg(32)->Arg(1024);

// Same-run anchor: libsodium's crypto_generichash (BLAKE2b) called directly.
void BM_Blake2b256Libsodium(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  uint8_t out[32];
  for (auto _ : state) {
    crypto_generichash(out, sizeof(out), data.data(), data.size(), nullptr, 0);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Blake2b256Libsodium)->Arg(32)->Arg(1024);

void BM_Ripemd160(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Ripemd160(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Ripemd160)->Arg(32)->Arg(1024);

// The incremental hasher fed 32-byte pieces (as a trie or RLP writer feeds it), against one-shot
// Keccak256 of the same total length above.
void BM_Keccak256Hasher(benchmark::State& state) {
  const Bytes piece(32, 0x5a);
  const int64_t pieces = state.range(0) / 32;
  Keccak256Hasher hasher;
  for (auto _ : state) {
    for (int64_t i = 0; i < pieces; ++i)
      hasher.Update(piece);
    benchmark::DoNotOptimize(hasher.Finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * pieces * 32);
}
BENCHMARK(BM_Keccak256Hasher)->Arg(1024);

}  // namespace
}  // namespace theta
