// Genesis JSON (chain.hpp, format in docs/ledger.md). Every field is checked; errors name it.
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/ledger/chain.hpp"

namespace theta::ledger {
namespace {

using Json = nlohmann::json;

absl::Status Bad(const std::string& field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("genesis: ", field, ": ", std::string(why)));
}

absl::StatusOr<const Json*> Field(const Json& object, const char* name, const std::string& where) {
  if (!object.is_object()) return Bad(where, "not an object");
  auto it = object.find(name);
  if (it == object.end()) return Bad(absl::StrCat(where, ".", name), "missing");
  return &*it;
}

absl::StatusOr<std::string> Text(const Json& object, const char* name, const std::string& where) {
  THETA_ASSIGN_OR_RETURN(const Json* j, Field(object, name, where));
  if (!j->is_string()) return Bad(absl::StrCat(where, ".", name), "not a string");
  return j->get<std::string>();
}

absl::StatusOr<Address> AddressField(const Json& object, const char* name,
                                     const std::string& where) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(object, name, where));
  absl::StatusOr<Address> a = ParseAddress(text);
  if (!a.ok()) return Bad(absl::StrCat(where, ".", name), std::string(a.status().message()));
  return a;
}

absl::StatusOr<uint256> Amount(const Json& object, const char* name, const std::string& where) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(object, name, where));
  absl::StatusOr<uint256> v = uint256::FromDecimal(text);
  if (!v.ok()) return Bad(absl::StrCat(where, ".", name), std::string(v.status().message()));
  return v;
}

absl::StatusOr<std::vector<GenesisStake>> Stakes(const Json& root, const char* name, bool bls) {
  std::vector<GenesisStake> out;
  auto it = root.find(name);
  if (it == root.end()) return out;
  if (!it->is_array()) return Bad(name, "not an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string where = absl::StrCat(name, "[", i, "]");
    const Json& j = (*it)[i];
    GenesisStake s;
    THETA_ASSIGN_OR_RETURN(s.holder, AddressField(j, "holder", where));
    THETA_ASSIGN_OR_RETURN(s.source, AddressField(j, "source", where));
    THETA_ASSIGN_OR_RETURN(s.amount, Amount(j, "amount", where));
    if (s.amount.IsZero()) return Bad(where + ".amount", "a stake must not be zero");
    if (bls) {
      THETA_ASSIGN_OR_RETURN(std::string key, Text(j, "bls_pubkey", where));
      absl::StatusOr<Bytes> bytes = ParseHex(key);
      if (!bytes.ok() || bytes->size() != 48)
        return Bad(where + ".bls_pubkey", "must be 0x and 48 bytes of hex");
      s.bls_pubkey = std::move(*bytes);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

absl::StatusOr<Genesis> ParseGenesisJson(std::string_view text) {
  const Json root = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("genesis: not valid JSON");
  if (!root.is_object()) return Bad("(root)", "not an object");
  Genesis genesis;
  THETA_ASSIGN_OR_RETURN(genesis.chain_id, Text(root, "chain_id", "(root)"));
  if (genesis.chain_id.empty()) return Bad("chain_id", "empty");
  THETA_ASSIGN_OR_RETURN(const Json* accounts, Field(root, "accounts", "(root)"));
  if (!accounts->is_array()) return Bad("accounts", "not an array");
  std::set<Address> seen;
  for (size_t i = 0; i < accounts->size(); ++i) {
    const std::string where = absl::StrCat("accounts[", i, "]");
    const Json& j = (*accounts)[i];
    Account account;
    THETA_ASSIGN_OR_RETURN(account.address, AddressField(j, "address", where));
    if (!seen.insert(account.address).second) return Bad(where + ".address", "duplicate account");
    THETA_ASSIGN_OR_RETURN(account.balance.theta_wei, Amount(j, "theta", where));
    THETA_ASSIGN_OR_RETURN(account.balance.tfuel_wei, Amount(j, "tfuel", where));
    genesis.accounts.push_back(std::move(account));
  }
  THETA_ASSIGN_OR_RETURN(genesis.validators, Stakes(root, "validators", false));
  THETA_ASSIGN_OR_RETURN(genesis.guardians, Stakes(root, "guardians", true));
  if (root.contains("epoch_length")) {
    const Json& length = root["epoch_length"];
    if (!length.is_number_unsigned() || length.get<uint64_t>() > 1'000'000'000)
      return Bad("epoch_length", "not a whole number of blocks up to 10^9");
    genesis.epoch_length = length.get<uint64_t>();
  }
  return genesis;
}

}  // namespace theta::ledger
