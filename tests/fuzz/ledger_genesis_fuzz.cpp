// libFuzzer target for theta-ledger's genesis JSON parser (a file an operator or a devnet script
// writes). Properties: no crash; an accepted genesis has a chain ID, unique accounts and 48-byte
// guardian keys, and creates a chain in an empty memory store.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "theta/ledger/chain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto genesis =
      theta::ledger::ParseGenesisJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!genesis.ok()) return 0;
  if (genesis->chain_id.empty()) std::abort();
  std::set<theta::Address> seen;
  for (const auto& account : genesis->accounts)
    if (!seen.insert(account.address).second) std::abort();
  for (const auto& g : genesis->guardians)
    if (g.bls_pubkey.size() != 48) std::abort();
  auto store = theta::NewMemoryStore();
  if (!theta::ledger::Chain::Create(*store, *genesis).ok()) std::abort();
  return 0;
}
