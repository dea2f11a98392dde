// Theta's precompiles 0xC9–0xCF and THETA as a smart contract value (Go ledger/vm/contracts.go,
// evm.go; brief §5): each precompile's effect and gas, each rejection (input length, balance,
// minimum stake, BLS summary, static and delegate calls), the fork heights, and THETA carried into
// a call or a creation.
#include <catch2/catch.hpp>

#include "theta/crypto/bls.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/stake.hpp"

namespace theta::ledger {
namespace {

const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);
const uint256 kGasPrice = uint256(4'000'000'000'000ULL);
constexpr char kChain[] = "privatenet";
constexpr uint64_t kGasLimit = 300'000;

// Forwards calldata kind(1) ‖ target(20) ‖ payload: kind 0 CALL, 1 STATICCALL, 2 DELEGATECALL
// the target with the payload; returns success(32) ‖ the first 32 bytes of the output.
constexpr char kProxyInit[] = "605680600b6000396000f3";
constexpr char kProxyRuntime[] =
    "366015900380601560403760013560601c60003560f81c80600114603357600214604257602060208360406000"
    "855af1604d565b5060206020836040845afa604d565b60206020836040845af45b60005260406000f3";

class CryptoPopVerifier : public BlsPopVerifier {
 public:
  bool VerifyPop(ByteView pubkey, ByteView pop) const override {
    auto pk = crypto::bls::PublicKey::FromBytes(pubkey);
    auto sig = crypto::bls::Signature::FromBytes(pop);
    return pk.ok() && sig.ok() && crypto::bls::PopVerify(*pk, *sig);
  }
};

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}
Address Precompile(uint8_t id) {
  Address a;
  a.bytes[19] = id;
  return a;
}
void Append(Bytes& out, ByteView part) {
  out.insert(out.end(), part.begin(), part.end());
}
Bytes Word(const uint256& value) {
  const Hash32 w = value.ToBigEndian();
  return Bytes(w.bytes.begin(), w.bytes.end());
}
Bytes AddressWord(const Address& a) {
  Bytes out(12, 0);
  Append(out, a.view());
  return out;
}

// holder(20) ‖ BLS key(48) ‖ PoP(96) ‖ the holder's signature of the PoP(65).
Bytes Summary(const PrivateKey& holder, uint8_t seed, bool good_signature = true) {
  auto sk = crypto::bls::KeyGen(Bytes(32, seed));
  REQUIRE(sk.ok());
  const auto pk = crypto::bls::SkToPk(*sk).ToBytes();
  const auto pop = crypto::bls::PopProve(*sk).ToBytes();
  Bytes out;
  Append(out, AddressOf(holder).view());
  Append(out, ByteView(pk.data(), pk.size()));
  Append(out, ByteView(pop.data(), pop.size()));
  Append(out, SignMessage(ByteView(pop.data(), pop.size()), good_signature ? holder : Key(9)));
  REQUIRE(out.size() == 229);
  return out;
}

struct Fixture {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  LedgerState state{*store};
  CryptoPopVerifier verifier;
  ExecutionContext context{kChain, 20'000'000, false};
  PrivateKey alice = Key(1), guardian = Key(3);
  Address bob;

