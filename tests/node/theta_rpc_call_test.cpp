// theta.CallSmartContract: a SmartContractTx (theta-js sends it unsigned) run on the head state as
// a dry run, answered in Go's shape {vm_return, contract_address, gas_used, vm_error}, and the
// state left as it was.
#include "theta/core/hash.hpp"
#include "theta_rpc_test_util.hpp"

namespace theta::node::testing {
namespace {

// An unsigned SmartContractTx from `from` (a creation when `to` is zero), as theta-js serializes
// it.
std::string Unsigned(const Address& from, const Address& to, const Bytes& data) {
  ledger::Tx tx = ledger::SmartContractTx{ledger::TxInput{from, {}, 1, {}},
                                          ledger::TxOutput{to, {}}, 100'000, kGasPrice, data};
  return ToHex(ledger::EncodeTx(tx), false);
}

std::string Word(uint8_t low) {
  return std::string(62, '0') + ToHex(Bytes{low}, false);
}

TEST_CASE("theta.CallSmartContract dry-runs creations and calls without changing the state",
          "[node][thetarpc]") {
  RpcFixture rpc;
  const Address alice = rpc.account(0).address;
  // A creation whose init code returns the word 42 (which would become the code): it succeeds.
  const Bytes returns42 = *ParseHex("0x602a60005260206000f3");
  const Json created =
      rpc.Result("theta.CallSmartContract", Json{{"sctx_bytes", Unsigned(alice, {}, returns42)}});
  CHECK(created["vm_return"] == "");  // a creation's code is not echoed back
  CHECK(created["vm_error"] == "");
  CHECK(created["contract_address"] != ToHex(Address{}.view()));
  CHECK(std::stoull(created["gas_used"].get<std::string>()) > 53'000);  // a decimal string
  // Nothing was written: the would-be contract does not exist, alice has sent nothing.
  CHECK(rpc.Error("theta.GetAccount", Json{{"address", created["contract_address"]}})["code"] ==
        kThetaRpcServerError);
  CHECK(rpc.Result("theta.GetAccount", Json{{"address", ToHex(alice.view())}})["sequence"] == "0");

  // Deploy a contract whose code returns 42, then call it.
  const Bytes deploy = *ParseHex("0x600a600c600039600a6000f3602a60005260206000f3");
  const Bytes raw = rpc.Contract(0, Address{}, deploy, 1);
  REQUIRE(rpc.chain.chain().Submit(raw).ok());
  rpc.chain.CommitPending();
  auto receipt = rpc.chain.chain().Receipt(ledger::TxHash(raw));
  REQUIRE(receipt.ok());
  const Address contract = receipt->receipt.contract_address;
  const Json called = rpc.Result(
      "theta.CallSmartContract",
      Json::array({{{"sctx_bytes", "0x" + Unsigned(rpc.account(1).address, contract, {})}}}));
  CHECK(called["vm_return"] == Word(42));
  CHECK(called["vm_error"] == "");

  // A reverting creation reports the EVM's failure in vm_error, not as an RPC error.
  const Json reverted =
      rpc.Result("theta.CallSmartContract",
                 Json{{"sctx_bytes", Unsigned(alice, {}, *ParseHex("0x60006000fd"))}});
  CHECK_FALSE(reverted["vm_error"].get<std::string>().empty());

  // Not a SmartContractTx, not a tx, not hex, missing.
  const Bytes send = rpc.Send(0, rpc.account(1).address, kEther, 2);
  const Json wrong = rpc.Error("theta.CallSmartContract", Json{{"sctx_bytes", ToHex(send)}});
  CHECK(wrong["code"] == kThetaRpcServerError);
  CHECK_THAT(wrong["message"].get<std::string>(),
             Catch::StartsWith("Failed to parse SmartContractTx"));
  CHECK(rpc.Error("theta.CallSmartContract", Json{{"sctx_bytes", "00"}})["code"] ==
        kThetaRpcServerError);
  CHECK(rpc.Error("theta.CallSmartContract", Json{{"sctx_bytes", "xyz"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.CallSmartContract")["code"] == net::kRpcInvalidParams);
}

}  // namespace
}  // namespace theta::node::testing
