// The real theta-wallet binary, run as a user would (new session, no terminal, password from a
// file), for every offline command and for a node that is not there. The online commands against a
// running devnet of theta-node processes are tests/integration/wallet_*_test.py.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "theta/core/keystore.hpp"
#include "theta/ledger/tx.hpp"
#include "theta/wallet/amount.hpp"
#include "theta/wallet/tx_builder.hpp"
#include "wallet_test_util.hpp"

namespace theta::wallet {
namespace {

using Json = nlohmann::json;
using testing::RunResult;
using testing::RunWallet;

// A wallet home: a keystore folder and a password file.
struct Home {
  testing::TempDir dir;
  std::string keystore = (dir.path() / "keystore").string();
  std::string password = dir.Write("pw", "correct horse\n").string();

  std::vector<std::string> With(std::vector<std::string> args) const {
    args.insert(args.end(), {"--keystore-dir", keystore, "--password-file", password});
    return args;
  }
  RunResult Run(std::vector<std::string> args) const { return RunWallet(With(std::move(args))); }
  Json RunJson(std::vector<std::string> args) const {
    args.push_back("--json");
    RunResult result = Run(args);
    INFO("stderr: " << result.err << "\nstdout: " << result.out);
    REQUIRE(result.exit_code == 0);
    Json json = Json::parse(result.out, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    return json;
  }
  // A new key (light scrypt to keep the suite fast); returns its address.
  std::string NewKey() const { return RunJson({"new", "--light-kdf"})["address"]; }
};

const std::string kMnemonic =
    "test test test test test test test test test test test junk";  // Hardhat's

TEST_CASE("wallet cli help lists and documents every command", "[wallet][cli]") {
  RunResult overview = RunWallet({"--help"});
  REQUIRE(overview.exit_code == 0);
  std::ifstream doc(THETA_WALLET_DOC);
  REQUIRE(doc.good());
  const std::string text(std::istreambuf_iterator<char>(doc), {});
  const size_t section = text.find("## On the devnet: every command");
  REQUIRE(section != std::string::npos);
  const std::string walkthrough = text.substr(section, text.find("\n## ", section + 1) - section);
  const std::vector<std::string> commands = {"new",
                                             "import",
                                             "list",
                                             "export",
                                             "address",
                                             "guardian new-bls-key",
                                             "guardian summary",
                                             "send",
                                             "stake deposit",
                                             "stake withdraw",
                                             "stake reward-split",
                                             "reserve-fund",
                                             "release-fund",
                                             "split-rule",
                                             "contract deploy",
                                             "contract call",
                                             "broadcast",
                                             "balance",
                                             "tx status",
                                             "fees"};
  for (const std::string& command : commands) {
    CHECK_THAT(overview.out, Catch::Contains(command));
    std::vector<std::string> args = absl::StrSplit(command, ' ');
    args.push_back("--help");
    RunResult help = RunWallet(args);
    INFO(command);
    CHECK(help.exit_code == 0);
    // The example is a line of docs/wallet.md's devnet walkthrough, which the integration test
    // wallet_docs_test.py runs against a devnet as written.
    const size_t at = help.out.find("example:\n  ");
    REQUIRE(at != std::string::npos);
    const size_t begin = at + 11;
    const std::string example = help.out.substr(begin, help.out.find('\n', begin) - begin);
    CHECK_THAT(example, Catch::StartsWith("theta-wallet " + command));
    CHECK_THAT(walkthrough, Catch::Contains(example));
  }
  CHECK_THAT(overview.out,
             Catch::Contains("theta-wallet sign send --from $A1 --to $A0 --tfuel 1 --chain-id "
                             "privatenet --sequence $S --out tx.hex --yes"));
  CHECK_THAT(walkthrough,
             Catch::Contains("theta-wallet sign send --from $A1 --to $A0 --tfuel 1 "
                             "--chain-id privatenet --sequence $S --out tx.hex --yes"));
  CHECK_THAT(RunWallet({"sign", "send", "--help"}).out, Catch::Contains("theta-wallet sign send"));
  CHECK(RunWallet({"frobnicate"}).exit_code == 2);
  CHECK(RunWallet({"sign", "list"}).exit_code == 2);
}

TEST_CASE("wallet cli refuses secrets on the command line", "[wallet][cli]") {
  RunResult result = RunWallet({"new", "--password", "hunter2"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--password-file"));
  CHECK_THAT(result.err, Catch::Contains("visible"));
  // Without a terminal or a password source the wallet says where a password can come from.
  Home home;
  RunResult no_password = RunWallet({"new", "--keystore-dir", home.keystore});
  CHECK(no_password.exit_code == 1);
  CHECK_THAT(no_password.err, Catch::Contains("THETA_WALLET_PASSWORD"));
  // The environment variable works for scripts.
  RunResult env = RunWallet({"new", "--light-kdf", "--keystore-dir", home.keystore},
                            {"THETA_WALLET_PASSWORD=pw"});
  CHECK(env.exit_code == 0);
}

TEST_CASE("wallet cli creates, lists, unlocks and exports keys that ethers reads",
          "[wallet][cli][ethers]") {
  Home home;
  const std::string address = home.NewKey();
  const Json list = home.RunJson({"list"});
  REQUIRE(list["keys"].size() == 1);
  CHECK(list["keys"][0]["address"] == address);
  CHECK(home.RunJson({"address", address})["verified"] == true);

  const RunResult exported = home.Run({"export", address});
  REQUIRE(exported.exit_code == 0);
  const RunResult key = home.Run({"export", address, "--private-key", "--yes"});
  REQUIRE(key.exit_code == 0);
  const Json ethers = testing::AskEthers(
      {{"decrypt", Json::array({{{"json", exported.out}, {"password", "correct horse"}}})}});
  CHECK(ethers["decrypt"][0]["address"] == address);
  CHECK(ethers["decrypt"][0]["privateKey"].get<std::string>() + "\n" == key.out);

  // A wrong password is an error that says so, never a crash or a wrong key.
  Home other;
  const std::string bad_password = other.dir.Write("bad", "wrong").string();
  RunResult wrong = RunWallet(
      {"address", address, "--keystore-dir", home.keystore, "--password-file", bad_password});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("wrong password"));

  // The address a keystore file claims, without its password.
  const std::string copy = home.dir.Write("copy.json", exported.out).string();
  CHECK(home.RunJson({"address", "--keystore-file", copy})["address"] == address);

  // A mnemonic-backed key prints its words once, and they give the same address again.
  const Json mnemonic = home.RunJson({"new", "--mnemonic", "--words", "12", "--light-kdf"});
  const std::string words = mnemonic["mnemonic"];
  const std::string words_file = home.dir.Write("words", words).string();
  CHECK(home.RunJson({"address", "--mnemonic-file", words_file})[0]["address"] ==
        mnemonic["address"]);
}

TEST_CASE("wallet cli imports keys from hex, mnemonics and ethers keystores like ethers derives",
          "[wallet][cli][ethers]") {
  Home home;
  const std::string words = home.dir.Write("words", kMnemonic + "\n").string();
  const Json theta =
      home.RunJson({"import", "--mnemonic-file", words, "--index", "3", "--light-kdf"});
  const Json eth =
      home.RunJson({"import", "--mnemonic-file", words, "--path", "ethereum", "--light-kdf"});
  const Json ethers = testing::AskEthers(
      {{"derive", Json::array({{{"phrase", kMnemonic}, {"path", "m/44'/500'/0'/0/3"}},
                               {{"phrase", kMnemonic}, {"path", "m/44'/60'/0'/0/0"}}})},
       {"encrypt", Json::array({{{"privateKey", "0x" + std::string(63, '0') + "7"},
                                 {"password", "ethers pw"},
                                 {"n", 1024}}})}});
  CHECK(theta["address"] == ethers["derive"][0]);
  CHECK(eth["address"] == ethers["derive"][1]);
  CHECK(eth["address"] == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");  // Hardhat account 0

  const std::string keystore =
      home.dir.Write("ethers.json", ethers["encrypt"][0].get<std::string>()).string();
  const std::string source_pw = home.dir.Write("source-pw", "ethers pw").string();
  const Json imported = home.RunJson({"import", "--keystore-file", keystore,
                                      "--keystore-password-file", source_pw, "--light-kdf"});
  auto expected = PrivateKey::FromHex("0x" + std::string(63, '0') + "7");
  CHECK(imported["address"] == ToChecksumHex(AddressFromPublicKey(expected->DerivePublicKey())));

  const std::string hex = home.dir.Write("key", "0x" + std::string(63, '0') + "9\n").string();
  CHECK(home.RunJson({"import", "--private-key-file", hex, "--light-kdf"}).contains("address"));
  RunResult duplicate = home.Run({"import", "--private-key-file", hex, "--light-kdf"});
  CHECK(duplicate.exit_code == 1);
  CHECK_THAT(duplicate.err, Catch::Contains("already in"));
  RunResult bad = home.Run({"import", "--private-key-file", words, "--light-kdf"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("private key"));
  CHECK(home.RunJson({"list"})["keys"].size() == 4);
}

// Signs offline and returns the decoded transaction after checking its signature.
ledger::Tx SignOffline(const Home& home, const std::string& from, std::vector<std::string> args) {
  args.insert(args.begin(), "sign");
  args.insert(args.end(), {"--from", from, "--chain-id", "privatenet", "--sequence", "1", "--yes"});
  const Json out = home.RunJson(args);
  auto raw = ParseHex(out["raw"].get<std::string>());
  REQUIRE(raw.ok());
  auto tx = ledger::DecodeTx(*raw);
  REQUIRE(tx.ok());
  const Address signer = *ParseAddress(from);
  CHECK(SignerOf(*tx) == signer);
  CHECK(out["hash"] == ledger::TxHash(*raw).ToHex());
  // Re-sign the decoded tx: the signature the CLI made must verify against these sign bytes.
  const ledger::Tx unsigned_tx = *tx;
  Bytes signature;
  std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>)
          signature = t.inputs.front().signature;
        else if constexpr (std::is_same_v<T, ledger::SmartContractTx>)
          signature = t.from.signature;
        else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>)
          signature = t.initiator.signature;
        else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>)
          signature = t.holder.signature;
        else if constexpr (requires { t.source; })
          signature = t.source.signature;
      },
      unsigned_tx);
  CHECK(ledger::VerifySignature(ledger::SignBytes(*tx, "privatenet"), signature, signer).ok());
  return *tx;
}

TEST_CASE("wallet cli signs every transaction type offline", "[wallet][cli]") {
  Home home;
  const std::string from = home.NewKey();
  const std::string other = home.NewKey();
  const std::string a = "0x9F1233798E905E173560071255140b4A8aBd3Ec6";
  const std::string b = "0x2E833968E5bB786Ae419c4d13189fB081Cc43bab";

  auto one = SignOffline(home, from, {"send", "--to", a, "--theta", "1.5", "--tfuel", "2"});
  CHECK(std::get<ledger::SendTx>(one).outputs[0].coins.theta_wei == *ParseAmount("1.5"));
  auto many =
      SignOffline(home, from, {"send", "--to", a + "=1theta,5tfuelwei", "--to", b + "=2tfuel"});
  CHECK(std::get<ledger::SendTx>(many).outputs.size() == 2);
  CHECK(std::get<ledger::SendTx>(many).outputs[0].coins.tfuel_wei == uint256(5));
  CHECK(std::get<ledger::SendTx>(many).fee.tfuel_wei == *ParseAmount("0.45"));

  CHECK(ledger::TypeOf(SignOffline(home, from,
                                   {"stake", "deposit", "--purpose", "validator", "--holder", a,
                                    "--amount", "200000"})) == ledger::TxType::kDepositStake);
  // Guardian: a BLS key file and the holder's summary, made by the wallet itself.
  const std::string bls = (home.dir.path() / "bls.json").string();
  REQUIRE(home.Run({"guardian", "new-bls-key", "--out", bls, "--light-kdf"}).exit_code == 0);
  const Json summary = home.RunJson({"guardian", "summary", "--holder", other, "--bls-key", bls});
  auto guardian = SignOffline(home, from,
                              {"stake", "deposit", "--purpose", "guardian", "--holder-summary",
                               summary["summary"].get<std::string>(), "--amount", "1000"});
  CHECK(std::get<ledger::DepositStakeV2Tx>(guardian).bls_pop.size() == 96);
  CHECK(std::get<ledger::DepositStakeV2Tx>(guardian).holder.address == *ParseAddress(other));
  auto een = SignOffline(
      home, from, {"stake", "deposit", "--purpose", "een", "--holder", a, "--amount", "10000"});
  CHECK(std::get<ledger::DepositStakeV2Tx>(een).source.coins.tfuel_wei == *ParseAmount("10000"));
  CHECK(ledger::TypeOf(SignOffline(
            home, from, {"stake", "withdraw", "--purpose", "guardian", "--holder", a})) ==
        ledger::TxType::kWithdrawStake);
  CHECK(ledger::TypeOf(SignOffline(
            home, from,
            {"stake", "reward-split", "--beneficiary", a, "--split-basis-points", "250"})) ==
        ledger::TxType::kStakeRewardDistribution);
  CHECK(std::get<ledger::ReserveFundTx>(
            SignOffline(home, from,
                        {"reserve-fund", "--fund", "10", "--collateral", "11", "--duration", "300",
                         "--resource-id", "v1", "--resource-id", "v2"}))
            .resource_ids.size() == 2);
  CHECK(std::get<ledger::ReleaseFundTx>(
            SignOffline(home, from, {"release-fund", "--reserve-sequence", "4"}))
            .reserve_sequence == 4);
  CHECK(std::get<ledger::SplitRuleTx>(
            SignOffline(home, from,
                        {"split-rule", "--resource-id", "v1", "--split", a + ":30", "--split",
                         b + ":70", "--duration", "1000"}))
            .splits.size() == 2);

  const std::string abi = home.dir
                              .Write("abi.json", R"([
      {"type":"constructor","inputs":[{"name":"supply","type":"uint256"}]},
      {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}]}])")
                              .string();
  auto deploy = SignOffline(
      home, from,
      {"contract", "deploy", "--bytecode", "0x6080604052", "--abi", abi, "--args", "[1000]"});
  const auto& creation = std::get<ledger::SmartContractTx>(deploy);
  CHECK(creation.to.address == Address{});
  CHECK(creation.data.size() == 5 + 32);
  auto call = SignOffline(home, from,
                          {"contract", "call", "--to", a, "--abi", abi, "--function", "transfer",
                           "--args", "[\"" + b + "\", \"5\"]", "--value", "1"});
  const auto& invocation = std::get<ledger::SmartContractTx>(call);
  CHECK(ToHex(ByteView(invocation.data).subspan(0, 4)) ==
        "0xa9059cbb");  // transfer(address,uint256)
  CHECK(invocation.from.coins.tfuel_wei == *ParseAmount("1"));
}

