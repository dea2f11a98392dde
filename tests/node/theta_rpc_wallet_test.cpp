// theta-wallet's NodeClient against the theta.* handlers behind a real net::RpcServer on an
// ephemeral port: the client a user runs must understand what the node answers.
#include <atomic>
#include <chrono>
#include <thread>

#include "theta/net/rpc_client.hpp"
#include "theta/wallet/node_client.hpp"
#include "theta_rpc_test_util.hpp"

namespace theta::node::testing {
namespace {

Bytes SignedSend(TestChain& chain, size_t from, const Address& to, uint64_t sequence) {
  const DevAccount& sender = chain.accounts().at(from);
  ledger::Tx tx = ledger::SendTx{
      ledger::Coins::TFuel(kSendFee),
      {ledger::TxInput{sender.address, ledger::Coins::TFuel(kEther + kSendFee), sequence, {}}},
      {ledger::TxOutput{to, ledger::Coins::TFuel(kEther)}}};
  REQUIRE(ledger::SignTx(tx, chain.chain().chain_id(), sender.key).ok());
  return ledger::EncodeTx(tx);
}

TEST_CASE("theta-wallet's node client works against the theta RPC", "[node][thetarpc]") {
  ServedChain served;
  auto rpc = net::RpcClient::Create(served.url());
  REQUIRE(rpc.ok());
  wallet::NodeClient client(*rpc);

  auto chain_id = client.ChainId();
  REQUIRE(chain_id.ok());
  CHECK(*chain_id == "privatenet");

  const DevAccount& alice = served.chain().accounts().at(0);
  auto account = client.GetAccount(alice.address);
  REQUIRE(account.ok());
  CHECK(account->exists);
  CHECK(account->sequence == 0);
  CHECK(account->balance.tfuel_wei == uint256(1'000'000'000) * kEther);

  // An address the chain has never seen is a fresh account, not an error.
  const Address fresh = *Address::FromHex("0x00000000000000000000000000000000000000b2");
  auto empty = client.GetAccount(fresh);
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->exists);

  // Async broadcast, then the status as `theta-wallet tx-status` reads it.
  const Bytes first = SignedSend(served.chain(), 0, fresh, 1);
  auto sent = client.Broadcast(first, /*async=*/true);
  REQUIRE(sent.ok());
  const std::string hash = (*sent)["hash"];
  CHECK(hash == ToHex(ledger::TxHash(first).view()));
  auto pending = client.GetTransaction(hash);
  REQUIRE(pending.ok());
  CHECK((*pending)["status"] == "pending");
  served.chain().CommitPending();
  auto finalized = client.GetTransaction(hash);
  REQUIRE(finalized.ok());
  CHECK((*finalized)["status"] == "finalized");
  CHECK((*finalized)["block_height"] == "1");

  // A synchronous broadcast returns once another thread commits the block.
  const Bytes second = SignedSend(served.chain(), 0, fresh, 2);
  std::atomic<bool> committed{false};
  std::thread committer = CommitWhenPending(served.chain(), committed);
  auto included = client.Broadcast(second, /*async=*/false);
  committer.join();
  REQUIRE(included.ok());
  CHECK(committed);
  CHECK((*included)["block"]["height"] == "2");

  auto after = client.GetAccount(fresh);
  REQUIRE(after.ok());
  CHECK(after->balance.tfuel_wei == 2 * kEther);
  auto sender = client.GetAccount(alice.address);
  REQUIRE(sender.ok());
  CHECK(sender->sequence == 2);

  // A stale sequence: the node refuses it at once and the client explains the fix.
  const Address bob = served.chain().accounts().at(1).address;
  auto stale = client.Broadcast(SignedSend(served.chain(), 0, bob, 2), /*async=*/false);
  REQUIRE_FALSE(stale.ok());
  CHECK(absl::IsFailedPrecondition(stale.status()));
  CHECK_THAT(std::string(stale.status().message()), Catch::StartsWith("sequence mismatch"));
}

}  // namespace
}  // namespace theta::node::testing
