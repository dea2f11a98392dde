// The two speed targets, measured in one run:
//  - BM_ApplyBlockLevelDb: blocks of 1,000 signed one-input one-output SendTxs (raw bytes, as a
//    block carries them) applied through Chain::ApplyBlock with signatures pre-verified by
//    admission: decode, execution, state root, receipts and indexes, one LevelDB write batch per
//    block. Target ≥ 50,000 tx/s on one core.
//  - BM_AdmitSend vs BM_RawRecover: admission of a raw SendTx (decode, sign bytes, keccak, recover,
//    address compare) against libsecp256k1's bare recover of a digest (core's RecoverAddress).
//    Target: admission ≥ 90 % of the raw recover rate.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/ledger/chain.hpp"

namespace theta::ledger {
namespace {

constexpr size_t kBlockTxs = 1000;
constexpr size_t kBlocks = 20;
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

PrivateKey KeyOf(uint32_t i) {
  Bytes seed(32, 0);
  seed[0] = 1;
  for (int b = 0; b < 4; ++b)
    seed[28 + b] = static_cast<uint8_t>(i >> (8 * b));
  return *PrivateKey::FromBytes(seed);
}

Address Receiver(uint32_t i) {
  Address a;
  a.bytes[0] = 0xee;
  for (int b = 0; b < 4; ++b)
    a.bytes[16 + b] = static_cast<uint8_t>(i >> (8 * b));
  return a;
}

struct Fixture {
  std::vector<PrivateKey> keys;
  std::vector<Address> senders;
  std::vector<std::vector<Bytes>> blocks;  // blocks[b][i]: sender i's tx with sequence b + 1

  Fixture() {
    for (uint32_t i = 0; i < kBlockTxs; ++i) {
      keys.push_back(KeyOf(i));
      senders.push_back(AddressFromPublicKey(keys.back().DerivePublicKey()));
    }
    for (size_t b = 0; b < kBlocks; ++b) {
      std::vector<Bytes> txs;
      for (uint32_t i = 0; i < kBlockTxs; ++i) {
        Tx tx = SendTx{Coins::TFuel(kFee),
                       {TxInput{senders[i], Coins::TFuel(kFee + 1000), b + 1, {}}},
                       {TxOutput{Receiver(i), Coins::TFuel(1000)}}};
        (void)SignTx(tx, "privatenet", keys[i]);
        txs.push_back(EncodeTx(tx));
      }
      blocks.push_back(std::move(txs));
    }
  }
};

const Fixture& Shared() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_ApplyBlockLevelDb(benchmark::State& state) {
  const Fixture& f = Shared();
  const auto dir = std::filesystem::temp_directory_path() / "theta-ledger-bench-chain";
  std::filesystem::remove_all(dir);
  auto store = OpenLevelDbStore(dir.string());
  if (!store.ok()) return state.SkipWithError("cannot open LevelDB");
  Genesis genesis{"privatenet", {}, {}, {}};
  for (const Address& sender : f.senders) {
    Account a;
    a.address = sender;
    a.balance = Coins{0, uint256(1) << 100};
    genesis.accounts.push_back(a);
  }
  auto chain = Chain::Create(**store, genesis);
  if (!chain.ok()) return state.SkipWithError("cannot create the chain");
  uint64_t height = 0;
  for (auto _ : state) {
    BlockInput block{height + 1, Keccak256(RlpEncodeUint(height + 1)), 0,
                     f.blocks[height % kBlocks]};
    block.signatures_verified = true;
    auto result = (*chain)->ApplyBlock(block);
    if (!result.ok()) return state.SkipWithError(std::string(result.status().message()).c_str());
    ++height;
  }
  state.SetItemsProcessed(static_cast<int64_t>(height * kBlockTxs));
  chain->reset();
  store->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ApplyBlockLevelDb)->Iterations(kBlocks)->Unit(benchmark::kMillisecond);

void BM_AdmitSend(benchmark::State& state) {
  const Fixture& f = Shared();
  size_t i = 0;
  for (auto _ : state) {
    const Bytes& raw = f.blocks[0][i % kBlockTxs];
    auto tx = DecodeRawTx(raw, "privatenet", 20'000'000);
    const auto& send = std::get<SendTx>(tx->tx);
    const absl::Status ok = VerifySignature(SignBytes(tx->tx, "privatenet"),
                                            send.inputs[0].signature, send.inputs[0].address);
    if (!ok.ok()) return state.SkipWithError("bad signature");
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_AdmitSend);

void BM_RawRecover(benchmark::State& state) {
  const Fixture& f = Shared();
  std::vector<std::pair<Hash32, Signature>> inputs;
  for (size_t i = 0; i < kBlockTxs; ++i) {
    auto tx = DecodeTx(f.blocks[0][i]);
    const auto& send = std::get<SendTx>(*tx);
    inputs.emplace_back(Keccak256(SignBytes(*tx, "privatenet")),
                        *Signature::FromBytes(send.inputs[0].signature));
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [digest, sig] = inputs[i % kBlockTxs];
    benchmark::DoNotOptimize(RecoverAddress(digest, sig));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_RawRecover);

}  // namespace
}  // namespace theta::ledger
