// Conservation: a long randomized run of mixed transactions (Send, ReserveFund, ServicePayment
// with over-spends, ReleaseFund, SplitRule, SmartContract deploys, calls and reverts), with the
// state committed and reopened along the way, keeps the total THETA constant and the total TFUEL
// (balances, reserved deposits and collateral, contract balances) equal to genesis − burned fees.
#include <catch2/catch.hpp>
#include <random>

#include "theta/ledger/executor.hpp"
#include "theta/ledger/micropayment.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kStartHeight = 20'000'000;
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);
const uint256 kGasPrice = uint256(4'000'000'000'000ULL);
constexpr char kChain[] = "privatenet";
// The contract of contract_test.cpp: stores a 32-byte calldata word, reverts on 1 byte.
constexpr char kInit[] =
    "0x6007600155603e6011600039603e6000f33680600114602e5780600214603a5760201415601c5760003560"
    "00555b6000546000523460206000a160206000f35b616e6f6000526002601efd5b603a56";

struct Run {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  std::optional<LedgerState> state{std::in_place, *store};
  ExecutionContext context{kChain, kStartHeight, false};
  std::mt19937_64 rng;
  std::vector<PrivateKey> keys;
  std::vector<Address> addresses;  // every account that may hold coins
  std::vector<Address> contracts;
  uint256 genesis_theta, genesis_tfuel, burned;
  uint64_t payment_sequence = 0;
  std::map<std::string, int> applied;
  int slashes = 0;

  explicit Run(uint64_t seed) : rng(seed) {
    for (uint8_t i = 1; i <= 8; ++i) {
      keys.push_back(*PrivateKey::FromBytes(Bytes(32, i)));
      Account a;
      a.address = AddressFromPublicKey(keys.back().DerivePublicKey());
      a.balance = Coins{uint256(1000) * kTFuel, uint256(1000) * kTFuel};
      REQUIRE(state->SetAccount(a).ok());
      addresses.push_back(a.address);
      genesis_theta += a.balance.theta_wei;
      genesis_tfuel += a.balance.tfuel_wei;
    }
    for (uint8_t i = 0; i < 4; ++i) {  // split-rule beneficiaries without keys
      Address a;
      a.bytes.fill(static_cast<uint8_t>(0xe0 + i));
      addresses.push_back(a);
    }
  }
  uint64_t Pick(uint64_t n) { return rng() % n; }
  uint256 Amount(uint64_t max_tfuel) {
    return uint256(Pick(max_tfuel * 1000) + 1) * (kTFuel / uint256(1000));
  }
  Account Get(const Address& address) {
    auto account = state->GetAccount(address);
    REQUIRE(account.ok());
    return account->value_or(Account{});
  }
  const PrivateKey& Key(size_t i) { return keys[i]; }
  Address Addr(size_t i) { return addresses[i]; }
  uint64_t Next(size_t i) { return Get(Addr(i)).sequence + 1; }

  // Applies a transaction; returns whether it was accepted and adds its burned fee.
  void Apply(Tx tx, const std::string& kind, const uint256& fee, const PrivateKey* signer) {
    if (signer != nullptr) REQUIRE(SignTx(tx, kChain, *signer).ok());
    TxReceipt receipt;
    const Hash32 before = state->RootHash();
    const absl::Status status = ApplyTx(*state, tx, context, &receipt);
    if (!status.ok()) {
      INFO(kind << ": " << status.ToString());
      REQUIRE(status.code() != absl::StatusCode::kInternal);
      REQUIRE(status.code() != absl::StatusCode::kDataLoss);
      REQUIRE(state->RootHash() == before);
      return;
    }
    ++applied[kind];
    if (std::holds_alternative<SmartContractTx>(tx)) {
      burned += kGasPrice * uint256(receipt.gas_used);
      if (receipt.contract_address != Address{}) {
        contracts.push_back(receipt.contract_address);
        addresses.push_back(receipt.contract_address);
      }
    } else {
      burned += fee;
    }
  }