  Fixture() {
    bob.bytes.fill(0xb0);
    context.bls_verifier = &verifier;
    Account a;
    a.address = AddressOf(alice);
    a.balance = Coins{100'000 * kWei, 1'000'000 * kWei};
    REQUIRE(state.SetAccount(a).ok());
  }
  Account Get(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    return account->value_or(Account{address});
  }
  Coins Alice() { return Get(AddressOf(alice)).balance; }
  Tx Make(const Address& to, Bytes data, const Coins& value = {}) {
    Tx tx =
        SmartContractTx{TxInput{AddressOf(alice), value, Get(AddressOf(alice)).sequence + 1, {}},
                        TxOutput{to, {}}, kGasLimit, kGasPrice, std::move(data)};
    REQUIRE(SignTx(tx, kChain, alice).ok());
    return tx;
  }
  TxReceipt Run(const Tx& tx) {
    TxReceipt receipt;
    const absl::Status status = ApplyTx(state, tx, context, &receipt);
    INFO(status.ToString());
    REQUIRE(status.ok());
    return receipt;
  }
  // A top-level call of precompile `id`: the receipt, and the THETA alice paid besides gas.
  TxReceipt Call(uint8_t id, Bytes input, const Coins& value = {}) {
    return Run(Make(Precompile(id), std::move(input), value));
  }
  Address DeployProxy(const Coins& value = {}) {
    Bytes init = *ParseHex(std::string("0x") + kProxyInit + kProxyRuntime);
    const TxReceipt r = Run(Make(Address{}, std::move(init), value));
    REQUIRE(r.status == evm::StatusCode::kSuccess);
    return r.contract_address;
  }
  // Asks `proxy` to call precompile `id` with `kind`; returns the proxy's output.
  Bytes ViaProxy(const Address& proxy, uint8_t kind, uint8_t id, ByteView payload) {
    Bytes data{kind};
    Append(data, Precompile(id).view());
    Append(data, payload);
    const TxReceipt r = Run(Make(proxy, std::move(data)));
    REQUIRE(r.status == evm::StatusCode::kSuccess);
    REQUIRE(r.evm_return.size() == 64);
    return r.evm_return;
  }
  // The receipt of a failed precompile: all gas used, and alice paid only for gas.
  void ExpectFailure(uint8_t id, Bytes input) {
    const Coins before = Alice();
    auto guardians = GetGuardianPool(state);
    auto eens = GetEliteEdgeNodePool(state);
    const TxReceipt r = Call(id, std::move(input));
    CHECK(r.status == evm::StatusCode::kPrecompileFailure);
    CHECK(r.gas_used == kGasLimit);
    CHECK(Alice() == Coins{before.theta_wei, before.tfuel_wei - kGasPrice * uint256(kGasLimit)});
    CHECK(*GetGuardianPool(state) == *guardians);
    CHECK(*GetEliteEdgeNodePool(state) == *eens);
  }
  uint256 GasFee(const TxReceipt& r) { return kGasPrice * uint256(r.gas_used); }
};

bool Succeeded(const Bytes& proxy_output) {
  return proxy_output[31] == 1;
}

TEST_CASE("thetaBalance and thetaStake read THETA for a 20- or 32-byte address",
          "[ledger][contract][precompile]") {
  Fixture f;
  TxReceipt r = f.Call(0xc9, AddressWord(AddressOf(f.alice)));
  CHECK(r.status == evm::StatusCode::kSuccess);
  CHECK(r.evm_return == Word(100'000 * kWei));
  CHECK(r.gas_used == IntrinsicGas(AddressWord(AddressOf(f.alice)), false) + 4);
  const Address alice = AddressOf(f.alice);
  r = f.Call(0xc9, Bytes(alice.bytes.begin(), alice.bytes.end()));
  CHECK(r.evm_return == Word(100'000 * kWei));

  // Stakes from alice: 200,000 to a validator, 1,000 to a guardian and a withdrawn 5,000.
  ValidatorCandidatePool validators;
  validators.sorted_candidates.push_back({f.bob, {Stake{alice, 200'000 * kWei}}});
  REQUIRE(SetValidatorPool(f.state, validators).ok());
  BlsCandidatePool guardians;
  guardians.sorted.push_back({{f.bob, {Stake{alice, 1'000 * kWei}}}, Bytes(48, 1)});
  guardians.sorted.push_back(
      {{AddressOf(f.guardian), {Stake{alice, 5'000 * kWei, true, 9}}}, Bytes(48, 2)});
  REQUIRE(SetGuardianPool(f.state, guardians).ok());
  r = f.Call(0xca, AddressWord(alice));
  CHECK(r.evm_return == Word(201'000 * kWei));
  CHECK(r.gas_used == IntrinsicGas(AddressWord(alice), false) + 200);
  f.ExpectFailure(0xc9, Bytes(31, 0));
  f.ExpectFailure(0xca, Bytes(21, 0));
}

TEST_CASE("transferTheta moves the caller's THETA and refuses what it cannot do",
          "[ledger][contract][precompile]") {
  Fixture f;
  Bytes input(f.bob.bytes.begin(), f.bob.bytes.end());
  Append(input, Word(40 * kWei));
  const Coins before = f.Alice();
  const TxReceipt r = f.Call(0xcb, input);
  CHECK(r.status == evm::StatusCode::kSuccess);
  CHECK(r.gas_used == IntrinsicGas(input, false) + 21'000);
  CHECK(f.Get(f.bob).balance == Coins::Theta(40 * kWei));
  CHECK(f.Alice() == Coins{before.theta_wei - 40 * kWei, before.tfuel_wei - f.GasFee(r)});

  SECTION("zero THETA creates no account") {
    Address nobody;
    nobody.bytes.fill(0x0e);
    Bytes zero(nobody.bytes.begin(), nobody.bytes.end());
    Append(zero, Word(0));
    CHECK(f.Call(0xcb, zero).status == evm::StatusCode::kSuccess);
    CHECK(!f.state.GetAccount(nobody)->has_value());
  }
  SECTION("more THETA than the caller holds") {
    Bytes too_much(f.bob.bytes.begin(), f.bob.bytes.end());
    Append(too_much, Word(100'000 * kWei));
    f.ExpectFailure(0xcb, too_much);
  }
  SECTION("an input that is not 52 bytes") {
    f.ExpectFailure(0xcb, Bytes(input.begin(), input.end() - 1));
    input.push_back(0);
    f.ExpectFailure(0xcb, input);
  }
  SECTION("out of gas below 21,000") {
    Tx tx = SmartContractTx{
        TxInput{AddressOf(f.alice), {}, f.Get(AddressOf(f.alice)).sequence + 1, {}},
        TxOutput{Precompile(0xcb), {}}, IntrinsicGas(input, false) + 20'999, kGasPrice, input};
    REQUIRE(SignTx(tx, kChain, f.alice).ok());
    CHECK(f.Run(tx).status == evm::StatusCode::kOutOfGas);
    CHECK(f.Get(f.bob).balance == Coins::Theta(40 * kWei));
  }
}

TEST_CASE("the Theta precompiles exist only from their fork heights",
          "[ledger][contract][precompile]") {
  Fixture f;
  Bytes transfer(f.bob.bytes.begin(), f.bob.bytes.end());
  Append(transfer, Word(kWei));
  Bytes stake = Summary(f.guardian, 7);
  Append(stake, Word(1'000 * kWei));

  f.context.block_height = kHeightSupportThetaInContracts - 1;  // 0xC9 yes, 0xCB not yet
  CHECK(f.Call(0xc9, AddressWord(f.bob)).evm_return == Word(0));
  TxReceipt r = f.Call(0xcb, transfer);
  CHECK(r.status == evm::StatusCode::kSuccess);  // an empty account: nothing runs
  CHECK(r.gas_used == IntrinsicGas(transfer, false));
  CHECK(f.Get(f.bob).balance.IsZero());

  f.context.block_height = kHeightSupportWrappedTheta - 1;  // 0xCB yes, 0xCC not yet
  f.Call(0xcb, transfer);
  CHECK(f.Get(f.bob).balance == Coins::Theta(kWei));
  r = f.Call(0xcc, stake);
  CHECK(r.gas_used == IntrinsicGas(stake, false));
  CHECK(GetGuardianPool(f.state)->sorted.empty());

  f.context.block_height = kHeightSupportWrappedTheta;
  CHECK(f.Call(0xcc, stake).status == evm::StatusCode::kSuccess);
  CHECK(GetGuardianPool(f.state)->sorted.size() == 1);
}

TEST_CASE("stakeToGuardian and unstakeFromGuardian stake the caller's THETA",
          "[ledger][contract][precompile]") {
  Fixture f;
  const Address alice = AddressOf(f.alice);
  const Address holder = AddressOf(f.guardian);
  Bytes input = Summary(f.guardian, 7);
  Append(input, Word(1'000 * kWei));
  const Coins before = f.Alice();
  TxReceipt r = f.Call(0xcc, input);
  REQUIRE(r.status == evm::StatusCode::kSuccess);
  CHECK(r.gas_used == IntrinsicGas(input, false) + 21'000);
  CHECK(f.Alice().theta_wei == before.theta_wei - 1'000 * kWei);
  auto pool = GetGuardianPool(f.state);
  REQUIRE(pool->sorted.size() == 1);
  CHECK(pool->sorted[0].stake_holder.holder == holder);
  CHECK(pool->sorted[0].stake_holder.stakes == std::vector<Stake>{Stake{alice, 1'000 * kWei}});
  CHECK(pool->sorted[0].bls_pubkey == Bytes(input.begin() + 20, input.begin() + 68));
  CHECK(f.Call(0xca, AddressWord(alice)).evm_return == Word(1'000 * kWei));

  SECTION("a known guardian takes more stake without a valid summary") {
    Bytes more(input.begin(), input.begin() + 20);
    more.resize(229, 0);
    Append(more, Word(2'000 * kWei));
    CHECK(f.Call(0xcc, more).status == evm::StatusCode::kSuccess);
    CHECK(GetGuardianPool(f.state)->sorted[0].stake_holder.TotalStake() == 3'000 * kWei);
  }
  SECTION("unstaking marks the stake withdrawn until parent height + 28,800") {
    r = f.Call(0xcd, AddressWord(holder));
    REQUIRE(r.status == evm::StatusCode::kSuccess);
    const Stake s = GetGuardianPool(f.state)->sorted[0].stake_holder.stakes[0];
    CHECK(s.withdrawn);
    CHECK(s.return_height == f.context.block_height - 1 + kReturnLockingPeriod);
    CHECK(f.Call(0xca, AddressWord(alice)).evm_return == Word(0));
    f.ExpectFailure(0xcd, AddressWord(holder));  // already withdrawn
    f.ExpectFailure(0xcc, input);                // no deposit while withdrawing
  }
  SECTION("rejections") {
    Bytes small = Summary(f.guardian, 7);
    Append(small, Word(999 * kWei));
    f.ExpectFailure(0xcc, small);  // below 1,000 THETA
    Bytes rich = Summary(f.guardian, 7);
    Append(rich, Word(200'000 * kWei));
    f.ExpectFailure(0xcc, rich);  // more THETA than alice holds
    const PrivateKey other = Key(4);
    Bytes forged = Summary(other, 8, /*good_signature=*/false);
    Append(forged, Word(1'000 * kWei));
    f.ExpectFailure(0xcc, forged);  // the new holder did not sign its PoP
    f.ExpectFailure(0xcc, Bytes(input.begin(), input.end() - 1));
    f.ExpectFailure(0xcd, AddressWord(f.bob));  // not a guardian
    f.ExpectFailure(0xcd, Bytes(33, 0));
    Bytes fresh = Summary(other, 8);
    Append(fresh, Word(1'000 * kWei));
    f.context.bls_verifier = nullptr;
    f.ExpectFailure(0xcc, fresh);  // a new guardian needs the PoP checked
  }
}

TEST_CASE("stakeToEEN and unstakeFromEEN stake the caller's TFUEL",
          "[ledger][contract][precompile]") {
  Fixture f;
  const Address holder = AddressOf(f.guardian);
  Bytes input = Summary(f.guardian, 7);
  Append(input, Word(123 * kWei));  // the unused word
  Append(input, Word(10'000 * kWei));
  const Coins before = f.Alice();
  TxReceipt r = f.Call(0xce, input);
  REQUIRE(r.status == evm::StatusCode::kSuccess);
  CHECK(f.Alice() == Coins{before.theta_wei, before.tfuel_wei - 10'000 * kWei - f.GasFee(r)});
  auto pool = GetEliteEdgeNodePool(f.state);
  REQUIRE(pool->sorted.size() == 1);
  CHECK(pool->sorted[0].stake_holder.TotalStake() == 10'000 * kWei);

  Bytes top_up(input.begin(), input.end() - 32);
  Append(top_up, Word(490'001 * kWei));
  f.ExpectFailure(0xce, top_up);  // passes the 500,000 TFUEL cap
  Bytes small = Summary(f.guardian, 7);
  Append(small, Word(0));
  Append(small, Word(9'999 * kWei));
  f.ExpectFailure(0xce, small);  // below 10,000 TFUEL
  f.ExpectFailure(0xce, Bytes(input.begin(), input.end() - 1));

  r = f.Call(0xcf, AddressWord(holder));
  REQUIRE(r.status == evm::StatusCode::kSuccess);
  CHECK(GetEliteEdgeNodePool(f.state)->sorted[0].stake_holder.stakes[0].withdrawn);
  f.ExpectFailure(0xcf, AddressWord(holder));
  // The stake comes back as TFUEL when it matures.
  auto returned = ReturnMaturedStakes(f.state, f.context.block_height - 1 + kReturnLockingPeriod);
  REQUIRE(returned.ok());
  CHECK(*returned == Coins::TFuel(10'000 * kWei));
}

TEST_CASE("a contract spends its own THETA, and static and delegate calls may not write",
          "[ledger][contract][precompile]") {
  Fixture f;
  const Address proxy = f.DeployProxy(Coins::Theta(50 * kWei));  // THETA into a creation
  CHECK(f.Get(proxy).balance == Coins::Theta(50 * kWei));
  Bytes transfer(f.bob.bytes.begin(), f.bob.bytes.end());
  Append(transfer, Word(20 * kWei));
  const uint256 alice_theta = f.Alice().theta_wei;

  Bytes out = f.ViaProxy(proxy, 0, 0xcb, transfer);
  CHECK(Succeeded(out));
  CHECK(f.Get(proxy).balance.theta_wei == 30 * kWei);
  CHECK(f.Get(f.bob).balance.theta_wei == 20 * kWei);

  out = f.ViaProxy(proxy, 1, 0xcb, transfer);  // STATICCALL
  CHECK_FALSE(Succeeded(out));
  out = f.ViaProxy(proxy, 2, 0xcb, transfer);  // DELEGATECALL: would spend alice's THETA in Go
  CHECK_FALSE(Succeeded(out));
  CHECK(f.Get(proxy).balance.theta_wei == 30 * kWei);
  CHECK(f.Alice().theta_wei == alice_theta);

  out = f.ViaProxy(proxy, 1, 0xc9, AddressWord(proxy));  // reading is fine under STATICCALL
  CHECK(Succeeded(out));
  CHECK(Bytes(out.begin() + 32, out.end()) == Word(30 * kWei));
}

TEST_CASE("a stake made in a frame that then reverts is undone", "[ledger][contract][precompile]") {
  Fixture f;
  // Runtime: CALL 0xCC with the calldata, then REVERT with the call's success flag.
  const Bytes init = *ParseHex(
      "0x601b80600b6000396000f3"
      "366000600037600060003660006000"
      "60cc5af1"
      "600052"
      "60206000fd");
  const TxReceipt deployed = f.Run(f.Make(Address{}, init, Coins::Theta(2'000 * kWei)));
  REQUIRE(deployed.status == evm::StatusCode::kSuccess);
  const Address contract = deployed.contract_address;
  Bytes input = Summary(f.guardian, 7);
  Append(input, Word(1'000 * kWei));
  const TxReceipt r = f.Run(f.Make(contract, input));
  CHECK(r.status == evm::StatusCode::kRevert);
  CHECK(r.evm_return == Word(1));  // the stake itself succeeded
  CHECK(GetGuardianPool(f.state)->sorted.empty());
  CHECK(f.Get(contract).balance.theta_wei == 2'000 * kWei);

  // In one tx: a stake that stays, then a nested frame's stake to the same guardian that is
  // undone. Runtime: CALL 0xCC with calldata[20:], then CALL the address calldata[0:20] with it.
  const Bytes init2 = *ParseHex(
      "0x602c80600b6000396000f3"
      "366014900380601460003760006000826000600060cc5af150"
      "60003560601c600060008360006000855af100");
  const TxReceipt deployed2 = f.Run(f.Make(Address{}, init2, Coins::Theta(2'000 * kWei)));
  REQUIRE(deployed2.status == evm::StatusCode::kSuccess);
  const Address both = deployed2.contract_address;
  Bytes data(contract.bytes.begin(), contract.bytes.end());
  Append(data, input);
  CHECK(f.Run(f.Make(both, data)).status == evm::StatusCode::kSuccess);
  const BlsCandidatePool pool = *GetGuardianPool(f.state);
  REQUIRE(pool.sorted.size() == 1);
  CHECK(pool.sorted[0].stake_holder.stakes == std::vector<Stake>{Stake{both, 1'000 * kWei}});
  CHECK(f.Get(both).balance.theta_wei == 1'000 * kWei);
  CHECK(f.Get(contract).balance.theta_wei == 2'000 * kWei);
}

TEST_CASE("THETA is a second value of calls and creations from 13,123,789",
          "[ledger][contract][precompile]") {
  Fixture f;
  const Address proxy = f.DeployProxy();
  const Coins before = f.Alice();
  TxReceipt r = f.Run(f.Make(proxy, Bytes(21, 0), Coins{7 * kWei, 2 * kWei}));
  CHECK(r.status == evm::StatusCode::kSuccess);
  CHECK(f.Get(proxy).balance == Coins{7 * kWei, 2 * kWei});
  CHECK(f.Alice() == Coins{before.theta_wei - 7 * kWei, before.tfuel_wei - 2 * kWei - f.GasFee(r)});

  SECTION("to an address without an account (Go would drop it)") {
    f.Run(f.Make(f.bob, {}, Coins::Theta(3 * kWei)));
    CHECK(f.Get(f.bob).balance == Coins::Theta(3 * kWei));
  }
  SECTION("a failed call keeps it with the sender") {
    const Coins mid = f.Alice();
    r = f.Run(f.Make(proxy, Bytes(3, 0), Coins::Theta(kWei)));  // too short: out of gas
    CHECK(r.status != evm::StatusCode::kSuccess);
    CHECK(f.Get(proxy).balance == Coins{7 * kWei, 2 * kWei});
    CHECK(f.Alice() == Coins{mid.theta_wei, mid.tfuel_wei - f.GasFee(r)});
  }
  SECTION("more THETA than the sender holds is refused") {
    const Hash32 root = f.state.RootHash();
    const absl::Status s =
        ApplyTx(f.state, f.Make(proxy, {}, Coins::Theta(200'000 * kWei)), f.context);
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(f.state.RootHash() == root);
  }
  SECTION("before the fork the THETA stays with the sender, as in Go") {
    f.context.block_height = kHeightSupportThetaInContracts - 1;
    const Coins mid = f.Alice();
    r = f.Run(f.Make(proxy, Bytes(21, 0), Coins::Theta(kWei)));
    CHECK(f.Get(proxy).balance.theta_wei == 7 * kWei);
    CHECK(f.Alice() == Coins{mid.theta_wei, mid.tfuel_wei - f.GasFee(r)});
  }
}

}  // namespace
}  // namespace theta::ledger
