// SplitRuleTx and how service payments are shared by a resource's split rule.
#include <catch2/catch.hpp>

#include "theta/ledger/executor.hpp"
#include "theta/ledger/micropayment.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kHeight = 20'000'000;
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);
constexpr char kChain[] = "privatenet";

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

Address Fill(uint8_t byte) {
  Address a;
  a.bytes.fill(byte);
  return a;
}

struct Split3 {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  ExecutionContext context{kChain, kHeight, false};
  PrivateKey owner = Key(1), viewer = Key(2), edge = Key(3), rival = Key(4);
  std::map<Address, uint64_t> sequences;

  Split3() {
    for (const PrivateKey* key : {&owner, &viewer, &rival}) {
      Account a;
      a.address = AddressOf(*key);
      a.balance = Coins::TFuel(100 * kTFuel);
      REQUIRE(state.SetAccount(a).ok());
    }
  }
  Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    return **account;
  }
  Tx Rule(const PrivateKey& key, std::vector<Split> splits, uint64_t duration = 1000,
          const std::string& resource = "film", const uint256& fee = kFee) {
    Tx tx = SplitRuleTx{Coins::TFuel(fee), resource,
                        TxInput{AddressOf(key), {}, sequences[AddressOf(key)] + 1, {}},
                        std::move(splits), duration};
    REQUIRE(SignTx(tx, kChain, key).ok());
    return tx;
  }
  void Apply(const Tx& tx) {
    const absl::Status status = ApplyTx(state, tx, context);
    INFO(status.ToString());
    REQUIRE(status.ok());
    if (const auto* rule = std::get_if<SplitRuleTx>(&tx)) ++sequences[rule->initiator.address];
    if (const auto* reserve = std::get_if<ReserveFundTx>(&tx)) ++sequences[reserve->source.address];
  }
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(std::string(status.message()), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
  void Reserve() {
    Tx tx = ReserveFundTx{
        Coins::TFuel(kFee),
        TxInput{AddressOf(viewer), Coins::TFuel(10 * kTFuel), sequences[AddressOf(viewer)] + 1, {}},
        Coins::TFuel(11 * kTFuel),
        {"film"},
        300};
    REQUIRE(SignTx(tx, kChain, viewer).ok());
    Apply(tx);
  }
  Tx Pay(const uint256& amount, uint64_t payment_sequence) {
    auto voucher = CreateVoucher(VoucherTerms{AddressOf(edge), amount, payment_sequence, 1, "film"},
                                 viewer, kChain);
    REQUIRE(voucher.ok());
    return *SettleVoucher(*voucher, edge, kFee, kChain);
  }
};

TEST_CASE("a split rule is stored under its resource id and charged its fee", "[ledger][split]") {
  Split3 s;
  s.Apply(s.Rule(s.owner, {Split{Fill(0xa1), 30}, Split{Fill(0xa2), 20}}));
  auto rule = s.state.GetSplitRule("film");
  REQUIRE(rule.ok());
  REQUIRE(rule->has_value());
  CHECK((*rule)->initiator == AddressOf(s.owner));
  CHECK((*rule)->splits.size() == 2);
  CHECK((*rule)->end_block_height == kHeight - 1 + 1000);
  CHECK(s.Get(AddressOf(s.owner)).balance == Coins::TFuel(100 * kTFuel - kFee));
  CHECK(s.Get(AddressOf(s.owner)).sequence == 1);
  CHECK(DecodeSplitRule(EncodeSplitRule(**rule)).value() == **rule);
  // The owner may update it; the update resets the end height.
  s.context.block_height = kHeight + 10;
  s.Apply(s.Rule(s.owner, {Split{Fill(0xa1), 100}}, 50));
  CHECK(s.state.GetSplitRule("film")->value().end_block_height == kHeight + 9 + 50);
  CHECK(s.state.GetSplitRule("film")->value().splits.size() == 1);
}

TEST_CASE("a split rule is rejected for each broken rule", "[ledger][split]") {
  Split3 s;
  SECTION("percentage above 100") {
    s.Reject(s.Rule(s.owner, {Split{Fill(1), 101}}), absl::StatusCode::kInvalidArgument,
             "percentage 101 is above 100");
  }
  SECTION("percentages summing above 100") {
    s.Reject(s.Rule(s.owner, {Split{Fill(1), 60}, Split{Fill(2), 41}}),
             absl::StatusCode::kInvalidArgument, "sum to 101");
  }
  SECTION("too many splits") {
    s.Reject(s.Rule(s.owner, std::vector<Split>(512, Split{Fill(1), 0})),
             absl::StatusCode::kInvalidArgument, "512 splits, at most 511");
  }
  SECTION("fee too low") {
    s.Reject(s.Rule(s.owner, {}, 10, "film", kFee - 1), absl::StatusCode::kInvalidArgument,
             "below the minimum");
  }
  SECTION("bad signature") {
    Tx tx = s.Rule(s.owner, {});
    std::get<SplitRuleTx>(tx).duration = 7;
    s.Reject(tx, absl::StatusCode::kInvalidArgument, "was made by");
  }
  SECTION("wrong sequence") {
    s.sequences[AddressOf(s.owner)] = 4;
    s.Reject(s.Rule(s.owner, {}), absl::StatusCode::kFailedPrecondition, "sent sequence 5");
  }
  SECTION("resource owned by another initiator until the rule expires") {
    s.Apply(s.Rule(s.owner, {}, 100));
    s.Reject(s.Rule(s.rival, {}), absl::StatusCode::kFailedPrecondition, "belongs to");
    s.context.block_height = kHeight + 101;  // parent kHeight + 100 > end kHeight + 99
    s.Apply(s.Rule(s.rival, {}));
    CHECK(s.state.GetSplitRule("film")->value().initiator == AddressOf(s.rival));
  }
}

TEST_CASE("service payments are shared by the resource's split rule", "[ledger][split]") {
  Split3 s;
  s.Apply(s.Rule(s.owner, {Split{Fill(0xa1), 30}, Split{Fill(0xa2), 33}}, 1000));
  s.Reserve();
  s.Apply(s.Pay(kTFuel + uint256(1001), 1));
  // Shares round down per percentage: 30 % of 1e18 + 1001 is 3e17 + 300, 33 % is 3.3e17 + 330;
  // the payee gets the rest, 3.7e17 + 371, less its fee.
  CHECK(s.Get(Fill(0xa1)).balance == Coins::TFuel(uint256(300'000'000'000'000'300ULL)));
  CHECK(s.Get(Fill(0xa2)).balance == Coins::TFuel(uint256(330'000'000'000'000'330ULL)));
  CHECK(s.Get(AddressOf(s.edge)).balance ==
        Coins::TFuel(uint256(370'000'000'000'000'371ULL) - kFee));
  CHECK(s.Get(AddressOf(s.viewer)).reserved_funds[0].used_fund ==
        Coins::TFuel(kTFuel + uint256(1001)));
}

TEST_CASE("an expired split rule pays the payee in full and is deleted", "[ledger][split]") {
  Split3 s;
  s.Apply(s.Rule(s.owner, {Split{Fill(0xa1), 50}}, 10));
  s.context.block_height = kHeight + 20;
  s.Reserve();
  s.Apply(s.Pay(kTFuel, 1));
  CHECK(s.Get(AddressOf(s.edge)).balance == Coins::TFuel(kTFuel - kFee));
  auto gone = s.state.GetSplitRule("film");
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

}  // namespace
}  // namespace theta::ledger
