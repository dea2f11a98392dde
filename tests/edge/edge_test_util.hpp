// Shared by the theta-edge compute tests: a ledger state where the requester has reserved a fund
// for compute jobs, matmul orders on random data, and a worker that lies.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <random>

#include "theta/compute/scheduler.hpp"
#include "theta/compute/verify.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/micropayment.hpp"

namespace theta::edge::testing {

using compute::JobOrder;
using compute::JobSpec;

inline constexpr uint64_t kHeight = 20'000'000;
inline constexpr char kChain[] = "privatenet";
inline constexpr char kResource[] = "compute-jobs";
inline const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
inline const uint256 kFee = uint256(300'000'000'000'000'000ULL);

inline PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
inline Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

// A chain state where the requester has reserved 10 TFUEL (collateral 11) for compute jobs.
struct Chain {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  ledger::LedgerState state{*store};
  ledger::ExecutionContext context{kChain, kHeight, false};
  PrivateKey requester = Key(1), honest = Key(2), liar = Key(3);

  Chain() {
    ledger::Account account;
    account.address = AddressOf(requester);
    account.balance = ledger::Coins{5 * kTFuel, 100 * kTFuel};
    REQUIRE(state.SetAccount(account).ok());
    ledger::Tx reserve = ledger::ReserveFundTx{
        ledger::Coins::TFuel(kFee),
        ledger::TxInput{AddressOf(requester), ledger::Coins::TFuel(10 * kTFuel), 1, {}},
        ledger::Coins::TFuel(11 * kTFuel),
        {kResource},
        300};
    REQUIRE(ledger::SignTx(reserve, kChain, requester).ok());
    REQUIRE(ledger::ApplyTx(state, reserve, context).ok());
  }
  ledger::Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    return **account;
  }
  ledger::ReservedFund Pool() {
    auto pool = ledger::FindReservedFund(Get(AddressOf(requester)), 1);
    REQUIRE(pool.ok());
    return *pool;
  }
};

inline Bytes RandomFloatBytes(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  Bytes out(count * 4);
  for (size_t i = 0; i < count; ++i) {
    const float v = dist(rng);
    std::memcpy(out.data() + i * 4, &v, 4);
  }
  return out;
}

inline JobOrder MatMulOrder(const std::string& id, const Address& requester, uint32_t seed) {
  JobOrder order;
  order.job_id = id;
  order.spec.kernel = compute::JobKernel::kMatMul;
  order.spec.dims = {{"m", 24}, {"n", 16}, {"k", 12}};
  const Bytes a = RandomFloatBytes(24 * 12, seed), b = RandomFloatBytes(12 * 16, seed + 1);
  order.spec.inputs = {{"a", a, std::nullopt, a.size()}, {"b", b, std::nullopt, b.size()}};
  order.price_tfuel_wei = kTFuel / uint256(10);
  order.deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  order.requester = requester;
  return order;
}

// A worker that lies: its backend doubles every matmul output after computing it.
class DoublingBackend : public compute::Backend {
 public:
  std::string_view name() const noexcept override { return "cpu"; }

 protected:
  absl::Status DoMatMul(compute::MatMulShape s, std::span<const float> a, std::span<const float> b,
                        std::span<float> c) override {
    absl::Status status = inner_->MatMul(s, a, b, c);
    for (float& v : c)
      v *= 2;
    return status;
  }
  absl::Status DoActivate(compute::Activation, std::span<const float>, std::span<float>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoBinary(compute::BinaryOp, std::span<const float>, std::span<const float>,
                        std::span<float>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoSoftmax(uint32_t, uint32_t, std::span<const float>, std::span<float>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoReduce(compute::ReduceOp, uint32_t, uint32_t, std::span<const float>,
                        std::span<float>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoConv2d(const compute::Conv2dShape&, std::span<const float>, std::span<const float>,
                        std::span<const float>, std::span<float>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoResizeBilinear(compute::ImageSize, uint32_t, std::span<const uint8_t>,
                                compute::ImageSize, std::span<uint8_t>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }
  absl::Status DoYuvToRgb(compute::YuvLayout, compute::ImageSize, std::span<const uint8_t>,
                          std::span<uint8_t>) override {
    return absl::UnimplementedError("this lying worker only does matmul");
  }

 private:
  std::unique_ptr<compute::Backend> inner_ = compute::NewCpuBackend();
};

inline std::unique_ptr<compute::Scheduler> StartWorker(compute::JobExecutorFactory factory) {
  auto scheduler = compute::Scheduler::Start({.workers = 1, .make_executor = std::move(factory)});
  REQUIRE(scheduler.ok());
  return std::move(*scheduler);
}

// Executors of a worker whose matmul results are doubled.
inline absl::StatusOr<compute::JobExecutor> LyingExecutor(size_t) {
  auto backend = std::make_shared<DoublingBackend>();
  auto runner =
      std::make_shared<compute::JobRunner>(compute::JobRunnerOptions{.cpu = backend.get()});
  return compute::JobExecutor([backend, runner](const JobSpec& s) { return runner->Run(s); });
}

}  // namespace theta::edge::testing
