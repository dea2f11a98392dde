// Round trip against @thetalabs/theta-js (npm, pinned in tests/package-lock.json), the SDK Theta's
// wallets sign with. tests/ledger/js/thetajs_oracle.mjs signs every transaction type theta-js
// builds with seeded random keys and amounts; here our decoder must read the fields it was given,
// our sign bytes must equal theta-js's, the signature must recover to the signer, and our encoder
// and signer (RFC 6979, like theta-js's elliptic) must reproduce the raw bytes exactly. A missing
// npm install fails these tests (it does not skip them), so that CI cannot silently lose the
// oracle.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_data.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {
namespace {

using Json = nlohmann::json;

std::filesystem::path TestsDir() {
  return testing::RepoTestDataDir().parent_path();
}

// Runs the theta-js oracle with `seed` and returns its answer; fails the test with the fix when
// node or theta-js is missing.
Json AskThetaJs(uint32_t seed) {
  const auto package = TestsDir() / "node_modules/@thetalabs/theta-js/package.json";
  if (!std::filesystem::exists(package)) {
    FAIL("@thetalabs/theta-js is not installed in " << (TestsDir() / "node_modules").string()
                                                    << ": run scripts/bootstrap (it runs npm ci in "
                                                       "tests/)");
  }
  const std::string command = "node '" + (TestsDir() / "ledger/js/thetajs_oracle.mjs").string() +
                              "' " + std::to_string(seed);
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    FAIL("`" << command << "` failed (status " << status
             << "); is node on PATH? scripts/bootstrap installs it. Output: " << output);
  }
  Json answer = Json::parse(output, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(answer.is_discarded());
  return answer;
}

Bytes Hex(const Json& j) {
  auto bytes = ParseHex(j.get<std::string>());
  REQUIRE(bytes.ok());
  return *bytes;
}

uint256 Dec(const Json& j) {
  const std::string text = j.is_string() ? j.get<std::string>() : std::to_string(j.get<uint64_t>());
  auto value = uint256::FromDecimal(text);
  REQUIRE(value.ok());
  return *value;
}

Address Addr(const Json& j) {
  auto address = ParseAddress(j.get<std::string>());
  REQUIRE(address.ok());
  return *address;
}

// The input whose signature theta-js set (its transactions have exactly one signer).
TxInput& FirstSignerInput(Tx& tx) {
  return std::visit(
      [](auto& t) -> TxInput& {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, SendTx>) {
          REQUIRE(!t.inputs.empty());
          return t.inputs[0];
        } else if constexpr (std::is_same_v<T, SmartContractTx>) {
          return t.from;
        } else if constexpr (std::is_same_v<T, StakeRewardDistributionTx>) {
          return t.holder;
        } else if constexpr (std::is_same_v<T, SplitRuleTx>) {
          return t.initiator;
        } else if constexpr (std::is_same_v<T, CoinbaseTx> || std::is_same_v<T, SlashTx>) {
          return t.proposer;
        } else {
          return t.source;
        }
      },
      tx);
}

