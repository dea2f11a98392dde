#include "node_test_util.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "theta/consensus/codec.hpp"
#include "theta/core/hash.hpp"

namespace theta::node::testing {
namespace {

const uint256 kBillion = uint256(1'000'000'000ULL) * uint256(1'000'000'000'000'000'000ULL);

PrivateKey KeyFromIndex(uint8_t tag, size_t index) {
  Bytes seed(32, tag);
  seed[31] = static_cast<uint8_t>(index + 1);
  seed[30] = static_cast<uint8_t>((index + 1) >> 8);
  return *PrivateKey::FromBytes(seed);
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

}  // namespace

TestChain::TestChain(size_t accounts, ChainServiceOptions options) {
  static std::atomic<int> counter{0};
  dir_ = std::filesystem::temp_directory_path() /
         ("theta-node-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  genesis_.chain_id = "privatenet";
  for (size_t i = 0; i < accounts; ++i) {
    DevAccount account{KeyFromIndex(0x11, i), {}};
    account.address = AddressOf(account.key);
    accounts_.push_back(account);
    ledger::Account entry;
    entry.address = account.address;
    entry.balance = ledger::Coins{kBillion, kBillion};
    genesis_.accounts.push_back(entry);
  }
  validator_key_ = KeyFromIndex(0x22, 0);
  const Address source = AddressOf(KeyFromIndex(0x33, 0));
  genesis_.validators.push_back(
      ledger::GenesisStake{AddressOf(*validator_key_),
                           source,
                           uint256(10'000'000ULL) * uint256(1'000'000'000'000'000'000ULL),
                           {}});
  auto store = OpenLevelDbStore(dir_.string());
  REQUIRE(store.ok());
  store_ = *std::move(store);
  auto chain = ChainService::Open(*store_, genesis_, options);
  REQUIRE(chain.ok());
  chain_ = *std::move(chain);
}

TestChain::~TestChain() {
  chain_.reset();
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

BlockRecord TestChain::CommitPending(uint64_t timestamp_ms) {
  Bytes payload = chain_->BuildPayload();
  auto decoded = DecodePayload(payload, 1 << 20);
  REQUIRE(decoded.ok());
  return CommitTxs(decoded->txs, timestamp_ms);
}

BlockRecord TestChain::CommitTxs(std::vector<Bytes> txs, uint64_t timestamp_ms) {
  const uint64_t height = chain_->Height() + 1;
  Payload payload;
  payload.committed_height = height - 1;
  payload.txs = std::move(txs);
  consensus::Block block;
  block.header.round = height;
  block.header.height = height;
  block.header.parent = chain_->HeadHash();
  block.header.timestamp_ms =
      timestamp_ms != 0 ? timestamp_ms : 1'700'000'000'000ULL + 1000 * height;
  block.payload = EncodePayload(payload);
  block.header.payload_hash = Keccak256(block.payload);
  block.hash = consensus::HeaderHash(block.header);
  // The certificate is not signed: consensus checked it before a real node commits; the chain
  // service only stores it.
  consensus::QuorumCert qc;
  qc.round = height;
  qc.height = height;
  qc.block_hash = block.hash;
  REQUIRE(chain_->Commit(block, qc).ok());
  auto record = chain_->BlockAt(height);
  REQUIRE(record.ok());
  return *std::move(record);
}

}  // namespace theta::node::testing
