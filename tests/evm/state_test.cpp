#include "theta/evm/state.hpp"

#include <catch2/catch.hpp>

#include "theta/core/trie.hpp"
#include "theta/evm/transaction.hpp"

namespace theta::evm {
namespace {

Address Addr(std::string_view hex) {
  return ParseAddress(hex).value();
}

TEST_CASE("create addresses match known examples", "[evm]") {
  // Well-known CREATE examples for sender 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0.
  const Address sender = Addr("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  CHECK(CreateAddress(sender, 0) == Addr("0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
  CHECK(CreateAddress(sender, 1) == Addr("0x343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
  // EIP-1014 example 0: zero sender, zero salt, init code 0x00.
  const Bytes init = {0x00};
  CHECK(Create2Address(Address{}, Hash32{}, init) ==
        Addr("0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"));
}

TEST_CASE("empty state has the empty trie root and logs hash of an empty list", "[evm]") {
  State state;
  CHECK(state.RootHash() == kEmptyTrieRoot);
  // keccak256(rlp([])) = keccak256(0xc0)
  CHECK(LogsHash({}).ToHex() ==
        "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

TEST_CASE("finishing a transaction removes touched empty accounts", "[evm]") {
  State state;
  const Address a = Addr("0x00000000000000000000000000000000000000aa");
  const Address b = Addr("0x00000000000000000000000000000000000000bb");
  state.GetOrCreate(a).touched = true;
  state.GetOrCreate(b).balance = 1;
  state.GetOrCreate(b).touched = true;
  state.FinishTransaction();
  CHECK(state.Find(a) == nullptr);
  REQUIRE(state.Find(b) != nullptr);
  CHECK_FALSE(state.Find(b)->touched);
}

TEST_CASE("a value transfer pays the coinbase and refunds unused gas", "[evm]") {
  State state;
  const Address sender = Addr("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  const Address to = Addr("0x00000000000000000000000000000000000000bb");
  state.GetOrCreate(sender).balance = 1'000'000;
  BlockInfo block;
  block.gas_limit = 1'000'000;
  block.base_fee = 7;
  block.coinbase = Addr("0x00000000000000000000000000000000000000cc");
  Transaction tx;
  tx.type = 2;
  tx.max_fee_per_gas = 10;
  tx.max_priority_fee_per_gas = 2;
  tx.gas_limit = 30000;
  tx.to = to;
  tx.value = 5;
  tx.sender = sender;
  AnalysisCache cache;
  absl::StatusOr<TransactionResult> r =
      ApplyTransaction(state, block, tx, Revision::kCancun, cache);
  REQUIRE(r.ok());
  CHECK(r->gas_used == 21000);
  CHECK(state.Find(sender)->balance == 1'000'000 - 5 - 21000 * 9);
  CHECK(state.Find(sender)->nonce == 1);
  CHECK(state.Find(to)->balance == 5);
  CHECK(state.Find(block.coinbase)->balance == 21000 * 2);

  tx.nonce = 5;  // wrong nonce: rejected, state unchanged
  const Hash32 before = state.RootHash();
  absl::StatusOr<TransactionResult> bad =
      ApplyTransaction(state, block, tx, Revision::kCancun, cache);
  CHECK(absl::IsInvalidArgument(bad.status()));
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("nonce"));
  CHECK(state.RootHash() == before);
}

TEST_CASE("blob base fee follows EIP-4844's fake exponential", "[evm]") {
  CHECK(BlobBaseFee(0) == 1);
  // e^(excess / 3338477): at excess = 3338477 * 4 the fee is floor(e^4) = 54.
  CHECK(BlobBaseFee(3338477ULL * 4) == 54);
}

}  // namespace
}  // namespace theta::evm
