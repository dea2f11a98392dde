// Ethereum raw transactions: differential against ethers (random legacy EIP-155, EIP-2930 and
// EIP-1559 txs signed there, decoded and recovered here, re-signed here to the same bytes; random
// EIP-2930 txs signed here and parsed by ethers), the strict decoder's rejections, and execution
// as SmartContractTxs on ledger state.
#include "theta/ledger/eth_tx.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "support/test_data.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

using Json = nlohmann::json;

constexpr uint64_t kHeight = 20'000'000;
const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);

std::filesystem::path TestsDir() {
  return testing::RepoTestDataDir().parent_path();
}

// Runs tests/ledger/js/<script> with `args` and parses the JSON it prints.
Json RunEthers(const std::string& script, const std::string& args) {
  if (!std::filesystem::exists(TestsDir() / "node_modules/ethers/package.json"))
    FAIL("ethers is not installed in tests/node_modules: run scripts/bootstrap (npm ci in tests/)");
  const std::string command = "node '" + (TestsDir() / "ledger/js" / script).string() + "' " + args;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    FAIL("`" << command << "` failed (status " << status << "); output: " << output);
  Json answer = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(answer.is_discarded());
  return answer;
}

Json AskEthers(uint32_t seed, int count, uint64_t chain_id) {
  return RunEthers("ethers_eth_tx_oracle.mjs", std::to_string(seed) + " " + std::to_string(count) +
                                                   " " + std::to_string(chain_id));
}

Bytes HexBytes(const Json& j) {
  auto bytes = ParseHex(j.get<std::string>());
  REQUIRE(bytes.ok());
  return *bytes;
}
uint256 Dec(const Json& j) {
  auto v = uint256::FromDecimal(j.get<std::string>());
  REQUIRE(v.ok());
  return *v;
}

TEST_CASE(
    "ethers-signed legacy, EIP-2930 and EIP-1559 transactions decode, recover and re-sign "
    "identically",
    "[ledger][eth]") {
  const uint256 chain_id = EvmChainId("privatenet", kHeight);  // 366
  const Json txs = AskEthers(7, 90, 366);
  REQUIRE(txs.size() == 90);
  int per_type[3] = {0, 0, 0};
  for (const Json& j : txs) {
    ++per_type[j["type"].get<int>()];
    INFO(j.dump());
    const Bytes raw = HexBytes(j["raw"]);
    auto tx = DecodeEthTx(raw);
    REQUIRE(tx.ok());
    CHECK(static_cast<int>(tx->type) == j["type"].get<int>());
    CHECK(tx->chain_id == chain_id);
    CHECK(tx->nonce == std::stoull(j["nonce"].get<std::string>()));
    CHECK(tx->gas_limit == std::stoull(j["gasLimit"].get<std::string>()));
    CHECK(tx->gas_price == Dec(j["gasPrice"]));
    CHECK(tx->max_fee_per_gas == Dec(j["maxFeePerGas"]));
    CHECK(tx->max_priority_fee_per_gas == Dec(j["maxPriorityFeePerGas"]));
    CHECK(tx->value == Dec(j["value"]));
    CHECK(tx->data == HexBytes(j["data"]));
    CHECK(tx->to.has_value() == !j["to"].get<std::string>().empty());
    if (tx->to) CHECK(ToHex(tx->to->view()) == j["to"].get<std::string>());
    REQUIRE(tx->access_list.size() == j["accessList"].size());
    for (size_t i = 0; i < tx->access_list.size(); ++i) {
      CHECK(ToHex(tx->access_list[i].address.view()) == j["accessList"][i]["address"]);
      CHECK(tx->access_list[i].storage_keys.size() == j["accessList"][i]["storageKeys"].size());
    }
    auto sender = EthSender(*tx);
    REQUIRE(sender.ok());
    CHECK(ToHex(sender->view()) == j["from"].get<std::string>());
    CHECK(EncodeEthTx(*tx) == raw);
    CHECK(ToHex(Keccak256(raw).view()) == j["hash"].get<std::string>());
    // RFC 6979 on both sides: our signature of the same fields is byte-identical.
    EthTx resigned = *tx;
    resigned.signature = {};
    SignEthTx(resigned, *PrivateKey::FromHex(j["privateKey"].get<std::string>()));
    CHECK(EncodeEthTx(resigned) == raw);
    // Translation for execution.
    auto decoded = DecodeRawTx(raw, "privatenet", kHeight);
    REQUIRE(decoded.ok());
    CHECK(decoded->from_ethereum);
    const auto& contract = std::get<SmartContractTx>(decoded->tx);
    CHECK(contract.from.address == *sender);
    CHECK(contract.from.sequence == tx->nonce + 1);
    CHECK(contract.from.coins == Coins::TFuel(tx->value));
    CHECK(contract.gas_price ==
          (tx->type == EthTx::Type::kDynamicFee ? tx->max_fee_per_gas : tx->gas_price));
    CHECK(decoded->hash == Keccak256(raw));
    CHECK(decoded->access_list == tx->access_list);
  }
  CHECK(per_type[0] > 10);
  CHECK(per_type[1] > 10);
  CHECK(per_type[2] > 10);
}

