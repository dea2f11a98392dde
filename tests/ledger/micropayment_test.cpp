// ReserveFund, ServicePayment and ReleaseFund on the ledger, and the off-chain voucher API.
#include "theta/ledger/micropayment.hpp"

#include <catch2/catch.hpp>

#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kHeight = 20'000'000;  // after every fork; parent height kHeight - 1
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);  // MinimumTransactionFee from 2021
constexpr char kChain[] = "privatenet";

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

struct Pool {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  ExecutionContext context{kChain, kHeight, false};
  PrivateKey viewer = Key(1), edge = Key(2), edge2 = Key(3);

  Pool() {
    Account a;
    a.address = AddressOf(viewer);
    a.balance = Coins{5 * kTFuel, 100 * kTFuel};
    REQUIRE(state.SetAccount(a).ok());
  }
  Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    return **account;
  }
  // Deposit 10 TFUEL, collateral 11, for "video-1" and "video-2", 300 blocks.
  Tx Reserve(uint64_t sequence = 1, const uint256& deposit = 10 * kTFuel,
             const uint256& collateral = 11 * kTFuel, uint64_t duration = 300,
             const uint256& fee = kFee) {
    Tx tx = ReserveFundTx{Coins::TFuel(fee),
                          TxInput{AddressOf(viewer), Coins::TFuel(deposit), sequence, {}},
                          Coins::TFuel(collateral),
                          {"video-1", "video-2"},
                          duration};
    REQUIRE(SignTx(tx, kChain, viewer).ok());
    return tx;
  }
  Tx Pay(const PrivateKey& payee, const uint256& amount, uint64_t payment_sequence,
         const std::string& resource = "video-1", uint64_t reserve_sequence = 1) {
    auto voucher = CreateVoucher(
        VoucherTerms{AddressOf(payee), amount, payment_sequence, reserve_sequence, resource},
        viewer, kChain);
    REQUIRE(voucher.ok());
    auto settled = SettleVoucher(*voucher, payee, kFee, kChain);
    REQUIRE(settled.ok());
    return *settled;
  }
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(Message(status), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
};

TEST_CASE("a reserve fund locks deposit and collateral and records the pool", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  const Account viewer = p.Get(AddressOf(p.viewer));
  CHECK(viewer.sequence == 1);
  CHECK(viewer.balance == Coins{5 * kTFuel, 79 * kTFuel - kFee});
  REQUIRE(viewer.reserved_funds.size() == 1);
  const ReservedFund& fund = viewer.reserved_funds[0];
  CHECK(fund.collateral == Coins::TFuel(11 * kTFuel));
  CHECK(fund.initial_fund == Coins::TFuel(10 * kTFuel));
  CHECK(fund.used_fund.IsZero());
  CHECK(fund.resource_ids == std::vector<std::string>{"video-1", "video-2"});
  CHECK(fund.end_block_height == kHeight - 1 + 300);
  CHECK(fund.reserve_sequence == 1);
}

