// Conservation: a long randomized run of mixed transactions (Send, ReserveFund, ServicePayment
// with over-spends, ReleaseFund, SplitRule, SmartContract deploys, calls and reverts, some carrying
// THETA, top-level calls of Theta's precompiles 0xCB–0xCF (THETA transfers, guardian and EEN
// stakes), validator and elite edge node deposits and withdrawals, checkpoint CoinbaseTxs,
// equivocation slashes), with the
// state committed and reopened along the way and matured stakes returned as blocks pass, keeps the
// total THETA constant (balances, reserved funds, stakes) and the total TFUEL (balances, reserved
// deposits and collateral, contract balances, EEN stakes) equal to genesis + rewards − burned fees.
#include <catch2/catch.hpp>
#include <random>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/micropayment.hpp"
#include "theta/ledger/rewards.hpp"
#include "theta/ledger/stake.hpp"

namespace theta::ledger {
namespace {

constexpr uint64_t kStartHeight = 20'000'001;  // a checkpoint
constexpr uint64_t kStep = 20;  // blocks per step: the 28,800-block stake lock is 1,440 steps
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);
const uint256 kGasPrice = uint256(4'000'000'000'000ULL);
constexpr char kChain[] = "privatenet";
// The contract of contract_test.cpp: stores a 32-byte calldata word, reverts on 1 byte.
constexpr char kInit[] =
    "0x6007600155603e6011600039603e6000f33680600114602e5780600214603a5760201415601c5760003560"
    "00555b6000546000523460206000a160206000f35b616e6f6000526002601efd5b603a56";

// The node's proof-of-possession check, on theta-crypto.
class PopVerifier : public BlsPopVerifier {
 public:
  bool VerifyPop(ByteView pubkey, ByteView pop) const override {
    auto pk = crypto::bls::PublicKey::FromBytes(pubkey);
    auto sig = crypto::bls::Signature::FromBytes(pop);
    return pk.ok() && sig.ok() && crypto::bls::PopVerify(*pk, *sig);
  }
};

struct Run {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  std::optional<LedgerState> state{std::in_place, *store};
  ExecutionContext context{kChain, kStartHeight, false};
  std::mt19937_64 rng;
  std::vector<PrivateKey> keys;
  std::vector<Address> addresses;  // every account that may hold coins
  std::vector<Address> contracts;
  uint256 genesis_theta, genesis_tfuel, burned, minted;
  uint64_t payment_sequence = 0;
  std::map<std::string, int> applied;
  int slashes = 0;
  evm::StatusCode last_status = evm::StatusCode::kSuccess;  // of the last applied contract tx

  PopVerifier verifier;
  std::vector<std::pair<Bytes, Bytes>> bls;  // per key: BLS public key, PoP

