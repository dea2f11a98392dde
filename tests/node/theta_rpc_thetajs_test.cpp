// @thetalabs/theta-js (npm, pinned in tests/package-lock.json), the SDK Theta's wallets and dapps
// use, against the theta.* RPC behind a real net::RpcServer: tests/node/js/
// theta_rpc_thetajs_client.mjs reads an account, sends a SendTransaction it signs through the
// synchronous broadcast (committed here by another thread, as consensus would) and reads the tx and
// its block back. A missing npm install fails the test (it does not skip it), so that CI cannot
// silently lose the client.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "support/test_data.hpp"
#include "theta_rpc_test_util.hpp"

namespace theta::node::testing {
namespace {

std::filesystem::path TestsDir() {
  return theta::testing::RepoTestDataDir().parent_path();
}

TEST_CASE("theta-js reads accounts and sends a signed SendTx through the theta RPC",
          "[node][thetarpc][thetajs]") {
  if (!std::filesystem::exists(TestsDir() / "node_modules/@thetalabs/theta-js/package.json")) {
    FAIL("@thetalabs/theta-js is not installed in "
         << (TestsDir() / "node_modules").string() << ": run scripts/bootstrap (npm ci in tests/)");
  }
  ServedChain served;
  const DevAccount& alice = served.chain().accounts().at(0);
  const Address recipient = *Address::FromHex("0x00000000000000000000000000000000000000c3");
  std::atomic<bool> committed{false};
  std::thread committer = CommitWhenPending(served.chain(), committed);
  const std::string output = theta::testing::RunCommand(
      "node '" + (TestsDir() / "node/js/theta_rpc_thetajs_client.mjs").string() + "' '" +
      served.url() + "' privatenet " + ToHex(alice.key.bytes()) + " " + ToHex(recipient.view()) +
      " 2>&1");
  committer.join();
  const Json out = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  INFO(output);
  REQUIRE_FALSE(out.is_discarded());
  REQUIRE(committed);

  CHECK(out["sender"].get<std::string>() == ToChecksumHex(alice.address));
  CHECK(out["before"]["sequence"] == "0");
  CHECK(out["before"]["coins"]["thetawei"] == (uint256(1'000'000'000) * kEther).ToDecimal());
  CHECK(out["blockNumber"] == 0);
  CHECK(out["freshSequence"] == 0);

  auto block = served.chain().chain().BlockAt(1);
  REQUIRE(block.ok());
  REQUIRE(block->tx_hashes.size() == 1);
  const std::string hash = ToHex(block->tx_hashes[0].view());
  CHECK(out["sent"]["hash"] == hash);
  CHECK(out["sent"]["block"]["Height"] == 1);
  CHECK(out["tx"]["status"] == "finalized");
  CHECK(out["tx"]["block_height"] == "1");
  CHECK(out["tx"]["transaction"]["inputs"][0]["sequence"] == "1");
  CHECK(out["block"]["hash"] == ToHex(block->hash.view()));
  CHECK(out["block"]["transactions"][0]["hash"] == hash);
  CHECK(out["blockByHeight"] == out["block"]);
  CHECK(out["recipient"]["coins"] == Json{{"thetawei", "1000"}, {"tfuelwei", "2000"}});
  CHECK(out["senderAfter"]["sequence"] == "1");
  CHECK(out["badHash"]["code"] == net::kRpcInvalidParams);
  CHECK(out["call"]["vm_error"] == "");
  CHECK(out["call"]["contract_address"] != ToHex(Address{}.view()));
  CHECK(std::stoull(out["call"]["gas_used"].get<std::string>()) > 53'000);
}

}  // namespace
}  // namespace theta::node::testing
