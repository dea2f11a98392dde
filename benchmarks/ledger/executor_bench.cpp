// Apply throughput of one-input, one-output SendTx with signatures verified beforehand (the
// issue's target: >= 50,000 tx/s on one core, state root and store write included). Each
// iteration applies a block of 1,000 sends from distinct senders, computes the root and writes the
// batch to a memory store.
#include <benchmark/benchmark.h>

#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

constexpr size_t kBlockTxs = 1000;
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

Address Numbered(uint32_t n, uint8_t tag) {
  Address a;
  a.bytes[0] = tag;
  for (int i = 0; i < 4; ++i)
    a.bytes[16 + i] = static_cast<uint8_t>(n >> (8 * i));
  return a;
}

void BM_ApplySendBlock(benchmark::State& state) {
  auto store = NewMemoryStore();
  LedgerState ledger(*store);
  for (uint32_t i = 0; i < kBlockTxs; ++i) {
    Account a;
    a.address = Numbered(i, 1);
    a.balance = Coins{uint256(1) << 100, uint256(1) << 100};
    (void)ledger.SetAccount(a);
  }
  ExecutionContext context{"privatenet", 20'000'000, true};
  uint64_t sequence = 0;
  for (auto _ : state) {
    ++sequence;
    for (uint32_t i = 0; i < kBlockTxs; ++i) {
      const Coins amount = Coins::TFuel(1000);
      const Tx tx = SendTx{Coins::TFuel(kFee),
                           {TxInput{Numbered(i, 1), Coins::TFuel(kFee + 1000), sequence, {}}},
                           {TxOutput{Numbered(i, 2), amount}}};
      if (!ApplyTx(ledger, tx, context).ok()) state.SkipWithError("send rejected");
    }
    WriteBatch batch;
    benchmark::DoNotOptimize(ledger.Commit(batch));
    (void)store->Write(batch);
  }
  state.SetItemsProcessed(state.iterations() * kBlockTxs);
}
BENCHMARK(BM_ApplySendBlock)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace theta::ledger
