// secp256k1 through theta, each beside the same operation calling libsecp256k1 directly (the
// same-run anchor). Recorded anchors on this machine class (../shared/data/anchors.md): sign 24.4
// µs, verify 33.1 µs (parsed key), recover 38.7 µs. theta's wrapper should add well under a
// microsecond: range checks on r and s, and for Verify a parse of the 64-byte key (libsecp256k1's
// own form is opaque).
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <array>
#include <cstdlib>

#include "theta/core/hash.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta {
namespace {

PrivateKey BenchKey() {
  return *PrivateKey::FromHex("0x4646464646464646464646464646464646464646464646464646464646464646");
}

Hash32 BenchDigest() {
  return Keccak256(AsBytes("theta secp256k1 benchmark"));
}

// The anchor's own context, created and randomized the way libsecp256k1's examples do.
const secp256k1_context* AnchorContext() {
  static const secp256k1_context* const context = [] {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<unsigned char, 32> seed;
    seed.fill(0x5a);
    if (secp256k1_context_randomize(ctx, seed.data()) != 1) std::abort();
    return ctx;
  }();
  return context;
}

void BM_Secp256k1Sign(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  Hash32 digest = BenchDigest();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Sign(key, digest));
    ++digest[0];  // a fresh digest each time, as real signing has
  }
}
BENCHMARK(BM_Secp256k1Sign);

void BM_Secp256k1SignLibsecp(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  Hash32 digest = BenchDigest();
  secp256k1_ecdsa_recoverable_signature sig;
  for (auto _ : state) {
    if (secp256k1_ecdsa_sign_recoverable(AnchorContext(), &sig, digest.data(), key.bytes().data(),
                                         nullptr, nullptr) != 1) {
      state.SkipWithError("sign failed");
    }
    benchmark::DoNotOptimize(sig);
    ++digest[0];
  }
}
BENCHMARK(BM_Secp256k1SignLibsecp);

void BM_Secp256k1Verify(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  const PublicKey pub = key.DerivePublicKey();
  const Hash32 digest = BenchDigest();
  const Signature sig = Sign(key, digest);
  for (auto _ : state) {
    if (!Verify(pub, digest, sig)) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_Secp256k1Verify);

void BM_Secp256k1VerifyLibsecp(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  const Hash32 digest = BenchDigest();
  const FixedBytes<65> sec1 = key.DerivePublicKey().ToUncompressed();
  const Signature theta_sig = Sign(key, digest);
  secp256k1_pubkey pubkey;
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ec_pubkey_parse(AnchorContext(), &pubkey, sec1.data(), sec1.size()) != 1 ||
      secp256k1_ecdsa_signature_parse_compact(AnchorContext(), &sig, theta_sig.bytes.data()) != 1) {
    state.SkipWithError("setup failed");
    return;
  }
  for (auto _ :
       state) {  // the anchor's "parsed key": key and signature parsed once, outside the loop
    if (secp256k1_ecdsa_verify(AnchorContext(), &sig, digest.data(), &pubkey) != 1) {
      state.SkipWithError("verify failed");
    }
  }
}
BENCHMARK(BM_Secp256k1VerifyLibsecp);

void BM_Secp256k1Recover(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  const Hash32 digest = BenchDigest();
  const Signature sig = Sign(key, digest);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RecoverPublicKey(digest, sig));
  }
}
BENCHMARK(BM_Secp256k1Recover);

void BM_Secp256k1RecoverLibsecp(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  const Hash32 digest = BenchDigest();
  const Signature theta_sig = Sign(key, digest);
  for (auto _ : state) {  // parse included: a recovery always starts from the 65 wire bytes
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pubkey;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(
            AnchorContext(), &sig, theta_sig.bytes.data(), theta_sig.v()) != 1 ||
        secp256k1_ecdsa_recover(AnchorContext(), &pubkey, &sig, digest.data()) != 1) {
      state.SkipWithError("recover failed");
    }
    benchmark::DoNotOptimize(pubkey);
  }
}
BENCHMARK(BM_Secp256k1RecoverLibsecp);

void BM_Secp256k1RecoverAddress(benchmark::State& state) {
  const PrivateKey key = BenchKey();
  const Hash32 digest = BenchDigest();
  const Signature sig = Sign(key, digest);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RecoverAddress(digest, sig));
  }
}
BENCHMARK(BM_Secp256k1RecoverAddress);

}  // namespace
}  // namespace theta