TEST_CASE("EIP-2930 transactions signed here are parsed by ethers to the same fields",
          "[ledger][eth]") {
  std::mt19937_64 random(2930);
  auto bytes = [&](size_t n) {
    Bytes out(n);
    for (uint8_t& b : out)
      b = static_cast<uint8_t>(random());
    return out;
  };
  std::vector<EthTx> txs;
  std::string args;
  for (int i = 0; i < 20; ++i) {
    EthTx tx;
    tx.type = EthTx::Type::kAccessList;
    tx.chain_id = i % 2 == 0 ? 366 : 361;
    tx.nonce = random() % 1'000'000;
    tx.gas_price = uint256(random() % 10'000'000'000'000ULL);
    tx.gas_limit = 21'000 + random() % 20'000'000;
    if (i % 4 != 0) tx.to = *Address::FromBytes(bytes(20));
    tx.value = uint256(random());
    tx.data = bytes(random() % 100);
    for (size_t t = random() % 3; t > 0; --t) {
      EthAccessTuple tuple{*Address::FromBytes(bytes(20)), {}};
      for (size_t k = random() % 3; k > 0; --k)
        tuple.storage_keys.push_back(*Hash32::FromBytes(bytes(32)));
      tx.access_list.push_back(std::move(tuple));
    }
    Bytes key_bytes = bytes(32);
    key_bytes[0] = 0x01;  // below the group order
    SignEthTx(tx, *PrivateKey::FromBytes(key_bytes));
    args += " " + ToHex(EncodeEthTx(tx));
    txs.push_back(std::move(tx));
  }
  const Json parsed = RunEthers("ethers_parse_tx.mjs", args);
  REQUIRE(parsed.size() == txs.size());
  for (size_t i = 0; i < txs.size(); ++i) {
    const EthTx& tx = txs[i];
    const Json& j = parsed[i];
    INFO(j.dump());
    CHECK(j["type"].get<int>() == 1);
    CHECK(j["from"].get<std::string>() == ToHex(EthSender(tx)->view()));
    CHECK(j["hash"].get<std::string>() == ToHex(Keccak256(EncodeEthTx(tx)).view()));
    CHECK(Dec(j["chainId"]) == tx.chain_id);
    CHECK(std::stoull(j["nonce"].get<std::string>()) == tx.nonce);
    CHECK(std::stoull(j["gasLimit"].get<std::string>()) == tx.gas_limit);
    CHECK(Dec(j["gasPrice"]) == tx.gas_price);
    CHECK(j["to"].get<std::string>() == (tx.to ? ToHex(tx.to->view()) : ""));
    CHECK(Dec(j["value"]) == tx.value);
    CHECK(HexBytes(j["data"]) == tx.data);
    REQUIRE(j["accessList"].size() == tx.access_list.size());
    for (size_t t = 0; t < tx.access_list.size(); ++t) {
      CHECK(j["accessList"][t]["address"] == ToHex(tx.access_list[t].address.view()));
      REQUIRE(j["accessList"][t]["storageKeys"].size() == tx.access_list[t].storage_keys.size());
      for (size_t k = 0; k < tx.access_list[t].storage_keys.size(); ++k)
        CHECK(j["accessList"][t]["storageKeys"][k] ==
              ToHex(tx.access_list[t].storage_keys[k].view()));
    }
  }
}

EthTx Legacy(const PrivateKey& key, uint64_t nonce, std::optional<Address> to, uint64_t chain) {
  EthTx tx;
  tx.chain_id = chain;
  tx.nonce = nonce;
  tx.gas_price = uint256(4'000'000'000'000ULL);
  tx.gas_limit = 100'000;
  tx.to = to;
  tx.value = kWei;
  SignEthTx(tx, key);
  return tx;
}

