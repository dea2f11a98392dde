// A real ChainService on a temporary LevelDB with funded developer accounts, and blocks committed
// the way consensus commits them (a proposal's payload, a certified child), for tests of the
// node's services without running consensus.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "theta/core/kv_store.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/node/chain_service.hpp"

namespace theta::node::testing {

struct DevAccount {
  PrivateKey key;
  Address address;
};

class TestChain {
 public:
  // `accounts` developer accounts, each with 1e9 THETA and 1e9 TFUEL (in wei), and one validator
  // (its key is validator_key()). Chain ID "privatenet".
  explicit TestChain(size_t accounts = 4, ChainServiceOptions options = {});
  ~TestChain();

  ChainService& chain() { return *chain_; }
  const std::vector<DevAccount>& accounts() const { return accounts_; }
  const PrivateKey& validator_key() const { return *validator_key_; }
  const ledger::Genesis& genesis() const { return genesis_; }

  // Builds a payload from the mempool as a proposer would and commits it as block Height() + 1
  // (round = height, timestamp_ms defaults to 1.7e12 + 1000 × height). Fails the test on error.
  BlockRecord CommitPending(uint64_t timestamp_ms = 0);
  // Commits a block holding exactly `txs` (no mempool).
  BlockRecord CommitTxs(std::vector<Bytes> txs, uint64_t timestamp_ms = 0);

 private:
  std::filesystem::path dir_;
  std::unique_ptr<KvStore> store_;
  std::unique_ptr<ChainService> chain_;
  std::vector<DevAccount> accounts_;
  std::optional<PrivateKey> validator_key_;
  ledger::Genesis genesis_;
};

}  // namespace theta::node::testing
