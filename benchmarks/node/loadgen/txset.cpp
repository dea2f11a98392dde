// Devnet loading, signing and the signature-check ceiling (txset.hpp).
#include "txset.hpp"

#include <time.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::loadgen {
namespace {

using Json = nlohmann::json;

const uint256 kFee = uint256(300'000'000'000'000'000ULL);  // MinimumSendTxFee, one in one out
const uint256 kAmount = uint256(1000);

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

absl::StatusOr<Json> ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, false);
  if (json.is_discarded()) return absl::InvalidArgumentError(path.string() + ": not JSON");
  return json;
}

absl::Status LoadAccounts(const Json& accounts, const std::string& where, Devnet& devnet) {
  if (!accounts.is_array()) return absl::InvalidArgumentError(where + ": \"accounts\" not a list");
  for (const Json& account : accounts) {
    if (!account.is_object() || !account.value("private_key", Json()).is_string())
      return absl::InvalidArgumentError(where + ": an account has no \"private_key\"");
    absl::StatusOr<PrivateKey> key = PrivateKey::FromHex(account["private_key"].get<std::string>());
    if (!key.ok())
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a private_key: ", std::string(key.status().message())));
    devnet.addresses.push_back(AddressFromPublicKey(key->DerivePublicKey()));
    devnet.keys.push_back(*std::move(key));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Devnet> LoadDevnet(const std::filesystem::path& path) {
  absl::StatusOr<Json> json = ReadJson(path);
  if (!json.ok()) return json.status();
  const std::string where = path.string();
  Devnet devnet;
  if (!json->is_object() || !(*json)["chain_id"].is_string() || !(*json)["nodes"].is_array())
    return absl::InvalidArgumentError(where + ": needs \"chain_id\" and \"nodes\"");
  devnet.chain_id = (*json)["chain_id"].get<std::string>();
  for (const Json& node : (*json)["nodes"]) {
    if (!node.is_object() || !node.value("rpc", Json()).is_number_unsigned())
      return absl::InvalidArgumentError(where + ": a node has no numeric \"rpc\" port");
    devnet.nodes.push_back(DevnetNode{node.value("name", std::string()),
                                      node.value("role", std::string()),
                                      node["rpc"].get<uint16_t>()});
  }
  absl::Status accounts = LoadAccounts((*json)["accounts"], where, devnet);
  if (!accounts.ok()) return accounts;
  return devnet;
}

TxSet::TxSet(const Devnet& devnet, size_t accounts) : devnet_(devnet), accounts_(accounts) {}

absl::Status TxSet::SignUpTo(size_t count, unsigned threads) {
  const size_t first = size();
  if (count <= first) return absl::OkStatus();
  const size_t n = count - first;
  std::vector<Bytes> signed_txs(n);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < n && !failed; i = next.fetch_add(1)) {
      const size_t k = first + i;
      const size_t sender = k % accounts_;
      const uint64_t sequence = k / accounts_ + 1;
      ledger::Tx tx = ledger::SendTx{
          ledger::Coins::TFuel(kFee),
          {ledger::TxInput{
              devnet_.addresses[sender], ledger::Coins::TFuel(kFee + kAmount), sequence, {}}},
          {ledger::TxOutput{devnet_.addresses[(sender + 1) % accounts_],
                            ledger::Coins::TFuel(kAmount)}}};
      if (!ledger::SignTx(tx, devnet_.chain_id, devnet_.keys[sender]).ok()) failed = true;
      signed_txs[i] = ledger::EncodeTx(tx);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, threads); ++t)
    pool.emplace_back(work);
  for (std::thread& t : pool)
    t.join();
  if (failed) return absl::InternalError("loadgen: signing a SendTx failed");
  for (const Bytes& raw : signed_txs) {
    offsets_.push_back(arena_.size());
    lengths_.push_back(static_cast<uint16_t>(raw.size()));
    arena_.insert(arena_.end(), raw.begin(), raw.end());
    hashes_.push_back(ledger::TxHash(raw));
  }
  return absl::OkStatus();
}

absl::StatusOr<CeilingMeasurement> MeasureSignatureChecks(const TxSet& txs,
                                                          std::string_view chain_id, size_t count,
                                                          unsigned threads) {
  count = std::min(count, txs.size());
  threads = std::max(1u, threads);
  std::atomic<size_t> next{0};
  std::atomic<size_t> bad{0};
  std::atomic<int64_t> cpu_ns{0};
  auto work = [&] {
    const int64_t cpu_start = ThreadCpuNs();
    for (size_t k = next.fetch_add(1); k < count; k = next.fetch_add(1)) {
      absl::StatusOr<ledger::Tx> tx = ledger::DecodeTx(txs.raw(k));
      if (!tx.ok() || !ledger::VerifyTxSignatures(*tx, chain_id, false).ok()) ++bad;
    }
    cpu_ns += ThreadCpuNs() - cpu_start;
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(work);
  for (std::thread& t : pool)
    t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (bad > 0)
    return absl::InternalError(
        absl::StrCat("loadgen: ", bad.load(), " of our own signed txs do not verify"));
  CeilingMeasurement m;
  m.txs = count;
  m.threads = threads;
  m.seconds = seconds;
  m.checks_per_second = seconds > 0 ? static_cast<double>(count) / seconds : 0;
  m.us_per_check = count > 0 ? seconds * 1e6 * threads / static_cast<double>(count) : 0;
  m.cpu_us_per_check =
      count > 0 ? static_cast<double>(cpu_ns.load()) / 1e3 / static_cast<double>(count) : 0;
  m.cpu_checks_per_second = m.cpu_us_per_check > 0 ? threads * 1e6 / m.cpu_us_per_check : 0;
  return m;
}

}  // namespace theta::loadgen
