// Eight signers with proofs of possession sign one checkpoint message; their signatures are
// aggregated into one and checked with FastAggregateVerify, then a tampered message must fail.
// Exits non-zero unless both outcomes are right.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "theta/core/bytes.hpp"
#include "theta/crypto/bls.hpp"

int main() {
  using namespace theta;
  namespace bls = theta::crypto::bls;

  const ByteView message = AsBytes("checkpoint 1000 0x5ca1ab1e");
  std::vector<bls::PublicKey> keys;
  std::vector<bls::Signature> signatures;
  for (uint8_t signer = 0; signer < 8; ++signer) {
    std::vector<uint8_t> ikm(32, signer);  // fixed key material: reproducible, not secret
    auto sk = bls::KeyGen(ikm);
    if (!sk.ok()) return 1;
    const bls::PublicKey pk = bls::SkToPk(*sk);
    if (!bls::PopVerify(pk, bls::PopProve(*sk))) {
      std::fprintf(stderr, "bls-aggregate: proof of possession rejected\n");
      return 1;
    }
    keys.push_back(pk);
    signatures.push_back(bls::Sign(*sk, message));
  }
  auto aggregate = bls::Aggregate(signatures);
  if (!aggregate.ok()) return 1;
  const bool valid = bls::FastAggregateVerify(keys, message, *aggregate);
  const bool forged = bls::FastAggregateVerify(keys, AsBytes("checkpoint 1000 0xbad"), *aggregate);
  std::printf("aggregate %s\n", ToHex(aggregate->ToBytes()).c_str());
  std::printf("valid: %s, tampered message accepted: %s\n", valid ? "yes" : "no",
              forged ? "yes" : "no");
  return valid && !forged ? 0 : 1;
}
