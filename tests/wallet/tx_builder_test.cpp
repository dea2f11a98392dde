#include "theta/wallet/tx_builder.hpp"

#include <catch2/catch.hpp>

#include "theta/wallet/amount.hpp"

namespace theta::wallet {
namespace {

using ledger::Coins;

PrivateKey Key(uint8_t seed) {
  Bytes bytes(32, 0);
  bytes[31] = seed;
  return *PrivateKey::FromBytes(bytes);
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}
uint256 Tokens(std::string_view text) {
  return *ParseAmount(text);
}
std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

TEST_CASE("send pays every output plus the fee from one signed input", "[wallet][tx]") {
  const PrivateKey key = Key(1);
  const Address from = AddressOf(key);
  const Address a = AddressOf(Key(2)), b = AddressOf(Key(3));
  auto tx =
      BuildSend(from, 7, {{a, Coins{Tokens("1"), Tokens("2")}}, {b, Coins::TFuel(Tokens("0.5"))}},
                MinimumFee(ledger::TxType::kSend, 3));
  REQUIRE(tx.ok());
  const auto& send = std::get<ledger::SendTx>(*tx);
  CHECK(send.fee.tfuel_wei == Tokens("0.45"));
  CHECK(send.inputs.front().coins == Coins{Tokens("1"), Tokens("2.95")});
  CHECK(SequenceOf(*tx) == 7);
  CHECK(SignerOf(*tx) == from);
  CHECK(RequiredFunds(*tx) == Coins{Tokens("1"), Tokens("2.95")});

  REQUIRE(ledger::SignTx(*tx, "privatenet", key).ok());
  const Bytes raw = ledger::EncodeTx(*tx);
  auto decoded = ledger::DecodeTx(raw);
  REQUIRE(decoded.ok());
  CHECK(*decoded == *tx);
  CHECK(ledger::VerifySignature(ledger::SignBytes(*decoded, "privatenet"),
                                std::get<ledger::SendTx>(*decoded).inputs.front().signature, from)
            .ok());
  const nlohmann::json description = DescribeTx(*tx);
  CHECK(description["type"] == "Send");
  CHECK(description["outputs"][1]["amount"]["tfuel"] == "0.5");
}

TEST_CASE("send refuses a low fee, a zero payment, a duplicate and paying oneself",
          "[wallet][tx]") {
  const Address from = AddressOf(Key(1)), a = AddressOf(Key(2));
  const uint256 fee = MinimumFee(ledger::TxType::kSend, 2);
  CHECK_THAT(Message(BuildSend(from, 1, {{a, Coins::Theta(1)}}, Tokens("0.29")).status()),
             Catch::Contains("below the minimum of 0.3 TFUEL"));
  CHECK_THAT(Message(BuildSend(from, 1, {{a, Coins{}}}, fee).status()), Catch::Contains("zero"));
  CHECK_THAT(
      Message(
          BuildSend(from, 1, {{a, Coins::Theta(1)}, {a, Coins::Theta(1)}}, Tokens("1")).status()),
      Catch::Contains("more than once"));
  CHECK_THAT(Message(BuildSend(from, 1, {{from, Coins::Theta(1)}}, fee).status()),
             Catch::Contains("is the sender"));
  CHECK_FALSE(BuildSend(from, 1, {}, fee).ok());
  CHECK_FALSE(BuildSend(from, 1,
                        {{a, Coins::Theta(uint256::Max())}, {AddressOf(Key(3)), Coins::Theta(1)}},
                        Tokens("1"))
                  .ok());
}

TEST_CASE("stake deposits pick the transaction type by purpose and summary", "[wallet][tx]") {
  const PrivateKey holder_key = Key(9);
  const Address from = AddressOf(Key(1)), holder = AddressOf(holder_key);
  const uint256 fee = MinimumFee(ledger::TxType::kDepositStake);
  auto validator = BuildDepositStake(from, 1, holder, StakePurpose::kValidator, Tokens("200000"),
                                     std::nullopt, fee);
  REQUIRE(validator.ok());
  CHECK(ledger::TypeOf(*validator) == ledger::TxType::kDepositStake);
  CHECK(RequiredFunds(*validator) == Coins{Tokens("200000"), fee});

  auto bls = crypto::bls::KeyGen(Bytes(32, 7));
  REQUIRE(bls.ok());
  const HolderSummary summary = MakeHolderSummary(holder_key, *bls);
  auto guardian =
      BuildDepositStake(from, 1, holder, StakePurpose::kGuardian, Tokens("1000"), summary, fee);
  REQUIRE(guardian.ok());
  const auto& v2 = std::get<ledger::DepositStakeV2Tx>(*guardian);
  CHECK(v2.bls_pubkey.size() == 48);
  CHECK(v2.bls_pop.size() == 96);
  CHECK(v2.holder_sig.size() == 65);
  CHECK(ledger::DecodeTx(ledger::EncodeTx(*guardian)).ok());

  auto een = BuildDepositStake(from, 1, holder, StakePurpose::kEliteEdgeNode, Tokens("10000"),
                               std::nullopt, fee);
  REQUIRE(een.ok());
  CHECK(std::get<ledger::DepositStakeV2Tx>(*een).source.coins == Coins::TFuel(Tokens("10000")));

  CHECK_THAT(Message(BuildDepositStake(from, 1, AddressOf(Key(5)), StakePurpose::kGuardian,
                                       Tokens("1000"), summary, fee)
                         .status()),
             Catch::Contains("not the holder"));
  CHECK_FALSE(
      BuildDepositStake(from, 1, holder, StakePurpose::kGuardian, 0, std::nullopt, fee).ok());
  CHECK(*ParseStakePurpose("een") == StakePurpose::kEliteEdgeNode);
  CHECK_FALSE(ParseStakePurpose("miner").ok());
}

TEST_CASE("reserve, release, split and reward rules check the chain's limits", "[wallet][tx]") {
  const Address from = AddressOf(Key(1)), a = AddressOf(Key(2));
  const uint256 fee = kMinTxFeeWei;
  auto reserve = BuildReserveFund(from, 3, Tokens("10"), Tokens("11"), {"video"}, 300, fee);
  REQUIRE(reserve.ok());
  CHECK(RequiredFunds(*reserve) == Coins::TFuel(Tokens("21.3")));
  CHECK_THAT(
      Message(BuildReserveFund(from, 3, Tokens("10"), Tokens("10"), {"v"}, 300, fee).status()),
      Catch::Contains("must exceed"));
  CHECK_THAT(Message(BuildReserveFund(from, 3, Tokens("1"), Tokens("2"), {"v"}, 299, fee).status()),
             Catch::Contains("300..43200"));
  CHECK(BuildReleaseFund(from, 4, 3, fee).ok());
  CHECK(BuildSplitRule(from, 5, "video", {{a, 60}, {from, 40}}, 100, fee).ok());
  CHECK_THAT(Message(BuildSplitRule(from, 5, "video", {{a, 60}, {from, 41}}, 100, fee).status()),
             Catch::Contains("101%"));
  CHECK(BuildStakeRewardDistribution(from, 6, a, 1000, fee).ok());
  CHECK_FALSE(BuildStakeRewardDistribution(from, 6, a, 1001, fee).ok());
  CHECK(BuildWithdrawStake(from, 7, a, StakePurpose::kGuardian, fee).ok());
}

TEST_CASE("smart contract transactions check gas and reserve its maximum cost", "[wallet][tx]") {
  const Address from = AddressOf(Key(1));
  auto deploy = BuildSmartContract(from, 1, std::nullopt, Tokens("1"), 100000, kDefaultGasPriceWei,
                                   Bytes{0x60, 0x00});
  REQUIRE(deploy.ok());
  CHECK(std::get<ledger::SmartContractTx>(*deploy).to.address == Address{});
  CHECK(RequiredFunds(*deploy) == Coins::TFuel(Tokens("1.4")));
  CHECK_FALSE(BuildSmartContract(from, 1, std::nullopt, 0, 100000, kDefaultGasPriceWei, {}).ok());
  CHECK_FALSE(BuildSmartContract(from, 1, from, 0, 20'000'001, kDefaultGasPriceWei, {}).ok());
  CHECK_FALSE(BuildSmartContract(from, 1, from, 0, 21000, 1, {}).ok());
}

}  // namespace
}  // namespace theta::wallet
