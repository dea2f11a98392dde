// Helpers of the Ethereum RPC tests: a TestChain with the eth methods on a dispatcher, signed
// Ethereum txs, a small hand-assembled contract, and a notifier that records what it is sent.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "node_test_util.hpp"
#include "theta/core/hash.hpp"
#include "theta/evm/state.hpp"
#include "theta/ledger/eth_tx.hpp"
#include "theta/net/jsonrpc.hpp"
#include "theta/node/eth_rpc.hpp"

namespace theta::node::testing {

using net::Json;

// 4,000 Gwei: the minimum gas price of every chain from the June 2021 adjustment.
inline const uint256 kGasPrice = uint256(4'000'000'000'000ULL);
inline const uint256 kEther = uint256(1'000'000'000'000'000'000ULL);

class RecordingNotifier final : public net::RpcNotifier {
 public:
  bool Notify(const Json& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    messages_.push_back(message);
    return true;
  }
  bool closed() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  std::vector<Json> messages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  bool closed_ = false;
  std::vector<Json> messages_;
};

class EthRpcFixture {
 public:
  explicit EthRpcFixture(node::EthRpcOptions options = {}) {
    auto rpc = RegisterEthRpc(dispatcher, test_chain.chain(), std::move(options));
    REQUIRE(rpc.ok());
    rpc_ = std::move(*rpc);
  }

  ChainService& chain() { return test_chain.chain(); }
  const DevAccount& account(size_t i) const { return test_chain.accounts().at(i); }

  // The whole response object of one request.
  Json Call(const std::string& method, Json params, const net::RpcContext& ctx = {}) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    std::optional<std::string> response = dispatcher.Handle(request.dump(), ctx);
    REQUIRE(response.has_value());
    return Json::parse(*response);
  }
  // The result of a request that must succeed.
  Json Result(const std::string& method, Json params, const net::RpcContext& ctx = {}) {
    Json response = Call(method, std::move(params), ctx);
    INFO(method << " -> " << response.dump());
    REQUIRE(response.contains("result"));
    return response["result"];
  }
  // The error object of a request that must fail.
  Json Error(const std::string& method, Json params, const net::RpcContext& ctx = {}) {
    Json response = Call(method, std::move(params), ctx);
    INFO(method << " -> " << response.dump());
    REQUIRE(response.contains("error"));
    return response["error"];
  }

  // Signs an Ethereum tx from dev account `from` (type 2 when `dynamic`).
  Bytes Sign(size_t from, uint64_t nonce, std::optional<Address> to, const uint256& value,
             Bytes data, uint64_t gas, bool dynamic) {
    ledger::EthTx tx;
    tx.type = dynamic ? ledger::EthTx::Type::kDynamicFee : ledger::EthTx::Type::kLegacy;
    tx.chain_id = uint256(chain().eth_chain_id());
    tx.nonce = nonce;
    tx.gas_price = kGasPrice;
    tx.max_fee_per_gas = kGasPrice;
    tx.max_priority_fee_per_gas = kGasPrice;
    tx.gas_limit = gas;
    tx.to = to;
    tx.value = value;
    tx.data = std::move(data);
    ledger::SignEthTx(tx, account(from).key);
    return ledger::EncodeEthTx(tx);
  }
  // eth_sendRawTransaction; the hash it answers.
  std::string Send(const Bytes& raw) {
    Json hash = Result("eth_sendRawTransaction", Json::array({ToHex(raw)}));
    CHECK(hash == ToHex(Keccak256(raw).view()));
    return hash.get<std::string>();
  }

  net::RpcDispatcher dispatcher;
  TestChain test_chain;

 private:
  std::unique_ptr<EthRpc> rpc_;
};

// A storage-and-event contract, assembled by hand (no solc in the tree). As Solidity:
//   contract Store {
//     uint256 value;
//     event Set(uint256 value, address indexed who);  // topic0 = keccak256("Set(uint256)")
//     function set(uint256 v) external { value = v; emit Set(v, msg.sender); }   // 0x60fe47b1
//     function get() external view returns (uint256) { return value; }         // 0x6d4ce63c
//     fallback() external { revert("nope"); }
//   }
// (the event's topic0 is that of "Set(uint256)" to keep the assembly short).
inline Hash32 SetTopic() {
  return Keccak256(AsBytes("Set(uint256)"));
}