TEST_CASE("the Ethereum decoder refuses what it cannot trust", "[ledger][eth]") {
  const PrivateKey key = *PrivateKey::FromBytes(Bytes(32, 5));
  Address to;
  to.bytes.fill(1);
  const Bytes good = EncodeEthTx(Legacy(key, 0, to, 366));
  REQUIRE(DecodeEthTx(good).ok());
  Bytes trailing = good;
  trailing.push_back(0);
  CHECK(!DecodeEthTx(trailing).ok());
  CHECK(!DecodeEthTx(Bytes{}).ok());
  CHECK_THAT(std::string(DecodeEthTx(Bytes{0x03, 0xc0}).status().message()),
             Catch::Contains("not supported"));
  CHECK_THAT(std::string(DecodeEthTx(Bytes{0x01, 0xc0}).status().message()),
             Catch::Contains("EIP-2930"));
  // Unprotected (v = 27): refused.
  EthTx tx = Legacy(key, 0, to, 366);
  RlpWriter w;
  w.BeginList().AddUint(0).AddUint(1).AddUint(21000).AddBytes(to.view()).AddUint(0).AddBytes({});
  w.AddUint(27).AddBytes(tx.signature.r().view()).AddBytes(tx.signature.s().view()).EndList();
  CHECK_THAT(std::string(DecodeEthTx(std::move(w).Finish()).status().message()),
             Catch::Contains("EIP-155"));
  // High s: refused (one encoding per signature).
  const uint256 n =
      *uint256::FromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EthTx high = tx;
  high.signature = Signature::FromParts(
      tx.signature.r(), (n - *uint256::FromBigEndian(tx.signature.s().view())).ToBigEndian(),
      tx.signature.v() ^ 1);
  CHECK(!DecodeEthTx(EncodeEthTx(high)).ok());
  // A 19-byte `to`.
  RlpWriter w2;
  w2.BeginList().AddUint(0).AddUint(1).AddUint(21000).AddBytes(Bytes(19, 1)).AddUint(0);
  w2.AddBytes({}).AddUint(767).AddUint(1).AddUint(1).EndList();
  CHECK_THAT(std::string(DecodeEthTx(std::move(w2).Finish()).status().message()),
             Catch::Contains("19 bytes"));
  // EIP-1559 with the tip above the cap.
  EthTx dyn;
  dyn.type = EthTx::Type::kDynamicFee;
  dyn.chain_id = 366;
  dyn.max_priority_fee_per_gas = 2;
  dyn.max_fee_per_gas = 1;
  SignEthTx(dyn, key);
  CHECK_THAT(std::string(DecodeEthTx(EncodeEthTx(dyn)).status().message()),
             Catch::Contains("maxPriorityFeePerGas"));
  // Wrong chain ID and the pre-compatibility height.
  const Bytes mainnet = EncodeEthTx(Legacy(key, 0, to, 361));
  CHECK_THAT(std::string(DecodeRawTx(mainnet, "privatenet", kHeight).status().message()),
             Catch::Contains("chain ID 361"));
  CHECK(DecodeRawTx(good, "privatenet", kHeightRpcCompatibility - 1).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(DecodeRawTx(Bytes{0xff}, "privatenet", kHeight).status().message()),
             Catch::Contains("nor an Ethereum one"));
}