  void Send() {
    const size_t from = Pick(8), to = Pick(addresses.size());
    const uint256 fee = Pick(20) == 0 ? kFee - uint256(1) : kFee;
    const Coins amount{Pick(3) == 0 ? Amount(50) : uint256(0), Amount(Pick(10) == 0 ? 5000 : 20)};
    Apply(SendTx{Coins::TFuel(fee),
                 {TxInput{
                     Addr(from), Coins{amount.theta_wei, amount.tfuel_wei + fee}, Next(from), {}}},
                 {TxOutput{Addr(to), amount}}},
          "send", fee, &Key(from));
  }
  void Reserve() {
    const size_t from = Pick(8);
    const uint256 deposit = Amount(5);
    Apply(ReserveFundTx{Coins::TFuel(kFee),
                        TxInput{Addr(from), Coins::TFuel(deposit), Next(from), {}},
                        Coins::TFuel(deposit + Amount(3)),
                        {"r" + std::to_string(Pick(4))},
                        300 + Pick(100)},
          "reserve", kFee, &Key(from));
  }
  void Pay() {
    const size_t from = Pick(8);
    const Account payer = Get(Addr(from));
    if (payer.reserved_funds.empty()) return;
    const ReservedFund& fund = payer.reserved_funds[Pick(payer.reserved_funds.size())];
    size_t to = Pick(8);
    if (to == from) to = (to + 1) % 8;
    const uint256 remaining = fund.initial_fund.tfuel_wei - fund.used_fund.tfuel_wei;
    // Mostly within the deposit; sometimes past it (the payer is slashed).
    const uint256 amount = Pick(4) == 0 ? remaining + Amount(2) : remaining / uint256(3) + kFee;
    auto voucher = CreateVoucher(VoucherTerms{Addr(to), amount, ++payment_sequence,
                                              fund.reserve_sequence, fund.resource_ids[0]},
                                 Key(from), kChain);
    REQUIRE(voucher.ok());
    auto settled = SettleVoucher(*voucher, Key(to), kFee, kChain);
    REQUIRE(settled.ok());
    const int before = applied["pay"];
    Apply(*settled, "pay", kFee, nullptr);
    if (applied["pay"] > before && amount > remaining) ++slashes;
  }
  void Release() {
    const size_t from = Pick(8);
    const Account payer = Get(Addr(from));
    if (payer.reserved_funds.empty()) return;
    Apply(ReleaseFundTx{Coins::TFuel(kFee), TxInput{Addr(from), {}, Next(from), {}},
                        payer.reserved_funds[0].reserve_sequence},
          "release", kFee, &Key(from));
  }
  void Split() {
    const size_t from = Pick(8);
    std::vector<ledger::Split> splits;
    for (uint64_t n = Pick(4); n > 0; --n)
      splits.push_back(ledger::Split{Addr(8 + Pick(4)), Pick(45)});
    Apply(SplitRuleTx{Coins::TFuel(kFee), "r" + std::to_string(Pick(4)),
                      TxInput{Addr(from), {}, Next(from), {}}, splits, 50 + Pick(500)},
          "split", kFee, &Key(from));
  }
  void Contract() {
    const size_t from = Pick(8);
    Bytes data;
    Address to;
    if (contracts.empty() || Pick(4) == 0) {
      data = *ParseHex(kInit);
    } else {
      to = contracts[Pick(contracts.size())];
      data = Bytes(Pick(3) == 0 ? 1 : 32, static_cast<uint8_t>(Pick(256)));
    }
    Apply(SmartContractTx{TxInput{Addr(from), Coins::TFuel(Amount(3)), Next(from), {}},
                          TxOutput{to, {}}, 200'000, kGasPrice, data},
          "contract", 0, &Key(from));
  }

  void CheckTotals() {
    uint256 theta, tfuel;
    for (const Address& address : addresses) {
      const Account account = Get(address);
      theta += account.balance.theta_wei;
      tfuel += account.balance.tfuel_wei;
      for (const ReservedFund& fund : account.reserved_funds) {
        theta += fund.collateral.theta_wei + fund.initial_fund.theta_wei;
        tfuel += fund.collateral.tfuel_wei + fund.initial_fund.tfuel_wei - fund.used_fund.tfuel_wei;
      }
    }
    REQUIRE(theta == genesis_theta);
    REQUIRE(tfuel + burned == genesis_tfuel);
  }
  void CommitAndReopen() {
    WriteBatch batch;
    const Hash32 root = state->Commit(batch);
    REQUIRE(store->Write(batch).ok());
    auto reopened = LedgerState::Open(*store, root);
    REQUIRE(reopened.ok());
    state.emplace(std::move(*reopened));
  }
};

TEST_CASE("a long random mix of transactions conserves theta and burns only fees",
          "[ledger][conservation]") {
  const uint64_t seed = 20261125;
  CAPTURE(seed);
  Run run(seed);
  for (int i = 0; i < 3000; ++i) {
    CAPTURE(i);
    run.context.block_height = kStartHeight + static_cast<uint64_t>(i);
    switch (run.Pick(6)) {
      case 0:
        run.Send();
        break;
      case 1:
        run.Reserve();
        break;
      case 2:
        run.Pay();
        break;
      case 3:
        run.Release();
        break;
      case 4:
        run.Split();
        break;
      default:
        run.Contract();
        break;
    }
    if (i % 3 == 0) run.CheckTotals();
    if (i % 250 == 249) run.CommitAndReopen();
  }
  // The run exercised every kind, including the rare paths.
  for (const char* kind : {"send", "reserve", "pay", "release", "split", "contract"}) {
    INFO(kind);
    CAPTURE(run.applied[kind]);
    CHECK(run.applied[kind] > 20);
  }
  CHECK(run.contracts.size() > 5);
  CHECK(run.slashes > 5);
  run.CheckTotals();
  CHECK(run.burned > uint256(0));
}

}  // namespace
}  // namespace theta::ledger