TEST_CASE("wallet cli offline errors name the bad input and exit non-zero", "[wallet][cli]") {
  Home home;
  const std::string from = home.NewKey();
  const std::vector<std::string> common = {"--from",     from, "--chain-id", "privatenet",
                                           "--sequence", "1",  "--yes"};
  auto sign = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "sign");
    args.insert(args.end(), common.begin(), common.end());
    return home.Run(args);
  };
  RunResult bad_amount =
      sign({"send", "--to", "0x9F1233798E905E173560071255140b4A8aBd3Ec6", "--tfuel", "1.5.0"});
  CHECK(bad_amount.exit_code == 1);
  CHECK_THAT(bad_amount.err, Catch::Contains("--tfuel: amount \"1.5.0\""));
  RunResult json_error = sign(
      {"send", "--to", "0x9F1233798E905E173560071255140b4A8aBd3Ec6", "--tfuel", "-1", "--json"});
  CHECK(json_error.exit_code == 1);
  const Json error = Json::parse(json_error.out, nullptr, false);
  REQUIRE(error.is_object());
  CHECK(error["error"]["code"] == "INVALID_ARGUMENT");
  CHECK_THAT(error["error"]["message"].get<std::string>(), Catch::Contains("--tfuel"));
  RunResult bad_address =
      sign({"send", "--to", "0x9f1233798E905E173560071255140b4A8aBd3Ec6", "--tfuel", "1"});
  CHECK(bad_address.exit_code == 1);
  CHECK_THAT(bad_address.err, Catch::Contains("EIP-55"));
  RunResult low_fee = sign({"send", "--to", "0x9F1233798E905E173560071255140b4A8aBd3Ec6", "--tfuel",
                            "1", "--fee", "0.01"});
  CHECK_THAT(low_fee.err, Catch::Contains("below the minimum"));
  RunResult no_sequence = home.Run({"sign", "release-fund", "--reserve-sequence", "1", "--from",
                                    from, "--chain-id", "x", "--yes"});
  CHECK(no_sequence.exit_code == 1);
  CHECK_THAT(no_sequence.err, Catch::Contains("--sequence is required offline"));
  RunResult unconfirmed = home.Run({"sign", "release-fund", "--reserve-sequence", "1", "--from",
                                    from, "--chain-id", "x", "--sequence", "1"});
  CHECK(unconfirmed.exit_code == 1);
  CHECK_THAT(unconfirmed.err, Catch::Contains("--yes"));
  RunResult unknown_option = sign({"send", "--amount", "1"});
  CHECK(unknown_option.exit_code == 2);
  const std::string bad_password = home.dir.Write("bad", "nope").string();
  RunResult wrong = RunWallet({"sign", "release-fund", "--reserve-sequence", "1", "--from", from,
                               "--chain-id", "x", "--sequence", "1", "--yes", "--keystore-dir",
                               home.keystore, "--password-file", bad_password});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("wrong password"));
  RunResult unknown_key = home.Run({"sign", "release-fund", "--reserve-sequence", "1", "--from",
                                    "0x9F1233798E905E173560071255140b4A8aBd3Ec6", "--chain-id", "x",
                                    "--sequence", "1", "--yes"});
  CHECK(unknown_key.exit_code == 1);
  CHECK_THAT(unknown_key.err, Catch::Contains("no key for"));
}

