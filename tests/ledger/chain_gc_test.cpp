// Trie-node garbage collection (Chain::CollectGarbage): after pruning, the nodes only forgotten
// roots reached are deleted, every retained root (state and contract storage) still reads in
// full, a second pass finds nothing, and a reopened chain keeps applying blocks and collecting.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/chain.hpp"

namespace theta::ledger {
namespace {

const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kSendFee = uint256(300'000'000'000'000'000ULL);
constexpr uint64_t kDepth = 3;
// contract_test.cpp's contract: a 32-byte calldata word is stored in slot 0.
constexpr char kInit[] =
    "0x6007600155603e6011600039603e6000f33680600114602e5780600214603a5760201415601c5760003560"
    "00555b6000546000523460206000a160206000f35b616e6f6000526002601efd5b603a56";

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

Genesis MakeGenesis() {
  Genesis g;
  g.chain_id = "privatenet";
  Account alice;
  alice.address = AddressOf(Key(1));
  alice.balance = Coins{1'000 * kWei, 1'000'000 * kWei};
  g.accounts.push_back(alice);
  g.validators.push_back({AddressOf(Key(3)), alice.address, 200'000 * kWei, {}});
  return g;
}

size_t CountNodes(const KvStore& store) {
  size_t n = 0;
  std::unique_ptr<KvIterator> it = store.NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next())
    n += it->key().size() == 32 ? 1 : 0;
  REQUIRE(it->status().ok());
  return n;
}

// Reads every entry of the state trie under `root` and of every contract's storage trie; returns
// the number of entries.
size_t ReadAll(const KvStore& store, const Hash32& root) {
  auto trie = Trie::Open(store, root);
  REQUIRE(trie.ok());
  size_t entries = 0;
  std::vector<Hash32> storage_roots;
  const std::string prefix = "ls/a/";
  const absl::Status s = trie->ForEach([&](ByteView key, ByteView value) {
    ++entries;
    if (key.size() == 25 && std::equal(prefix.begin(), prefix.end(), key.begin())) {
      auto account = DecodeAccount(value);
      REQUIRE(account.ok());
      if (account->root != Hash32{} && account->root != kEmptyTrieRoot)
        storage_roots.push_back(account->root);
    }
    return true;
  });
  REQUIRE(s.ok());
  for (const Hash32& storage_root : storage_roots) {
    auto storage = Trie::Open(store, storage_root);
    REQUIRE(storage.ok());
    REQUIRE(storage->ForEach([&](ByteView, ByteView) { return ++entries > 0; }).ok());
  }
  return entries;
}

struct Driver {
  KvStore& store;
  std::unique_ptr<Chain> chain;
  uint64_t sequence = 0;
  Address contract;
  std::map<uint64_t, Hash32> roots;

  Tx Signed(Tx tx) {
    REQUIRE(SignTx(tx, "privatenet", Key(1)).ok());
    return tx;
  }
  // Block h: a send to a fresh address and, once the contract exists, a new word in its slot 0.
  void Block() {
    const uint64_t h = chain->Height() + 1;
    std::vector<Bytes> txs;
    Address to;
    to.bytes.fill(static_cast<uint8_t>(h));
    txs.push_back(EncodeTx(
        Signed(SendTx{Coins::TFuel(kSendFee),
                      {TxInput{AddressOf(Key(1)), Coins::TFuel(kWei + kSendFee), ++sequence, {}}},
                      {TxOutput{to, Coins::TFuel(kWei)}}})));
    const bool deploy = contract == Address{};
    Bytes data = deploy ? *ParseHex(kInit) : Bytes(32, static_cast<uint8_t>(h));
    txs.push_back(EncodeTx(Signed(SmartContractTx{
        TxInput{AddressOf(Key(1)), {}, ++sequence, {}}, TxOutput{deploy ? Address{} : contract, {}},
        200'000, uint256(4'000'000'000'000ULL), std::move(data)})));
    auto result = chain->ApplyBlock(BlockInput{h, Keccak256(RlpEncodeUint(h)), 1000, txs});
    INFO(result.status().message());
    REQUIRE(result.ok());
    REQUIRE(result->receipts[1].receipt.status == evm::StatusCode::kSuccess);
    if (deploy) contract = result->receipts[1].receipt.contract_address;
    roots[h] = result->state_root;
  }
};

TEST_CASE("garbage collection deletes the trie nodes only pruned roots reach", "[ledger][chain]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("theta-chain-gc-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = OpenLevelDbStore(dir.string());
    REQUIRE(store.ok());
    auto chain = Chain::Create(**store, MakeGenesis(), ChainOptions{kDepth});
    REQUIRE(chain.ok());
    Driver d{**store, std::move(*chain)};
    for (int i = 0; i < 20; ++i)
      d.Block();
    const uint64_t head = d.chain->Height();
    std::map<uint64_t, size_t> entries;
    for (uint64_t h = head - kDepth; h <= head; ++h)
      entries[h] = ReadAll(**store, d.roots[h]);
    REQUIRE(Trie::Open(**store, d.roots[head - kDepth - 1]).ok());  // pruned, nodes still there

    const size_t before = CountNodes(**store);
    auto stats = d.chain->CollectGarbage(/*batch_ops=*/7);  // many small batches
    REQUIRE(stats.ok());
    CHECK(stats->roots == kDepth + 1);
    CHECK(stats->deleted_nodes > 20);
    CHECK(stats->deleted_bytes > 32 * stats->deleted_nodes);
    CHECK(stats->live_nodes == CountNodes(**store));
    CHECK(CountNodes(**store) == before - stats->deleted_nodes);
    // Every retained root, state and storage, reads exactly as before; pruned ones are gone.
    for (uint64_t h = head - kDepth; h <= head; ++h)
      CHECK(ReadAll(**store, d.roots[h]) == entries[h]);
    CHECK(!Trie::Open(**store, d.roots[head - kDepth - 1]).ok());
    CHECK(!Trie::Open(**store, d.roots[1]).ok());
    auto state = d.chain->StateAt(head);
    REQUIRE(state.ok());
    auto contract = state->GetAccount(d.contract);
    REQUIRE(contract.ok());
    REQUIRE(contract->has_value());
    auto slot = state->GetStorage(**contract, Hash32{});
    REQUIRE(slot.ok());
    Hash32 word;
    word.bytes.fill(static_cast<uint8_t>(head));
    CHECK(*slot == uint256::FromWord(word));
    // Nothing is left to collect; blocks go on.
    auto again = d.chain->CollectGarbage();
    REQUIRE(again.ok());
    CHECK(again->deleted_nodes == 0);
    d.Block();
  }
  // A reopened chain keeps applying blocks and collecting.
  auto store = OpenLevelDbStore(dir.string());
  REQUIRE(store.ok());
  auto chain = Chain::Open(**store, "privatenet", ChainOptions{kDepth});
  REQUIRE(chain.ok());
  auto contract = (*chain)->StateAt((*chain)->Height());
  REQUIRE(contract.ok());
  auto alice = contract->GetAccount(AddressOf(Key(1)));
  REQUIRE(alice.ok());
  Driver d{**store, std::move(*chain), (*alice)->sequence};
  d.contract = evm::CreateAddress(AddressOf(Key(1)), 1);
  for (int i = 0; i < 5; ++i)
    d.Block();
  auto stats = d.chain->CollectGarbage();
  REQUIRE(stats.ok());
  CHECK(stats->deleted_nodes > 0);
  ReadAll(**store, d.chain->StateRoot());
  auto bob = d.chain->StateAt(d.chain->Height())->GetAccount([] {
    Address a;
    a.bytes.fill(25);
    return a;
  }());
  REQUIRE(bob.ok());
  CHECK((*bob)->balance == Coins::TFuel(kWei));
  CHECK(!d.chain->CollectGarbage(0).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace theta::ledger
