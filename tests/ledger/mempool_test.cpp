// The mempool: admission once (cache, signatures on worker threads), per-sender sequence order,
// fee priority, replacement, the bound with eviction, and the re-check after a block.
#include "theta/ledger/mempool.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

namespace theta::ledger {
namespace {

const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);  // 0.15 TFUEL × 2 accounts

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

Bytes Send(uint8_t key, uint64_t sequence, const uint256& fee = kFee) {
  Address to;
  to.bytes.fill(0xcc);
  Tx tx = SendTx{Coins::TFuel(fee),
                 {TxInput{AddressOf(Key(key)), Coins::TFuel(kWei + fee), sequence, {}}},
                 {TxOutput{to, Coins::TFuel(kWei)}}};
  REQUIRE(SignTx(tx, "privatenet", Key(key)).ok());
  return EncodeTx(tx);
}

TEST_CASE("admission checks signatures once and refuses what cannot go in a block",
          "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  const Bytes tx = Send(1, 1);
  auto hash = pool.Add(tx);
  REQUIRE(hash.ok());
  CHECK(*hash == TxHash(tx));
  CHECK(pool.Contains(*hash));
  CHECK(pool.Add(tx).status().code() == absl::StatusCode::kAlreadyExists);
  Bytes forged = tx;
  forged[forged.size() - 70] ^= 1;  // inside the output amount or signature
  CHECK(pool.Add(forged).status().code() == absl::StatusCode::kInvalidArgument);
  Tx coinbase = CoinbaseTx{TxInput{AddressOf(Key(1)), {}, 0, {}}, {}, 1};
  REQUIRE(SignTx(coinbase, "privatenet", Key(1)).ok());
  CHECK_THAT(std::string(pool.Add(EncodeTx(coinbase)).status().message()),
             Catch::Contains("not admitted"));
  CHECK(pool.Add(Bytes{0x01, 0x02}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(pool.size() == 1);
}

TEST_CASE("the admitted hook hears each admitted tx once, in order, never a refused one",
          "[ledger][mempool]") {
  MempoolOptions options{"privatenet"};
  std::vector<std::vector<Hash32>> calls;
  options.on_admitted = [&calls](std::span<const Hash32> hashes) {
    calls.emplace_back(hashes.begin(), hashes.end());
  };
  Mempool pool(options);
  const Bytes first = Send(1, 1);
  REQUIRE(pool.Add(first).ok());
  CHECK(pool.Add(first).status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(!pool.Add(Bytes{0x01}).ok());
  const std::vector<Bytes> batch = {Send(2, 1), first, Bytes{0x02}, Send(3, 1)};
  auto results = pool.AddBatch(batch);
  REQUIRE(results[0].ok());
  REQUIRE(results[3].ok());
  CHECK(pool.AddBatch({first, Bytes{0x03}}).size() == 2);  // admits nothing: no call
  REQUIRE(calls.size() == 2);
  CHECK(calls[0] == std::vector<Hash32>{TxHash(first)});
  CHECK(calls[1] == std::vector<Hash32>{TxHash(batch[0]), TxHash(batch[3])});
}

TEST_CASE("reaping follows sequences per sender and fee priority across senders",
          "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  REQUIRE(pool.Add(Send(2, 1, kFee)).ok());               // low
  REQUIRE(pool.Add(Send(1, 2, kFee * uint256(3))).ok());  // high, but after sequence 1
  REQUIRE(pool.Add(Send(1, 1, kFee * uint256(2))).ok());  // middle
  // Sender 3's first pending tx is 5 (the state decides whether it applies); 7 leaves a gap.
  REQUIRE(pool.Add(Send(3, 5, kFee * uint256(9))).ok());
  REQUIRE(pool.Add(Send(3, 7, kFee * uint256(9))).ok());
  const std::vector<Bytes> block = *pool.Reap(10);
  // Against a state where sender 3 has sent nothing, its sequence 5 cannot apply: left out.
  auto store = NewMemoryStore();
  LedgerState empty(*store);
  auto ready = pool.Reap(10, &empty);
  REQUIRE(ready.ok());
  CHECK(ready->size() == 3);
  REQUIRE(block.size() == 4);  // 3/7 waits for 3/6
  CHECK(block[0] == Send(3, 5, kFee * uint256(9)));
  CHECK(block[1] == Send(1, 1, kFee * uint256(2)));
  CHECK(block[2] == Send(1, 2, kFee * uint256(3)));
  CHECK(block[3] == Send(2, 1, kFee));
  CHECK(pool.Reap(2)->size() == 2);
}

TEST_CASE("reaping leaves out the txs of proposed blocks and continues after them",
          "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  for (uint64_t sequence = 1; sequence <= 3; ++sequence)
    REQUIRE(pool.Add(Send(1, sequence)).ok());
  REQUIRE(pool.Add(Send(2, 1)).ok());
  auto store = NewMemoryStore();
  LedgerState empty(*store);
  // A proposed, not yet executed block holds sender 1's first tx and sender 2's only one.
  const std::set<Hash32> in_flight = {TxHash(Send(1, 1)), TxHash(Send(2, 1))};
  auto next = pool.Reap(10, &empty, &in_flight);
  REQUIRE(next.ok());
  REQUIRE(next->size() == 2);
  CHECK((*next)[0] == Send(1, 2));
  CHECK((*next)[1] == Send(1, 3));
  const std::set<Hash32> everything = {TxHash(Send(1, 1)), TxHash(Send(1, 2)), TxHash(Send(1, 3)),
                                       TxHash(Send(2, 1))};
  CHECK(pool.Reap(10, &empty, &everything)->empty());
  CHECK(pool.size() == 4);  // nothing leaves the pool before it is executed
}

TEST_CASE("a pending sequence is replaced only by a higher fee", "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  REQUIRE(pool.Add(Send(1, 1, kFee * uint256(2))).ok());
  CHECK(pool.Add(Send(1, 1, kFee)).status().code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(pool.Add(Send(1, 1, kFee * uint256(3))).ok());
  CHECK(pool.size() == 1);
  CHECK((*pool.Reap(5))[0] == Send(1, 1, kFee * uint256(3)));
  CHECK(!pool.Contains(TxHash(Send(1, 1, kFee * uint256(2)))));
}

TEST_CASE("a full mempool evicts its lowest priority for a better tx only", "[ledger][mempool]") {
  MempoolOptions options{"privatenet"};
  options.max_txs = 3;
  Mempool pool(options);
  REQUIRE(pool.Add(Send(1, 1, kFee * uint256(2))).ok());
  REQUIRE(pool.Add(Send(2, 1, kFee)).ok());
  REQUIRE(pool.Add(Send(3, 1, kFee * uint256(4))).ok());
  CHECK(pool.Add(Send(4, 1, kFee)).status().code() == absl::StatusCode::kResourceExhausted);
  REQUIRE(pool.Add(Send(5, 1, kFee * uint256(3))).ok());
  CHECK(pool.size() == 3);
  CHECK(!pool.Contains(TxHash(Send(2, 1, kFee))));
}

TEST_CASE("among equal priorities a full mempool evicts the latest arrival", "[ledger][mempool]") {
  MempoolOptions options{"privatenet"};
  options.max_txs = 3;
  Mempool pool(options);
  // The arrival order is not the senders' order: the tables' order must not decide.
  for (uint8_t key : {9, 2, 6})
    REQUIRE(pool.Add(Send(key, 1)).ok());
  REQUIRE(pool.Add(Send(4, 1, kFee * uint256(2))).ok());
  CHECK(!pool.Contains(TxHash(Send(6, 1))));
  REQUIRE(pool.Add(Send(5, 1, kFee * uint256(2))).ok());
  CHECK(!pool.Contains(TxHash(Send(2, 1))));
  CHECK(pool.Contains(TxHash(Send(9, 1))));
  // A sender's last tx goes, never one before it (that would leave a gap).
  MempoolOptions two{"privatenet"};
  two.max_txs = 2;
  Mempool chain(two);
  REQUIRE(chain.Add(Send(1, 1)).ok());
  REQUIRE(chain.Add(Send(1, 2)).ok());
  REQUIRE(chain.Add(Send(3, 1, kFee * uint256(2))).ok());
  CHECK(chain.Contains(TxHash(Send(1, 1))));
  CHECK(!chain.Contains(TxHash(Send(1, 2))));
}

TEST_CASE("batch admission verifies on worker threads, results in input order",
          "[ledger][mempool]") {
  MempoolOptions options{"privatenet"};
  options.workers = 4;
  Mempool pool(options);
  std::vector<Bytes> raws;
  for (uint8_t k = 1; k <= 50; ++k)
    for (uint64_t s = 1; s <= 4; ++s)
      raws.push_back(Send(k, s));
  raws[17].back() ^= 1;     // a broken signature
  raws.push_back(raws[3]);  // a duplicate inside the batch
  const auto results = pool.AddBatch(raws);
  REQUIRE(results.size() == raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    INFO(i);
    if (i == 17)
      CHECK(results[i].status().code() == absl::StatusCode::kInvalidArgument);
    else if (i == raws.size() - 1)
      CHECK(results[i].status().code() == absl::StatusCode::kAlreadyExists);
    else
      CHECK(results[i].ok());
  }
  CHECK(pool.size() == 199);
  CHECK(pool.AddBatch({raws[0]})[0].status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("a batch may come with its hashes, which must match its length", "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  const std::vector<Bytes> raws = {Send(1, 1), Send(2, 1)};
  const std::vector<Hash32> hashes = {TxHash(raws[0]), TxHash(raws[1])};
  const std::vector<Hash32> one = {hashes[0]};
  for (const auto& result : pool.AddBatch(raws, one))
    CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(pool.size() == 0);
  const auto results = pool.AddBatch(raws, hashes);
  REQUIRE(results.size() == 2);
  CHECK(*results[0] == hashes[0]);
  CHECK(*results[1] == hashes[1]);
  CHECK(pool.Contains(hashes[1]));
  // The hashes are the cache's keys: one already pending is not verified again.
  CHECK(pool.AddBatch({raws[1]}, {&hashes[1], 1})[0].status().code() ==
        absl::StatusCode::kAlreadyExists);
}

TEST_CASE("after a block the mempool drops what the state has passed", "[ledger][mempool]") {
  auto store = NewMemoryStore();
  LedgerState state(*store);
  Account a;
  a.address = AddressOf(Key(1));
  a.balance = Coins{0, 100 * kWei};
  REQUIRE(state.SetAccount(a).ok());
  Mempool pool(MempoolOptions{"privatenet"});
  for (uint64_t s = 1; s <= 3; ++s)
    REQUIRE(pool.Add(Send(1, s)).ok());
  ExecutionContext context{"privatenet", 20'000'000, true};
  auto reaped = pool.Reap(2, &state);
  REQUIRE(reaped.ok());
  REQUIRE(reaped->size() == 2);
  for (const Bytes& raw : *reaped) {
    auto tx = DecodeRawTx(raw, "privatenet", 20'000'000);
    REQUIRE(tx.ok());
    REQUIRE(ApplyDecodedTx(state, *tx, context).ok());
  }
  REQUIRE(pool.Update(state, {}).ok());
  CHECK(pool.size() == 1);
  CHECK((*pool.Reap(5))[0] == Send(1, 3));
  CHECK(pool.Add(Send(1, 4)).ok());
}

TEST_CASE("equal priorities are reaped first come, first served", "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  // Keys 9, 2, 7 arrive in that order with equal fees: address order must not decide.
  for (uint8_t key : {9, 2, 7})
    REQUIRE(pool.Add(Send(key, 1)).ok());
  auto reaped = pool.Reap(3);
  REQUIRE(reaped.ok());
  REQUIRE(reaped->size() == 3);
  CHECK((*reaped)[0] == Send(9, 1));
  CHECK((*reaped)[1] == Send(2, 1));
  CHECK((*reaped)[2] == Send(7, 1));
  auto first = pool.Reap(1);
  REQUIRE(first.ok());
  CHECK(*first == std::vector<Bytes>{Send(9, 1)});
}

TEST_CASE("after a block only its signers are re-read", "[ledger][mempool]") {
  auto store = NewMemoryStore();
  LedgerState state(*store);
  for (uint8_t key : {1, 2}) {
    Account a;
    a.address = AddressOf(Key(key));
    a.balance = Coins{0, 100 * kWei};
    REQUIRE(state.SetAccount(a).ok());
  }
  Mempool pool(MempoolOptions{"privatenet"});
  for (uint8_t key : {1, 2}) {
    for (uint64_t s = 1; s <= 2; ++s)
      REQUIRE(pool.Add(Send(key, s)).ok());
  }
  REQUIRE(pool.Reap(10, &state)->size() == 4);  // reads (and remembers) both next sequences
  ExecutionContext context{"privatenet", 20'000'000, true};
  auto apply = [&](const Bytes& raw) {
    auto tx = DecodeRawTx(raw, "privatenet", 20'000'000);
    REQUIRE(tx.ok());
    REQUIRE(ApplyDecodedTx(state, *tx, context).ok());
  };
  apply(Send(1, 1));
  apply(Send(2, 1));
  // Only key 1 is named: key 2's tx stays (nobody said its sequence moved).
  REQUIRE(pool.UpdateSigners(state, {AddressOf(Key(1))}, {}).ok());
  CHECK(pool.size() == 3);
  CHECK(!pool.Contains(TxHash(Send(1, 1))));
  CHECK(pool.Contains(TxHash(Send(2, 1))));
  // Key 1's remembered next sequence moved to 2: its second tx is offered again.
  auto reaped = pool.Reap(10, &state);
  REQUIRE(reaped.ok());
  CHECK(std::find(reaped->begin(), reaped->end(), Send(1, 2)) != reaped->end());
  REQUIRE(pool.UpdateSigners(state, {AddressOf(Key(2))}, {}).ok());
  CHECK(pool.size() == 2);
  CHECK(!pool.Contains(TxHash(Send(2, 1))));
  reaped = pool.Reap(10, &state);
  REQUIRE(reaped.ok());
  CHECK(reaped->size() == 2);
}

TEST_CASE("the update with known sequences drops what they passed, reading no state",
          "[ledger][mempool]") {
  Mempool pool(MempoolOptions{"privatenet"});
  for (uint8_t key : {1, 2}) {
    for (uint64_t s = 1; s <= 3; ++s)
      REQUIRE(pool.Add(Send(key, s)).ok());
  }
  const std::vector<Address> signers = {AddressOf(Key(1)), AddressOf(Key(2))};
  CHECK(pool.UpdateSequences(signers, {2}, {}).code() == absl::StatusCode::kInvalidArgument);
  CHECK(pool.size() == 6);
  REQUIRE(pool.UpdateSequences(signers, {2, 0}, {}).ok());
  CHECK(pool.size() == 4);
  CHECK(!pool.Contains(TxHash(Send(1, 2))));
  CHECK(pool.Contains(TxHash(Send(1, 3))));
  CHECK(pool.Contains(TxHash(Send(2, 1))));
  // The remembered next sequence is 3: Reap with a state offers key 1's last tx without reading
  // its account (which this empty state does not have).
  auto store = NewMemoryStore();
  LedgerState state(*store);
  auto reaped = pool.Reap(10, &state);
  REQUIRE(reaped.ok());
  CHECK(std::find(reaped->begin(), reaped->end(), Send(1, 3)) != reaped->end());
  REQUIRE(pool.UpdateSequences(signers, {3, 3}, {}).ok());
  CHECK(pool.size() == 0);
}

}  // namespace
}  // namespace theta::ledger
