#include "state_test.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "theta/core/secp256k1.hpp"
#include "theta/evm/transaction.hpp"

namespace theta::evm::statetest {

namespace {

using nlohmann::json;

// Test files are trusted input of the test suite; a malformed value aborts the file with a message.
struct FormatError {
  std::string message;
};

uint256 U256(const json& j) {
  absl::StatusOr<uint256> v = uint256::FromHex(j.get<std::string>());
  if (!v.ok()) throw FormatError{std::string(v.status().message())};
  return *v;
}

uint64_t U64(const json& j) {
  const uint256 v = U256(j);
  if (!v.FitsUint64()) throw FormatError{"value above uint64: " + j.dump()};
  return v.limb(0);
}

int64_t I64(const json& j) {
  const uint256 v = U256(j);
  if (!v.FitsUint64() || v.limb(0) > INT64_MAX) throw FormatError{"value above int64: " + j.dump()};
  return static_cast<int64_t>(v.limb(0));
}

Bytes Hex(const json& j) {
  absl::StatusOr<Bytes> v = ParseHex(j.get<std::string>());
  if (!v.ok()) throw FormatError{std::string(v.status().message())};
  return *std::move(v);
}

template <size_t N>
FixedBytes<N> Fixed(const json& j) {
  std::string text = j.get<std::string>();
  // Some fields are written without leading zeros; pad them on the left.
  if (text.size() < 2 + 2 * N && text.rfind("0x", 0) == 0) {
    text = "0x" + std::string(2 + 2 * N - text.size(), '0') + text.substr(2);
  }
  absl::StatusOr<FixedBytes<N>> v = FixedBytes<N>::FromHex(text);
  if (!v.ok()) throw FormatError{std::string(v.status().message())};
  return *v;
}

State LoadState(const json& pre) {
  State state;
  for (const auto& [address, j] : pre.items()) {
    Account& a = state.GetOrCreate(Fixed<20>(json(address)));
    a.nonce = U64(j.at("nonce"));
    a.balance = U256(j.at("balance"));
    a.SetCode(Hex(j.at("code")));
    for (const auto& [key, value] : j.at("storage").items()) {
      const uint256 v = U256(value);
      if (!v.IsZero()) a.storage[U256(json(key))] = StorageSlot{v, v};
    }
  }
  return state;
}

BlockInfo LoadBlock(const json& env) {
  BlockInfo b;
  b.number = I64(env.at("currentNumber"));
  b.timestamp = I64(env.at("currentTimestamp"));
  b.gas_limit = I64(env.at("currentGasLimit"));
  b.coinbase = Fixed<20>(env.at("currentCoinbase"));
  if (env.contains("currentDifficulty")) b.difficulty = U256(env.at("currentDifficulty"));
  if (env.contains("currentRandom")) b.prev_randao = Fixed<32>(env.at("currentRandom"));
  if (env.contains("currentBaseFee")) b.base_fee = U256(env.at("currentBaseFee"));
  if (env.contains("currentExcessBlobGas")) {
    b.excess_blob_gas = static_cast<uint64_t>(I64(env.at("currentExcessBlobGas")));
  }
  return b;
}

Transaction LoadTransaction(const json& t, const json& indexes) {
  Transaction tx;
  const size_t d = indexes.at("data").get<size_t>();
  const size_t g = indexes.at("gas").get<size_t>();
  const size_t v = indexes.at("value").get<size_t>();
  tx.data = Hex(t.at("data").at(d));
  tx.gas_limit = I64(t.at("gasLimit").at(g));
  tx.value = U256(t.at("value").at(v));
  tx.nonce = U64(t.at("nonce"));
  const std::string to = t.at("to").get<std::string>();
  if (!to.empty()) tx.to = Fixed<20>(t.at("to"));
  if (t.contains("sender")) {
    tx.sender = Fixed<20>(t.at("sender"));
  } else {
    absl::StatusOr<PrivateKey> key = PrivateKey::FromHex(t.at("secretKey").get<std::string>());
    if (!key.ok()) throw FormatError{"bad secretKey"};
    tx.sender = AddressFromPublicKey(key->DerivePublicKey());
  }
  if (t.contains("maxFeePerGas")) {
    tx.type = 2;
    tx.max_fee_per_gas = U256(t.at("maxFeePerGas"));
    tx.max_priority_fee_per_gas = U256(t.at("maxPriorityFeePerGas"));
  } else {
    tx.gas_price = U256(t.at("gasPrice"));
  }
  if (t.contains("accessLists") && d < t.at("accessLists").size() &&
      !t.at("accessLists").at(d).is_null()) {
    if (tx.type == 0) tx.type = 1;
    for (const json& e : t.at("accessLists").at(d)) {
      AccessListEntry entry{Fixed<20>(e.at("address")), {}};
      for (const json& k : e.at("storageKeys"))
        entry.storage_keys.push_back(Fixed<32>(k));
      tx.access_list.push_back(std::move(entry));
    }
  }
  if (t.contains("blobVersionedHashes")) {
    tx.type = 3;
    tx.max_fee_per_blob_gas = U256(t.at("maxFeePerBlobGas"));
    for (const json& h : t.at("blobVersionedHashes"))
      tx.blob_hashes.push_back(Fixed<32>(h));
  }
  tx.chain_id = 1;
  return tx;
}

CaseResult RunCase(const std::string& name, const json& test, Revision rev, const json& post,
                   size_t index) {
  CaseResult r{name, std::string(RevisionName(rev)), index, Outcome::kFail, {}};
  State state = LoadState(test.at("pre"));
  const BlockInfo block = LoadBlock(test.at("env"));
  AnalysisCache cache;
  const bool expect_exception = post.contains("expectException");
  absl::StatusOr<TransactionResult> result;
  try {
    const Transaction tx = LoadTransaction(test.at("transaction"), post.at("indexes"));
    result = ApplyTransaction(state, block, tx, rev, cache);
  } catch (const FormatError& e) {
    // A field no transaction can carry (e.g. a value above 2^256 - 1): the transaction is invalid.
    result = absl::InvalidArgumentError("transaction: " + e.message);
  }
  const Hash32 root = state.RootHash();
  const Hash32 logs = result.ok() ? LogsHash(result->logs) : LogsHash({});
  const Hash32 want_root = Fixed<32>(post.at("hash"));
  const Hash32 want_logs = Fixed<32>(post.at("logs"));
  std::ostringstream why;
  if (expect_exception && result.ok()) {
    why << "expected exception " << post.at("expectException").get<std::string>()
        << " but the transaction was valid; ";
  } else if (!expect_exception && !result.ok()) {
    why << "unexpected rejection: " << result.status().message() << "; ";
  }
  if (root != want_root)
    why << "state root " << root.ToHex() << " != " << want_root.ToHex() << "; ";
  if (logs != want_logs) why << "logs hash " << logs.ToHex() << " != " << want_logs.ToHex();
  r.detail = why.str();
  if (r.detail.empty()) {
    r.outcome = Outcome::kPass;
  } else if (result.ok() && result->unavailable.any) {
    r.outcome = Outcome::kSkip;
    r.detail = "calls precompile " + result->unavailable.first.ToHex() +
               ", not available in this build (BN254 needs theta-crypto; 0x0a needs KZG)";
  }
  return r;
}

}  // namespace

std::vector<CaseResult> RunFile(const std::filesystem::path& path, const RunOptions& options) {
  std::vector<CaseResult> results;
  try {
    std::ifstream in(path);
    if (!in) throw FormatError{"cannot open " + path.string()};
    const json file = json::parse(in);
    for (const auto& [name, test] : file.items()) {
      for (const auto& [fork, entries] : test.at("post").items()) {
        const std::optional<Revision> rev = ParseRevision(fork);
        if (!rev.has_value()) continue;  // a fork this interpreter does not implement
        if (options.only_revision.has_value() && *rev != *options.only_revision) continue;
        for (size_t i = 0; i < entries.size(); ++i) {
          results.push_back(RunCase(name, test, *rev, entries.at(i), i));
        }
      }
    }
  } catch (const FormatError& e) {
    results.push_back({path.filename().string(), "", 0, Outcome::kFail, e.message});
  } catch (const std::exception& e) {
    results.push_back({path.filename().string(), "", 0, Outcome::kFail, e.what()});
  }
  return results;
}

}  // namespace theta::evm::statetest
