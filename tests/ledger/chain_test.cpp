// The node's ledger API: genesis from JSON, blocks applied all-or-nothing in one write, historical
// roots with pruning, the block store (blocks, receipts by Theta or Ethereum hash) over LevelDB.
#include "theta/ledger/chain.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"

namespace theta::ledger {
namespace {

const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kSendFee = uint256(300'000'000'000'000'000ULL);

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

std::string GenesisJson() {
  const std::string alice = ToHex(AddressOf(Key(1)).view());
  const std::string validator = ToHex(AddressOf(Key(3)).view());
  return R"({"chain_id": "privatenet",
    "accounts": [{"address": ")" +
         alice + R"(", "theta": "1000000000000000000000000", "tfuel": "1000000000000000000000"}],
    "validators": [{"holder": ")" +
         validator + R"(", "source": ")" + alice +
         R"(", "amount": "200000000000000000000000"}],
    "guardians": [{"holder": "0x9999999999999999999999999999999999999999", "source": ")" +
         alice + R"(", "amount": "1000000000000000000000", "bls_pubkey": "0x)" +
         std::string(96, 'a') + R"("}]})";
}

Bytes Send(uint64_t sequence, const Address& to, const uint256& amount) {
  Tx tx = SendTx{Coins::TFuel(kSendFee),
                 {TxInput{AddressOf(Key(1)), Coins::TFuel(amount + kSendFee), sequence, {}}},
                 {TxOutput{to, Coins::TFuel(amount)}}};
  REQUIRE(SignTx(tx, "privatenet", Key(1)).ok());
  return EncodeTx(tx);
}

Hash32 BlockHash(uint64_t height) {
  return Keccak256(RlpEncodeUint(height));
}

TEST_CASE("genesis JSON is parsed strictly", "[ledger][chain]") {
  auto genesis = ParseGenesisJson(GenesisJson());
  REQUIRE(genesis.ok());
  CHECK(genesis->chain_id == "privatenet");
  REQUIRE(genesis->accounts.size() == 1);
  CHECK(genesis->accounts[0].balance == Coins{1'000'000 * kWei, 1'000 * kWei});
  REQUIRE(genesis->validators.size() == 1);
  CHECK(genesis->guardians[0].bls_pubkey.size() == 48);
  CHECK(!ParseGenesisJson("{").ok());
  CHECK(!ParseGenesisJson("[]").ok());
  CHECK_THAT(std::string(ParseGenesisJson(R"({"chain_id": "x"})").status().message()),
             Catch::Contains("accounts: missing"));
  CHECK_THAT(std::string(ParseGenesisJson(
                             R"({"chain_id": "x", "accounts": [{"address": "0x12", "theta": "1",
                                  "tfuel": "1"}]})")
                             .status()
                             .message()),
             Catch::Contains("accounts[0].address"));
  const std::string a = R"({"address": "0x1111111111111111111111111111111111111111", "theta": "1",
                            "tfuel": "1"})";
  CHECK_THAT(std::string(ParseGenesisJson(R"({"chain_id": "x", "accounts": [)" + a + "," + a + "]}")
                             .status()
                             .message()),
             Catch::Contains("duplicate"));
  CHECK_THAT(std::string(ParseGenesisJson(R"({"chain_id": "x", "accounts": [{"address":
             "0x1111111111111111111111111111111111111111", "theta": "-1", "tfuel": "1"}]})")
                             .status()
                             .message()),
             Catch::Contains("theta"));
  CHECK_THAT(std::string(ParseGenesisJson(R"({"chain_id": "x", "accounts": [], "guardians": [
             {"holder": "0x1111111111111111111111111111111111111111", "source":
             "0x1111111111111111111111111111111111111111", "amount": "5", "bls_pubkey": "0x12"}]})")
                             .status()
                             .message()),
             Catch::Contains("48 bytes"));
  CHECK(genesis->epoch_length == 0);  // absent: the genesis validators for good
  auto epochs = ParseGenesisJson(R"({"chain_id": "x", "accounts": [], "epoch_length": 100})");
  REQUIRE(epochs.ok());
  CHECK(epochs->epoch_length == 100);
  for (const char* bad : {"-1", "1.5", "\"100\"", "10000000000"}) {
    INFO(bad);
    CHECK_THAT(std::string(ParseGenesisJson(absl::StrCat(R"({"chain_id": "x", "accounts": [],
               "epoch_length": )",
                                                         bad, "}"))
                               .status()
                               .message()),
               Catch::Contains("epoch_length"));
  }
}

