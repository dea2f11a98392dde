// The Ethereum RPC's answers as ethers v6 parses them (tests/node/js/eth_rpc_ethers_oracle.mjs):
// a block with a contract deployment (EIP-1559), a contract call that logs (legacy) and a Theta
// SendTx; transactions, receipts, logs, fee data and a revert go through ethers' provider, and
// the raw txs through ethers' own decoder. ethers comes from tests/node_modules
// (scripts/bootstrap); a missing install fails the test, as in
// tests/core/ethers_differential_test.cpp.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "eth_rpc_test_util.hpp"
#include "support/test_data.hpp"
#include "theta/evm/state.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::node::testing {
namespace {

std::filesystem::path TestsDir() {
  return theta::testing::RepoTestDataDir().parent_path();
}

Json AskEthers(const Json& recorded) {
  if (!std::filesystem::exists(TestsDir() / "node_modules/ethers/package.json"))
    FAIL("ethers is not installed in tests/node_modules: run scripts/bootstrap");
  char dir_template[] = "/tmp/theta-eth-rpc-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir = dir_template;
  std::ofstream(dir / "recorded.json") << recorded.dump();
  const std::string command = "node '" +
                              (TestsDir() / "node/js/eth_rpc_ethers_oracle.mjs").string() + "' '" +
                              (dir / "recorded.json").string() + "' 2>&1";
  const std::string output = theta::testing::RunCommand(command);
  std::filesystem::remove_all(dir);
  Json answer = Json::parse(output, nullptr, false);
  INFO(output);
  REQUIRE_FALSE(answer.is_discarded());
  return answer;
}

// Records the dispatcher's whole answer (result or error) under `key`.
void Record(EthRpcFixture& f, Json& responses, const std::string& method, const Json& params,
            bool by_params) {
  Json response = f.Call(method, params);
  response.erase("jsonrpc");
  response.erase("id");
  responses[by_params ? method + " " + params.dump() : method] = response;
}

TEST_CASE("ethers v6 reads the eth rpc's blocks, txs, receipts, logs and errors",
          "[node][eth_rpc][ethers]") {
  EthRpcFixture f;
  const Address contract = evm::CreateAddress(f.account(0).address, 0);
  const Bytes deploy = f.Sign(0, 0, std::nullopt, 0, StoreInitCode(), 300'000, true);
  const Bytes set = f.Sign(1, 0, contract, 0, SetCall(77), 100'000, false);
  const uint256 fee = uint256(300'000'000'000'000'000ULL);
  ledger::Tx send_tx = ledger::SendTx{
      ledger::Coins::TFuel(fee),
      {ledger::TxInput{f.account(2).address, ledger::Coins::TFuel(kEther + fee), 1, {}}},
      {ledger::TxOutput{f.account(3).address, ledger::Coins::TFuel(kEther)}}};
  REQUIRE(ledger::SignTx(send_tx, "privatenet", f.account(2).key).ok());
  const Bytes send = ledger::EncodeTx(send_tx);
  // Deploy first (its own block), then the call and the SendTx together.
  const std::string h_deploy = f.Send(deploy);
  f.test_chain.CommitPending();
  const std::string h_set = f.Send(set);
  const std::string h_send = f.Send(send);
  const BlockRecord block = f.test_chain.CommitPending();
  REQUIRE(block.txs.size() == 2);

  Json recorded = {{"chainId", f.chain().eth_chain_id()},
                   {"blockNumber", block.height},
                   {"contract", Hex(contract)},
                   {"hashes", {h_deploy, h_set, h_send}},
                   {"raws", {ToHex(deploy), ToHex(set)}}};
  Json responses = Json::object();
  Record(f, responses, "eth_getBlockByNumber", {"0x2", true}, true);
  Record(f, responses, "eth_getBlockByNumber", {"latest", false}, true);
  for (const std::string& h : {h_deploy, h_set, h_send}) {
    Record(f, responses, "eth_getTransactionByHash", {h}, true);
    Record(f, responses, "eth_getTransactionReceipt", {h}, true);
  }
  Record(f, responses, "eth_getLogs", {{{"fromBlock", "0x0"}, {"toBlock", "latest"}}}, false);
  Record(f, responses, "eth_gasPrice", Json::array(), false);
  Record(f, responses, "eth_maxPriorityFeePerGas", Json::array(), false);
  Record(f, responses, "eth_blockNumber", Json::array(), false);
  Record(f, responses, "eth_chainId", Json::array(), false);
  Record(f, responses, "eth_call", {{{"to", Hex(contract)}, {"data", "0xdeadbeef"}}, "latest"},
         false);
  Record(f, responses, "eth_estimateGas", {{{"to", Hex(contract)}, {"data", "0x6d4ce63c"}}}, false);
  recorded["responses"] = responses;
  const Json out = AskEthers(recorded);
  INFO(out.dump());

  CHECK(out["block"]["hash"] == ToHex(block.hash.view()));
  CHECK(out["block"]["number"] == 2);
  CHECK(out["block"]["transactions"] == Json::array({h_set, h_send}));
  CHECK(out["block"]["baseFeePerGas"] == "0");
  CHECK(out["block"]["gasLimit"] == "20000000");
  REQUIRE(out["block"]["prefetched"].size() == 2);
  CHECK(out["block"]["prefetched"][0] == out["txs"][h_set]);

  // Ethereum txs: the provider's view equals ethers' own decoding of the raw bytes.
  for (const std::string& h : {h_deploy, h_set}) {
    Json provider = out["txs"][h];
    Json decoded = out["raw"][h];
    REQUIRE(decoded.is_object());
    for (const char* key :
         {"hash", "from", "to", "nonce", "gasLimit", "maxFeePerGas", "maxPriorityFeePerGas",
          "value", "data", "chainId", "type", "v", "r", "s"})
      CHECK(provider[key] == decoded[key]);
    // A mined type-2 tx also shows the price it paid, as geth does; a raw one has none.
    CHECK(provider["gasPrice"] ==
          (decoded["type"] == 2 ? decoded["maxFeePerGas"] : decoded["gasPrice"]));
  }
  CHECK(out["txs"][h_deploy]["type"] == 2);
  CHECK(out["txs"][h_set]["type"] == 0);
  CHECK(out["txs"][h_set]["blockNumber"] == 2);
  CHECK(out["txs"][h_set]["index"] == 0);
  // The Theta SendTx: its signer, recipient, and its Theta signature as v = 27/28.
  CHECK(out["txs"][h_send]["from"] == ToChecksumHex(f.account(2).address));
  CHECK(out["txs"][h_send]["to"] == ToChecksumHex(f.account(3).address));
  CHECK(out["txs"][h_send]["value"] == "0");
  CHECK(out["txs"][h_send]["index"] == 1);

  CHECK(out["receipts"][h_deploy]["contractAddress"] == ToChecksumHex(contract));
  CHECK(out["receipts"][h_deploy]["status"] == 1);
  CHECK(out["receipts"][h_deploy]["type"] == 2);
  const Json& r_set = out["receipts"][h_set];
  CHECK(r_set["status"] == 1);
  CHECK(r_set["contractAddress"].is_null());
  CHECK(r_set["gasPrice"] == "4000000000000");
  REQUIRE(r_set["logs"].size() == 1);
  CHECK(r_set["logs"][0]["address"] == ToChecksumHex(contract));
  CHECK(r_set["logs"][0]["index"] == 0);
  CHECK(r_set["logs"][0]["data"] == Word(77));
  CHECK(out["receipts"][h_send]["cumulativeGasUsed"] == r_set["gasUsed"]);
  CHECK(out["receipts"][h_send]["index"] == 1);
  REQUIRE(out["logs"].size() == 1);
  CHECK(out["logs"][0]["transactionHash"] == h_set);

  // With a zero base fee ethers prices legacy txs by eth_gasPrice.
  CHECK(out["feeData"]["gasPrice"] == "4000000000000");
  CHECK(out["feeData"]["maxFeePerGas"].is_null());
  // A revert reaches ethers as CALL_EXCEPTION with Solidity's reason decoded.
  CHECK(out["revert"]["error"]["code"] == "CALL_EXCEPTION");
  CHECK(out["revert"]["error"]["reason"] == "nope");
  CHECK(out["estimate"]["ok"].is_string());
}

}  // namespace
}  // namespace theta::node::testing
