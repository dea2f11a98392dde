// ChainService: transactions in, committed blocks out, commit records, subscribers, restart.
#include "theta/node/chain_service.hpp"

#include <catch2/catch.hpp>

#include "node_test_util.hpp"
#include "theta/consensus/codec.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::node {
namespace {

const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

Bytes Send(const testing::DevAccount& from, uint64_t sequence, const Address& to,
           const uint256& amount) {
  ledger::Tx tx = ledger::SendTx{
      ledger::Coins::TFuel(kFee),
      {ledger::TxInput{from.address, ledger::Coins::TFuel(amount + kFee), sequence, {}}},
      {ledger::TxOutput{to, ledger::Coins::TFuel(amount)}}};
  REQUIRE(ledger::SignTx(tx, "privatenet", from.key).ok());
  return ledger::EncodeTx(tx);
}

uint256 TFuelOf(ChainService& chain, const Address& address) {
  uint256 balance = 0;
  REQUIRE(chain
              .WithState(std::nullopt,
                         [&](ledger::LedgerState& state) -> absl::Status {
                           auto account = state.GetAccount(address);
                           if (!account.ok()) return account.status();
                           if (account->has_value()) balance = (*account)->balance.tfuel_wei;
                           return absl::OkStatus();
                         })
              .ok());
  return balance;
}

TEST_CASE("transactions submitted are committed, recorded and announced", "[node][chain]") {
  testing::TestChain t;
  ChainService& chain = t.chain();
  const auto& a = t.accounts();
  std::vector<uint64_t> announced;
  chain.Subscribe([&](const CommitEvent& e) {
    announced.push_back(e.block->height);
    CHECK(e.receipts->size() == e.block->txs.size());
  });
  std::vector<Hash32> gossiped;
  chain.SetNewTxHook([&](const Hash32& hash, ByteView) { gossiped.push_back(hash); });

  auto h1 = chain.Submit(Send(a[0], 1, a[1].address, kWei));
  REQUIRE(h1.ok());
  CHECK(chain.Submit(Send(a[0], 1, a[1].address, kWei)).status().code() ==
        absl::StatusCode::kAlreadyExists);
  CHECK(!chain.Submit(Bytes{1, 2, 3}).ok());
  CHECK(gossiped == std::vector<Hash32>{*h1});
  CHECK(chain.PendingCount() == 1);

  BlockRecord b1 = t.CommitPending();
  CHECK(b1.height == 1);
  REQUIRE(b1.tx_hashes == std::vector<Hash32>{*h1});
  CHECK(b1.parent == chain.genesis_hash());
  CHECK(b1.proposer == AddressFromPublicKey(t.validator_key().DerivePublicKey()));
  CHECK(chain.PendingCount() == 0);
  CHECK(announced == std::vector<uint64_t>{1});
  CHECK(TFuelOf(chain, a[1].address) == uint256(1'000'000'000ULL) * kWei + kWei);
  auto receipt = chain.Receipt(*h1);
  REQUIRE(receipt.ok());
  CHECK(receipt->height == 1);

  auto by_hash = chain.BlockByHash(b1.hash);
  REQUIRE(by_hash.ok());
  CHECK(by_hash->height == 1);
  CHECK(by_hash->qc.has_value());
  CHECK(chain.CommitProofAt(1).status().code() == absl::StatusCode::kNotFound);
  auto genesis = chain.BlockAt(0);
  REQUIRE(genesis.ok());
  CHECK(genesis->hash == chain.genesis_hash());
  CHECK(chain.BlockAt(2).status().code() == absl::StatusCode::kNotFound);
  CHECK(chain.BlockByHash(Hash32{}).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("a committed block leaves out the transactions the ledger refuses", "[node][chain]") {
  testing::TestChain t;
  const auto& a = t.accounts();
  // Sequence 5 has a gap, the garbage does not decode: both are left out, deterministically.
  const Bytes good = Send(a[0], 1, a[1].address, kWei);
  const Bytes next = Send(a[0], 2, a[1].address, kWei);
  BlockRecord b = t.CommitTxs({good, Send(a[0], 5, a[1].address, kWei), Bytes{0xc0}, next});
  CHECK(b.txs == std::vector<Bytes>{good, next});
  CHECK(t.chain().Height() == 1);
  // Read back, the block is composed from its record's payload less the refused txs (the ledger
  // keeps only their indexes): the same txs, hashes and receipt positions.
  auto read = t.chain().BlockAt(1);
  REQUIRE(read.ok());
  CHECK(read->txs == b.txs);
  CHECK(read->tx_hashes == b.tx_hashes);
  auto receipt = t.chain().Receipt(ledger::TxHash(next));
  REQUIRE(receipt.ok());
  CHECK(receipt->index == 1);
  CHECK(read->txs[receipt->index] == next);
}

TEST_CASE("the head sequence follows each commit, read once per sender", "[node][chain]") {
  testing::TestChain t;
  ChainService& chain = t.chain();
  const auto& a = t.accounts();
  Address stranger;
  stranger.bytes.fill(0x5a);
  // Read from the state, then cached: the commits below must move the cached figure.
  CHECK(*chain.HeadSequence(a[0].address) == 0);
  CHECK(*chain.HeadSequence(stranger) == 0);
  t.CommitTxs({Send(a[0], 1, a[1].address, kWei), Send(a[0], 2, a[1].address, kWei)});
  CHECK(*chain.HeadSequence(a[0].address) == 2);
  CHECK(*chain.HeadSequence(a[1].address) == 0);  // received, never sent
  t.CommitTxs({Send(a[1], 1, a[0].address, kWei), Send(a[0], 3, a[1].address, kWei)});
  CHECK(*chain.HeadSequence(a[0].address) == 3);
  CHECK(*chain.HeadSequence(a[1].address) == 1);
  CHECK(*chain.HeadSequence(stranger) == 0);
}

TEST_CASE("commits are idempotent below the head and refuse gaps and forks", "[node][chain]") {
  testing::TestChain t;
  BlockRecord b1 = t.CommitTxs({});
  ChainService& chain = t.chain();
  REQUIRE(b1.qc.has_value());
  CHECK(chain.Commit(b1.block, *b1.qc).ok());
  consensus::Block fork = b1.block;
  fork.hash.bytes[0] ^= 1;
  CHECK(chain.Commit(fork, *b1.qc).code() == absl::StatusCode::kDataLoss);
  consensus::Block gap = b1.block;
  gap.header.height = 3;
  CHECK(chain.Commit(gap, *b1.qc).code() == absl::StatusCode::kFailedPrecondition);
  // A commit proof must name the committed block as the child's parent.
  CommitProof proof;
  proof.child.height = 2;
  proof.child.round = 2;
  proof.child.parent = b1.hash;
  proof.child_qc.block_hash = consensus::HeaderHash(proof.child);
  CHECK(chain.AddCommitProof(proof).ok());
  auto stored = chain.CommitProofAt(1);
  REQUIRE(stored.ok());
  CHECK(stored->child == proof.child);
  proof.child.parent = Hash32{};
  CHECK(chain.AddCommitProof(proof).code() == absl::StatusCode::kInvalidArgument);
  proof.child.height = 5;
  CHECK(chain.AddCommitProof(proof).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("payloads decode strictly and proposals are validated", "[node][chain]") {
  Payload p{7, Hash32{}, {Bytes{1, 2}, Bytes{3}}};
  auto back = DecodePayload(EncodePayload(p), 10);
  REQUIRE(back.ok());
  CHECK(back->committed_height == 7);
  CHECK(back->txs == p.txs);
  CHECK(!DecodePayload(EncodePayload(p), 1).ok());
  CHECK(!DecodePayload(Bytes{0xc0}, 10).ok());
  CHECK(!DecodePayload(Bytes{}, 10).ok());

  testing::TestChain t;
  const auto& a = t.accounts();
  REQUIRE(t.chain().Submit(Send(a[0], 1, a[1].address, kWei)).ok());
  CHECK(t.chain().ValidatePayload(t.chain().BuildPayload()).ok());
  // A bad signature is refused before anyone votes for it.
  Bytes forged = Send(a[0], 2, a[1].address, kWei);
  forged[forged.size() - 5] ^= 1;
  CHECK(t.chain().ValidatePayload(EncodePayload(Payload{0, Hash32{}, {forged}})).code() ==
        absl::StatusCode::kInvalidArgument);
  // A proposer whose state root after a committed block differs has diverged.
  t.CommitPending();
  CHECK(t.chain().ValidatePayload(EncodePayload(Payload{1, Hash32{}, {}})).code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace theta::node
