#include "theta/ledger/tx.hpp"

#include <catch2/catch.hpp>

namespace theta::ledger {
namespace {

TEST_CASE("a send tx survives an encode and decode round trip", "[ledger][tx]") {
  SendTx send;
  send.fee = Coins::TFuel(uint256(300000000000000000ULL));
  send.inputs.push_back(TxInput{Address{}, Coins{1, 2}, 1, {}});
  send.outputs.push_back(TxOutput{Address{}, Coins{1, 0}});
  const Bytes raw = EncodeTx(send);
  CHECK(raw[0] == 0x02);
  auto decoded = DecodeTx(raw);
  REQUIRE(decoded.ok());
  CHECK(std::get<SendTx>(*decoded) == send);
}

}  // namespace
}  // namespace theta::ledger
