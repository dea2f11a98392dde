// SmartContractTx executed by theta-evm on the ledger state: deployment, calls, revert, out of
// gas, value transfer, storage layout and persistence across commit and reopen.
#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kHeight = 20'000'000;
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kGasPrice = uint256(4'000'000'000'000ULL);  // the minimum from 2021
constexpr char kChain[] = "privatenet";

// Runtime (hand-assembled), by calldata size:
//   32: slot0 = calldata word; then as 0.   0: LOG1(topic CALLVALUE, data slot0); return slot0.
//    1: REVERT("no").                        2: loop until out of gas.
// Init code: slot1 = 7; CODECOPY the 62-byte runtime; RETURN it.
constexpr char kRuntime[] =
    "3680600114602e5780600214603a5760201415601c576000356000555b6000546000523460206000a160206000f3"
    "5b616e6f6000526002601efd5b603a56";
constexpr char kInit[] = "6007600155603e6011600039603e6000f3";

Bytes Hex(std::string_view text) {
  return *ParseHex("0x" + std::string(text));
}

Bytes InitCode() {
  Bytes code = Hex(kInit);
  const Bytes runtime = Hex(kRuntime);
  code.insert(code.end(), runtime.begin(), runtime.end());
  return code;
}

Bytes Word(uint8_t low) {
  Bytes word(32, 0);
  word[31] = low;
  return word;
}

Hash32 Slot(uint8_t index) {
  Hash32 slot;
  slot.bytes[31] = index;
  return slot;
}

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

struct Chain {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  ExecutionContext context{kChain, kHeight, false};
  PrivateKey alice = Key(1);
  uint64_t sequence = 0;

  Chain() {
    Account a;
    a.address = AddressOf(alice);
    a.balance = Coins{kTFuel, 100 * kTFuel};
    REQUIRE(state.SetAccount(a).ok());
  }
  Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    return **account;
  }
  Tx Make(const Address& to, Bytes data, const uint256& value = 0, uint64_t gas_limit = 200'000,
          const uint256& gas_price = kGasPrice) {
    Tx tx = SmartContractTx{TxInput{AddressOf(alice), Coins::TFuel(value), sequence + 1, {}},
                            TxOutput{to, {}}, gas_limit, gas_price, std::move(data)};
    REQUIRE(SignTx(tx, kChain, alice).ok());
    return tx;
  }
  TxReceipt Run(const Tx& tx) {
    TxReceipt receipt;
    const absl::Status status = ApplyTx(state, tx, context, &receipt);
    INFO(status.ToString());
    REQUIRE(status.ok());
    ++sequence;
    return receipt;
  }
  Address Deploy(const uint256& value = 0) {
    const TxReceipt receipt = Run(Make(Address{}, InitCode(), value));
    REQUIRE(receipt.status == evm::StatusCode::kSuccess);
    return receipt.contract_address;
  }
  uint256 Storage(const Address& contract, uint8_t index) {
    auto value = state.GetStorage(Get(contract), Slot(index));
    REQUIRE(value.ok());
    return *value;
  }
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(std::string(status.message()), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
};

