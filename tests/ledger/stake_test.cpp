// Staking: deposits, withdrawals and their return, the candidate pools and the sets consensus
// reads, reward split rules; every rejection leaves the state root unchanged.
#include "theta/ledger/stake.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kHeight = 20'000'000;  // after every fork
const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

// The node's verifier, built on theta-crypto (the ledger itself may not use crypto).
class CryptoPopVerifier : public BlsPopVerifier {
 public:
  bool VerifyPop(ByteView pubkey, ByteView pop) const override {
    auto pk = crypto::bls::PublicKey::FromBytes(pubkey);
    auto sig = crypto::bls::Signature::FromBytes(pop);
    return pk.ok() && sig.ok() && crypto::bls::PopVerify(*pk, *sig);
  }
};

struct BlsSummary {
  Bytes pubkey, pop;
};
BlsSummary MakeSummary(uint8_t seed) {
  auto sk = crypto::bls::KeyGen(Bytes(32, seed));
  REQUIRE(sk.ok());
  const auto pk = crypto::bls::SkToPk(*sk).ToBytes();
  const auto pop = crypto::bls::PopProve(*sk).ToBytes();
  return {Bytes(pk.begin(), pk.end()), Bytes(pop.begin(), pop.end())};
}

struct Fixture {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  CryptoPopVerifier verifier;
  ExecutionContext context{"privatenet", kHeight, false};
  PrivateKey alice = Key(1), bob = Key(2), holder = Key(3);
  std::map<Address, uint64_t> sequences;

  Fixture() {
    context.bls_verifier = &verifier;
    Fund(alice, Coins{1'000'000 * kWei, 1'000'000 * kWei});
    Fund(bob, Coins{1'000'000 * kWei, 1'000'000 * kWei});
  }
  void Fund(const PrivateKey& key, const Coins& coins) {
    Account a;
    a.address = AddressOf(key);
    a.balance = coins;
    REQUIRE(state.SetAccount(a).ok());
  }
  Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    REQUIRE(account->has_value());
    return **account;
  }
  uint64_t NextSequence(const PrivateKey& key) { return Get(AddressOf(key)).sequence + 1; }
  Tx Deposit(const PrivateKey& source, const Address& to, const Coins& stake, uint8_t purpose,
             const BlsSummary* bls = nullptr, const PrivateKey* holder_key = nullptr) {
    DepositStakeV2Tx d{Coins::TFuel(kFee),
                       TxInput{AddressOf(source), stake, NextSequence(source), {}},
                       TxOutput{to, {}}, purpose};
    if (bls != nullptr) {
      d.bls_pubkey = bls->pubkey;
      d.bls_pop = bls->pop;
      d.holder_sig = SignMessage(bls->pop, holder_key ? *holder_key : holder);
    }
    Tx tx = d;
    REQUIRE(SignTx(tx, context.chain_id, source).ok());
    return tx;
  }
  Tx Withdraw(const PrivateKey& source, const Address& from, uint8_t purpose) {
    Tx tx = WithdrawStakeTx{Coins::TFuel(kFee),
                            TxInput{AddressOf(source), {}, NextSequence(source), {}},
                            TxOutput{from, {}}, purpose};
    REQUIRE(SignTx(tx, context.chain_id, source).ok());
    return tx;
  }
  void Apply(const Tx& tx) {
    const absl::Status status = ApplyTx(state, tx, context);
    INFO(status.message());
    REQUIRE(status.ok());
  }
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(std::string(status.message()), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
};