// The fields theta-js was asked to put in, against what our decoder read.
void CheckFields(const Json& case_json, const Tx& tx) {
  const Json& f = case_json["fields"];
  const Address signer = Addr(case_json["signer"]);
  switch (TypeOf(tx)) {
    case TxType::kSend: {
      const auto& send = std::get<SendTx>(tx);
      CHECK(send.fee == Coins::TFuel(Dec(f["fee"])));
      REQUIRE(send.inputs.size() == 1);
      CHECK(send.inputs[0].address == signer);
      CHECK(send.inputs[0].sequence == f["sequence"].get<uint64_t>());
      REQUIRE(send.outputs.size() == f["outputs"].size());
      Coins total = send.fee;
      for (size_t i = 0; i < send.outputs.size(); ++i) {
        const Json& o = f["outputs"][i];
        CHECK(send.outputs[i].address == Addr(o["address"]));
        CHECK(send.outputs[i].coins == Coins{Dec(o["thetaWei"]), Dec(o["tfuelWei"])});
        total.theta_wei += send.outputs[i].coins.theta_wei;
        total.tfuel_wei += send.outputs[i].coins.tfuel_wei;
      }
      CHECK(send.inputs[0].coins == total);  // theta-js inputs outputs plus fee
      break;
    }
    case TxType::kSmartContract: {
      const auto& sc = std::get<SmartContractTx>(tx);
      CHECK(sc.from.address == signer);
      CHECK(sc.from.sequence == f["sequence"].get<uint64_t>());
      CHECK(sc.from.coins == Coins::TFuel(Dec(f["value"])));
      CHECK(sc.to.address == Addr(f["to"]));
      CHECK(sc.to.coins.IsZero());
      CHECK(sc.gas_limit == f["gasLimit"].get<uint64_t>());
      CHECK(sc.gas_price == Dec(f["gasPrice"]));
      CHECK(sc.data == Hex(f["data"]));
      break;
    }
    case TxType::kDepositStake: {
      const auto& d = std::get<DepositStakeTx>(tx);
      CHECK(d.fee == Coins::TFuel(Dec(f["fee"])));
      CHECK(d.source.address == signer);
      CHECK(d.source.sequence == f["sequence"].get<uint64_t>());
      CHECK(d.source.coins == Coins::Theta(Dec(f["amount"])));
      CHECK(d.holder == TxOutput{Addr(f["holder"]), {}});
      CHECK(d.purpose == f["purpose"].get<int>());
      break;
    }
    case TxType::kDepositStakeV2: {
      const auto& d = std::get<DepositStakeV2Tx>(tx);
      const Bytes summary = Hex(f["summary"]);
      CHECK(d.fee == Coins::TFuel(Dec(f["fee"])));
      CHECK(d.source.address == signer);
      CHECK(d.source.sequence == f["sequence"].get<uint64_t>());
      CHECK(d.source.coins == (d.purpose == kStakeForEliteEdgeNode
                                   ? Coins::TFuel(Dec(f["amount"]))
                                   : Coins::Theta(Dec(f["amount"]))));
      CHECK(d.purpose == f["purpose"].get<int>());
      CHECK(d.holder.address.view()[0] == summary[0]);
      CHECK(Bytes(d.holder.address.view().begin(), d.holder.address.view().end()) ==
            Bytes(summary.begin(), summary.begin() + 20));
      CHECK(d.bls_pubkey == Bytes(summary.begin() + 20, summary.begin() + 68));
      CHECK(d.bls_pop == Bytes(summary.begin() + 68, summary.begin() + 164));
      CHECK(d.holder_sig == Bytes(summary.begin() + 164, summary.end()));
      break;
    }
    case TxType::kWithdrawStake: {
      const auto& w = std::get<WithdrawStakeTx>(tx);
      CHECK(w.fee == Coins::TFuel(Dec(f["fee"])));
      CHECK(w.source == TxInput{signer, {}, f["sequence"].get<uint64_t>(), w.source.signature});
      CHECK(w.holder == TxOutput{Addr(f["holder"]), {}});
      CHECK(w.purpose == f["purpose"].get<int>());
      break;
    }
    case TxType::kStakeRewardDistribution: {
      const auto& s = std::get<StakeRewardDistributionTx>(tx);
      CHECK(s.fee == Coins::TFuel(Dec(f["fee"])));
      CHECK(s.holder == TxInput{signer, {}, f["sequence"].get<uint64_t>(), s.holder.signature});
      CHECK(s.beneficiary == TxOutput{Addr(f["beneficiary"]), {}});
      CHECK(s.split_basis_point == f["splitBasisPoint"].get<uint64_t>());
      break;
    }
    default:
      FAIL("theta-js produced an unexpected type " << static_cast<int>(TypeOf(tx)));
  }
}

TEST_CASE("transactions signed by theta-js decode, verify and re-sign to the same bytes",
          "[ledger][thetajs]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const Json answer = AskThetaJs(seed);
    INFO("theta-js " << answer["version"].get<std::string>());
    size_t checked = 0;
    for (const Json& c : answer["txs"]) {
      if (c["fields"].contains("stockType") && c["fields"]["stockType"].get<bool>()) continue;
      const std::string chain_id = c["chainId"].get<std::string>();
      const Bytes raw = Hex(c["raw"]);
      INFO("type " << c["type"] << " on " << chain_id << ": " << c["raw"].get<std::string>());
      auto tx = DecodeTx(raw);
      REQUIRE(tx.ok());
      CHECK(static_cast<int>(TypeOf(*tx)) == c["type"].get<int>());
      CHECK(EncodeTx(*tx) == raw);
      CheckFields(c, *tx);

      const Bytes sign_bytes = SignBytes(*tx, chain_id);
      CHECK(sign_bytes == Hex(c["signBytes"]));
      const Address signer = Addr(c["signer"]);
      const Bytes signature = FirstSignerInput(*tx).signature;
      CHECK(VerifySignature(sign_bytes, signature, signer).ok());
      CHECK_FALSE(VerifySignature(SignBytes(*tx, chain_id + "x"), signature, signer).ok());

      // Our signer, from the unsigned transaction, must give theta-js's bytes.
      Tx ours = *tx;
      FirstSignerInput(ours).signature.clear();
      auto key = PrivateKey::FromHex(c["privateKey"].get<std::string>());
      REQUIRE(key.ok());
      REQUIRE(SignTx(ours, chain_id, *key).ok());
      CHECK(EncodeTx(ours) == raw);
      ++checked;
    }
    CHECK(checked == 24);
  }
}

TEST_CASE("theta-js stake reward distributions with the type byte of a deposit are rejected",
          "[ledger][thetajs]") {
  const Json answer = AskThetaJs(4);
  size_t stock = 0;
  for (const Json& c : answer["txs"]) {
    if (!c["fields"].contains("stockType") || !c["fields"]["stockType"].get<bool>()) continue;
    const Bytes raw = Hex(c["raw"]);
    INFO(c["raw"].get<std::string>());
    REQUIRE(raw[0] == 0x0a);  // theta-js 0.0.86 reports type 10 (DepositStakeV2)
    auto tx = DecodeTx(raw);
    REQUIRE_FALSE(tx.ok());
    CHECK_THAT(std::string(tx.status().message()), Catch::Contains("DepositStakeV2Tx"));
    ++stock;
  }
  CHECK(stock == 4);
}

}  // namespace
}  // namespace theta::ledger
