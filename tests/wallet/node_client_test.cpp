// NodeClient against theta-net's RpcServer serving the theta.* methods (FakeChain), and the
// errors a user sees when the node is down, the sequence is wrong or the funds are short.
#include "theta/wallet/node_client.hpp"

#include <catch2/catch.hpp>

#include "fake_chain.hpp"
#include "theta/wallet/amount.hpp"
#include "theta/wallet/tx_builder.hpp"

namespace theta::wallet {
namespace {

using ledger::Coins;

NodeClient Client(const std::string& url) {
  auto rpc = net::RpcClient::Create(url);
  REQUIRE(rpc.ok());
  return NodeClient(*std::move(rpc));
}

TEST_CASE("node client reads chain id and accounts, unknown accounts as empty", "[wallet][node]") {
  testing::FakeChain chain("testchain");
  const NodeClient node = Client(chain.url());
  CHECK(*node.ChainId() == "testchain");
  const Address rich = *ParseAddress("0x2e833968e5bb786ae419c4d13189fb081cc43bab");
  chain.Fund(rich, Coins{*ParseAmount("5"), *ParseAmount("1.25")});
  auto account = node.GetAccount(rich);
  REQUIRE(account.ok());
  CHECK(account->exists);
  CHECK(account->balance.tfuel_wei == *ParseAmount("1.25"));
  auto fresh = node.GetAccount(Address{});
  REQUIRE(fresh.ok());
  CHECK_FALSE(fresh->exists);
  CHECK(fresh->sequence == 0);
}

TEST_CASE("node client broadcasts a signed send and sees it finalized", "[wallet][node]") {
  testing::FakeChain chain;
  const NodeClient node = Client(chain.url());
  auto key = PrivateKey::Generate();
  const Address from = AddressFromPublicKey(key->DerivePublicKey());
  chain.Fund(from, Coins::TFuel(*ParseAmount("10")));
  auto tx = BuildSend(from, 1, {{Address{}, Coins::TFuel(*ParseAmount("1"))}},
                      MinimumFee(ledger::TxType::kSend, 2));
  REQUIRE(ledger::SignTx(*tx, "privatenet", *key).ok());
  auto answer = node.Broadcast(ledger::EncodeTx(*tx), false);
  REQUIRE(answer.ok());
  const std::string hash = (*answer)["hash"];
  CHECK(hash == ledger::TxHash(ledger::EncodeTx(*tx)).ToHex());
  CHECK((*node.GetTransaction(hash))["status"] == "finalized");
  CHECK(chain.Sequence(from) == 1);

  // The same transaction again: the node refuses the sequence, the client says how to fix it.
  auto again = node.Broadcast(ledger::EncodeTx(*tx), true);
  REQUIRE_FALSE(again.ok());
  CHECK(absl::IsFailedPrecondition(again.status()));
  CHECK_THAT(std::string(again.status().message()), Catch::Contains("sequence mismatch"));
  CHECK_THAT(std::string(again.status().message()), Catch::Contains("fix"));
}

TEST_CASE("node client names the URL when the node is unreachable", "[wallet][node]") {
  std::string url;
  {
    testing::FakeChain chain;
    url = chain.url();
  }  // the port is closed now
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
