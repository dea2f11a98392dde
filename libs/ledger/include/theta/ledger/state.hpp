// Accounts and the ledger state that holds them (ledger/types/account.go, reserved_fund.go,
// ledger/state; brief §3.3).
//
// An Account is RLP [Address, Sequence, Balance Coins, ReservedFunds[], LastUpdatedBlockHeight,
// Root, CodeHash]; a ReservedFund is [Collateral, InitialFund, UsedFund, ResourceIDs[],
// EndBlockHeight, ReserveSequence, TransferRecords[[ServicePaymentTx]]]. A new account has Root =
// 32 zero bytes (as Go's NewAccount) and CodeHash = keccak256("").
//
// LedgerState is Theta's state trie: one hexary Merkle Patricia trie whose keys are raw, unhashed
// ("ls/a/" ‖ address for accounts), with nodes stored by hash in a KvStore. Changes stay in memory
// until Commit adds them to a WriteBatch (one atomic write per block). Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/kv_store.hpp"
#include "theta/core/trie.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

// keccak256(""): the code hash of an account without code.
extern const Hash32 kEmptyCodeHash;

struct ReservedFund {
  Coins collateral;
  Coins initial_fund;
  Coins used_fund;
  std::vector<std::string> resource_ids;
  uint64_t end_block_height = 0;
  uint64_t reserve_sequence = 0;
  std::vector<ServicePaymentTx> transfer_records;  // settled vouchers
  friend bool operator==(const ReservedFund&, const ReservedFund&) = default;
};

struct Account {
  Address address;
  uint64_t sequence = 0;
  Coins balance;
  std::vector<ReservedFund> reserved_funds;
  uint64_t last_updated_block_height = 0;
  Hash32 root;  // storage trie root; zero for a new account
  Hash32 code_hash = kEmptyCodeHash;

  bool IsSmartContract() const noexcept { return code_hash != kEmptyCodeHash; }
  friend bool operator==(const Account&, const Account&) = default;
};

Bytes EncodeAccount(const Account& account);
// Strict, like DecodeTx; InvalidArgument naming the field.
absl::StatusOr<Account> DecodeAccount(ByteView bytes);

// "ls/a/" ‖ address.
Bytes AccountKey(const Address& address);

class LedgerState {
 public:
  // The empty state over `store` (which must outlive this object).
  explicit LedgerState(const KvStore& store);
  // The state with root `root` in `store`; errors as Trie::Open.
  static absl::StatusOr<LedgerState> Open(const KvStore& store, const Hash32& root);

  // The account, or nullopt when there is none. DataLoss for a corrupt trie or account.
  absl::StatusOr<std::optional<Account>> GetAccount(const Address& address) const;
  absl::Status SetAccount(const Account& account);

  Hash32 RootHash() { return trie_.RootHash(); }
  // Adds the new trie nodes to `batch`; returns the root.
  Hash32 Commit(WriteBatch& batch) { return trie_.Commit(batch); }

 private:
  explicit LedgerState(Trie trie) : trie_(std::move(trie)) {}
  Trie trie_;
};

}  // namespace theta::ledger
