#include "theta/evm/transaction_codec.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::evm {
namespace {

// A legacy EIP-155 transfer signed by a fixed key, built field by field.
struct Signed {
  Bytes raw;
  Address sender;
};

Signed SignLegacy(uint64_t chain_id, bool high_s = false) {
  const PrivateKey key =
      PrivateKey::FromBytes(ParseHex("0x" + std::string(63, '0') + "7").value()).value();
  auto fields = [&](RlpWriter& w) {
    w.AddUint(5).AddUint(1'000'000'000).AddUint(21'000);
    Address to;
    to[19] = 0x42;
    w.AddBytes(to.view()).AddUint(1000).AddBytes({});
  };
  RlpWriter unsigned_tx;
  unsigned_tx.BeginList();
  fields(unsigned_tx);
  unsigned_tx.AddUint(chain_id).AddUint(0).AddUint(0).EndList();
  const Signature sig = Sign(key, Keccak256(unsigned_tx.bytes()));
  uint256 s = uint256::FromWord(sig.s());
  uint8_t parity = sig.v();
  if (high_s) {
    // The other half of the curve order signs the same message with the opposite parity.
    s = uint256::FromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            .value() -
        s;
    parity ^= 1;
  }
  RlpWriter w;
  w.BeginList();
  fields(w);
  w.AddUint(chain_id * 2 + 35 + parity)
      .AddUintBytes(uint256::FromWord(sig.r()).ToBigEndianTrimmed())
      .AddUintBytes(s.ToBigEndianTrimmed())
      .EndList();
  return {std::move(w).Finish(), AddressFromPublicKey(key.DerivePublicKey())};
}

TEST_CASE("transaction decoder recovers the sender of an EIP-155 transaction", "[evm]") {
  const Signed t = SignLegacy(1);
  const auto decoded = DecodeTransaction(t.raw, Revision::kCancun);
  REQUIRE(decoded.ok());
  CHECK(decoded->tx.sender == t.sender);
  CHECK(decoded->tx.nonce == 5);
  CHECK(decoded->tx.value == 1000);
  CHECK(decoded->intrinsic_gas == 21000);
  CHECK(decoded->hash == Keccak256(t.raw));
}

TEST_CASE("transaction decoder rejects another chain, high s and trailing bytes", "[evm]") {
  const auto other_chain = DecodeTransaction(SignLegacy(5).raw, Revision::kCancun);
  REQUIRE_FALSE(other_chain.ok());
  CHECK_THAT(std::string(other_chain.status().message()), Catch::Contains("chain id"));
  CHECK_FALSE(DecodeTransaction(SignLegacy(1, true).raw, Revision::kCancun).ok());
  Bytes extended = SignLegacy(1).raw;
  extended.push_back(0);
  CHECK_FALSE(DecodeTransaction(extended, Revision::kCancun).ok());
}

TEST_CASE("transaction decoder rejects typed transactions before their revision", "[evm]") {
  const Bytes type2 = {0x02, 0xc0};
  const auto r = DecodeTransaction(type2, Revision::kBerlin);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("not supported in Berlin"));
  CHECK_FALSE(DecodeTransaction(Bytes{}, Revision::kCancun).ok());
  CHECK_FALSE(DecodeTransaction(Bytes{0x80}, Revision::kCancun).ok());
}

}  // namespace
}  // namespace theta::evm
