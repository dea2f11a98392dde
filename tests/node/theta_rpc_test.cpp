// The native theta.* RPC against a real ChainService (TestChain): each method's result shape and
// values as Theta's Go node prints them, and the errors for bad parameters.
#include <algorithm>
#include <set>

#include "absl/strings/escaping.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/eth_tx.hpp"
#include "theta/ledger/executor.hpp"
#include "theta_rpc_test_util.hpp"

namespace theta::node::testing {
namespace {

std::string Hex(const Hash32& hash) {
  return ToHex(hash.view());
}
std::string Hex(const Address& address) {
  return ToHex(address.view());
}
Address Stranger() {
  return *Address::FromHex("0x00000000000000000000000000000000000000a1");
}

TEST_CASE("theta.GetVersion and GetStatus describe the node and its head", "[node][thetarpc]") {
  ThetaRpcOptions options;
  options.version = "9.8.7";
  options.git_hash = "abc123";
  const Address me = Stranger();
  options.node_status = [me] { return ThetaNodeStatus{me, "peer-1", true, 42}; };
  options.finalized_checkpoint = [] { return FinalizedCheckpoint{1, Hash32{}}; };
  RpcFixture rpc(std::move(options));
  const BlockRecord block = rpc.chain.CommitPending();

  const Json version = rpc.Result("theta.GetVersion", Json::array());
  CHECK(version == Json{{"version", "9.8.7"}, {"git_hash", "abc123"}, {"timestamp", "unknown"}});

  const Json status = rpc.Result("theta.GetStatus");
  CHECK(status["chain_id"] == "privatenet");
  CHECK(status["address"] == ToChecksumHex(me));
  CHECK(status["peer_id"] == "peer-1");
  CHECK(status["syncing"] == true);
  CHECK(status["latest_finalized_block_height"] == "1");
  CHECK(status["latest_finalized_block_hash"] == Hex(block.hash));
  CHECK(status["latest_finalized_block_time"] == std::to_string(block.timestamp));
  CHECK(status["latest_finalized_block_epoch"] == std::to_string(block.epoch));
  CHECK(status["current_height"] == "1");
  CHECK(status["current_epoch"] == "42");
  CHECK(status["current_time"] == "1750000000");
  CHECK(status["genesis_block_hash"] == Hex(rpc.chain.chain().genesis_hash()));
  CHECK(status["latest_finalized_checkpoint_height"] == "1");

  RpcFixture bare;  // no hooks: a full node with no peers
  const Json plain = bare.Result("theta.GetStatus");
  CHECK(plain["address"] == "");
  CHECK(plain["syncing"] == false);
  CHECK(plain["latest_finalized_block_height"] == "0");
  CHECK_FALSE(plain.contains("latest_finalized_checkpoint_height"));
  CHECK(bare.Result("theta.GetPeers") == Json{{"peers", Json::array()}});
  CHECK(bare.Result("theta.GetPeerURLs") == Json{{"peer_urls", Json::array()}});
}

TEST_CASE("theta.GetAccount has Go's account shape, at the head and at a height",
          "[node][thetarpc]") {
  RpcFixture rpc;
  rpc.chain.CommitPending();  // block 1: nothing yet
  const uint256 amount = 5 * kEther;
  REQUIRE(rpc.chain.chain().Submit(rpc.Send(0, rpc.account(1).address, amount, 1)).ok());
  rpc.chain.CommitPending();  // block 2: the send

  const std::string receiver = Hex(rpc.account(1).address);
  const Json account = rpc.Result("theta.GetAccount", Json{{"address", receiver}});
  CHECK(account["address"] == receiver);
  CHECK(account["sequence"] == "0");
  CHECK(account["coins"]["thetawei"] == (uint256(1'000'000'000) * kEther).ToDecimal());
  CHECK(account["coins"]["tfuelwei"] == (uint256(1'000'000'000) * kEther + amount).ToDecimal());
  CHECK(account["reserved_funds"] == Json::array());
  CHECK(account["root"] == Hex(Hash32{}));
  CHECK(account["code"] == Hex(ledger::kEmptyCodeHash));
  CHECK(account.contains("last_updated_block_height"));

  // The sender, in the array form of params, and before the send (height 1).
  const Json sender =
      rpc.Result("theta.GetAccount", Json::array({{{"address", Hex(rpc.account(0).address)}}}));
  CHECK(sender["sequence"] == "1");
  const Json before = rpc.Result("theta.GetAccount", Json{{"address", receiver}, {"height", "1"}});
  CHECK(before["coins"]["tfuelwei"] == (uint256(1'000'000'000) * kEther).ToDecimal());
  CHECK(rpc.Result("theta.GetAccount", Json{{"address", receiver}, {"height", 2}}) ==
        account);  // plain integers are taken too

  // Go's "not found" (-32000), which wallets read as a fresh account.
  const Json unknown = rpc.Error("theta.GetAccount", Json{{"address", Hex(Stranger())}});
  CHECK(unknown["code"] == kThetaRpcServerError);
  CHECK(unknown["message"] ==
        "Account with address " + ToChecksumHex(Stranger()) + " is not found");
  CHECK(rpc.Error("theta.GetAccount", Json{{"address", receiver}, {"height", "9"}})["code"] ==
        kThetaRpcServerError);
  CHECK(rpc.Error("theta.GetAccount", Json::object())["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetAccount", Json{{"address", "0x12"}})["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetAccount", Json{{"address", receiver}, {"height", "-1"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetAccount", Json{{"address", receiver}, {"height", "0x1"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetAccount", "text")["code"] ==
        net::kRpcInvalidRequest);  // not structured
  CHECK(rpc.Error("theta.GetAccount", Json::array({1, 2}))["code"] == net::kRpcInvalidParams);
}

TEST_CASE("theta.GetTransaction reports not_found, pending and finalized txs", "[node][thetarpc]") {
  RpcFixture rpc;
  const Bytes raw = rpc.Send(0, rpc.account(2).address, kEther, 1);
  const std::string hash = Hex(ledger::TxHash(raw));

  const Json missing = rpc.Result("theta.GetTransaction", Json{{"hash", hash}});
  CHECK(missing["status"] == "not_found");
  CHECK(missing["transaction"].is_null());

  REQUIRE(rpc.chain.chain().Submit(raw).ok());
  CHECK(rpc.Result("theta.GetTransaction", Json{{"hash", hash}})["status"] == "pending");

  const BlockRecord block = rpc.chain.CommitPending();
  const Json found = rpc.Result("theta.GetTransaction", Json{{"hash", hash}});
  CHECK(found["status"] == "finalized");
  CHECK(found["hash"] == hash);
  CHECK(found["block_hash"] == Hex(block.hash));
  CHECK(found["block_height"] == "1");
  CHECK(found["type"] == 2);
  CHECK(found["receipt"].is_null());        // Go keeps receipts for smart contract txs only
  CHECK(found.contains("blance_changes"));  // sic: Go's spelling
  const Json& tx = found["transaction"];
  CHECK(tx["fee"] == Json{{"thetawei", "0"}, {"tfuelwei", kSendFee.ToDecimal()}});
  const Json& input = tx["inputs"][0];
  CHECK(input["address"] == Hex(rpc.account(0).address));
  CHECK(input["sequence"] == "1");
  CHECK(input["coins"]["tfuelwei"] == (kEther + kSendFee).ToDecimal());
  CHECK(input["signature"].get<std::string>().size() == 2 + 130);
  CHECK(tx["outputs"][0] == Json{{"address", Hex(rpc.account(2).address)},
                                 {"coins", {{"thetawei", "0"}, {"tfuelwei", kEther.ToDecimal()}}}});

  CHECK(rpc.Result("theta.GetTransaction", Json{{"hash", hash.substr(2)}})["status"] ==
        "finalized");  // Go takes hex without 0x too
  CHECK(rpc.Error("theta.GetTransaction", Json{{"hash", "0x1234"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetTransaction", Json{{"hash", "0xzz"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetTransaction", Json{{"hash", 5}})["code"] == net::kRpcInvalidParams);
}

TEST_CASE("theta.GetBlock, GetBlockByHeight and GetBlocksByRange return Go's block shape",
          "[node][thetarpc]") {
  RpcFixture rpc;
  const Bytes raw = rpc.Send(0, rpc.account(1).address, kEther, 1);
  REQUIRE(rpc.chain.chain().Submit(raw).ok());
  const BlockRecord one = rpc.chain.CommitPending();
  const BlockRecord two = rpc.chain.CommitPending();

  const Json block = rpc.Result("theta.GetBlock", Json{{"hash", Hex(one.hash)}});
  CHECK(block["chain_id"] == "privatenet");
  CHECK(block["height"] == "1");
  CHECK(block["epoch"] == std::to_string(one.epoch));
  CHECK(block["hash"] == Hex(one.hash));
  CHECK(block["parent"] == Hex(rpc.chain.chain().genesis_hash()));
  CHECK(block["state_hash"] == Hex(one.state_root));
  CHECK(block["timestamp"] == std::to_string(one.timestamp));
  CHECK(block["proposer"] == Hex(one.proposer));
  CHECK(block["status"] == 4);  // directly finalized
  CHECK(block["children"] == Json::array({Hex(two.hash)}));
  // The HCC is the QC the header carries for the parent (TestChain's blocks carry an empty one).
  CHECK(block["hcc"] ==
        Json{{"Votes", Json::array()}, {"BlockHash", Hex(one.block.header.qc.block_hash)}});
  CHECK(block["guardian_votes"].is_null());
  Trie trie;  // Theta's TxHash: the trie RLP(index) -> raw tx
  REQUIRE(trie.Put(RlpEncodeUint(0), raw).ok());
  CHECK(block["transactions_hash"] == Hex(trie.RootHash()));
  REQUIRE(block["transactions"].size() == 1);
  const Json& tx = block["transactions"][0];
  CHECK(tx["hash"] == Hex(ledger::TxHash(raw)));
  CHECK(tx["type"] == 2);
  CHECK(tx["raw"]["inputs"][0]["sequence"] == "1");
  CHECK_FALSE(tx.contains("eth_tx_hash"));
  CHECK(rpc.Result("theta.GetBlock", Json{{"hash", Hex(one.hash)},
                                          {"include_eth_tx_hashes", true}})["transactions"][0]
            .contains("eth_tx_hash"));

  const Json head = rpc.Result("theta.GetBlockByHeight", Json{{"height", "2"}});
  CHECK(head["hash"] == Hex(two.hash));
  CHECK(head["children"] == Json::array());
  CHECK(head["transactions"] == Json::array());
  CHECK(head["transactions_hash"] == Hex(kEmptyTrieRoot));
  CHECK(rpc.Result("theta.GetBlockByHeight", Json{{"height", "0"}})["hash"] ==
        Hex(rpc.chain.chain().genesis_hash()));
  CHECK(rpc.Result("theta.GetBlockByHeight", Json{{"height", "3"}}).is_null());

  const Json range = rpc.Result("theta.GetBlocksByRange", Json{{"start", "0"}, {"end", "5"}});
  REQUIRE(range.size() == 3);
  CHECK(range[1] == block);
  CHECK(range[2]["height"] == "2");

  CHECK(rpc.Error("theta.GetBlock", Json{{"hash", Hex(Hash32{})}})["code"] == kThetaRpcServerError);
  CHECK(rpc.Error("theta.GetBlock", Json::object())["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetBlockByHeight", Json::object())["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetBlocksByRange", Json{{"start", "2"}, {"end", "1"}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetBlocksByRange", Json{{"start", "0"}, {"end", "100"}})["code"] ==
        net::kRpcInvalidParams);
}

TEST_CASE("a block's hcc lists the votes of the QC its header carries, signers by address",
          "[node][thetarpc]") {
  RpcFixture rpc;
  ChainService& chain = rpc.chain.chain();
  // A block as consensus commits it, its header certifying genesis with one validator signature.
  consensus::Block block;
  block.header.round = 1;
  block.header.height = 1;
  block.header.parent = chain.HeadHash();
  block.header.timestamp_ms = 1'700'000'001'000;
  block.header.qc.epoch = 3;
  block.header.qc.block_hash = chain.HeadHash();
  block.header.qc.signatures = {{0, Bytes(65, 0x07)}};
  block.payload = EncodePayload(Payload{});
  block.header.payload_hash = Keccak256(block.payload);
  block.hash = consensus::HeaderHash(block.header);
  consensus::QuorumCert qc;
  qc.round = 1;
  qc.height = 1;
  qc.block_hash = block.hash;
  REQUIRE(chain.Commit(block, qc).ok());

  auto validators = chain.ValidatorSetAt(0);
  REQUIRE(validators.ok());
  REQUIRE(!validators->empty());
  const Json hcc = rpc.Result("theta.GetBlockByHeight", Json{{"height", "1"}})["hcc"];
  CHECK(hcc["BlockHash"] == Hex(chain.genesis_hash()));
  REQUIRE(hcc["Votes"].size() == 1);
  CHECK(hcc["Votes"][0] == Json{{"Block", Hex(chain.genesis_hash())},
                                {"Height", 0},
                                {"Epoch", 3},
                                {"ID", Hex((*validators)[0].address)},
                                {"Signature", ToHex(Bytes(65, 0x07))}});
}

TEST_CASE("a smart contract tx shows its receipt with Go's field names", "[node][thetarpc]") {
  RpcFixture rpc;
  // Init code: sstore(1, 7); mstore(0, 42); log0(0, 32); return the byte 0x2a as the runtime code.
  const Bytes init = *ParseHex("0x6007600155602a60005260206000a06001601ff3");
  const Bytes raw = rpc.Contract(0, Address{}, init, 1);
  REQUIRE(rpc.chain.chain().Submit(raw).ok());
  rpc.chain.CommitPending();

  const Json found = rpc.Result("theta.GetTransaction", Json{{"hash", Hex(ledger::TxHash(raw))}});
  CHECK(found["type"] == 7);
  const Json& tx = found["transaction"];
  CHECK(tx["data"] == absl::Base64Escape(ToString(init)));  // []byte: base64, as Go writes it
  CHECK(tx["gas_limit"] == "200000");
  CHECK(tx["gas_price"] == kGasPrice.ToDecimal());
  CHECK(tx["to"]["address"] == Hex(Address{}));
  const Json& receipt = found["receipt"];
  CHECK(receipt["TxHash"] == Hex(ledger::TxHash(raw)));
  CHECK(receipt["EvmErr"] == "");
  CHECK(receipt["GasUsed"].is_number_unsigned());
  CHECK(receipt["GasUsed"].get<uint64_t>() > 53'000);
  const std::string contract = receipt["ContractAddress"];
  CHECK(contract != Hex(Address{}));
  REQUIRE(receipt["Logs"].size() == 1);
  Bytes word(32, 0);
  word[31] = 42;
  CHECK(receipt["Logs"][0]["data"] == absl::Base64Escape(ToString(word)));
  CHECK(receipt["Logs"][0]["address"] == contract);
  CHECK(receipt["Logs"][0]["topics"] == Json::array());

  const Json account = rpc.Result("theta.GetAccount", Json{{"address", contract}});
  CHECK(account["code"] == Hex(Keccak256(Bytes{0x2a})));
  // Code and storage, as Go prints them: hex without "0x".
  CHECK(rpc.Result("theta.GetCode", Json{{"address", contract}}) ==
        Json{{"address", contract}, {"code", "2a"}});
  CHECK(rpc.Result("theta.GetCode", Json{{"address", Hex(Stranger())}})["code"] == "");
  CHECK(
      rpc.Result("theta.GetStorageAt", Json{{"address", contract}, {"storage_positon", "0x01"}}) ==
      Json{{"value", std::string(62, '0') + "07"}});
  CHECK(rpc.Result("theta.GetStorageAt",
                   Json{{"address", contract}, {"storage_position", "02"}})["value"] ==
        std::string(64, '0'));
  CHECK(rpc.Error("theta.GetStorageAt", Json{{"address", contract}})["code"] ==
        net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetCode", Json{{"address", contract}, {"height", "5"}})["code"] ==
        kThetaRpcServerError);
}

TEST_CASE("a tx sent in Ethereum form shows as the SmartContractTx it executed as",
          "[node][thetarpc]") {
  RpcFixture rpc;
  ledger::EthTx eth;
  eth.chain_id = ledger::EvmChainId("privatenet", ledger::kAllForksHeight);
  eth.nonce = 0;
  eth.gas_price = kGasPrice;
  eth.gas_limit = 21'000;
  eth.to = rpc.account(3).address;
  eth.value = kEther;
  ledger::SignEthTx(eth, rpc.account(0).key);
  const Bytes raw = ledger::EncodeEthTx(eth);
  const std::string hash = Hex(Keccak256(raw));  // Ethereum's hash
  REQUIRE(rpc.chain.chain().Submit(raw).ok());
  const BlockRecord block = rpc.chain.CommitPending();
  REQUIRE(block.txs.size() == 1);

  const Json found = rpc.Result("theta.GetTransaction", Json{{"hash", hash}});
  CHECK(found["status"] == "finalized");
  CHECK(found["type"] == 7);
  CHECK(found["hash"] == hash);
  const Json& tx = found["transaction"];
  CHECK(tx["from"]["address"] == Hex(rpc.account(0).address));
  CHECK(tx["from"]["sequence"] == "1");  // nonce + 1
  CHECK(tx["from"]["coins"]["tfuelwei"] == kEther.ToDecimal());
  CHECK(tx["to"]["address"] == Hex(rpc.account(3).address));
  CHECK(found["receipt"]["EvmErr"] == "");
  const Json listed = rpc.Result("theta.GetBlock",
                                 Json{{"hash", Hex(block.hash)}, {"include_eth_tx_hashes", true}});
  CHECK(listed["transactions"][0]["eth_tx_hash"] == hash);
}

TEST_CASE("theta.GetPendingTransactions lists the mempool", "[node][thetarpc]") {
  RpcFixture rpc;
  CHECK(rpc.Result("theta.GetPendingTransactions") == Json{{"tx_hashes", Json::array()}});
  const Bytes a = rpc.Send(0, rpc.account(1).address, kEther, 1);
  const Bytes b = rpc.Send(1, rpc.account(0).address, kEther, 1);
  REQUIRE(rpc.chain.chain().Submit(a).ok());
  REQUIRE(rpc.chain.chain().Submit(b).ok());
  Json hashes = rpc.Result("theta.GetPendingTransactions")["tx_hashes"];
  std::sort(hashes.begin(), hashes.end());
  Json expected = Json::array({Hex(ledger::TxHash(a)), Hex(ledger::TxHash(b))});
  std::sort(expected.begin(), expected.end());
  CHECK(hashes == expected);
  rpc.chain.CommitPending();
  CHECK(rpc.Result("theta.GetPendingTransactions")["tx_hashes"] == Json::array());
}

TEST_CASE("the stake pool methods show the pools after a block", "[node][thetarpc]") {
  RpcFixture rpc;
  rpc.chain.CommitPending();
  const Json vcp = rpc.Result("theta.GetVcpByHeight", Json{{"height", "1"}});
  REQUIRE(vcp["BlockHashVcpPairs"].size() == 1);
  const Json& pair = vcp["BlockHashVcpPairs"][0];
  CHECK(pair["BlockHash"] == Hex(rpc.chain.chain().HeadHash()));
  const Json& candidates = pair["Vcp"]["SortedCandidates"];
  auto validators = rpc.chain.chain().ValidatorSetAt(1);
  REQUIRE(validators.ok());
  REQUIRE(candidates.size() == validators->size());
  CHECK(candidates[0]["holder"] == Hex((*validators)[0].address));
  const Json& stake = candidates[0]["stakes"][0];
  CHECK(stake["amount"] == (*validators)[0].stake.ToDecimal());
  CHECK(stake["withdrawn"] == false);
  CHECK(stake["return_height"] == "18446744073709551615");

  const Json gcp = rpc.Result("theta.GetGcpByHeight", Json{{"height", "0"}});
  auto guardians = rpc.chain.chain().GuardianSetAt(0);
  REQUIRE(guardians.ok());
  CHECK(gcp["BlockHashGcpPairs"][0]["Gcp"]["SortedGuardians"].size() == guardians->size());
  CHECK(rpc.Result("theta.GetEenpByHeight",
                   Json{{"height", "1"}})["BlockHashEenpPairs"][0]["EENs"] == Json::array());
  const Json rules = rpc.Result("theta.GetStakeRewardDistributionByHeight", Json{{"height", "1"}});
  CHECK(
      rules["BlockHashStakeRewardDistributionRuleSetPairs"][0]["StakeRewardDistributionRuleSet"] ==
      Json::array());
  // Above the head there is no block, hence no pair (as Go); no height is an error.
  CHECK(rpc.Result("theta.GetVcpByHeight", Json{{"height", "7"}}) ==
        Json{{"BlockHashVcpPairs", Json::array()}});
  CHECK(rpc.Error("theta.GetGcpByHeight", Json::object())["code"] == net::kRpcInvalidParams);
  CHECK(rpc.Error("theta.GetStakeRewardDistributionByHeight",
                  Json{{"height", "1"}, {"address", "nope"}})["code"] == net::kRpcInvalidParams);
}

TEST_CASE("theta.GetVcpByHeight shows a new validator stake from its block on",
          "[node][thetarpc]") {
  RpcFixture rpc;
  rpc.chain.CommitPending();  // block 1: the genesis pool
  const uint256 stake = uint256(200'000) * kEther;
  const Address holder = *Address::FromHex("0x00000000000000000000000000000000000000d4");
  ledger::Tx deposit = ledger::DepositStakeTx{
      ledger::Coins::TFuel(kSendFee),
      ledger::TxInput{rpc.account(0).address, ledger::Coins::Theta(stake), 1, {}},
      ledger::TxOutput{holder, {}}, ledger::kStakeForValidator};
  REQUIRE(ledger::SignTx(deposit, "privatenet", rpc.account(0).key).ok());
  REQUIRE(rpc.chain.chain().Submit(ledger::EncodeTx(deposit)).ok());
  const BlockRecord two = rpc.chain.CommitPending();
  REQUIRE(two.txs.size() == 1);

  const Json before = rpc.Result("theta.GetVcpByHeight", Json{{"height", "1"}});
  const Json after = rpc.Result("theta.GetVcpByHeight", Json{{"height", "2"}});
  const Json& old_pool = before["BlockHashVcpPairs"][0]["Vcp"]["SortedCandidates"];
  const Json& new_pool = after["BlockHashVcpPairs"][0]["Vcp"]["SortedCandidates"];
  CHECK(after["BlockHashVcpPairs"][0]["BlockHash"] == Hex(two.hash));
  REQUIRE(new_pool.size() == old_pool.size() + 1);
  Json added;
  for (const Json& candidate : new_pool) {
    if (candidate["holder"] == Hex(holder)) added = candidate;
  }
  REQUIRE(added.is_object());
  CHECK(added["stakes"] == Json::array({{{"source", Hex(rpc.account(0).address)},
                                         {"amount", stake.ToDecimal()},
                                         {"withdrawn", false},
                                         {"return_height", "18446744073709551615"}}}));
}

TEST_CASE("theta.GetGuardianInfo and GetPeers come from the node's hooks", "[node][thetarpc]") {
  RpcFixture plain;
  CHECK(plain.Error("theta.GetGuardianInfo")["code"] == kThetaRpcServerError);

  ThetaRpcOptions options;
  const Address holder = Stranger();
  options.guardian_info = [holder] {
    return GuardianInfo{holder, Bytes(48, 0xab), Bytes(96, 0xcd), Bytes(65, 0x01)};
  };
  options.peers = [](bool skip_edge_nodes) {
    return skip_edge_nodes ? std::vector<std::string>{"a"} : std::vector<std::string>{"a", "e"};
  };
  RpcFixture rpc(std::move(options));
  const Json info = rpc.Result("theta.GetGuardianInfo");
  CHECK(info["Address"] == ToChecksumHex(holder));
  CHECK(info["BLSPubkey"] == ToHex(Bytes(48, 0xab), false));
  CHECK(info["BLSPop"] == ToHex(Bytes(96, 0xcd), false));
  CHECK(info["Signature"] == ToHex(Bytes(65, 0x01), false));
  CHECK(rpc.Result("theta.GetPeers")["peers"] == Json::array({"a", "e"}));
  CHECK(rpc.Result("theta.GetPeers", Json{{"skip_edge_node", true}})["peers"] ==
        Json::array({"a"}));
  CHECK(rpc.Error("theta.GetPeers", Json{{"skip_edge_node", "yes"}})["code"] ==
        net::kRpcInvalidParams);
}

TEST_CASE("theta.GetPeerURLs lists at most 256 peer URLs in a shuffled order", "[node][thetarpc]") {
  ThetaRpcOptions options;
  std::vector<std::string> all;
  for (int i = 0; i < 300; ++i)
    all.push_back("10.0.0." + std::to_string(i % 250) + ":" + std::to_string(30000 + i));
  options.peer_urls = [all](bool skip_edge_nodes) {
    return skip_edge_nodes ? std::vector<std::string>(all.begin(), all.begin() + 3) : all;
  };
  RpcFixture rpc(std::move(options));
  const Json urls = rpc.Result("theta.GetPeerURLs")["peer_urls"];
  REQUIRE(urls.size() == 256);
  std::set<std::string> distinct;
  for (const Json& url : urls)
    distinct.insert(url.get<std::string>());
  CHECK(distinct.size() == 256);
  for (const std::string& url : distinct)
    CHECK(std::find(all.begin(), all.end(), url) != all.end());
  // Shuffled: 256 of 300 in their listed order would be a 1 in 256! chance.
  std::vector<std::string> listed;
  for (const Json& url : urls)
    listed.push_back(url.get<std::string>());
  CHECK(!std::is_sorted(listed.begin(), listed.end(), [&all](const auto& a, const auto& b) {
    return std::find(all.begin(), all.end(), a) < std::find(all.begin(), all.end(), b);
  }));
  const Json few = rpc.Result("theta.GetPeerURLs", Json{{"skip_edge_node", true}})["peer_urls"];
  CHECK(few.size() == 3);
}

TEST_CASE("theta.GetSplitRule answers null for an unknown resource", "[node][thetarpc]") {
  RpcFixture rpc;
  CHECK(rpc.Result("theta.GetSplitRule", Json{{"resource_id", "movie-1"}}).is_null());
  CHECK(rpc.Error("theta.GetSplitRule", Json::object())["code"] == net::kRpcInvalidParams);
}

}  // namespace
}  // namespace theta::node::testing
