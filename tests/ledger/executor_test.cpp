#include "theta/ledger/executor.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"
#include "theta/ledger/state.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kHeight = 20'000'000;  // after every fork
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kMinFee = uint256(300'000'000'000'000'000ULL);  // 0.15 TFUEL × 2 accounts

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

struct Fixture {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  ExecutionContext context{"privatenet", kHeight, false};
  PrivateKey alice = Key(1), bob = Key(2);
  Address carol;

  Fixture() {
    carol.bytes.fill(0xcc);
    Fund(alice, Coins{100 * kTFuel, 100 * kTFuel});
    Fund(bob, Coins{0, 10 * kTFuel});
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
  Tx Send(const Coins& amount, uint64_t sequence = 1, const uint256& fee = kMinFee) {
    Tx tx = SendTx{Coins::TFuel(fee),
                   {TxInput{AddressOf(alice), *Add(amount, Coins::TFuel(fee)), sequence, {}}},
                   {TxOutput{carol, amount}}};
    REQUIRE(SignTx(tx, context.chain_id, alice).ok());
    return tx;
  }
  static std::optional<Coins> Add(const Coins& a, const Coins& b) {
    return Coins{a.theta_wei + b.theta_wei, a.tfuel_wei + b.tfuel_wei};
  }
  // Applies `tx`, expects it rejected with `code` and `text`, and the state root unchanged.
  void Reject(const Tx& tx, absl::StatusCode code, const std::string& text) {
    const Hash32 before = state.RootHash();
    const absl::Status status = ApplyTx(state, tx, context);
    CHECK(status.code() == code);
    CHECK_THAT(Message(status), Catch::Contains(text));
    CHECK(state.RootHash() == before);
  }
};

TEST_CASE("accounts encode as theta's seven-field list and reopen from a committed root",
          "[ledger][state]") {
  auto store = NewMemoryStore();
  Account a;
  a.address.bytes.fill(7);
  a.sequence = 3;
  a.balance = Coins{5, 6};
  a.reserved_funds.push_back(ReservedFund{Coins::TFuel(10),
                                          Coins::TFuel(5),
                                          Coins::TFuel(1),
                                          {"video"},
                                          400,
                                          3,
                                          {ServicePaymentTx{{}, {}, {}, 1, 3, "video"}}});
  const Bytes encoded = EncodeAccount(a);
  auto decoded = DecodeAccount(encoded);
  REQUIRE(decoded.ok());
  CHECK(*decoded == a);
  CHECK(Account{}.root == Hash32{});
  CHECK(Account{}.code_hash == Keccak256({}));
  CHECK(ToString(AccountKey(a.address)).substr(0, 5) == "ls/a/");
  CHECK(AccountKey(a.address).size() == 25);

  LedgerState state(*store);
  REQUIRE(state.SetAccount(a).ok());
  WriteBatch batch;
  const Hash32 root = state.Commit(batch);
  REQUIRE(store->Write(batch).ok());
  // The trie holds the raw key, so a plain Trie over the same store finds it.
  auto trie = Trie::Open(*store, root);
  REQUIRE(trie.ok());
  auto raw = trie->Get(AccountKey(a.address));
  REQUIRE(raw.ok());
  REQUIRE(raw->has_value());
  CHECK(**raw == encoded);
  auto reopened = LedgerState::Open(*store, root);
  REQUIRE(reopened.ok());
  auto again = reopened->GetAccount(a.address);
  REQUIRE(again.ok());
  CHECK(again->value() == a);
  auto missing = reopened->GetAccount(Address{});
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  Bytes bad = encoded;
  bad.push_back(0);
  CHECK_FALSE(DecodeAccount(bad).ok());
}

TEST_CASE("a send moves coins, burns the fee and advances the sequence", "[ledger][send]") {
  Fixture f;
  const Coins amount{3 * kTFuel, 2 * kTFuel};
  REQUIRE(ApplyTx(f.state, f.Send(amount), f.context).ok());
  const Account alice = f.Get(AddressOf(f.alice));
  CHECK(alice.sequence == 1);
  CHECK(alice.balance == Coins{97 * kTFuel, 98 * kTFuel - kMinFee});
  const Account carol = f.Get(f.carol);
  CHECK(carol.balance == amount);
  CHECK(carol.sequence == 0);
  CHECK(carol.last_updated_block_height == kHeight - 1);
  REQUIRE(ApplyTx(f.state, f.Send(amount, 2), f.context).ok());
  CHECK(f.Get(f.carol).balance == Coins{6 * kTFuel, 4 * kTFuel});
}

TEST_CASE("a multi-input send needs every input's signature", "[ledger][send]") {
  Fixture f;
  Tx tx =
      SendTx{Coins::TFuel(uint256(450'000'000'000'000'000ULL)),
             {TxInput{AddressOf(f.alice), Coins{kTFuel, kTFuel}, 1, {}},
              TxInput{AddressOf(f.bob), Coins::TFuel(kTFuel), 1, {}}},
             {TxOutput{f.carol, Coins{kTFuel, 2 * kTFuel - uint256(450'000'000'000'000'000ULL)}}}};
  REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
  f.Reject(tx, absl::StatusCode::kInvalidArgument,
           "signature of " + ToChecksumHex(AddressOf(f.bob)) + " is missing");
  REQUIRE(SignTx(tx, f.context.chain_id, f.bob).ok());
  REQUIRE(ApplyTx(f.state, tx, f.context).ok());
  CHECK(f.Get(AddressOf(f.bob)).balance == Coins::TFuel(9 * kTFuel));
  CHECK(f.Get(AddressOf(f.bob)).sequence == 1);
}

TEST_CASE("a send is rejected for each broken rule and leaves the state alone", "[ledger][send]") {
  Fixture f;
  const Coins one = Coins::TFuel(kTFuel);
  SECTION("wrong sequence") {
    f.Reject(f.Send(one, 2), absl::StatusCode::kFailedPrecondition, "sent sequence 2, expected 1");
  }
  SECTION("insufficient funds") {
    f.Reject(f.Send(Coins::Theta(101 * kTFuel)), absl::StatusCode::kFailedPrecondition,
             "insufficient funds");
  }
  SECTION("fee too low") {
    f.Reject(f.Send(one, 1, kMinFee - 1), absl::StatusCode::kInvalidArgument,
             "below the minimum of 300000000000000000");
  }
  SECTION("fee in theta") {
    Tx tx = f.Send(one);
    std::get<SendTx>(tx).fee.theta_wei = 1;
    std::get<SendTx>(tx).inputs[0].coins.theta_wei += 1;
    std::get<SendTx>(tx).inputs[0].signature.clear();
    REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "(and no THETA)");
  }
  SECTION("bad signature") {
    Tx tx = f.Send(one);
    std::get<SendTx>(tx).outputs[0].coins.tfuel_wei -= 1;
    std::get<SendTx>(tx).fee.tfuel_wei += 1;
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "was made by");
  }
  SECTION("signed for another chain") {
    Tx tx = f.Send(one);
    ExecutionContext other = f.context;
    other.chain_id = "mainnet";
    CHECK_THAT(Message(ApplyTx(f.state, tx, other)), Catch::Contains("was made by"));
  }
  SECTION("unbalanced amounts") {
    Tx tx = f.Send(one);
    std::get<SendTx>(tx).outputs[0].coins.tfuel_wei += 1;
    std::get<SendTx>(tx).inputs[0].signature.clear();
    REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "!= outputs + fee");
  }
  SECTION("outputs that wrap around 2^256") {
    Tx tx = f.Send(one);
    auto& send = std::get<SendTx>(tx);
    send.outputs.push_back(TxOutput{AddressOf(f.bob), Coins::TFuel(uint256::Max())});
    send.outputs[0].coins.tfuel_wei += 1;  // (x + 1) + (2^256 - 1) wraps to x
    send.fee = Coins::TFuel(uint256(450'000'000'000'000'000ULL));
    send.inputs[0].coins.tfuel_wei = kTFuel + send.fee.tfuel_wei;
    send.inputs[0].signature.clear();
    REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "overflows 256 bits");
  }
  SECTION("no outputs") {
    Tx tx = f.Send(one);
    std::get<SendTx>(tx).outputs.clear();
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "at least one input and one output");
  }
  SECTION("unknown input account") {
    Tx tx = SendTx{Coins::TFuel(kMinFee),
                   {TxInput{f.carol, Coins::TFuel(kMinFee + 1), 1, {}}},
                   {TxOutput{AddressOf(f.alice), Coins::TFuel(1)}}};
    f.Reject(tx, absl::StatusCode::kFailedPrecondition, "unknown input address");
  }
  SECTION("duplicate account") {
    Tx tx = f.Send(one);
    std::get<SendTx>(tx).outputs[0].address = AddressOf(f.alice);
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "duplicated address");
  }
  SECTION("too many accounts") {
    Tx tx = f.Send(one);
    auto& outputs = std::get<SendTx>(tx).outputs;
    for (int i = 0; i < 512; ++i) {
      Address a;
      a.bytes[0] = static_cast<uint8_t>(i);
      a.bytes[1] = static_cast<uint8_t>(i >> 8);
      outputs.push_back(TxOutput{a, {}});
    }
    f.Reject(tx, absl::StatusCode::kInvalidArgument, "touches 514 accounts, at most 512");
  }
  SECTION("output to a smart contract") {
    Account contract;
    contract.address = f.carol;
    contract.code_hash.bytes.fill(1);
    REQUIRE(f.state.SetAccount(contract).ok());
    f.Reject(f.Send(one), absl::StatusCode::kFailedPrecondition, "smart contract");
  }
}

TEST_CASE("send fees follow the june 2021 schedule", "[ledger][send]") {
  CHECK(MinimumSendTxFee(2, kHeightJune2021FeeAdjustment - 1) == uint256(1'000'000'000'000ULL));
  CHECK(MinimumSendTxFee(1, kHeightJune2021FeeAdjustment) == kMinFee);
  CHECK(MinimumSendTxFee(5, kHeightJune2021FeeAdjustment) == uint256(750'000'000'000'000'000ULL));
  CHECK(MinimumTransactionFee(kHeightJune2021FeeAdjustment) == kMinFee);
  Fixture f;
  // Three accounts need 0.45 TFUEL.
  Tx tx = f.Send(Coins::TFuel(kTFuel));
  std::get<SendTx>(tx).outputs.push_back(TxOutput{AddressOf(f.bob), {}});
  std::get<SendTx>(tx).inputs[0].signature.clear();
  REQUIRE(SignTx(tx, f.context.chain_id, f.alice).ok());
  f.Reject(tx, absl::StatusCode::kInvalidArgument, "minimum of 450000000000000000");
}

TEST_CASE("the second sign-bytes wrapper is accepted only from its fork height", "[ledger][send]") {
  Fixture f;
  Tx tx = f.Send(Coins::TFuel(kTFuel));
  auto& in = std::get<SendTx>(tx).inputs[0];
  in.signature = SignMessage(SignBytes(tx, f.context.chain_id, SignWrapper::kV2), f.alice);
  f.context.block_height = kHeightTxWrapperExtension - 1;
  f.Reject(tx, absl::StatusCode::kInvalidArgument, "was made by");
  f.context.block_height = kHeightTxWrapperExtension;
  CHECK(ApplyTx(f.state, tx, f.context).ok());
}

TEST_CASE("an empty transaction of every type is refused without touching the state",
          "[ledger][send]") {
  Fixture f;
  for (size_t type = 0; type < std::variant_size_v<Tx>; ++type) {
    Tx tx = SendTx{};
    switch (type) {
      case 0:
        tx = CoinbaseTx{};
        break;
      case 1:
        tx = SlashTx{};
        break;
      case 2:
        tx = SendTx{};
        break;
      case 3:
        tx = ReserveFundTx{};
        break;
      case 4:
        tx = ReleaseFundTx{};
        break;
      case 5:
        tx = ServicePaymentTx{};
        break;
      case 6:
        tx = SplitRuleTx{};
        break;
      case 7:
        tx = SmartContractTx{};
        break;
      case 8:
        tx = DepositStakeTx{};
        break;
      case 9:
        tx = WithdrawStakeTx{};
        break;
      case 10:
        tx = DepositStakeV2Tx{};
        break;
      default:
        tx = StakeRewardDistributionTx{};
        break;
    }
    INFO("type " << type);
    const Hash32 before = f.state.RootHash();
    const absl::Status status = ApplyTx(f.state, tx, f.context);
    CHECK(!status.ok());
    CHECK(status.code() != absl::StatusCode::kUnimplemented);
    CHECK(f.state.RootHash() == before);
  }
}

}  // namespace
}  // namespace theta::ledger