TEST_CASE("wallet cli shows the default fees", "[wallet][cli]") {
  Home home;
  const Json fees = home.RunJson({"fees"});
  CHECK(fees["tx_fee_tfuel"] == "0.3");
  CHECK(fees["send_fee_minimum_tfuel"] == "0.3");
  CHECK(fees["gas_price_wei"] == "4000000000000");
  CHECK(fees["gas_limit_default"] == 3000000);
}

TEST_CASE("wallet cli reports an unreachable node with its url", "[wallet][cli]") {
  const std::string url = testing::ClosedLocalUrl();
  Home home;
  home.NewKey();
  RunResult result = home.Run({"balance", "--node", url});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("node unreachable at " + url));
  RunResult send =
      home.Run({"send", "--node", url, "--to", "0x9F1233798E905E173560071255140b4A8aBd3Ec6",
                "--theta", "1", "--yes"});
  CHECK_THAT(send.err, Catch::Contains("node unreachable"));
}

}  // namespace
}  // namespace theta::wallet

namespace theta::wallet {
namespace {

// Runs theta-wallet on a pseudo-terminal, typing each answer once the output so far contains its
// prompt; returns everything the terminal showed.
std::string RunOnTerminal(const std::vector<std::string>& args,
                          const std::vector<std::pair<std::string, std::string>>& dialogue) {
  std::vector<std::string> storage = {THETA_WALLET_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::unsetenv("THETA_WALLET_PASSWORD");
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string screen;
  size_t next = 0;
  char buffer[1024];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof(buffer));
    if (n <= 0) break;  // EIO once the child has exited
    screen.append(buffer, static_cast<size_t>(n));
    if (next < dialogue.size() && screen.find(dialogue[next].first) != std::string::npos) {
      const std::string line = dialogue[next].second + "\n";
      REQUIRE(::write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
      ++next;
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(next == dialogue.size());
  return screen;
}

TEST_CASE("wallet cli asks for passwords and confirmation on the terminal without echo",
          "[wallet][cli]") {
  testing::TempDir dir;
  const std::string keystore = (dir.path() / "keystore").string();
  const std::string made = RunOnTerminal(
      {"new", "--light-kdf", "--keystore-dir", keystore},
      {{"New password for the key", "s3cret-typed"}, {"Repeat the password", "s3cret-typed"}});
  CHECK_THAT(made, Catch::Contains("address  0x"));
  CHECK_THAT(made, !Catch::Contains("s3cret-typed"));  // echo was off
  const std::string address = made.substr(made.find("address  ") + 9, 42);

  const std::string shown = RunOnTerminal({"address", address, "--keystore-dir", keystore},
                                          {{"Password for", "s3cret-typed"}});
  CHECK_THAT(shown, Catch::Contains("public key 0x04"));
  CHECK_THAT(shown, !Catch::Contains("s3cret-typed"));

  const std::string mismatch =
      RunOnTerminal({"new", "--light-kdf", "--keystore-dir", keystore},
                    {{"New password for the key", "one"}, {"Repeat the password", "two"}});
  CHECK_THAT(mismatch, Catch::Contains("the two passwords differ"));

  // The confirmation shows the transaction and a "no" signs nothing.
  const std::string declined =
      RunOnTerminal({"sign", "release-fund", "--reserve-sequence", "3", "--from", address,
                     "--chain-id", "privatenet", "--sequence", "1", "--keystore-dir", keystore},
                    {{"Sign this transaction?", "n"}});
  CHECK_THAT(declined, Catch::Contains("\"reserve_sequence\": 3"));
  CHECK_THAT(declined, Catch::Contains("cancelled; nothing was signed"));
}

}  // namespace
}  // namespace theta::wallet
