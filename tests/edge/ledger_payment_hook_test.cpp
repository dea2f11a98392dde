// The edge app's payment hook on the real ledger: a requester reserves a fund on chain, a verified
// compute job yields a voucher the worker accepts with VerifyVoucher and settles on chain, and a
// worker whose result is wrong gets no voucher and is reported.
#include "ledger_payment_hook.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "edge_test_util.hpp"

namespace theta::edge {
namespace {

using compute::JobOrder;
using compute::JobSpec;
using namespace testing;

TEST_CASE("a verified job yields a voucher the worker verifies and settles on chain",
          "[edge][payment]") {
  Chain chain;
  const std::filesystem::path reports =
      std::filesystem::temp_directory_path() / "theta_edge_payment_reports.jsonl";
  std::filesystem::remove(reports);
  LedgerPaymentHook hook(chain.requester, {.chain_id = kChain,
                                           .reserve_sequence = 1,
                                           .resource_id = kResource,
                                           .report_path = reports.string()});
  auto honest_scheduler = StartWorker([](size_t) { return compute::NewLocalExecutor(nullptr); });
  auto lying_scheduler = StartWorker(LyingExecutor);
  compute::SchedulerWorker honest({"honest", AddressOf(chain.honest)}, *honest_scheduler);
  compute::SchedulerWorker liar({"liar", AddressOf(chain.liar)}, *lying_scheduler);
  compute::Verifier verifier({.spot_samples = 4, .hook = &hook});
  compute::ComputeWorker* workers[] = {&honest, &liar};

  auto first = verifier.Run(MatMulOrder("job-1", hook.requester(), 1), workers);
  REQUIRE(first.ok());
  CHECK(first->verified);
  CHECK(first->verdicts[0].paid);
  CHECK_FALSE(first->verdicts[1].paid);

  const ledger::ReservedFund pool = chain.Pool();
  const auto voucher = hook.LatestVoucher(AddressOf(chain.honest));
  REQUIRE(voucher.has_value());
  CHECK(voucher->source.coins.tfuel_wei == kTFuel / uint256(10));
  CHECK(ledger::VerifyVoucher(*voucher, AddressOf(chain.honest), pool, kHeight, kChain).ok());
  // The liar has nothing to settle, and is on record.
  CHECK_FALSE(hook.LatestVoucher(AddressOf(chain.liar)).has_value());
  REQUIRE(hook.reports().size() == 1);
  CHECK(hook.reports()[0].worker.payee == AddressOf(chain.liar));
  CHECK(hook.reports()[0].reason == "spot_check");
  std::ifstream lines(reports);
  std::string line;
  REQUIRE(std::getline(lines, line));
  CHECK_THAT(line, Catch::Contains("\"job_id\":\"job-1\"") &&
                       Catch::Contains(AddressOf(chain.liar).ToHex()));

  // A second job raises the cumulative amount; the new voucher supersedes the first.
  auto second = verifier.Run(MatMulOrder("job-2", hook.requester(), 2), workers);
  REQUIRE(second.ok());
  const auto latest = hook.LatestVoucher(AddressOf(chain.honest));
  REQUIRE(latest.has_value());
  CHECK(latest->source.coins.tfuel_wei == kTFuel / uint256(5));
  CHECK(ledger::VerifyVoucher(*latest, AddressOf(chain.honest), pool, kHeight, kChain, &*voucher)
            .ok());

  // The worker settles the latest voucher and is paid on chain.
  const uint256 before = chain.Get(AddressOf(chain.requester)).balance.tfuel_wei;
  auto settle = ledger::SettleVoucher(*latest, chain.honest, kFee, kChain);
  REQUIRE(settle.ok());
  ledger::ExecutionContext next{kChain, kHeight + 1, false};
  // The honest worker needs an account to pay the settlement fee from.
  ledger::Account worker_account;
  worker_account.address = AddressOf(chain.honest);
  worker_account.balance = ledger::Coins{0, kTFuel};
  REQUIRE(chain.state.SetAccount(worker_account).ok());
  REQUIRE(ledger::ApplyTx(chain.state, ledger::Tx{*settle}, next).ok());
  CHECK(chain.Get(AddressOf(chain.honest)).balance.tfuel_wei ==
        kTFuel + kTFuel / uint256(5) - kFee);
  CHECK(chain.Get(AddressOf(chain.requester)).balance.tfuel_wei == before);  // paid from the pool
  std::filesystem::remove(reports);
}

TEST_CASE("a job that fails verification yields no voucher", "[edge][payment]") {
  Chain chain;
  LedgerPaymentHook hook(chain.requester,
                         {.chain_id = kChain, .reserve_sequence = 1, .resource_id = kResource});
  auto lying_scheduler = StartWorker(LyingExecutor);
  compute::SchedulerWorker liar({"liar", AddressOf(chain.liar)}, *lying_scheduler);
  compute::Verifier verifier({.spot_samples = 4, .hook = &hook});
  compute::ComputeWorker* workers[] = {&liar};
  auto job = verifier.Run(MatMulOrder("job-1", hook.requester(), 3), workers);
  REQUIRE(job.ok());
  CHECK_FALSE(job->verified);
  CHECK_FALSE(hook.LatestVoucher(AddressOf(chain.liar)).has_value());
  CHECK(hook.OwedTo(AddressOf(chain.liar)) == uint256(0));
  CHECK(hook.reports().size() == 1);
}

TEST_CASE("the hook refuses to pay for another requester's order", "[edge][payment]") {
  Chain chain;
  LedgerPaymentHook hook(chain.requester,
                         {.chain_id = kChain, .reserve_sequence = 1, .resource_id = kResource});
  compute::WorkReceipt receipt;
  receipt.job_id = "x";
  receipt.requester = AddressOf(chain.liar);
  receipt.worker = {"honest", AddressOf(chain.honest)};
  receipt.price_tfuel_wei = uint256(5);
  CHECK(hook.OnVerified(receipt).code() == absl::StatusCode::kFailedPrecondition);
  receipt.requester = hook.requester();
  receipt.worker.payee = hook.requester();  // paying oneself is refused by CreateVoucher
  CHECK(hook.OnVerified(receipt).code() == absl::StatusCode::kInvalidArgument);
  CHECK(hook.OwedTo(hook.requester()) == uint256(0));
}

}  // namespace
}  // namespace theta::edge