TEST_CASE("blocks apply in one write, all or nothing, and are found again after reopening",
          "[ledger][chain]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("theta-chain-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  Address bob;
  bob.bytes.fill(0xb0);
  Hash32 root1, root3;
  Hash32 eth_hash;
  {
    auto store = OpenLevelDbStore(dir.string());
    REQUIRE(store.ok());
    auto genesis = ParseGenesisJson(GenesisJson());
    REQUIRE(genesis.ok());
    auto chain = Chain::Create(**store, *genesis, ChainOptions{2});
    REQUIRE(chain.ok());
    CHECK(Chain::Create(**store, *genesis).status().code() == absl::StatusCode::kAlreadyExists);
    auto set = (*chain)->ValidatorSetAt(0);
    REQUIRE(set.ok());
    REQUIRE(set->size() == 1);
    CHECK((*set)[0].address == AddressOf(Key(3)));
    auto guardians = (*chain)->GuardianSetAt(0);
    REQUIRE(guardians.ok());
    CHECK(guardians->size() == 1);

    // Block 1: two sends.
    auto r1 = (*chain)->ApplyBlock(
        BlockInput{1, BlockHash(1), 1000, {Send(1, bob, kWei), Send(2, bob, kWei)}});
    REQUIRE(r1.ok());
    root1 = r1->state_root;
    REQUIRE(r1->receipts.size() == 2);
    CHECK(r1->receipts[1].tx_hash == TxHash(Send(2, bob, kWei)));
    CHECK((*chain)->Height() == 1);

    // Block 2 with a bad second tx (sequence 9): nothing is written.
    auto bad = (*chain)->ApplyBlock(
        BlockInput{2, BlockHash(2), 1006, {Send(3, bob, kWei), Send(9, bob, kWei)}});
    CHECK(bad.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(bad.status().message()), Catch::Contains("tx 1"));
    CHECK((*chain)->Height() == 1);
    CHECK((*chain)->StateRoot() == root1);
    CHECK(!(*chain)->GetReceipt(TxHash(Send(3, bob, kWei))).ok());
    CHECK((*chain)->ApplyBlock(BlockInput{3, BlockHash(3), 0, {}}).status().code() ==
          absl::StatusCode::kInvalidArgument);

    // Block 2: an Ethereum tx (EIP-2930, with an access list) beside a Theta one.
    EthTx eth;
    eth.type = EthTx::Type::kAccessList;
    eth.access_list = {EthAccessTuple{bob, {}}};
    eth.chain_id = 366;
    eth.nonce = 2;  // alice's sequence is 2 after two sends: the next is 3 = nonce + 1
    eth.gas_price = uint256(4'000'000'000'000ULL);
    eth.gas_limit = 50'000;
    eth.to = bob;
    eth.value = kWei;
    SignEthTx(eth, Key(1));
    const Bytes eth_raw = EncodeEthTx(eth);
    eth_hash = Keccak256(eth_raw);
    auto r2 =
        (*chain)->ApplyBlock(BlockInput{2, BlockHash(2), 1006, {eth_raw, Send(4, bob, kWei)}});
    INFO(r2.status().message());
    REQUIRE(r2.ok());
    CHECK(r2->receipts[0].receipt.gas_used == 21'000 + 2'400);
    CHECK(r2->receipts[0].tx_hash == eth_hash);

    // Block 3: a CoinbaseTx that is not first is refused; empty block fine.
    Tx coinbase = CoinbaseTx{TxInput{AddressOf(Key(3)), {}, 0, {}}, {}, 2};
    REQUIRE(SignTx(coinbase, "privatenet", Key(3)).ok());
    auto late = (*chain)->ApplyBlock(
        BlockInput{3, BlockHash(3), 1012, {Send(5, bob, kWei), EncodeTx(coinbase)}});
    CHECK_THAT(std::string(late.status().message()), Catch::Contains("first transaction"));
    auto r3 = (*chain)->ApplyBlock(BlockInput{3, BlockHash(3), 1012, {EncodeTx(coinbase)}});
    INFO(r3.status().message());
    REQUIRE(r3.ok());
    root3 = r3->state_root;
  }
  // Reopen from disk.
  auto store = OpenLevelDbStore(dir.string());
  REQUIRE(store.ok());
  auto chain = Chain::Open(**store, "privatenet", ChainOptions{2});
  REQUIRE(chain.ok());
  CHECK((*chain)->Height() == 3);
  CHECK((*chain)->StateRoot() == root3);
  auto state = (*chain)->StateAt(3);
  REQUIRE(state.ok());
  auto bob_account = state->GetAccount(bob);
  REQUIRE(bob_account.ok());
  CHECK((**bob_account).balance == Coins::TFuel(4 * kWei));
  // Depth 2: roots of blocks 1.. kept, genesis (height 0) pruned at block 3.
  CHECK((*chain)->StateRootAt(1).value() == root1);
  CHECK((*chain)->StateAt(0).status().code() == absl::StatusCode::kNotFound);
  CHECK((*chain)->StateAt(4).status().code() == absl::StatusCode::kNotFound);
  auto block = (*chain)->GetBlockByHash(BlockHash(2));
  REQUIRE(block.ok());
  CHECK(block->height == 2);
  CHECK(block->timestamp == 1006);
  REQUIRE(block->txs.size() == 2);
  auto receipt = (*chain)->GetReceipt(eth_hash);
  REQUIRE(receipt.ok());
  CHECK(receipt->height == 2);
  CHECK(receipt->index == 0);
  CHECK(!(*chain)->GetBlock(9).ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("receipts round-trip and corrupt ones are refused", "[ledger][chain]") {
  StoredReceipt r;
  r.tx_hash = Keccak256(Bytes{1});
  r.height = 5;
  r.index = 2;
  r.receipt.status = evm::StatusCode::kRevert;
  r.receipt.evm_error = "revert";
  r.receipt.evm_return = {1, 2};
  r.receipt.gas_used = 30'000;
  r.receipt.logs.push_back(evm::Log{Address{}, {Keccak256(Bytes{2})}, {3}});
  auto back = DecodeReceipt(EncodeReceipt(r), r.tx_hash);
  REQUIRE(back.ok());
  CHECK(back->tx_hash == r.tx_hash);
  CHECK(back->height == 5);
  CHECK(back->index == 2);
  CHECK(back->receipt.status == evm::StatusCode::kRevert);
  CHECK(back->receipt.evm_error == "revert");
  CHECK(back->receipt.contract_address.IsZero());
  CHECK(back->receipt.gas_used == 30'000);
  CHECK(back->receipt.logs.size() == 1);
  CHECK(back->receipt.logs[0].topics == r.receipt.logs[0].topics);
  r.receipt.contract_address.bytes.fill(0xc7);
  auto created = DecodeReceipt(EncodeReceipt(r), r.tx_hash);
  REQUIRE(created.ok());
  CHECK(created->receipt.contract_address == r.receipt.contract_address);
  Bytes bad = EncodeReceipt(r);
  bad.push_back(0);
  CHECK(!DecodeReceipt(bad, r.tx_hash).ok());
  CHECK(!DecodeReceipt(Bytes{0xc0}, r.tx_hash).ok());
}

TEST_CASE("a plain transfer's receipt is small, and the earlier receipt form still reads",
          "[ledger][chain]") {
  StoredReceipt r;
  r.tx_hash = Keccak256(Bytes{7});
  r.height = 123'456;
  r.index = 3'999;
  r.receipt.status = evm::StatusCode::kSuccess;
  // Height, index, status, four empty fields and a zero gas use: no hash, no zero address.
  CHECK(EncodeReceipt(r).size() <= 16);
  // The form stores wrote before: [txHash, height, index, status, evmErr, ret, address(20), gas,
  // logs].
  RlpWriter w;
  w.BeginList().AddBytes(r.tx_hash.view()).AddUint(r.height).AddUint(r.index).AddUint(0);
  w.AddString("").AddBytes(ByteView{}).AddBytes(Address{}.view()).AddUint(21'000);
  w.BeginList().EndList().EndList();
  const Bytes legacy = std::move(w).Finish();
  auto old = DecodeReceipt(legacy, r.tx_hash);
  REQUIRE(old.ok());
  CHECK(old->height == 123'456);
  CHECK(old->index == 3'999);
  CHECK(old->receipt.gas_used == 21'000);
  // Under another key the earlier form's own hash gives the corruption away.
  CHECK(!DecodeReceipt(legacy, Keccak256(Bytes{8})).ok());
  // A contract address is empty or 20 bytes.
  RlpWriter short_address;
  short_address.BeginList().AddUint(1).AddUint(0).AddUint(0).AddString("").AddBytes(ByteView{});
  short_address.AddBytes(Bytes{1, 2, 3, 4, 5}).AddUint(21'000).BeginList().EndList().EndList();
  CHECK(!DecodeReceipt(std::move(short_address).Finish(), r.tx_hash).ok());
}

TEST_CASE("a block returns stakes whose lock ends at its height", "[ledger][chain]") {
  auto store = NewMemoryStore();
  auto genesis = ParseGenesisJson(GenesisJson());
  REQUIRE(genesis.ok());
  auto chain = Chain::Create(*store, *genesis);
  REQUIRE(chain.ok());
  // Withdraw alice's validator stake in block 1; it returns in block 1 + 28,800. Walking there
  // block by block is slow, so check that ApplyBlock calls the return: a stake whose return height
  // is 2 is credited when block 2 applies.
  Tx withdraw = WithdrawStakeTx{Coins::TFuel(kSendFee), TxInput{AddressOf(Key(1)), {}, 1, {}},
                                TxOutput{AddressOf(Key(3)), {}}, kStakeForValidator};
  REQUIRE(SignTx(withdraw, "privatenet", Key(1)).ok());
  REQUIRE((*chain)->ApplyBlock(BlockInput{1, BlockHash(1), 0, {EncodeTx(withdraw)}}).ok());
  auto state = (*chain)->StateAt(1);
  REQUIRE(state.ok());
  auto pool = GetValidatorPool(*state);
  REQUIRE(pool.ok());
  CHECK(pool->sorted_candidates[0].stakes[0].return_height == 1 + kReturnLockingPeriod);
  auto set = (*chain)->ValidatorSetAt(1);
  REQUIRE(set.ok());
  CHECK(set->empty());
}

TEST_CASE("a block that skips refused transactions stores only the applied ones",
          "[ledger][chain]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("theta-chain-skip-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  Address bob;
  bob.bytes.fill(0xb1);
  {
    auto store = OpenLevelDbStore(dir.string());
    REQUIRE(store.ok());
    auto genesis = ParseGenesisJson(GenesisJson());
    REQUIRE(genesis.ok());
    auto chain = Chain::Create(**store, *genesis);
    REQUIRE(chain.ok());
    // A stale sequence, garbage bytes and a gap are refused; the two good sends apply in order.
    const Bytes garbage = {0xde, 0xad};
    BlockInput input{
        1,
        BlockHash(1),
        1000,
        {Send(1, bob, kWei), Send(1, bob, kWei), garbage, Send(2, bob, kWei), Send(5, bob, kWei)}};
    input.skip_refused = true;
    auto result = (*chain)->ApplyBlock(input);
    REQUIRE(result.ok());
    REQUIRE(result->txs.size() == 2);
    CHECK(result->txs[1] == Send(2, bob, kWei));
    REQUIRE(result->refused.size() == 3);
    CHECK(result->signers == std::vector<Address>{AddressOf(Key(1))});
    CHECK(result->signer_sequences == std::vector<uint64_t>{2});  // sequences 1 and 2 applied
    CHECK(result->refused[0].index == 1);
    CHECK(result->refused[1].index == 2);
    CHECK(result->refused[1].status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(result->refused[2].index == 4);
    REQUIRE(result->receipts.size() == 2);
    CHECK(result->receipts[1].index == 1);
    auto stored = (*chain)->GetBlock(1);
    REQUIRE(stored.ok());
    CHECK(stored->txs == result->txs);
    auto receipt = (*chain)->GetReceipt(TxHash(Send(2, bob, kWei)));
    REQUIRE(receipt.ok());
    CHECK(receipt->index == 1);
    CHECK(!(*chain)->GetReceipt(TxHash(Send(5, bob, kWei))).ok());
    auto state = (*chain)->StateAt(1);
    REQUIRE(state.ok());
    auto account = state->GetAccount(bob);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    CHECK((*account)->balance.tfuel_wei == 2 * kWei);
    // Hashes given with the txs name the receipts; a list of another length is refused.
    BlockInput hashed{2, BlockHash(2), 1001, {Send(3, bob, kWei), Send(4, bob, kWei)}};
    hashed.hashes = {TxHash(hashed.txs[0])};
    CHECK((*chain)->ApplyBlock(hashed).status().code() == absl::StatusCode::kInvalidArgument);
    hashed.hashes.push_back(TxHash(hashed.txs[1]));
    auto applied = (*chain)->ApplyBlock(hashed);
    REQUIRE(applied.ok());
    REQUIRE(applied->receipts.size() == 2);
    CHECK(applied->receipts[1].tx_hash == hashed.hashes[1]);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a block whose txs the caller keeps stores which ones were refused", "[ledger][chain]") {
  auto store = NewMemoryStore();
  auto genesis = ParseGenesisJson(GenesisJson());
  REQUIRE(genesis.ok());
  auto chain = Chain::Create(*store, *genesis);
  REQUIRE(chain.ok());
  Address bob;
  bob.bytes.fill(0xb1);
  const std::vector<Bytes> txs = {Send(1, bob, kWei), Send(1, bob, kWei), Bytes{0xde, 0xad},
                                  Send(2, bob, kWei), Send(5, bob, kWei)};
  BlockInput input{1, BlockHash(1), 1000, txs};
  input.skip_refused = true;
  input.store_txs = false;
  auto result = (*chain)->ApplyBlock(input);
  REQUIRE(result.ok());
  auto stored = (*chain)->GetBlock(1);
  REQUIRE(stored.ok());
  CHECK(stored->txs_elsewhere);
  CHECK(stored->txs.empty());
  CHECK(stored->refused == std::vector<uint32_t>{1, 2, 4});
  CHECK(stored->hash == BlockHash(1));
  auto applied = AppliedTxs(*stored, txs);
  REQUIRE(applied.ok());
  CHECK(*applied == result->txs);
  // Too short an input is not this block's.
  CHECK(!AppliedTxs(*stored, {txs[0], txs[1]}).ok());
  // A block that stored its own txs ignores the input.
  auto genesis_block = (*chain)->GetBlock(0);
  REQUIRE(genesis_block.ok());
  CHECK(!genesis_block->txs_elsewhere);
  auto none = AppliedTxs(*genesis_block, txs);
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto receipt = (*chain)->GetReceipt(TxHash(Send(2, bob, kWei)));
  REQUIRE(receipt.ok());
  CHECK(receipt->index == 1);
  CHECK(receipt->height == 1);
}

// Alice's Ethereum transaction with `nonce` (her sequence − 1): a contract creation without `to`.
Bytes AliceEth(uint64_t nonce, std::optional<Address> to, Bytes data) {
  EthTx eth;
  eth.chain_id = 366;
  eth.nonce = nonce;
  eth.gas_price = uint256(4'000'000'000'000ULL);
  eth.gas_limit = 200'000;
  eth.to = to;
  eth.data = std::move(data);
  SignEthTx(eth, Key(1));
  return EncodeEthTx(eth);
}

TEST_CASE("blocks executed on the state kept from the block before give the same roots",
          "[ledger][chain]") {
  // Constructor: slot 0 = 42, then return the runtime "slot 0 += 1" (sload, add, sstore).
  const Bytes runtime = {0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00};
  Bytes init = {0x60, 0x2a, 0x60, 0x00, 0x55, 0x60, 0x0a, 0x60, 0x11,
                0x60, 0x00, 0x39, 0x60, 0x0a, 0x60, 0x00, 0xf3};
  init.insert(init.end(), runtime.begin(), runtime.end());
  Address bob;
  bob.bytes.fill(0xb1);
  auto genesis = ParseGenesisJson(GenesisJson());
  REQUIRE(genesis.ok());
  // Reopened every block, kept for two blocks in a row, and the default.
  std::vector<std::unique_ptr<KvStore>> stores;
  std::vector<std::unique_ptr<Chain>> chains;
  for (uint64_t reuse : {0, 2, 16}) {
    ChainOptions options;
    options.reuse_state_blocks = reuse;
    stores.push_back(NewMemoryStore());
    auto chain = Chain::Create(*stores.back(), *genesis, options);
    REQUIRE(chain.ok());
    chains.push_back(*std::move(chain));
  }
  Address contract;
  auto apply_all = [&](const BlockInput& input) {
    std::vector<Hash32> roots;
    size_t failed = 0;
    for (auto& chain : chains) {
      auto result = chain->ApplyBlock(input);
      if (!result.ok()) {
        ++failed;
        continue;
      }
      if (input.height == 1) contract = result->receipts[1].receipt.contract_address;
      roots.push_back(result->state_root);
    }
    CHECK((failed == 0 || failed == chains.size()));
    if (failed > 0) return std::optional<std::vector<Hash32>>();
    return std::optional<std::vector<Hash32>>(roots);
  };
  auto same = [](const std::vector<Hash32>& roots) {
    return std::all_of(roots.begin(), roots.end(), [&](const Hash32& r) { return r == roots[0]; });
  };
  auto r1 =
      apply_all({1, BlockHash(1), 1000, {Send(1, bob, kWei), AliceEth(1, std::nullopt, init)}});
  REQUIRE(r1);
  CHECK(same(*r1));
  REQUIRE(!contract.IsZero());
  auto r2 = apply_all({2, BlockHash(2), 1001, {AliceEth(2, contract, {}), Send(4, bob, kWei)}});
  REQUIRE(r2);
  CHECK(same(*r2));
  // A block refused half-way (the gap at sequence 9) writes nothing and keeps nothing: the retry
  // starts from the state after block 2 on every chain.
  CHECK(!apply_all({3, BlockHash(3), 1002, {Send(5, bob, kWei), Send(9, bob, kWei)}}));
  for (uint64_t h = 3; h <= 7; ++h) {
    const uint64_t sequence = h + 2;
    auto roots = apply_all(
        {h,
         BlockHash(h),
         static_cast<int64_t>(1000 + h),
         {h % 2 == 0 ? AliceEth(sequence - 1, contract, {}) : Send(sequence, bob, kWei)}});
    REQUIRE(roots);
    CHECK(same(*roots));
  }
  // 42 from the constructor, then calls in blocks 2, 4 and 6.
  for (auto& chain : chains) {
    auto state = chain->StateAt(chain->Height());
    REQUIRE(state.ok());
    auto account = state->GetAccount(contract);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    auto slot = state->GetStorage(**account, Hash32{});
    REQUIRE(slot.ok());
    CHECK(*slot == uint256(45));
  }
}

// "c/lb/" ‖ BE64 height: a block's entry in the logs index (chain.hpp's store layout).
Bytes LogsBloomKey(uint64_t height) {
  Bytes key = {'c', '/', 'l', 'b', '/'};
  for (int i = 0; i < 8; ++i)
    key.push_back(static_cast<uint8_t>(height >> (56 - 8 * i)));
  return key;
}

TEST_CASE("the logs index lists the blocks whose bloom may match, and knows where it starts",
          "[ledger][chain]") {
  // Runtime: log1(0, 0, topic = calldata word 0); init code copies it out.
  Bytes init = {0x60, 0x09, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x09, 0x60, 0x00, 0xf3};
  const Bytes runtime = {0x60, 0x00, 0x35, 0x60, 0x00, 0x60, 0x00, 0xa1, 0x00};
  init.insert(init.end(), runtime.begin(), runtime.end());
  const Hash32 t1 = Keccak256(AsBytes("one")), t2 = Keccak256(AsBytes("two"));
  auto genesis = ParseGenesisJson(GenesisJson());
  REQUIRE(genesis.ok());
  std::unique_ptr<KvStore> store = NewMemoryStore();
  auto chain = Chain::Create(*store, *genesis);
  REQUIRE(chain.ok());
  auto apply = [&](uint64_t h, Bytes tx) {
    auto result = (*chain)->ApplyBlock({h, BlockHash(h), static_cast<int64_t>(h), {std::move(tx)}});
    REQUIRE(result.ok());
    REQUIRE(result->receipts[0].receipt.status == evm::StatusCode::kSuccess);
    return *std::move(result);
  };
  const Address contract =
      apply(1, AliceEth(0, std::nullopt, init)).receipts[0].receipt.contract_address;
  apply(2, AliceEth(1, contract, Bytes(t1.bytes.begin(), t1.bytes.end())));
  Address bob;
  bob.bytes.fill(0xb1);
  apply(3, Send(3, bob, kWei));  // no logs
  apply(4, AliceEth(3, contract, Bytes(t2.bytes.begin(), t2.bytes.end())));
  auto having = [](const Hash32& item) {
    return [item](const LogsBloom& bloom) { return BloomMayContain(bloom, item.view()); };
  };
  auto blocks = [&](uint64_t from, uint64_t to, const std::function<bool(const LogsBloom&)>& pred) {
    auto heights = (*chain)->BlocksWithLogs(from, to, pred);
    REQUIRE(heights.ok());
    return *heights;
  };
  const auto any = [](const LogsBloom&) { return true; };
  const auto none = [](const LogsBloom&) { return false; };
  using H = std::vector<uint64_t>;
  CHECK(blocks(0, 100, any) == H{2, 4});
  CHECK(blocks(0, 100, having(t1)) == H{2});
  CHECK(blocks(0, 100, having(t2)) == H{4});
  CHECK(blocks(0, 100, [&](const LogsBloom& b) { return BloomMayContain(b, contract.view()); }) ==
        H{2, 4});
  CHECK(blocks(0, 100, having(Keccak256(AsBytes("three")))).empty());
  CHECK(blocks(3, 3, any).empty());
  CHECK(blocks(4, 4, any) == H{4});
  CHECK(blocks(5, 4, any).empty());

  // A store written before the index: reopened, it indexes from the next block on and lists
  // every older block as a candidate.
  chain->reset();
  for (uint64_t h : {2, 4})
    REQUIRE(store->Delete(LogsBloomKey(h)).ok());
  REQUIRE(store->Delete(AsBytes("c/lbfrom")).ok());
  chain = Chain::Open(*store, "privatenet");
  REQUIRE(chain.ok());
  CHECK(blocks(0, 100, none) == H{0, 1, 2, 3, 4});
  apply(5, AliceEth(4, contract, Bytes(t1.bytes.begin(), t1.bytes.end())));
  CHECK(blocks(3, 100, having(t1)) == H{3, 4, 5});
  CHECK(blocks(5, 5, having(t2)).empty());
  // Reopened again, it remembers where the index starts.
  chain->reset();
  chain = Chain::Open(*store, "privatenet");
  REQUIRE(chain.ok());
  CHECK(blocks(0, 100, none) == H{0, 1, 2, 3, 4});

  // A damaged entry is an error, not a silently skipped block.
  REQUIRE(store->Put(LogsBloomKey(5), Bytes{1, 2, 3}).ok());
  CHECK((*chain)->BlocksWithLogs(5, 5, any).status().code() == absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace theta::ledger
