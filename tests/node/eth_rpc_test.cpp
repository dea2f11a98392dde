// The Ethereum RPC on a real ChainService: identity, transfers in both Ethereum tx forms, blocks,
// receipts and the errors of bad params.
#include "theta/node/eth_rpc.hpp"

#include <catch2/catch.hpp>

#include "eth_rpc_test_util.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::node::testing {
namespace {

TEST_CASE("eth rpc answers the chain identity, fees and node facts", "[node][eth_rpc]") {
  node::EthRpcOptions options;
  options.peer_count = [] { return size_t{3}; };
  EthRpcFixture f(options);
  CHECK(f.Result("eth_chainId", Json::array()) == "0x16e");  // privatenet 6 + 360
  CHECK(f.Result("net_version", Json::array()) == "366");
  CHECK(f.Result("web3_clientVersion", Json::array()).get<std::string>().rfind("theta-cpp", 0) ==
        0);
  CHECK(f.Result("eth_blockNumber", Json::array()) == "0x0");
  CHECK(f.Result("eth_gasPrice", Json::array()) == "0x3a352944000");  // 4e12
  CHECK(f.Result("eth_maxPriorityFeePerGas", Json::array()) == "0x3a352944000");
  CHECK(f.Result("eth_accounts", Json::array()) == Json::array());
  CHECK(f.Result("eth_syncing", Json::array()) == false);
  CHECK(f.Result("net_listening", Json::array()) == true);
  CHECK(f.Result("net_peerCount", Json::array()) == "0x3");
  CHECK(f.Result("eth_getBalance", {Hex(f.account(0).address), "latest"}) ==
        "0x33b2e3c9fd0803ce8000000");  // 1e27 wei
  CHECK(f.Result("eth_getTransactionCount", {Hex(f.account(0).address), "latest"}) == "0x0");
  CHECK(f.Result("eth_getCode", {Hex(f.account(0).address), "latest"}) == "0x");
}

TEST_CASE("eth rpc sends legacy and EIP-1559 transfers and reads them back", "[node][eth_rpc]") {
  EthRpcFixture f;
  const Address to = f.account(2).address;
  const Bytes legacy = f.Sign(0, 0, to, kEther, {}, 21'000, false);
  const Bytes dynamic = f.Sign(1, 0, to, kEther * uint256(2), {}, 21'000, true);
  const std::string h_legacy = f.Send(legacy);
  const std::string h_dynamic = f.Send(dynamic);
  // The pending nonce counts txs waiting in the mempool; latest does not.
  const std::string from0 = Hex(f.account(0).address);
  CHECK(f.Result("eth_getTransactionCount", {from0, "pending"}) == "0x1");
  CHECK(f.Result("eth_getTransactionCount", {from0, "latest"}) == "0x0");
  f.Send(f.Sign(0, 2, to, kEther, {}, 21'000, false));  // a gap: nonce 1 is missing
  CHECK(f.Result("eth_getTransactionCount", {from0, "pending"}) == "0x1");
  CHECK(f.Result("eth_getTransactionCount", {Hex(to), "pending"}) == "0x0");

  // Pending: found, not yet in a block; no receipt.
  Json pending = f.Result("eth_getTransactionByHash", {h_legacy});
  CHECK(pending["hash"] == h_legacy);
  CHECK(pending["blockHash"].is_null());
  CHECK(f.Result("eth_getTransactionReceipt", {h_legacy}).is_null());
  // A second copy is refused as geth words it.
  Json again = f.Error("eth_sendRawTransaction", {ToHex(legacy)});
  CHECK(again["code"] == -32000);
  CHECK(again["message"].get<std::string>().rfind("already known", 0) == 0);

  const BlockRecord block = f.test_chain.CommitPending();
  REQUIRE(block.txs.size() == 2);  // nonce 2 waits for nonce 1
  CHECK(f.Result("eth_blockNumber", Json::array()) == "0x1");
  CHECK(f.Result("eth_getTransactionCount", {from0, "pending"}) == "0x1");

  Json tx = f.Result("eth_getTransactionByHash", {h_legacy});
  CHECK(tx["blockHash"] == ToHex(block.hash.view()));
  CHECK(tx["blockNumber"] == "0x1");
  CHECK(tx["from"] == Hex(f.account(0).address));
  CHECK(tx["to"] == Hex(to));
  CHECK(tx["value"] == "0xde0b6b3a7640000");
  CHECK(tx["nonce"] == "0x0");
  CHECK(tx["gas"] == "0x5208");
  CHECK(tx["gasPrice"] == "0x3a352944000");
  CHECK(tx["type"] == "0x0");
  CHECK(tx["chainId"] == "0x16e");
  CHECK(tx["input"] == "0x");
  const uint64_t v = std::stoull(tx["v"].get<std::string>(), nullptr, 16);
  CHECK((v == 366 * 2 + 35 || v == 366 * 2 + 36));
  CHECK(tx["r"].get<std::string>().size() > 3);

  Json tx2 = f.Result("eth_getTransactionByHash", {h_dynamic});
  CHECK(tx2["type"] == "0x2");
  CHECK(tx2["maxFeePerGas"] == "0x3a352944000");
  CHECK(tx2["maxPriorityFeePerGas"] == "0x3a352944000");
  CHECK(tx2["accessList"] == Json::array());
  CHECK(tx2["yParity"] == tx2["v"]);
  CHECK(tx2["from"] == Hex(f.account(1).address));

  Json receipt = f.Result("eth_getTransactionReceipt", {h_dynamic});
  CHECK(receipt["status"] == "0x1");
  CHECK(receipt["type"] == "0x2");
  CHECK(receipt["gasUsed"] == "0x5208");
  CHECK(receipt["effectiveGasPrice"] == "0x3a352944000");
  CHECK(receipt["blockHash"] == ToHex(block.hash.view()));
  CHECK(receipt["from"] == Hex(f.account(1).address));
  CHECK(receipt["to"] == Hex(to));
  CHECK(receipt["contractAddress"].is_null());
  CHECK(receipt["logs"] == Json::array());
  CHECK(receipt["logsBloom"] == ToHex(Bytes(256, 0)));
  const std::string index = receipt["transactionIndex"].get<std::string>();
  CHECK(receipt["cumulativeGasUsed"] == (index == "0x1" ? "0xa410" : "0x5208"));

  // Balances moved: 3 ether in, 1 ether + 21,000 × 4,000 Gwei out of account 0.
  const uint256 start = uint256(1'000'000'000ULL) * kEther;
  CHECK(f.Result("eth_getBalance", {Hex(to), "latest"}) == (start + kEther * uint256(3)).ToHex());
  CHECK(f.Result("eth_getBalance", {Hex(f.account(0).address), "latest"}) ==
        (start - kEther - kGasPrice * uint256(21'000)).ToHex());
  CHECK(f.Result("eth_getBalance", {Hex(to), "earliest"}) == start.ToHex());
  CHECK(f.Result("eth_getBalance", {Hex(to), "0x0"}) == start.ToHex());
  CHECK(f.Result("eth_getTransactionCount", {Hex(f.account(0).address), "latest"}) == "0x1");
  CHECK(f.Result("eth_getTransactionCount", {Hex(f.account(0).address), "earliest"}) == "0x0");
}

TEST_CASE("eth rpc sends an EIP-2930 transaction and shows it as type 1", "[node][eth_rpc]") {
  EthRpcFixture f;
  const Address to = f.account(2).address;
  ledger::EthTx tx;
  tx.type = ledger::EthTx::Type::kAccessList;
  tx.chain_id = uint256(f.chain().eth_chain_id());
  tx.gas_price = kGasPrice;
  tx.gas_limit = 21'000 + 2'400 + 1'900;  // EIP-2930: one address, one storage key
  tx.to = to;
  tx.value = kEther;
  Hash32 slot;
  slot.bytes[31] = 7;
  tx.access_list = {ledger::EthAccessTuple{to, {slot}}};
  ledger::SignEthTx(tx, f.account(0).key);
  const std::string hash = f.Send(ledger::EncodeEthTx(tx));
  const BlockRecord block = f.test_chain.CommitPending();
  REQUIRE(block.txs.size() == 1);

  Json shown = f.Result("eth_getTransactionByHash", {hash});
  CHECK(shown["type"] == "0x1");
  CHECK(shown["gasPrice"] == "0x3a352944000");
  CHECK_FALSE(shown.contains("maxFeePerGas"));
  REQUIRE(shown["accessList"].size() == 1);
  CHECK(shown["accessList"][0]["address"] == Hex(to));
  CHECK(shown["accessList"][0]["storageKeys"] == Json::array({ToHex(slot.view())}));
  CHECK(shown["yParity"] == shown["v"]);
  CHECK((shown["v"] == "0x0" || shown["v"] == "0x1"));
  CHECK(shown["from"] == Hex(f.account(0).address));
  Json receipt = f.Result("eth_getTransactionReceipt", {hash});
  CHECK(receipt["type"] == "0x1");
  CHECK(receipt["status"] == "0x1");
  CHECK(receipt["gasUsed"] == "0x62d4");  // 25,300 = 21,000 + 2,400 + 1,900
  Json full = f.Result("eth_getBlockByNumber", {"0x1", true});
  CHECK(full["transactions"][0] == shown);
}

TEST_CASE("eth rpc shows blocks as ethers reads them", "[node][eth_rpc]") {
  EthRpcFixture f;
  const Address to = f.account(3).address;
  const Bytes raw = f.Sign(0, 0, to, kEther, {}, 21'000, false);
  const std::string hash = f.Send(raw);
  const BlockRecord block = f.test_chain.CommitPending();

  Json by_number = f.Result("eth_getBlockByNumber", {"0x1", false});
  Json latest = f.Result("eth_getBlockByNumber", {"latest", false});
  Json by_hash = f.Result("eth_getBlockByHash", {ToHex(block.hash.view()), false});
  CHECK(by_number == latest);
  CHECK(by_number == by_hash);
  CHECK(by_number["hash"] == ToHex(block.hash.view()));
  CHECK(by_number["parentHash"] == ToHex(block.parent.view()));
  CHECK(by_number["parentHash"] == f.Result("eth_getBlockByNumber", {"earliest", false})["hash"]);
  CHECK(by_number["number"] == "0x1");
  CHECK(by_number["timestamp"] == uint256(static_cast<uint64_t>(block.timestamp)).ToHex());
  CHECK(by_number["miner"] == Hex(block.proposer));
  CHECK(by_number["stateRoot"] == ToHex(block.state_root.view()));
  CHECK(by_number["transactions"] == Json::array({hash}));
  CHECK(by_number["gasUsed"] == "0x5208");
  CHECK(by_number["gasLimit"] == "0x1312d00");  // 20,000,000
  CHECK(by_number["baseFeePerGas"] == "0x0");
  CHECK(by_number["nonce"] == "0x0000000000000000");
  CHECK(by_number["difficulty"] == "0x0");
  CHECK(by_number["extraData"] == "0x");
  CHECK(by_number["uncles"] == Json::array());
  CHECK(by_number["sha3Uncles"] ==
        "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  CHECK(by_number["logsBloom"].get<std::string>().size() == 2 + 512);
  for (const char* key : {"receiptsRoot", "transactionsRoot", "mixHash"})
    CHECK(by_number[key].get<std::string>().size() == 66);
  CHECK(std::stoull(by_number["size"].get<std::string>(), nullptr, 16) > raw.size());

  // transactionsRoot is Ethereum's: the trie of RLP(index) → raw tx.
  Trie txs;
  REQUIRE(txs.Put(RlpEncodeUint(0), raw).ok());
  CHECK(by_number["transactionsRoot"] == ToHex(txs.RootHash().view()));
  // An empty block has the empty trie's roots and an empty bloom.
  Json genesis = f.Result("eth_getBlockByNumber", {"0x0", true});
  CHECK(genesis["transactionsRoot"] == ToHex(kEmptyTrieRoot.view()));
  CHECK(genesis["receiptsRoot"] == ToHex(kEmptyTrieRoot.view()));
  CHECK(genesis["transactions"] == Json::array());

  Json full = f.Result("eth_getBlockByNumber", {"finalized", true});
  REQUIRE(full["transactions"].size() == 1);
  CHECK(full["transactions"][0]["hash"] == hash);
  CHECK(full["transactions"][0]["transactionIndex"] == "0x0");
  CHECK(full["transactions"][0] == f.Result("eth_getTransactionByHash", {hash}));
  CHECK(f.Result("eth_getTransactionByBlockNumberAndIndex", {"0x1", "0x0"}) ==
        full["transactions"][0]);
  CHECK(f.Result("eth_getBlockTransactionCountByNumber", {"0x1"}) == "0x1");
  CHECK(f.Result("eth_getBlockTransactionCountByHash", {ToHex(block.hash.view())}) == "0x1");
  // Blocks that do not exist are null, as geth answers.
  CHECK(f.Result("eth_getBlockByNumber", {"0x2", false}).is_null());
  CHECK(f.Result("eth_getBlockByHash", {ToHex(Hash32().view()), false}).is_null());
  CHECK(f.Result("eth_getTransactionByHash", {ToHex(Hash32().view())}).is_null());
  CHECK(f.Result("eth_getTransactionByBlockNumberAndIndex", {"0x1", "0x5"}).is_null());
}

TEST_CASE("eth rpc shows Theta-native transactions by sender and recipient", "[node][eth_rpc]") {
  EthRpcFixture f;
  const DevAccount& from = f.account(0);
  const Address to = f.account(1).address;
  const uint256 fee = uint256(300'000'000'000'000'000ULL);
  ledger::Tx send =
      ledger::SendTx{ledger::Coins::TFuel(fee),
                     {ledger::TxInput{from.address, ledger::Coins::TFuel(kEther + fee), 1, {}}},
                     {ledger::TxOutput{to, ledger::Coins::TFuel(kEther)}}};
  REQUIRE(ledger::SignTx(send, "privatenet", from.key).ok());
  const Bytes raw = ledger::EncodeTx(send);
  const std::string hash = f.Send(raw);
  f.test_chain.CommitPending();

  Json tx = f.Result("eth_getTransactionByHash", {hash});
  CHECK(tx["from"] == Hex(from.address));
  CHECK(tx["to"] == Hex(to));
  CHECK(tx["value"] == "0x0");
  CHECK(tx["nonce"] == "0x0");  // sequence 1
  CHECK(tx["type"] == "0x0");
  CHECK(!tx.contains("chainId"));
  Json receipt = f.Result("eth_getTransactionReceipt", {hash});
  CHECK(receipt["status"] == "0x1");
  CHECK(receipt["gasUsed"] == "0x0");
  // The block's full form carries it too.
  Json block = f.Result("eth_getBlockByNumber", {"latest", true});
  CHECK(block["transactions"][0]["hash"] == hash);
}

TEST_CASE("eth rpc refuses bad params with -32602 and a message naming the param",
          "[node][eth_rpc]") {
  EthRpcFixture f;
  const std::string addr = Hex(f.account(0).address);
  struct Bad {
    const char* method;
    Json params;
    const char* says;
  };
  const std::vector<Bad> cases = {
      {"eth_getBalance", {"0x1234", "latest"}, "address"},
      {"eth_getBalance", {addr, "newest"}, "block"},
      {"eth_getBalance", {addr, "0x01"}, "block"},  // leading zero
      {"eth_getBalance", {addr, 5}, "block"},
      {"eth_getBlockByNumber", {"0x1", "yes"}, "full transactions"},
      {"eth_getBlockByHash", {"0x12", false}, "block hash"},
      {"eth_getTransactionByHash", {"0xzz"}, "transaction hash"},
      {"eth_sendRawTransaction", {"0x123"}, "raw transaction"},
      {"eth_call", {"not an object", "latest"}, "call"},
      {"eth_call", {{{"to", addr}, {"gas", "0x"}}, "latest"}, "gas"},
      {"eth_call", {{{"to", addr}, {"data", "0x12"}, {"input", "0x34"}}}, "input"},
      {"eth_getStorageAt", {addr, "slot", "latest"}, "storage slot"},
      {"eth_getLogs", {{{"address", "0x12"}}}, "address"},
      {"eth_getLogs", {{{"topics", Json::array({"0x12"})}}}, "topics[0]"},
      {"eth_getLogs", {{{"fromBlock", "0x0"}, {"blockHash", ToHex(Hash32().view())}}}, "blockHash"},
      {"eth_feeHistory", {"0x1", "latest", {50, 10}}, "rewardPercentiles"},
  };
  for (const Bad& bad : cases) {
    Json error = f.Error(bad.method, bad.params);
    INFO(bad.method << " " << bad.params.dump() << " -> " << error.dump());
    CHECK(error["code"] == -32602);
    CHECK(error["message"].get<std::string>().find(bad.says) != std::string::npos);
  }
  // Named params are not Ethereum's.
  CHECK(f.Error("eth_getBalance", Json{{"address", addr}})["code"] == -32602);
  // A block above the head: geth's "header not found" for state reads.
  Json future = f.Error("eth_getBalance", {addr, "0x10"});
  CHECK(future["code"] == -32000);
  CHECK(future["message"] == "header not found");
  // Undecodable bytes are a refused tx (-32000), not bad params.
  Json garbage = f.Error("eth_sendRawTransaction", {"0x010203"});
  CHECK(garbage["code"] == -32000);
  CHECK(f.Error("eth_noSuchMethod", Json::array())["code"] == -32601);
}

TEST_CASE("eth feeHistory reports gas used ratios and paid prices", "[node][eth_rpc]") {
  EthRpcFixture f;
  f.Send(f.Sign(0, 0, f.account(1).address, kEther, {}, 21'000, false));
  f.test_chain.CommitPending();
  f.test_chain.CommitPending();  // an empty block
  Json history = f.Result("eth_feeHistory", {"0x3", "latest", {25, 75}});
  CHECK(history["oldestBlock"] == "0x0");
  CHECK(history["baseFeePerGas"].size() == 4);
  REQUIRE(history["gasUsedRatio"].size() == 3);
  CHECK(history["gasUsedRatio"][0] == 0.0);
  CHECK(history["gasUsedRatio"][1].get<double>() == Approx(21'000.0 / 20'000'000.0));
  CHECK(history["reward"][1] == Json::array({"0x3a352944000", "0x3a352944000"}));
  CHECK(history["reward"][2] == Json::array({"0x0", "0x0"}));
  // Plain numbers are taken for the count, and it is clamped to the chain.
  CHECK(f.Result("eth_feeHistory", {10, "0x1"})["oldestBlock"] == "0x0");
}

}  // namespace
}  // namespace theta::node::testing
