// RLP encode and decode of a transaction-shaped list (Theta's SendTx: [fee, inputs, outputs]).
#include <benchmark/benchmark.h>

#include "theta/core/rlp.hpp"

namespace theta {
namespace {

Bytes SendTxShape(int inputs) {
  const Bytes address(20, 0xab);
  const Bytes signature(65, 0xcd);
  RlpWriter w;
  w.BeginList();
  w.BeginList().AddUint(0).AddUint(1'000'000'000'000ULL).EndList();  // fee coins
  w.BeginList();
  for (int i = 0; i < inputs; ++i) {
    w.BeginList().AddBytes(address);
    w.BeginList().AddUint(10).AddUint(20'000'000'000'000ULL).EndList();
    w.AddUint(static_cast<uint64_t>(i) + 1).AddBytes(signature).EndList();
  }
  w.EndList();
  w.BeginList()
      .BeginList()
      .AddBytes(address)
      .BeginList()
      .AddUint(10)
      .AddUint(5)
      .EndList()
      .EndList();
  w.EndList();
  w.EndList();
  return std::move(w).Finish();
}

void BM_RlpEncodeSendTx(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(SendTxShape(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_RlpEncodeSendTx)->Arg(1)->Arg(16);

void BM_RlpDecodeSendTx(benchmark::State& state) {
  const Bytes tx = SendTxShape(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto item = DecodeRlp(tx);
    benchmark::DoNotOptimize(item);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * tx.size()));
}
BENCHMARK(BM_RlpDecodeSendTx)->Arg(1)->Arg(16);

}  // namespace
}  // namespace theta