TEST_CASE("Ethereum transactions execute as smart-contract transactions", "[ledger][eth]") {
  auto store = NewMemoryStore();
  LedgerState state(*store);
  const PrivateKey key = *PrivateKey::FromBytes(Bytes(32, 6));
  const Address sender = AddressFromPublicKey(key.DerivePublicKey());
  Account a;
  a.address = sender;
  a.balance = Coins{0, 100 * kWei};
  REQUIRE(state.SetAccount(a).ok());
  ExecutionContext context{"privatenet", kHeight, false};
  Address to;
  to.bytes.fill(0x42);

  auto call = DecodeRawTx(EncodeEthTx(Legacy(key, 0, to, 366)), "privatenet", kHeight);
  REQUIRE(call.ok());
  TxReceipt receipt;
  REQUIRE(ApplyDecodedTx(state, *call, context, &receipt).ok());
  CHECK(receipt.status == evm::StatusCode::kSuccess);
  auto got = state.GetAccount(to);
  REQUIRE(got.ok());
  CHECK((*got)->balance == Coins::TFuel(kWei));
  // Replaying the same nonce fails on the sequence.
  CHECK(ApplyDecodedTx(state, *call, context).code() == absl::StatusCode::kFailedPrecondition);

  EthTx create;
  create.type = EthTx::Type::kDynamicFee;
  create.chain_id = 366;
  create.nonce = 1;
  create.max_priority_fee_per_gas = 1;
  create.max_fee_per_gas = uint256(4'000'000'000'000ULL);
  create.gas_limit = 100'000;
  create.data = {0x60, 0x00, 0x60, 0x00, 0xf3};  // RETURN(0, 0): an empty contract
  SignEthTx(create, key);
  auto deploy = DecodeRawTx(EncodeEthTx(create), "privatenet", kHeight);
  REQUIRE(deploy.ok());
  REQUIRE(ApplyDecodedTx(state, *deploy, context, &receipt).ok());
  CHECK(receipt.status == evm::StatusCode::kSuccess);
  RlpWriter w;
  w.BeginList().AddBytes(sender.view()).AddUint(1).EndList();
  const Hash32 h = Keccak256(std::move(w).Finish());
  Address expected;
  std::copy(h.bytes.begin() + 12, h.bytes.end(), expected.bytes.begin());
  CHECK(receipt.contract_address == expected);
  auto after = state.GetAccount(sender);
  REQUIRE(after.ok());
  CHECK((*after)->sequence == 2);
  // An access list costs EIP-2930's intrinsic gas: 2,400 per address, 1,900 per key.
  EthTx listed;
  listed.type = EthTx::Type::kDynamicFee;
  listed.chain_id = 366;
  listed.nonce = 2;
  listed.max_fee_per_gas = uint256(4'000'000'000'000ULL);
  listed.gas_limit = 30'000;
  listed.to = to;
  listed.access_list = {EthAccessTuple{to, {Hash32{}}}};
  SignEthTx(listed, key);
  auto with_list = DecodeRawTx(EncodeEthTx(listed), "privatenet", kHeight);
  REQUIRE(with_list.ok());
  REQUIRE(ApplyDecodedTx(state, *with_list, context, &receipt).ok());
  CHECK(receipt.gas_used == 21'000 + 2'400 + 1'900);
  // The same as an EIP-2930 tx: gasPrice is the price, the list warms and costs the same.
  EthTx typed1;
  typed1.type = EthTx::Type::kAccessList;
  typed1.chain_id = 366;
  typed1.nonce = 3;
  typed1.gas_price = uint256(4'000'000'000'000ULL);
  typed1.gas_limit = 30'000;
  typed1.to = to;
  typed1.value = kWei;
  typed1.access_list = {EthAccessTuple{to, {Hash32{}, Hash32{}}}, EthAccessTuple{sender, {}}};
  SignEthTx(typed1, key);
  const Bytes raw1 = EncodeEthTx(typed1);
  CHECK(raw1[0] == 0x01);
  auto decoded1 = DecodeRawTx(raw1, "privatenet", kHeight);
  REQUIRE(decoded1.ok());
  CHECK(decoded1->hash == Keccak256(raw1));
  CHECK(std::get<SmartContractTx>(decoded1->tx).gas_price == typed1.gas_price);
  REQUIRE(ApplyDecodedTx(state, *decoded1, context, &receipt).ok());
  CHECK(receipt.status == evm::StatusCode::kSuccess);
  CHECK(receipt.gas_used == 21'000 + 2 * 2'400 + 2 * 1'900);
  got = state.GetAccount(to);
  CHECK((*got)->balance == Coins::TFuel(2 * kWei));
  // Its gas limit must cover the list's intrinsic gas.
  typed1.nonce = 4;
  typed1.gas_limit = 21'000 + 2 * 2'400 + 2 * 1'900 - 1;
  SignEthTx(typed1, key);
  auto short1 = DecodeRawTx(EncodeEthTx(typed1), "privatenet", kHeight);
  REQUIRE(short1.ok());
  CHECK_THAT(std::string(ApplyDecodedTx(state, *short1, context).message()),
             Catch::Contains("intrinsic gas"));
  // A gas price below Theta's minimum is refused like any SmartContractTx.
  EthTx cheap = Legacy(key, 4, to, 366);
  cheap.gas_price = 1;
  SignEthTx(cheap, key);
  auto low = DecodeRawTx(EncodeEthTx(cheap), "privatenet", kHeight);
  REQUIRE(low.ok());
  CHECK_THAT(std::string(ApplyDecodedTx(state, *low, context).message()),
             Catch::Contains("gas price"));
}

}  // namespace
}  // namespace theta::ledger