inline Bytes StoreRuntime() {
  Bytes c;
  auto op = [&c](std::initializer_list<uint8_t> bytes) { c.insert(c.end(), bytes); };
  auto push32 = [&c](const Hash32& word) {
    c.push_back(0x7f);
    c.insert(c.end(), word.bytes.begin(), word.bytes.end());
  };
  // Dispatch on the selector (calldata word 0 >> 224).
  op({0x60, 0x00, 0x35, 0x60, 0xe0, 0x1c});                          // selector
  op({0x80, 0x63, 0x60, 0xfe, 0x47, 0xb1, 0x14, 0x60, 0x71, 0x57});  // == set → 0x71
  op({0x80, 0x63, 0x6d, 0x4c, 0xe6, 0x3c, 0x14, 0x60, 0xa4, 0x57});  // == get → 0xa4
  // Fallback: revert(Error("nope")).
  Hash32 selector;
  selector.bytes[0] = 0x08, selector.bytes[1] = 0xc3, selector.bytes[2] = 0x79;
  selector.bytes[3] = 0xa0;
  push32(selector);
  op({0x60, 0x00, 0x52});              // mstore(0, selector)
  op({0x60, 0x20, 0x60, 0x04, 0x52});  // mstore(4, 0x20): string offset
  op({0x60, 0x04, 0x60, 0x24, 0x52});  // mstore(36, 4): length
  Hash32 text;
  text.bytes[0] = 'n', text.bytes[1] = 'o', text.bytes[2] = 'p', text.bytes[3] = 'e';
  push32(text);
  op({0x60, 0x44, 0x52});              // mstore(68, "nope")
  op({0x60, 0x64, 0x60, 0x00, 0xfd});  // revert(0, 100)
  REQUIRE(c.size() == 0x71);
  // set(v): sstore(0, v); mstore(0, v); log2(0, 32, topic0, caller); stop.
  op({0x5b, 0x60, 0x04, 0x35, 0x80, 0x60, 0x00, 0x55, 0x60, 0x00, 0x52, 0x33});
  push32(SetTopic());
  op({0x60, 0x20, 0x60, 0x00, 0xa2, 0x00});
  REQUIRE(c.size() == 0xa4);
  // get(): mstore(0, sload(0)); return(0, 32).
  op({0x5b, 0x60, 0x00, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3});
  return c;
}

// Init code: codecopy the runtime that follows it and return it.
inline Bytes StoreInitCode() {
  const Bytes runtime = StoreRuntime();
  Bytes c = {
      0x60, static_cast<uint8_t>(runtime.size()), 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00,
      0xf3};
  c.insert(c.end(), runtime.begin(), runtime.end());
  return c;
}

inline Bytes SetCall(uint64_t v) {
  Bytes data = {0x60, 0xfe, 0x47, 0xb1};
  const Hash32 word = uint256(v).ToBigEndian();
  data.insert(data.end(), word.bytes.begin(), word.bytes.end());
  return data;
}

inline Bytes GetCall() {
  return {0x6d, 0x4c, 0xe6, 0x3c};
}

inline std::string Word(uint64_t v) {
  return ToHex(uint256(v).ToBigEndian().view());
}

inline std::string Hex(const Address& a) {
  return ToHex(a.view());
}

// A fixture with the Store contract deployed by account 0 (nonce 0) in block 1.
struct Deployed : EthRpcFixture {
  explicit Deployed(node::EthRpcOptions options = {}) : EthRpcFixture(std::move(options)) {
    deploy_hash = Send(Sign(0, 0, std::nullopt, 0, StoreInitCode(), 300'000, true));
    deploy_block = test_chain.CommitPending();
    contract = evm::CreateAddress(account(0).address, 0);
  }
  // Sends set(v) from `from` and commits it; the tx hash.
  std::string Set(size_t from, uint64_t nonce, uint64_t v) {
    std::string hash = Send(Sign(from, nonce, contract, 0, SetCall(v), 100'000, from % 2 == 0));
    test_chain.CommitPending();
    return hash;
  }
  Json CallGet(const Json& block = "latest") {
    return Result("eth_call", {{{"to", Hex(contract)}, {"data", ToHex(GetCall())}}, block});
  }

  std::string deploy_hash;
  BlockRecord deploy_block;
  Address contract;
};

}  // namespace theta::node::testing
