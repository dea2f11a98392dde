// Decoding and encoding speed of a typical one-input, one-output SendTx (the bulk of mainnet
// traffic).
#include <benchmark/benchmark.h>

#include "theta/ledger/tx.hpp"

namespace theta::ledger {
namespace {

Bytes SampleSend() {
  SendTx send;
  send.fee = Coins::TFuel(uint256(300000000000000000ULL));
  Address from, to;
  from.bytes.fill(0x11);
  to.bytes.fill(0x22);
  send.inputs.push_back(TxInput{from,
                                Coins{uint256(10) * 1000000000000000000ULL, 300000000000000000ULL},
                                7, Bytes(65, 0x33)});
  send.outputs.push_back(TxOutput{to, Coins{uint256(10) * 1000000000000000000ULL, 0}});
  return EncodeTx(send);
}

void BM_DecodeSendTx(benchmark::State& state) {
  const Bytes raw = SampleSend();
  for (auto _ : state) {
    auto tx = DecodeTx(raw);
    benchmark::DoNotOptimize(tx);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeSendTx);

void BM_EncodeSendTx(benchmark::State& state) {
  const Tx tx = *DecodeTx(SampleSend());
  for (auto _ : state) {
    Bytes raw = EncodeTx(tx);
    benchmark::DoNotOptimize(raw);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeSendTx);

}  // namespace
}  // namespace theta::ledger