TEST_CASE("validator deposits build the candidate pool and the top-31 set", "[ledger][stake]") {
  Fixture f;
  const Address v1 = AddressOf(f.holder);
  Address v2;
  v2.bytes.fill(0x22);
  f.Apply(f.Deposit(f.alice, v1, Coins::Theta(200'000 * kWei), kStakeForValidator));
  f.Apply(f.Deposit(f.bob, v2, Coins::Theta(300'000 * kWei), kStakeForValidator));
  f.Apply(f.Deposit(f.bob, v1, Coins::Theta(200'000 * kWei), kStakeForValidator));
  CHECK(f.Get(AddressOf(f.alice)).balance ==
        Coins{800'000 * kWei, 1'000'000 * kWei - uint256(1) * kFee});
  CHECK(f.Get(AddressOf(f.bob)).sequence == 2);
  auto set = ValidatorSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == 2);
  CHECK((*set)[0].address == v1);  // 400,000 THETA from two sources
  CHECK((*set)[0].stake == 400'000 * kWei);
  CHECK((*set)[1].address == v2);
  auto pool = GetValidatorPool(f.state);
  REQUIRE(pool.ok());
  CHECK(pool->sorted_candidates[0].stakes.size() == 2);
  auto decoded = DecodeValidatorPool(EncodeValidatorPool(*pool));
  REQUIRE(decoded.ok());
  CHECK(*decoded == *pool);
}

TEST_CASE("the validator set keeps 31 candidates, stake descending, ties by address descending",
          "[ledger][stake]") {
  Fixture f;
  f.Fund(f.alice, Coins{100'000'000 * kWei, 1'000'000 * kWei});
  for (uint8_t i = 1; i <= 33; ++i) {
    Address v;
    v.bytes.fill(i);
    const uint64_t units = i <= 2 ? 500'000 : 200'000;  // 0x01, 0x02 lead; the rest tie
    f.Apply(f.Deposit(f.alice, v, Coins::Theta(units * kWei), kStakeForValidator));
  }
  auto set = ValidatorSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == kMaxValidatorCount);
  CHECK((*set)[0].address.bytes[0] == 2);  // tie at 500,000: higher address first
  CHECK((*set)[1].address.bytes[0] == 1);
  CHECK((*set)[2].address.bytes[0] == 33);
  CHECK((*set)[30].address.bytes[0] == 5);  // 0x03 and 0x04 are 32nd and 33rd
}

TEST_CASE("deposit rejections: minimum, token, purpose, funds, sequence, signature, fee",
          "[ledger][stake]") {
  Fixture f;
  const Address v = AddressOf(f.holder);
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(199'999 * kWei), kStakeForValidator),
           absl::StatusCode::kInvalidArgument, "insufficient stake");
  f.Reject(f.Deposit(f.alice, v, Coins{200'000 * kWei, 1}, kStakeForValidator),
           absl::StatusCode::kInvalidArgument, "THETA only");
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(999 * kWei), kStakeForGuardian),
           absl::StatusCode::kInvalidArgument, "insufficient stake");
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), 3),
           absl::StatusCode::kInvalidArgument, "invalid stake purpose");
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(2'000'000 * kWei), kStakeForValidator),
           absl::StatusCode::kFailedPrecondition, "insufficient funds");
  Tx bad_sequence = f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator);
  std::get<DepositStakeV2Tx>(bad_sequence).source.sequence = 5;
  REQUIRE(SignTx(bad_sequence, f.context.chain_id, f.alice).ok());
  f.Reject(bad_sequence, absl::StatusCode::kFailedPrecondition, "expected 1");
  Tx forged = f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator);
  REQUIRE(SignTx(forged, f.context.chain_id, f.alice).ok());
  std::get<DepositStakeV2Tx>(forged).source.coins.theta_wei += kWei;  // after signing
  f.Reject(forged, absl::StatusCode::kInvalidArgument, "signature");
  Tx low_fee = f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator);
  std::get<DepositStakeV2Tx>(low_fee).fee = Coins::TFuel(1);
  REQUIRE(SignTx(low_fee, f.context.chain_id, f.alice).ok());
  f.Reject(low_fee, absl::StatusCode::kInvalidArgument, "fee");
  // Before their forks: 2,000,000 THETA for validators, no V2 before Theta 2.0, no EENs before 3.0.
  f.context.block_height = kHeightValidatorStake200K - 1;
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator),
           absl::StatusCode::kInvalidArgument, "2000000000000000000000000");
  f.context.block_height = kHeightEnableTheta2 - 1;
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator),
           absl::StatusCode::kFailedPrecondition, "DepositStakeV2 starts");
  f.context.block_height = kHeightEnableTheta3 - 1;
  f.Reject(f.Deposit(f.alice, v, Coins::TFuel(10'000 * kWei), kStakeForEliteEdgeNode),
           absl::StatusCode::kFailedPrecondition, "elite edge node staking starts");
}

TEST_CASE("a type-8 DepositStakeTx stakes to a validator with its own sign bytes",
          "[ledger][stake]") {
  Fixture f;
  Tx tx = DepositStakeTx{Coins::TFuel(kFee),
                         TxInput{AddressOf(f.alice), Coins::Theta(200'000 * kWei), 1, {}},
                         TxOutput{AddressOf(f.holder), {}}, kStakeForValidator};
  REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
  f.Apply(tx);
  auto set = ValidatorSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == 1);
  // A guardian deposit without BLS fields (type 8 has none) cannot create a guardian.
  Tx guardian = DepositStakeTx{Coins::TFuel(kFee),
                               TxInput{AddressOf(f.alice), Coins::Theta(1'000 * kWei), 2, {}},
                               TxOutput{AddressOf(f.holder), {}}, kStakeForGuardian};
  REQUIRE(SignTx(guardian, f.context.chain_id, f.alice).ok());
  f.Reject(guardian, absl::StatusCode::kInvalidArgument, "BLS public key");
}

TEST_CASE("withdrawals lock the stake for 28,800 blocks, then return it", "[ledger][stake]") {
  Fixture f;
  const Address v = AddressOf(f.holder);
  f.Apply(f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator));
  f.Reject(f.Withdraw(f.bob, v, kStakeForValidator), absl::StatusCode::kFailedPrecondition,
           "holds no stake from");
  f.Reject(f.Withdraw(f.alice, AddressOf(f.bob), kStakeForValidator),
           absl::StatusCode::kFailedPrecondition, "not a validator candidate");
  f.Reject(f.Withdraw(f.alice, v, 7), absl::StatusCode::kInvalidArgument, "purpose");
  f.Apply(f.Withdraw(f.alice, v, kStakeForValidator));
  f.Reject(f.Withdraw(f.alice, v, kStakeForValidator), absl::StatusCode::kFailedPrecondition,
           "already withdrawn");
  f.Reject(f.Deposit(f.alice, v, Coins::Theta(200'000 * kWei), kStakeForValidator),
           absl::StatusCode::kFailedPrecondition, "withdrawal locking period");
  auto set = ValidatorSet(f.state);
  REQUIRE(set.ok());
  CHECK(set->empty());  // withdrawn stake does not count
  const uint256 theta_before = f.Get(AddressOf(f.alice)).balance.theta_wei;
  auto none = ReturnMaturedStakes(f.state, kHeight + kReturnLockingPeriod - 1);
  REQUIRE(none.ok());
  CHECK(none->IsZero());
  CHECK(f.Get(AddressOf(f.alice)).balance.theta_wei == theta_before);
  auto returned = ReturnMaturedStakes(f.state, kHeight + kReturnLockingPeriod);
  REQUIRE(returned.ok());
  CHECK(*returned == Coins::Theta(200'000 * kWei));
  CHECK(f.Get(AddressOf(f.alice)).balance.theta_wei == theta_before + 200'000 * kWei);
  auto pool = GetValidatorPool(f.state);
  REQUIRE(pool.ok());
  CHECK(pool->sorted_candidates.empty());
}

TEST_CASE("a new guardian needs its BLS key, a valid PoP and the holder's signature of it",
          "[ledger][stake]") {
  Fixture f;
  const Address g = AddressOf(f.holder);
  const BlsSummary summary = MakeSummary(7), other = MakeSummary(8);
  const Coins stake = Coins::Theta(1'000 * kWei);
  f.Reject(f.Deposit(f.alice, g, stake, kStakeForGuardian), absl::StatusCode::kInvalidArgument,
           "BLS public key");
  f.Reject(f.Deposit(f.alice, g, stake, kStakeForGuardian, &summary, &f.bob),
           absl::StatusCode::kInvalidArgument, "not signed by");
  const BlsSummary mixed{summary.pubkey, other.pop};  // PoP of another key
  f.Reject(f.Deposit(f.alice, g, stake, kStakeForGuardian, &mixed),
           absl::StatusCode::kInvalidArgument, "proof of possession is invalid");
  f.context.bls_verifier = nullptr;
  f.Reject(f.Deposit(f.alice, g, stake, kStakeForGuardian, &summary),
           absl::StatusCode::kFailedPrecondition, "no BLS proof-of-possession verifier");
  f.context.bls_verifier = &f.verifier;
  f.Apply(f.Deposit(f.alice, g, stake, kStakeForGuardian, &summary));
  f.Apply(f.Deposit(f.bob, g, stake, kStakeForGuardian));  // known guardian: no summary needed
  auto set = GuardianSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == 1);
  CHECK((*set)[0].address == g);
  CHECK((*set)[0].stake == 2'000 * kWei);
  CHECK((*set)[0].bls_pubkey == summary.pubkey);
  auto pool = GetGuardianPool(f.state);
  REQUIRE(pool.ok());
  auto decoded = DecodeBlsPool(EncodeBlsPool(*pool));
  REQUIRE(decoded.ok());
  CHECK(*decoded == *pool);
}

TEST_CASE("elite edge nodes stake TFUEL between 10,000 and a 500,000 cap", "[ledger][stake]") {
  Fixture f;
  const Address e = AddressOf(f.holder);
  const BlsSummary summary = MakeSummary(9);
  f.Reject(f.Deposit(f.alice, e, Coins::Theta(10'000 * kWei), kStakeForEliteEdgeNode, &summary),
           absl::StatusCode::kInvalidArgument, "TFUEL only");
  f.Reject(f.Deposit(f.alice, e, Coins::TFuel(9'999 * kWei), kStakeForEliteEdgeNode, &summary),
           absl::StatusCode::kInvalidArgument, "insufficient stake");
  f.Apply(f.Deposit(f.alice, e, Coins::TFuel(400'000 * kWei), kStakeForEliteEdgeNode, &summary));
  f.Reject(f.Deposit(f.bob, e, Coins::TFuel(100'001 * kWei), kStakeForEliteEdgeNode),
           absl::StatusCode::kInvalidArgument, "exceeds the cap");
  f.Apply(f.Deposit(f.bob, e, Coins::TFuel(100'000 * kWei), kStakeForEliteEdgeNode));
  auto set = EliteEdgeNodeSet(f.state);
  REQUIRE(set.ok());
  REQUIRE(set->size() == 1);
  CHECK((*set)[0].stake == 500'000 * kWei);
  f.Apply(f.Withdraw(f.bob, e, kStakeForEliteEdgeNode));
  const uint256 tfuel = f.Get(AddressOf(f.bob)).balance.tfuel_wei;
  auto returned = ReturnMaturedStakes(f.state, kHeight + kReturnLockingPeriod);
  REQUIRE(returned.ok());
  CHECK(*returned == Coins::TFuel(100'000 * kWei));
  CHECK(f.Get(AddressOf(f.bob)).balance.tfuel_wei == tfuel + 100'000 * kWei);
}

TEST_CASE("stake reward distribution rules: at most 10 percent, zero removes", "[ledger][stake]") {
  Fixture f;
  Address beneficiary;
  beneficiary.bytes.fill(0xbe);
  auto make = [&](uint64_t bp) {
    Tx tx = StakeRewardDistributionTx{Coins::TFuel(kFee),
                                      TxInput{AddressOf(f.alice), {}, f.NextSequence(f.alice), {}},
                                      TxOutput{beneficiary, {}}, bp};
    REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
    return tx;
  };
  f.Reject(make(1'001), absl::StatusCode::kInvalidArgument, "above 1000");
  f.Apply(make(1'000));
  auto rule = GetRewardRule(f.state, AddressOf(f.alice));
  REQUIRE(rule.ok());
  REQUIRE(rule->has_value());
  CHECK((*rule)->beneficiary == beneficiary);
  CHECK((*rule)->split_basis_point == 1'000);
  f.Apply(make(0));
  rule = GetRewardRule(f.state, AddressOf(f.alice));
  REQUIRE(rule.ok());
  CHECK(!rule->has_value());
  f.context.block_height = kHeightEnableTheta3 - 1;
  f.Reject(make(5), absl::StatusCode::kFailedPrecondition, "starts at height");
}

TEST_CASE("corrupt pool bytes are refused, not trusted", "[ledger][stake]") {
  CHECK(!DecodeValidatorPool(Bytes{0xc1, 0x80}).ok());
  CHECK(!DecodeBlsPool(Bytes{0x01}).ok());
  CHECK(!DecodeRewardRule(Bytes{0xc0}).ok());
  // Withdrawn must be 0 or 1.
  RlpWriter w;
  w.BeginList().BeginList().BeginList().AddBytes(Bytes(20, 1)).BeginList();
  w.BeginList().AddBytes(Bytes(20, 2)).AddUint(5).AddUint(2).AddUint(9).EndList();
  w.EndList().EndList().EndList().EndList();
  const Bytes bad_bool = std::move(w).Finish();
  CHECK(!DecodeValidatorPool(bad_bool).ok());
}

}  // namespace
}  // namespace theta::ledger