  explicit Run(uint64_t seed) : rng(seed) {
    context.bls_verifier = &verifier;
    for (uint8_t i = 1; i <= 8; ++i) {
      keys.push_back(*PrivateKey::FromBytes(Bytes(32, i)));
      Account a;
      a.address = AddressFromPublicKey(keys.back().DerivePublicKey());
      a.balance = Coins{uint256(1'000'000) * kTFuel, uint256(100'000) * kTFuel};
      REQUIRE(state->SetAccount(a).ok());
      addresses.push_back(a.address);
      auto sk = crypto::bls::KeyGen(Bytes(32, i));
      REQUIRE(sk.ok());
      const auto pk = crypto::bls::SkToPk(*sk).ToBytes();
      const auto pop = crypto::bls::PopProve(*sk).ToBytes();
      bls.emplace_back(Bytes(pk.begin(), pk.end()), Bytes(pop.begin(), pop.end()));
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
    last_status = receipt.status;
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
    const Coins value{Pick(4) == 0 ? Amount(3) : uint256(0), Amount(3)};
    Apply(SmartContractTx{TxInput{Addr(from), value, Next(from), {}}, TxOutput{to, {}}, 200'000,
                          kGasPrice, data},
          "contract", 0, &Key(from));
  }
  // A top-level call of one of Theta's precompiles 0xCB–0xCF, sometimes one that fails.
  void Precompile() {
    const size_t from = Pick(8), holder = Pick(8);
    auto append = [](Bytes& out, ByteView part) {
      out.insert(out.end(), part.begin(), part.end());
    };
    const Address holder_address = Addr(holder);
    Bytes summary(holder_address.bytes.begin(), holder_address.bytes.end());
    append(summary, bls[holder].first);
    append(summary, bls[holder].second);
    append(summary, SignMessage(bls[holder].second, Key(holder)));
    Bytes holder_word(12, 0);
    append(holder_word, holder_address.view());
    Address to;
    Bytes data;
    switch (Pick(5)) {
      case 0: {
        to.bytes[19] = 0xcb;
        const Address recipient = Addr(Pick(addresses.size()));
        data.assign(recipient.bytes.begin(), recipient.bytes.end());
        append(data, Amount(Pick(10) == 0 ? 5'000'000 : 500).ToBigEndian().view());
        break;
      }
      case 1:
        to.bytes[19] = 0xcc;
        data = summary;
        append(data, (uint256(990 + Pick(2'000)) * kTFuel).ToBigEndian().view());
        break;
      case 2:
        to.bytes[19] = 0xcd;
        data = holder_word;
        break;
      case 3:
        to.bytes[19] = 0xce;
        data = summary;
        append(data, Hash32{}.view());
        append(data, (uint256(9'990 + Pick(3'000)) * kTFuel).ToBigEndian().view());
        break;
      default:
        to.bytes[19] = 0xcf;
        data = holder_word;
        break;
    }
    const int before = applied["precompile"];
    Apply(SmartContractTx{TxInput{Addr(from), {}, Next(from), {}}, TxOutput{to, {}}, 100'000,
                          kGasPrice, data},
          "precompile", 0, &Key(from));
    if (applied["precompile"] > before && last_status == evm::StatusCode::kSuccess)
      ++applied["precompile ok"];
  }

  void Deposit() {
    const size_t from = Pick(8), holder = Pick(8);
    const bool een = Pick(3) == 0;
    const Coins stake = een ? Coins::TFuel(uint256(10'000 + Pick(3'000)) * kTFuel)
                            : Coins::Theta(uint256(199'990 + Pick(100'000)) * kTFuel);
    const auto& [pubkey, pop] = bls[holder];
    Apply(DepositStakeV2Tx{Coins::TFuel(kFee), TxInput{Addr(from), stake, Next(from), {}},
                           TxOutput{Addr(holder), {}},
                           een ? kStakeForEliteEdgeNode : kStakeForValidator, pubkey, pop,
                           SignMessage(pop, Key(holder))},
          "deposit", kFee, &Key(from));
  }
  // Mostly a stake that exists (source, holder), sometimes a random pair (refused).
  void Withdraw() {
    size_t from = Pick(8), holder = Pick(8);
    const bool een = Pick(3) == 0;
    std::vector<std::pair<size_t, size_t>> existing;
    auto index = [&](const Address& a) {
      return static_cast<size_t>(std::find(addresses.begin(), addresses.end(), a) -
                                 addresses.begin());
    };
    if (een) {
      auto pool = GetEliteEdgeNodePool(*state);
      REQUIRE(pool.ok());
      for (const BlsStakeHolder& e : pool->sorted)
        for (const Stake& stake : e.stake_holder.stakes)
          existing.emplace_back(index(stake.source), index(e.stake_holder.holder));
    } else {
      auto pool = GetValidatorPool(*state);
      REQUIRE(pool.ok());
      for (const StakeHolder& h : pool->sorted_candidates)
        for (const Stake& stake : h.stakes)
          existing.emplace_back(index(stake.source), index(h.holder));
    }
    if (!existing.empty() && Pick(5) != 0) std::tie(from, holder) = existing[Pick(existing.size())];
    Apply(WithdrawStakeTx{Coins::TFuel(kFee), TxInput{Addr(from), {}, Next(from), {}},
                          TxOutput{Addr(holder), {}},
                          een ? kStakeForEliteEdgeNode : kStakeForValidator},
          "withdraw", kFee, &Key(from));
  }
  void Coinbase() {
    auto validators = ValidatorSet(*state);
    REQUIRE(validators.ok());
    if (validators->empty()) return;
    std::vector<std::pair<Address, uint64_t>> eens;
    for (size_t i = 0; i < 8; ++i)
      eens.emplace_back(Addr(i), 1 + Pick(3));
    RewardVotes votes{{Addr(0)}, eens};
    context.reward_votes = &votes;
    auto outputs = ComputeBlockRewards(*state, context.block_height, &votes);
    REQUIRE(outputs.ok());
    uint256 total;
    for (const TxOutput& out : *outputs)
      total += out.coins.tfuel_wei;
    const Address proposer = (*validators)[Pick(validators->size())].address;
    const size_t key = std::find(addresses.begin(), addresses.end(), proposer) - addresses.begin();
    const int before = applied["coinbase"];
    Apply(CoinbaseTx{TxInput{proposer, {}, 0, {}}, *outputs, context.block_height - 1}, "coinbase",
          0, &Key(key));
    REQUIRE(applied["coinbase"] == before + 1);
    minted += total;
    context.reward_votes = nullptr;
  }
  void Slash() {
    const Hash32 evidence = Keccak256(RlpEncodeUint(rng()));
    auto slashed =
        SlashForEquivocation(*state, Addr(Pick(8)), evidence, Addr(Pick(12)), context.block_height);
    if (slashed.ok()) ++applied["slash"];
  }
  void ReturnStakes() {
    auto returned = ReturnMaturedStakes(*state, context.block_height);
    REQUIRE(returned.ok());
    if (!returned->IsZero()) ++applied["return"];
  }

  void CheckTotals() {
    uint256 theta, tfuel;
    auto vcp = GetValidatorPool(*state);
    auto gcp = GetGuardianPool(*state);
    auto eens = GetEliteEdgeNodePool(*state);
    REQUIRE(vcp.ok());
    REQUIRE(gcp.ok());
    REQUIRE(eens.ok());
    for (const StakeHolder& h : vcp->sorted_candidates)
      for (const Stake& stake : h.stakes)
        theta += stake.amount;
    for (const BlsStakeHolder& g : gcp->sorted)
      for (const Stake& stake : g.stake_holder.stakes)
        theta += stake.amount;
    for (const BlsStakeHolder& e : eens->sorted)
      for (const Stake& stake : e.stake_holder.stakes)
        tfuel += stake.amount;
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
    REQUIRE(tfuel + burned == genesis_tfuel + minted);
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
    run.context.block_height = kStartHeight + kStep * static_cast<uint64_t>(i);
    run.ReturnStakes();              // what the block executor does before a block's transactions
    if (i % 5 == 0) run.Coinbase();  // every 5th step is a checkpoint height
    switch (run.Pick(10)) {
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
      case 5:
        run.Deposit();
        break;
      case 6:
        run.Withdraw();
        break;
      case 7:
        if (run.Pick(20) == 0) run.Slash();
        break;
      case 8:
        run.Precompile();
        break;
      default:
        run.Contract();
        break;
    }
    if (i % 3 == 0) run.CheckTotals();
    if (i % 250 == 249) run.CommitAndReopen();
  }
  // The run exercised every kind, including the rare paths.
  for (const char* kind : {"send", "reserve", "pay", "release", "split", "contract", "deposit",
                           "withdraw", "coinbase", "return", "precompile ok"}) {
    INFO(kind);
    CAPTURE(run.applied[kind]);
    CHECK(run.applied[kind] > 10);
  }
  CHECK(run.contracts.size() > 5);
  CHECK(run.slashes > 5);
  run.CheckTotals();
  CHECK(run.burned > uint256(0));
  CHECK(run.minted > uint256(0));
  CHECK(run.applied["slash"] > 0);
}

}  // namespace
}  // namespace theta::ledger