TEST_CASE("a contract deploys at the ethereum create address with its code and storage",
          "[ledger][contract]") {
  Chain c;
  const TxReceipt receipt = c.Run(c.Make(Address{}, InitCode(), kTFuel));
  REQUIRE(receipt.status == evm::StatusCode::kSuccess);
  CHECK(receipt.evm_error.empty());
  CHECK(receipt.contract_address == evm::CreateAddress(AddressOf(c.alice), 0));
  const Account contract = c.Get(receipt.contract_address);
  CHECK(contract.code_hash == Keccak256(Hex(kRuntime)));
  CHECK(contract.IsSmartContract());
  CHECK(contract.sequence == 1);
  CHECK(contract.balance == Coins::TFuel(kTFuel));
  auto code = c.state.GetCode(contract.code_hash);
  REQUIRE(code.ok());
  CHECK(*code == Hex(kRuntime));
  CHECK(c.Storage(receipt.contract_address, 1) == uint256(7));
  CHECK(c.Storage(receipt.contract_address, 0) == uint256(0));
  // Gas: intrinsic 53,000 + 4/68 per byte, SSTORE 20,000 + 2,100 for the cold slot (Cancun,
  // EIP-2929), code deposit 200 per byte, and the few cheap instructions; the sender pays gas
  // used × price and the sequence advances once.
  const uint64_t intrinsic = IntrinsicGas(InitCode(), true);
  CHECK(receipt.gas_used > intrinsic + 22'100 + 200 * 62);
  CHECK(receipt.gas_used < intrinsic + 22'100 + 200 * 62 + 100);
  const Account alice = c.Get(AddressOf(c.alice));
  CHECK(alice.sequence == 1);
  CHECK(alice.balance == Coins{kTFuel, 99 * kTFuel - kGasPrice * uint256(receipt.gas_used)});
  // A second creation gets the next address.
  CHECK(c.Deploy() == evm::CreateAddress(AddressOf(c.alice), 1));
}

TEST_CASE("a contract call stores, logs, returns and receives value", "[ledger][contract]") {
  Chain c;
  const Address contract = c.Deploy();
  const TxReceipt set = c.Run(c.Make(contract, Word(42), 5));
  REQUIRE(set.status == evm::StatusCode::kSuccess);
  CHECK(set.evm_return == Word(42));
  CHECK(set.contract_address == Address{});
  REQUIRE(set.logs.size() == 1);
  CHECK(set.logs[0].address == contract);
  REQUIRE(set.logs[0].topics.size() == 1);
  CHECK(set.logs[0].topics[0] == uint256(5).ToBigEndian());
  CHECK(set.logs[0].data == Word(42));
  CHECK(c.Storage(contract, 0) == uint256(42));
  CHECK(c.Get(contract).balance == Coins::TFuel(5));
  CHECK(c.Get(AddressOf(c.alice)).sequence == 2);
  const TxReceipt read = c.Run(c.Make(contract, {}));
  CHECK(read.evm_return == Word(42));
}

TEST_CASE("a reverted call is charged, keeps no changes and reports its data",
          "[ledger][contract]") {
  Chain c;
  const Address contract = c.Deploy();
  const Coins before = c.Get(AddressOf(c.alice)).balance;
  const TxReceipt receipt = c.Run(c.Make(contract, Bytes{1}, 9));
  CHECK(receipt.status == evm::StatusCode::kRevert);
  CHECK(receipt.evm_error == "revert");
  CHECK(receipt.evm_return == Bytes{'n', 'o'});
  CHECK(receipt.logs.empty());
  CHECK(receipt.gas_used < 30'000);         // REVERT returns the unused gas
  CHECK(c.Get(contract).balance.IsZero());  // the value went back
  CHECK(c.Get(AddressOf(c.alice)).balance ==
        Coins{before.theta_wei, before.tfuel_wei - kGasPrice * uint256(receipt.gas_used)});
  CHECK(c.Get(AddressOf(c.alice)).sequence == 2);
}

TEST_CASE("a call that runs out of gas pays for all of it", "[ledger][contract]") {
  Chain c;
  const Address contract = c.Deploy();
  const Coins before = c.Get(AddressOf(c.alice)).balance;
  const TxReceipt receipt = c.Run(c.Make(contract, Bytes{1, 2}, 0, 50'000));
  CHECK(receipt.status == evm::StatusCode::kOutOfGas);
  CHECK(receipt.evm_error == "out of gas");
  CHECK(receipt.gas_used == 50'000);
  CHECK(c.Get(AddressOf(c.alice)).balance ==
        Coins{before.theta_wei, before.tfuel_wei - kGasPrice * uint256(50'000)});
  // A creation whose init code runs out of gas leaves no contract but still uses the sequence.
  const TxReceipt failed = c.Run(c.Make(Address{}, InitCode(), 0, 60'000));
  CHECK(failed.status == evm::StatusCode::kOutOfGas);
  const Address would_be = evm::CreateAddress(AddressOf(c.alice), 2);
  auto missing = c.state.GetAccount(would_be);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  CHECK(c.Get(AddressOf(c.alice)).sequence == 3);
}

TEST_CASE("a smart contract tx to a plain account transfers tfuel for 21000 gas",
          "[ledger][contract]") {
  Chain c;
  Address bob;
  bob.bytes.fill(0xb0);
  const TxReceipt receipt = c.Run(c.Make(bob, {}, 3 * kTFuel, 21'000));
  CHECK(receipt.status == evm::StatusCode::kSuccess);
  CHECK(receipt.gas_used == 21'000);
  CHECK(c.Get(bob).balance == Coins::TFuel(3 * kTFuel));
  CHECK(c.Get(AddressOf(c.alice)).balance ==
        Coins{kTFuel, 97 * kTFuel - kGasPrice * uint256(21'000)});
}

TEST_CASE("contract storage uses raw slot keys and trimmed rlp words and survives a reopen",
          "[ledger][contract]") {
  Chain c;
  const Address contract = c.Deploy();
  c.Run(c.Make(contract, Word(42)));
  WriteBatch batch;
  const Hash32 root = c.state.Commit(batch);
  REQUIRE(c.store->Write(batch).ok());

  const Account account = c.Get(contract);
  auto storage = Trie::Open(*c.store, account.root);
  REQUIRE(storage.ok());
  auto raw = storage->Get(Slot(0).view());
  REQUIRE(raw.ok());
  REQUIRE(raw->has_value());
  CHECK(**raw == Bytes{42});  // RLP of the one-byte word 0x2a is the byte itself
  auto seven = storage->Get(Slot(1).view());
  REQUIRE(seven.ok());
  CHECK(**seven == Bytes{7});
  auto code = Trie::Open(*c.store, root)->Get(CodeKey(account.code_hash));
  REQUIRE(code.ok());
  CHECK(**code == Hex(kRuntime));

  auto reopened = LedgerState::Open(*c.store, root);
  REQUIRE(reopened.ok());
  Chain d;
  d.state = std::move(*reopened);
  d.sequence = c.sequence;
  const TxReceipt read = [&] {
    TxReceipt r;
    REQUIRE(ApplyTx(d.state, c.Make(contract, {}), d.context, &r).ok());
    return r;
  }();
  CHECK(read.evm_return == Word(42));
  // Writing zero deletes the slot.
  c.Run(c.Make(contract, Word(0)));
  CHECK(c.Storage(contract, 0) == uint256(0));
  WriteBatch batch2;
  c.state.Commit(batch2);
  REQUIRE(c.store->Write(batch2).ok());
  auto cleared = Trie::Open(*c.store, c.Get(contract).root);
  REQUIRE(cleared.ok());
  auto gone = cleared->Get(Slot(0).view());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK(cleared->Get(Slot(1).view())->has_value());
}

// Init code that deploys `runtime` as is (runtime under 256 bytes).
Bytes Deployable(const Bytes& runtime) {
  const auto n = static_cast<uint8_t>(runtime.size());
  Bytes code = {0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3};
  code.insert(code.end(), runtime.begin(), runtime.end());
  return code;
}

TEST_CASE("nested calls reach other contracts' storage and are undone with their caller",
          "[ledger][contract]") {
  Chain c;
  const Address store = c.Deploy();
  // Proxy: copies its first calldata word to memory, CALLs `store` with it (32 bytes in, 32 out),
  // then returns the output, or REVERTs when its own calldata is 33 bytes long.
  const Bytes proxy_runtime =
      Hex("60003560005260206000602060006000"
          "73" +
          ToHex(store.view(), false) +
          "5af15036602114603457"
          "60206000f3"
          "5b60006000fd");
  const TxReceipt deployed = c.Run(c.Make(Address{}, Deployable(proxy_runtime)));
  REQUIRE(deployed.status == evm::StatusCode::kSuccess);
  const Address proxy = deployed.contract_address;
  CHECK(*c.state.GetCode(c.Get(proxy).code_hash) == proxy_runtime);

  const TxReceipt set = c.Run(c.Make(proxy, Word(42)));
  REQUIRE(set.status == evm::StatusCode::kSuccess);
  CHECK(set.evm_return == Word(42));
  CHECK(c.Storage(store, 0) == uint256(42));
  REQUIRE(set.logs.size() == 1);
  CHECK(set.logs[0].address == store);

  Bytes reverting = Word(99);
  reverting.push_back(0);
  const TxReceipt undone = c.Run(c.Make(proxy, reverting));
  CHECK(undone.status == evm::StatusCode::kRevert);
  CHECK(undone.logs.empty());
  CHECK(c.Storage(store, 0) == uint256(42));
}

TEST_CASE("selfdestruct follows Cancun: it pays out, and deletes only a contract of this tx",
          "[ledger][contract]") {
  Chain c;
  Address heir;
  heir.bytes.fill(0x4e);
  const Bytes runtime = Hex("73" + ToHex(heir.view(), false) + "ff");
  const TxReceipt deployed = c.Run(c.Make(Address{}, Deployable(runtime), 2 * kTFuel));
  REQUIRE(deployed.status == evm::StatusCode::kSuccess);
  CHECK(c.Get(deployed.contract_address).balance == Coins::TFuel(2 * kTFuel));
  // EIP-6780: a contract from an earlier tx keeps its code and storage; its balance goes.
  const TxReceipt paid = c.Run(c.Make(deployed.contract_address, {}));
  REQUIRE(paid.status == evm::StatusCode::kSuccess);
  const Account kept = c.Get(deployed.contract_address);
  CHECK(kept.IsSmartContract());
  CHECK(kept.balance.IsZero());
  CHECK(c.Get(heir).balance == Coins::TFuel(2 * kTFuel));
  // Init code that self-destructs: created and destroyed in one tx, so the account is deleted.
  const TxReceipt gone = c.Run(c.Make(Address{}, runtime, kTFuel));
  REQUIRE(gone.status == evm::StatusCode::kSuccess);
  auto account = c.state.GetAccount(gone.contract_address);
  REQUIRE(account.ok());
  CHECK_FALSE(account->has_value());
  CHECK(c.Get(heir).balance == Coins::TFuel(3 * kTFuel));
}

TEST_CASE("Cancun instructions run on ledger state: PUSH0, transient storage, MCOPY",
          "[ledger][contract]") {
  Chain c;
  // PUSH1 7, PUSH0, TSTORE; PUSH0, TLOAD, PUSH0, MSTORE; PUSH1 32, PUSH0, PUSH1 32, MCOPY;
  // PUSH1 32, PUSH1 32, RETURN: returns the word 7 read back through TLOAD and MCOPY.
  const Bytes runtime = Hex("60075f5d5f5c5f5260205f60205e60206020f3");
  const TxReceipt deployed = c.Run(c.Make(Address{}, Deployable(runtime)));
  REQUIRE(deployed.status == evm::StatusCode::kSuccess);
  const TxReceipt run = c.Run(c.Make(deployed.contract_address, {}));
  REQUIRE(run.status == evm::StatusCode::kSuccess);
  CHECK(run.evm_return == Word(7));
}

TEST_CASE("a smart contract tx is rejected for each broken rule", "[ledger][contract]") {
  Chain c;
  SECTION("gas price too low") {
    c.Reject(c.Make(Address{}, InitCode(), 0, 200'000, kGasPrice - 1),
             absl::StatusCode::kInvalidArgument, "below the minimum of 4000000000000");
  }
  SECTION("gas limit too high") {
    c.Reject(c.Make(Address{}, InitCode(), 0, 20'000'001), absl::StatusCode::kInvalidArgument,
             "above the maximum of 20000000");
  }
  SECTION("gas limit below the intrinsic gas") {
    c.Reject(c.Make(Address{}, {}, 0, 52'999), absl::StatusCode::kInvalidArgument,
             "below the intrinsic gas 53000");
  }
  SECTION("gas price times limit too high") {
    c.Reject(c.Make(Address{}, {}, 0, 60'000, uint256::Max() >> 8),
             absl::StatusCode::kInvalidArgument, "too high");
  }
  SECTION("value plus gas over the balance") {
    c.Reject(c.Make(Address{}, {}, 100 * kTFuel), absl::StatusCode::kFailedPrecondition,
             "value + gas limit × gas price");
  }
  SECTION("wrong sequence") {
    c.sequence = 1;
    c.Reject(c.Make(Address{}, {}), absl::StatusCode::kFailedPrecondition, "sent sequence 2");
  }
  SECTION("bad signature") {
    Tx tx = c.Make(Address{}, {});
    std::get<SmartContractTx>(tx).gas_limit += 1;
    c.Reject(tx, absl::StatusCode::kInvalidArgument, "was made by");
  }
  SECTION("theta value above the THETA balance") {
    Tx tx = c.Make(Address{}, {});
    std::get<SmartContractTx>(tx).from.coins.theta_wei = kTFuel + uint256(1);
    std::get<SmartContractTx>(tx).from.signature.clear();
    REQUIRE(SignTx(tx, kChain, c.alice).ok());
    c.Reject(tx, absl::StatusCode::kFailedPrecondition, "insufficient");
  }
  SECTION("before smart contracts") {
    c.context.block_height = kHeightEnableSmartContract - 1;
    c.Reject(c.Make(Address{}, {}), absl::StatusCode::kInvalidArgument, "enabled from");
  }
  SECTION("unknown sender") {
    Tx tx = c.Make(Address{}, {});
    std::get<SmartContractTx>(tx).from.address.bytes.fill(9);
    c.Reject(tx, absl::StatusCode::kFailedPrecondition, "unknown input address");
  }
}

TEST_CASE("gas rules and evm chain ids follow theta's fork heights", "[ledger][contract]") {
  CHECK(MinimumGasPrice(kHeightJune2021FeeAdjustment - 1) == uint256(100'000'000ULL));
  CHECK(MinimumGasPrice(kHeightJune2021FeeAdjustment) == kGasPrice);
  CHECK(MaximumGasLimit(kHeightJune2021FeeAdjustment - 1) == 10'000'000);
  CHECK(MaximumGasLimit(kHeightJune2021FeeAdjustment) == 20'000'000);
  CHECK(IntrinsicGas(Bytes{0, 1, 0}, false) == 21'000 + 4 + 68 + 4);
  CHECK(IntrinsicGas({}, true) == 53'000);
  CHECK(EvmChainId("mainnet", kHeight) == uint256(361));
  CHECK(EvmChainId("testnet", kHeight) == uint256(365));
  CHECK(EvmChainId("privatenet", kHeight) == uint256(366));
  CHECK(EvmChainId("mainnet", kHeightRpcCompatibility - 1) == uint256(1));
}

}  // namespace
}  // namespace theta::ledger
