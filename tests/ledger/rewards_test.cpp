// Block rewards, the CoinbaseTx that pays them, and slashing on equivocation evidence.
#include "theta/ledger/rewards.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kCheckpoint = 20'000'001;  // after every fork; % 100 == 1
const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

struct Fixture {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  ExecutionContext context{"privatenet", kCheckpoint, false};
  PrivateKey alice = Key(1), bob = Key(2), v1 = Key(3), v2 = Key(4);
  Address guardian;

  Fixture() {
    guardian.bytes.fill(0x99);
    for (const PrivateKey* k : {&alice, &bob, &v1, &v2}) {
      Account a;
      a.address = AddressOf(*k);
      a.balance = Coins{1'000'000 * kWei, 1'000 * kWei};
      REQUIRE(state.SetAccount(a).ok());
    }
    // alice 600,000 THETA to v1, bob 200,000 to v2, bob 200,000 to the guardian.
    REQUIRE(SetValidatorPool(
                state, ValidatorCandidatePool{{
                           StakeHolder{AddressOf(v1), {Stake{AddressOf(alice), 600'000 * kWei}}},
                           StakeHolder{AddressOf(v2), {Stake{AddressOf(bob), 200'000 * kWei}}},
                       }})
                .ok());
    REQUIRE(SetGuardianPool(
                state,
                BlsCandidatePool{{BlsStakeHolder{
                    StakeHolder{guardian, {Stake{AddressOf(bob), 200'000 * kWei}}}, Bytes(48, 1)}}})
                .ok());
  }
  uint256 Reward(const std::vector<TxOutput>& outputs, const Address& a) {
    for (const TxOutput& out : outputs) {
      if (out.address == a) return out.coins.tfuel_wei;
    }
    return 0;
  }
  Tx Coinbase(const std::vector<TxOutput>& outputs, const PrivateKey& proposer,
              uint64_t height = kCheckpoint - 1) {
    Tx tx = CoinbaseTx{TxInput{AddressOf(proposer), {}, 0, {}}, outputs, height};
    REQUIRE(SignTx(tx, context.chain_id, proposer).ok());
    return tx;
  }
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(std::string(status.message()), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
};

TEST_CASE("checkpoint rewards: 4,800 TFUEL pro rata to validator and voting guardian stakes",
          "[ledger][rewards]") {
  Fixture f;
  auto none = ComputeBlockRewards(f.state, kCheckpoint + 1, nullptr);
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto validators_only = ComputeBlockRewards(f.state, kCheckpoint, nullptr);
  REQUIRE(validators_only.ok());
  CHECK(f.Reward(*validators_only, AddressOf(f.alice)) == 3'600 * kWei);  // 600k of 800k
  CHECK(f.Reward(*validators_only, AddressOf(f.bob)) == 1'200 * kWei);
  RewardVotes votes{{f.guardian}, {}};
  auto with_guardian = ComputeBlockRewards(f.state, kCheckpoint, &votes);
  REQUIRE(with_guardian.ok());
  CHECK(f.Reward(*with_guardian, AddressOf(f.alice)) == 2'880 * kWei);  // 600k of 1,000k
  CHECK(f.Reward(*with_guardian, AddressOf(f.bob)) == 1'920 * kWei);
  auto early = ComputeBlockRewards(f.state, kHeightEnableValidatorReward - 99, nullptr);
  REQUIRE(early.ok());
  REQUIRE(early->size() == 2);  // the validators, with zero coins
  CHECK((*early)[0].coins.IsZero());
}

TEST_CASE("elite edge node rewards: 3,800 TFUEL by weight, shared by stake within a node",
          "[ledger][rewards]") {
  Fixture f;
  Address een1, een2;
  een1.bytes.fill(0xe1);
  een2.bytes.fill(0xe2);
  REQUIRE(
      SetEliteEdgeNodePool(
          f.state, BlsCandidatePool{{
                       BlsStakeHolder{StakeHolder{een1,
                                                  {Stake{AddressOf(f.alice), 30'000 * kWei},
                                                   Stake{AddressOf(f.bob), 10'000 * kWei}}},
                                      Bytes(48, 2)},
                       BlsStakeHolder{StakeHolder{een2, {Stake{AddressOf(f.v1), 10'000 * kWei}}},
                                      Bytes(48, 3)},
                   }})
          .ok());
  RewardVotes votes{{f.guardian}, {{een1, 3}, {een2, 1}}};
  auto rewards = ComputeBlockRewards(f.state, kCheckpoint, &votes);
  REQUIRE(rewards.ok());
  // een1 earns 3/4 of 3,800 = 2,850 (alice 3/4, bob 1/4); een2 1/4 = 950 to v1.
  CHECK(f.Reward(*rewards, AddressOf(f.v1)) == 950 * kWei);
  CHECK(f.Reward(*rewards, AddressOf(f.alice)) ==
        2'880 * kWei + uint256(21'375) * kWei / uint256(10));
  RewardVotes no_guardians{{}, {{een1, 3}}};  // no guardian votes: no EEN rewards (Go)
  auto without = ComputeBlockRewards(f.state, kCheckpoint, &no_guardians);
  REQUIRE(without.ok());
  CHECK(f.Reward(*without, AddressOf(f.v1)).IsZero());
}

TEST_CASE("a holder's reward rule sends its basis points to the beneficiary", "[ledger][rewards]") {
  Fixture f;
  Address beneficiary;
  beneficiary.bytes.fill(0xbe);
  Tx rule = StakeRewardDistributionTx{Coins::TFuel(kFee), TxInput{AddressOf(f.v1), {}, 1, {}},
                                      TxOutput{beneficiary, {}}, 1'000};
  REQUIRE(SignTx(rule, f.context.chain_id, f.v1).ok());
  REQUIRE(ApplyTx(f.state, rule, f.context).ok());
  auto rewards = ComputeBlockRewards(f.state, kCheckpoint, nullptr);
  REQUIRE(rewards.ok());
  CHECK(f.Reward(*rewards, beneficiary) == 360 * kWei);
  CHECK(f.Reward(*rewards, AddressOf(f.alice)) == 3'240 * kWei);
}

TEST_CASE("a CoinbaseTx pays exactly the rewards due, signed by a validator", "[ledger][rewards]") {
  Fixture f;
  auto due = ComputeBlockRewards(f.state, kCheckpoint, nullptr);
  REQUIRE(due.ok());
  std::vector<TxOutput> short_one = *due;
  short_one[0].coins.tfuel_wei -= 1;
  f.Reject(f.Coinbase(short_one, f.v1), absl::StatusCode::kInvalidArgument, "differ");
  f.Reject(f.Coinbase({}, f.v1), absl::StatusCode::kInvalidArgument, "differ");
  f.Reject(f.Coinbase(*due, f.alice), absl::StatusCode::kFailedPrecondition, "not a validator");
  f.Reject(f.Coinbase(*due, f.v1, kCheckpoint), absl::StatusCode::kInvalidArgument, "block height");
  Tx forged = f.Coinbase(*due, f.v1);
  std::get<CoinbaseTx>(forged).proposer.signature = SignMessage(Bytes{1}, f.v1);
  f.Reject(forged, absl::StatusCode::kInvalidArgument, "signature");
  // Output order does not matter.
  std::vector<TxOutput> reversed(due->rbegin(), due->rend());
  REQUIRE(ApplyTx(f.state, f.Coinbase(reversed, f.v2), f.context).ok());
  auto alice = f.state.GetAccount(AddressOf(f.alice));
  REQUIRE(alice.ok());
  CHECK((*alice)->balance.tfuel_wei == 4'600 * kWei);
}

TEST_CASE("a SlashTx on the wire is refused", "[ledger][rewards]") {
  Fixture f;
  f.Reject(Tx{SlashTx{}}, absl::StatusCode::kInvalidArgument, "not executable");
}

TEST_CASE("equivocation slashes every stake the offender holds, once, to the reporter",
          "[ledger][rewards]") {
  Fixture f;
  Address reporter;
  reporter.bytes.fill(0x77);
  const Hash32 evidence = Keccak256(Bytes{1, 2, 3});
  auto slashed = SlashForEquivocation(f.state, AddressOf(f.v1), evidence, reporter, kCheckpoint);
  REQUIRE(slashed.ok());
  CHECK(*slashed == 600'000 * kWei);
  auto account = f.state.GetAccount(reporter);
  REQUIRE(account.ok());
  CHECK((*account)->balance == Coins::Theta(600'000 * kWei));
  auto set = ValidatorSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == 1);
  CHECK((*set)[0].address == AddressOf(f.v2));
  auto again = SlashForEquivocation(f.state, AddressOf(f.v2), evidence, reporter, kCheckpoint);
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
  auto nothing =
      SlashForEquivocation(f.state, AddressOf(f.alice), Keccak256(Bytes{4}), reporter, kCheckpoint);
  CHECK(nothing.status().code() == absl::StatusCode::kNotFound);
  // A stake in its return-lock period is still slashable.
  auto pool = GetValidatorPool(f.state);
  REQUIRE(pool.ok());
  pool->sorted_candidates[0].stakes[0].withdrawn = true;
  pool->sorted_candidates[0].stakes[0].return_height = kCheckpoint + 10;
  REQUIRE(SetValidatorPool(f.state, *pool).ok());
  auto locked =
      SlashForEquivocation(f.state, AddressOf(f.v2), Keccak256(Bytes{5}), reporter, kCheckpoint);
  REQUIRE(locked.ok());
  CHECK(*locked == 200'000 * kWei);
}

}  // namespace
}  // namespace theta::ledger