TEST_CASE("a reserve fund is rejected for each broken rule", "[ledger][pool]") {
  Pool p;
  SECTION("wrong sequence") {
    p.Reject(p.Reserve(2), absl::StatusCode::kFailedPrecondition, "sent sequence 2");
  }
  SECTION("bad signature") {
    Tx tx = p.Reserve();
    std::get<ReserveFundTx>(tx).duration = 301;
    p.Reject(tx, absl::StatusCode::kInvalidArgument, "was made by");
  }
  SECTION("no deposit") {
    p.Reject(p.Reserve(1, 0), absl::StatusCode::kInvalidArgument, "reserves no TFUEL");
  }
  SECTION("theta deposit") {
    Tx tx = p.Reserve();
    auto& reserve = std::get<ReserveFundTx>(tx);
    reserve.source.coins.theta_wei = 1;
    reserve.source.signature.clear();
    REQUIRE(SignTx(tx, kChain, p.viewer).ok());
    p.Reject(tx, absl::StatusCode::kInvalidArgument, "cannot reserve THETA");
  }
  SECTION("theta collateral") {
    Tx tx = p.Reserve();
    auto& reserve = std::get<ReserveFundTx>(tx);
    reserve.collateral.theta_wei = 1;
    reserve.source.signature.clear();
    REQUIRE(SignTx(tx, kChain, p.viewer).ok());
    p.Reject(tx, absl::StatusCode::kInvalidArgument, "collateral cannot hold THETA");
  }
  SECTION("collateral not above the deposit") {
    p.Reject(p.Reserve(1, 10 * kTFuel, 10 * kTFuel), absl::StatusCode::kInvalidArgument,
             "strictly greater than the deposit");
  }
  SECTION("duration too short or too long") {
    p.Reject(p.Reserve(1, kTFuel, 2 * kTFuel, 299), absl::StatusCode::kInvalidArgument,
             "duration 299 is out of the permitted range [300, 43200]");
    p.Reject(p.Reserve(1, kTFuel, 2 * kTFuel, 43'201), absl::StatusCode::kInvalidArgument,
             "duration 43201");
    CHECK(ApplyTx(p.state, p.Reserve(1, kTFuel, 2 * kTFuel, 43'200), p.context).ok());
  }
  SECTION("fee too low") {
    p.Reject(p.Reserve(1, kTFuel, 2 * kTFuel, 300, kFee - 1), absl::StatusCode::kInvalidArgument,
             "below the minimum of 300000000000000000");
  }
  SECTION("balance below deposit + collateral + fee") {
    p.Reject(p.Reserve(1, 49 * kTFuel, 51 * kTFuel), absl::StatusCode::kFailedPrecondition,
             "deposit + collateral + fee need");
  }
  SECTION("deposit above the balance") {
    p.Reject(p.Reserve(1, 101 * kTFuel, 102 * kTFuel), absl::StatusCode::kFailedPrecondition,
             "insufficient funds");
  }
  SECTION("unknown source") {
    Tx tx = p.Reserve();
    std::get<ReserveFundTx>(tx).source.address = AddressOf(p.edge);
    p.Reject(tx, absl::StatusCode::kFailedPrecondition, "unknown input address");
  }
  SECTION("reserve sequence not increasing") {
    Account viewer = p.Get(AddressOf(p.viewer));
    viewer.reserved_funds.push_back(
        ReservedFund{Coins::TFuel(2), Coins::TFuel(1), {}, {"x"}, kHeight + 100, 7, {}});
    REQUIRE(p.state.SetAccount(viewer).ok());
    p.Reject(p.Reserve(), absl::StatusCode::kFailedPrecondition, "reserve sequences strictly");
  }
}

TEST_CASE("a service payment settles a voucher into the payee's balance", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  const Tx pay = p.Pay(p.edge, 3 * kTFuel, 1);
  REQUIRE(ApplyTx(p.state, pay, p.context).ok());
  const Account edge = p.Get(AddressOf(p.edge));
  CHECK(edge.balance == Coins::TFuel(3 * kTFuel - kFee));  // a fresh payee pays its fee
  CHECK(edge.sequence == 0);                               // not advanced, as in Go
  const Account viewer = p.Get(AddressOf(p.viewer));
  CHECK(viewer.sequence == 1);
  REQUIRE(viewer.reserved_funds.size() == 1);
  CHECK(viewer.reserved_funds[0].used_fund == Coins::TFuel(3 * kTFuel));
  REQUIRE(viewer.reserved_funds[0].transfer_records.size() == 1);
  CHECK(Tx(viewer.reserved_funds[0].transfer_records[0]) == pay);
  // A second round for the other resource, and a second payee.
  REQUIRE(ApplyTx(p.state, p.Pay(p.edge, 2 * kTFuel, 2, "video-2"), p.context).ok());
  REQUIRE(ApplyTx(p.state, p.Pay(p.edge2, 5 * kTFuel, 1), p.context).ok());
  CHECK(p.Get(AddressOf(p.viewer)).reserved_funds[0].used_fund == Coins::TFuel(10 * kTFuel));
  CHECK(p.Get(AddressOf(p.edge2)).balance == Coins::TFuel(5 * kTFuel - kFee));
}

TEST_CASE("a service payment is rejected for each broken rule", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  SECTION("payer pays itself") {
    Tx tx = p.Pay(p.edge, kTFuel, 1);
    std::get<ServicePaymentTx>(tx).target.address = AddressOf(p.viewer);
    p.Reject(tx, absl::StatusCode::kInvalidArgument, "source and target are both");
  }
  SECTION("payer signature broken") {
    Tx tx = p.Pay(p.edge, kTFuel, 1);
    auto& sp = std::get<ServicePaymentTx>(tx);
    sp.source.coins.tfuel_wei += 1;  // the payee raises the amount and re-signs
    sp.target.signature.clear();
    REQUIRE(SignTx(tx, kChain, p.edge).ok());
    p.Reject(tx, absl::StatusCode::kInvalidArgument,
             "signature of " + ToChecksumHex(AddressOf(p.viewer)));
  }
  SECTION("payee signature missing") {
    Tx tx = p.Pay(p.edge, kTFuel, 1);
    std::get<ServicePaymentTx>(tx).target.signature.clear();
    p.Reject(tx, absl::StatusCode::kInvalidArgument,
             "signature of " + ToChecksumHex(AddressOf(p.edge)) + " is missing");
  }
  SECTION("theta payment") {
    Tx tx = p.Pay(p.edge, kTFuel, 1);
    std::get<ServicePaymentTx>(tx).source.coins.theta_wei = 1;
    p.Reject(tx, absl::StatusCode::kInvalidArgument, "cannot pay THETA");
  }
  SECTION("fee too low") {
    auto voucher =
        CreateVoucher(VoucherTerms{AddressOf(p.edge), kTFuel, 1, 1, "video-1"}, p.viewer, kChain);
    REQUIRE(voucher.ok());
    auto settled = SettleVoucher(*voucher, p.edge, kFee - 1, kChain);
    REQUIRE(settled.ok());
    p.Reject(*settled, absl::StatusCode::kInvalidArgument, "below the minimum");
  }
  SECTION("unknown pool") {
    p.Reject(p.Pay(p.edge, kTFuel, 1, "video-1", 9), absl::StatusCode::kFailedPrecondition,
             "no reserved fund with reserve sequence 9");
  }
  SECTION("other resource") {
    p.Reject(p.Pay(p.edge, kTFuel, 1, "video-3"), absl::StatusCode::kFailedPrecondition,
             "is not for resource \"video-3\"");
  }
  SECTION("expired pool") {
    p.context.block_height = kHeight + 301;  // parent kHeight + 300 > end kHeight + 299
    p.Reject(p.Pay(p.edge, kTFuel, 1), absl::StatusCode::kFailedPrecondition, "expired at");
  }
  SECTION("replayed or older payment sequence") {
    REQUIRE(ApplyTx(p.state, p.Pay(p.edge, kTFuel, 2), p.context).ok());
    p.Reject(p.Pay(p.edge, kTFuel, 2), absl::StatusCode::kFailedPrecondition,
             "payment sequence 2 of");
    p.Reject(p.Pay(p.edge, kTFuel, 1), absl::StatusCode::kFailedPrecondition, "not above");
    // Another payee's sequences are its own.
    CHECK(ApplyTx(p.state, p.Pay(p.edge2, kTFuel, 1), p.context).ok());
  }
  SECTION("payee cannot pay the fee") {
    p.Reject(p.Pay(p.edge, 1, 1), absl::StatusCode::kFailedPrecondition, "for the fee");
  }
  SECTION("unknown payer") {
    Tx tx = p.Pay(p.edge, kTFuel, 1);
    std::get<ServicePaymentTx>(tx).source.address = AddressOf(p.edge2);
    p.Reject(tx, absl::StatusCode::kFailedPrecondition, "unknown input address");
  }
}

TEST_CASE("a payer who signs past the deposit is slashed to the payee that settles it",
          "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  // 7 + 6 TFUEL promised to two payees against a 10 TFUEL deposit.
  REQUIRE(ApplyTx(p.state, p.Pay(p.edge, 7 * kTFuel, 1), p.context).ok());
  REQUIRE(ApplyTx(p.state, p.Pay(p.edge2, 6 * kTFuel, 1), p.context).ok());
  // edge2 receives the 3 TFUEL left of the deposit and the 11 TFUEL collateral.
  CHECK(p.Get(AddressOf(p.edge2)).balance == Coins::TFuel(14 * kTFuel - kFee));
  const Account viewer = p.Get(AddressOf(p.viewer));
  CHECK(viewer.reserved_funds.empty());
  CHECK(viewer.balance == Coins{5 * kTFuel, 79 * kTFuel - kFee});
  // The pool is gone: nothing more can be settled or released from it.
  p.Reject(p.Pay(p.edge, kTFuel, 2), absl::StatusCode::kFailedPrecondition,
           "no reserved fund with reserve sequence 1");
}

TEST_CASE("a release fund returns the unused deposit and the collateral after expiry",
          "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  REQUIRE(ApplyTx(p.state, p.Pay(p.edge, 4 * kTFuel, 1), p.context).ok());
  auto release = [&](uint64_t sequence, uint64_t reserve_sequence) {
    Tx tx = ReleaseFundTx{Coins::TFuel(kFee), TxInput{AddressOf(p.viewer), {}, sequence, {}},
                          reserve_sequence};
    REQUIRE(SignTx(tx, kChain, p.viewer).ok());
    return tx;
  };
  const uint64_t end = kHeight - 1 + 300;
  p.context.block_height = end + kReservedFundFreezePeriod;  // parent = end + 4
  p.Reject(release(2, 1), absl::StatusCode::kFailedPrecondition,
           "cannot be released until block height " +
               std::to_string(end + kReservedFundFreezePeriod + 1));
  p.context.block_height = end + kReservedFundFreezePeriod + 1;
  p.Reject(release(2, 5), absl::StatusCode::kFailedPrecondition,
           "no reserved fund with reserve sequence 5");
  p.Reject(release(3, 1), absl::StatusCode::kFailedPrecondition, "sent sequence 3");
  Tx bad = release(2, 1);
  std::get<ReleaseFundTx>(bad).fee.tfuel_wei += 1;
  p.Reject(bad, absl::StatusCode::kInvalidArgument, "was made by");
  REQUIRE(ApplyTx(p.state, release(2, 1), p.context).ok());
  const Account viewer = p.Get(AddressOf(p.viewer));
  CHECK(viewer.reserved_funds.empty());
  CHECK(viewer.sequence == 2);
  // 100 − 21 − fee, then + 6 unused + 11 collateral − fee.
  CHECK(viewer.balance == Coins{5 * kTFuel, 96 * kTFuel - 2 * kFee});
}

TEST_CASE("release fund is rejected below the minimum fee", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  p.context.block_height = kHeight + 400;
  Tx tx = ReleaseFundTx{Coins::TFuel(kFee - 1), TxInput{AddressOf(p.viewer), {}, 2, {}}, 1};
  REQUIRE(SignTx(tx, kChain, p.viewer).ok());
  p.Reject(tx, absl::StatusCode::kInvalidArgument, "below the minimum");
}

TEST_CASE("expired pools are refunded lazily when the account is next used", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  p.context.block_height = kHeight + 400;
  REQUIRE(ApplyTx(p.state, p.Reserve(2, kTFuel, 2 * kTFuel), p.context).ok());
  const Account viewer = p.Get(AddressOf(p.viewer));
  REQUIRE(viewer.reserved_funds.size() == 1);
  CHECK(viewer.reserved_funds[0].reserve_sequence == 2);
  CHECK(viewer.balance == Coins{5 * kTFuel, 97 * kTFuel - 2 * kFee});
}

TEST_CASE("the payee verifies vouchers against the pool before serving", "[ledger][pool]") {
  Pool p;
  REQUIRE(ApplyTx(p.state, p.Reserve(), p.context).ok());
  const ReservedFund pool = *FindReservedFund(p.Get(AddressOf(p.viewer)), 1);
  CHECK(FindReservedFund(p.Get(AddressOf(p.viewer)), 2).status().code() ==
        absl::StatusCode::kNotFound);
  const Address edge = AddressOf(p.edge);
  const uint64_t parent = kHeight - 1;
  auto make = [&](const uint256& amount, uint64_t sequence, const std::string& resource) {
    auto voucher =
        CreateVoucher(VoucherTerms{edge, amount, sequence, 1, resource}, p.viewer, kChain);
    REQUIRE(voucher.ok());
    return *voucher;
  };
  const ServicePaymentTx first = make(kTFuel, 1, "video-1");
  CHECK(VerifyVoucher(first, edge, pool, parent, kChain).ok());
  const ServicePaymentTx more = make(2 * kTFuel, 1, "video-1");
  CHECK(VerifyVoucher(more, edge, pool, parent, kChain, &first).ok());
  auto code = [&](const ServicePaymentTx& v, const ServicePaymentTx* previous = nullptr,
                  std::string_view chain = kChain, const Address* payee = nullptr) {
    return VerifyVoucher(v, payee ? *payee : edge, pool, parent, chain, previous).code();
  };
  using absl::StatusCode;
  CHECK(code(first, &more) == StatusCode::kInvalidArgument);  // cumulative amount went down
  const ServicePaymentTx later = make(kTFuel, 2, "video-1");
  CHECK(code(make(5 * kTFuel, 1, "video-1"), &later) == StatusCode::kInvalidArgument);
  CHECK(code(first, nullptr, "mainnet") == StatusCode::kInvalidArgument);  // other chain
  const Address other = AddressOf(p.edge2);
  CHECK(code(first, nullptr, kChain, &other) == StatusCode::kInvalidArgument);  // other payee
  ServicePaymentTx forged = first;
  forged.source.coins.tfuel_wei = 9 * kTFuel;
  CHECK(code(forged) == StatusCode::kInvalidArgument);
  ServicePaymentTx theta = make(kTFuel, 1, "video-1");
  theta.source.coins.theta_wei = 1;
  CHECK(code(theta) == StatusCode::kInvalidArgument);
  CHECK(code(make(11 * kTFuel, 1, "video-1")) == StatusCode::kFailedPrecondition);  // > deposit
  CHECK(code(make(kTFuel, 1, "video-9")) == StatusCode::kFailedPrecondition);
  CHECK(VerifyVoucher(first, edge, pool, pool.end_block_height + 1, kChain).code() ==
        StatusCode::kFailedPrecondition);
  ServicePaymentTx other_pool = first;
  other_pool.reserve_sequence = 2;
  CHECK(code(other_pool) == StatusCode::kInvalidArgument);  // signature covers the pool
  // After settling sequence 1 on chain, sequence 1 is spent for this payee.
  REQUIRE(ApplyTx(p.state, *SettleVoucher(more, p.edge, kFee, kChain), p.context).ok());
  const ReservedFund after = *FindReservedFund(p.Get(AddressOf(p.viewer)), 1);
  CHECK(VerifyVoucher(more, edge, after, parent, kChain).code() == StatusCode::kFailedPrecondition);
  CHECK(VerifyVoucher(make(8 * kTFuel, 2, "video-1"), edge, after, parent, kChain).ok());
  CHECK(VerifyVoucher(make(8 * kTFuel + 1, 2, "video-1"), edge, after, parent, kChain).code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("vouchers are refused at creation and settlement by the wrong party", "[ledger][pool]") {
  Pool p;
  CHECK(CreateVoucher(VoucherTerms{AddressOf(p.viewer), kTFuel, 1, 1, "v"}, p.viewer, kChain)
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(CreateVoucher(VoucherTerms{AddressOf(p.edge), kTFuel, 0, 1, "v"}, p.viewer, kChain)
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  auto voucher =
      CreateVoucher(VoucherTerms{AddressOf(p.edge), kTFuel, 1, 1, "v"}, p.viewer, kChain);
  REQUIRE(voucher.ok());
  CHECK(SettleVoucher(*voucher, p.edge2, kFee, kChain).status().code() ==
        absl::StatusCode::kInvalidArgument);
  // A settled voucher round-trips through the wire format with both signatures intact.
  auto settled = SettleVoucher(*voucher, p.edge, kFee, kChain);
  REQUIRE(settled.ok());
  auto decoded = DecodeTx(EncodeTx(*settled));
  REQUIRE(decoded.ok());
  CHECK(std::get<ServicePaymentTx>(*decoded) == *settled);
  CHECK(settled->source.signature == voucher->source.signature);
}

}  // namespace
}  // namespace theta::ledger
