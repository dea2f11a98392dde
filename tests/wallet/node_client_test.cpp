// The errors a user sees from NodeClient when the node is down, the sequence is wrong or the funds
// are short. NodeClient against theta-node's real theta.* handlers is tests/node/
// theta_rpc_wallet_test.cpp; every command against a running devnet is tests/integration/wallet_*.
#include "theta/wallet/node_client.hpp"

#include <catch2/catch.hpp>

#include "theta/wallet/amount.hpp"
#include "theta/wallet/tx_builder.hpp"
#include "wallet_test_util.hpp"

namespace theta::wallet {
namespace {

using ledger::Coins;

NodeClient Client(const std::string& url) {
  auto rpc = net::RpcClient::Create(url);
  REQUIRE(rpc.ok());
  return NodeClient(*std::move(rpc));
}

TEST_CASE("node client names the URL when the node is unreachable", "[wallet][node]") {
  const std::string url = testing::ClosedLocalUrl();
  auto status = Client(url).ChainId().status();
  CHECK(absl::IsUnavailable(status));
  CHECK_THAT(std::string(status.message()), Catch::Contains("node unreachable at " + url));
}

TEST_CASE("funds and sequence checks explain the numbers and the fix", "[wallet][node]") {
  const Address address = *ParseAddress("0x2e833968e5bb786ae419c4d13189fb081cc43bab");
  AccountState account;
  account.balance = Coins{*ParseAmount("1"), *ParseAmount("0.1")};
  account.sequence = 4;
  auto funds = CheckFunds(address, account, Coins{*ParseAmount("1"), *ParseAmount("0.3")});
  CHECK(absl::IsFailedPrecondition(funds));
  CHECK_THAT(std::string(funds.message()), Catch::Contains("has 1 THETA and 0.1 TFUEL"));
  CHECK_THAT(std::string(funds.message()), Catch::Contains("needs 1 THETA and 0.3 TFUEL"));
  CHECK(CheckFunds(address, account, Coins::Theta(*ParseAmount("1"))).ok());
  CHECK(CheckSequence(address, account, 5).ok());
  auto sequence = CheckSequence(address, account, 9);
  CHECK_THAT(std::string(sequence.message()), Catch::Contains("--sequence 5"));
}

}  // namespace
}  // namespace theta::wallet
