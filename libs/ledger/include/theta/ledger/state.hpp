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
//
// Contracts (brief §3.3): code lives in the state trie under "ls/ch/" ‖ codehash; each contract's
// storage is its own trie (root in Account.Root, 32 zero bytes meaning empty) whose keys are the
// raw 32-byte slots (not hashed) and whose values are RLP of the word with leading zero bytes
// trimmed; writing zero deletes the slot. LedgerState keeps the storage tries it opened and commits
// them with the state trie.
#pragma once

#include <map>
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

// A resource's payment split (ledger/types/split_rule.go): RLP [InitiatorAddress, ResourceID,
// Splits[[Address, Percentage]], EndBlockHeight], stored under "ls/ssc/split/" ‖ resource ID.
struct SplitRule {
  Address initiator;
  std::string resource_id;
  std::vector<Split> splits;
  uint64_t end_block_height = 0;
  friend bool operator==(const SplitRule&, const SplitRule&) = default;
};

Bytes EncodeSplitRule(const SplitRule& rule);
// Strict; InvalidArgument naming the field.
absl::StatusOr<SplitRule> DecodeSplitRule(ByteView bytes);
Bytes SplitRuleKey(std::string_view resource_id);

Bytes EncodeAccount(const Account& account);
// Strict, like DecodeTx; InvalidArgument naming the field.
absl::StatusOr<Account> DecodeAccount(ByteView bytes);

// "ls/a/" ‖ address.
Bytes AccountKey(const Address& address);
// "ls/ch/" ‖ code hash.
Bytes CodeKey(const Hash32& code_hash);

class LedgerState {
 public:
  // The empty state over `store` (which must outlive this object).
  explicit LedgerState(const KvStore& store);
  // The state with root `root` in `store`; errors as Trie::Open. The state trie and every storage
  // trie read through `node_cache` when given (not owned; see TrieOptions::node_cache).
  static absl::StatusOr<LedgerState> Open(const KvStore& store, const Hash32& root,
                                          TrieNodeCache* node_cache = nullptr);

  // The account, or nullopt when there is none. DataLoss for a corrupt trie or account.
  absl::StatusOr<std::optional<Account>> GetAccount(const Address& address) const;
  absl::Status SetAccount(const Account& account);
  // Removes the account (a contract that self-destructed).
  absl::Status DeleteAccount(const Address& address);

  // The split rule of `resource_id` (expired or not), or nullopt. DataLoss for a corrupt one.
  absl::StatusOr<std::optional<SplitRule>> GetSplitRule(std::string_view resource_id) const;
  absl::Status SetSplitRule(const SplitRule& rule);
  absl::Status DeleteSplitRule(std::string_view resource_id);

  // The code whose hash is `code_hash`: empty for kEmptyCodeHash; DataLoss when it is missing.
  absl::StatusOr<Bytes> GetCode(const Hash32& code_hash) const;
  // Stores `code` under its hash and returns the hash.
  absl::StatusOr<Hash32> SetCode(ByteView code);

  // Slot `slot` of `account`'s storage (0 when unset). DataLoss for a corrupt storage trie.
  absl::StatusOr<uint256> GetStorage(const Account& account, const Hash32& slot) const;
  // Writes the slot (0 deletes it) and sets account.root to the new storage root; the caller
  // stores the account with SetAccount.
  absl::Status SetStorage(Account& account, const Hash32& slot, const uint256& value);

  // Raw access to the state trie for the other record kinds (stake pools, rules): the value under
  // `key`, or nullopt.
  absl::StatusOr<std::optional<Bytes>> GetValue(ByteView key) const { return trie_.Get(key); }
  absl::Status PutValue(ByteView key, ByteView value) { return trie_.Put(key, value); }
  absl::Status DeleteValue(ByteView key) { return trie_.Delete(key); }

  Hash32 RootHash() { return trie_.RootHash(); }
  // Adds the new nodes of the state trie and of every storage trie to `batch`; returns the root.
  Hash32 Commit(WriteBatch& batch);

 private:
  LedgerState(const KvStore& store, Trie trie, TrieNodeCache* node_cache)
      : store_(&store), trie_(std::move(trie)), node_cache_(node_cache) {}
  // The storage trie of `account`, opened at its root (cached per address).
  absl::StatusOr<Trie*> StorageTrie(const Account& account) const;

  const KvStore* store_;
  // Mutable: GetAccount keeps the trie nodes it loads (Trie::GetAndKeep), since the account is
  // usually written back next and the write would load them again.
  mutable Trie trie_;
  TrieNodeCache* node_cache_ = nullptr;
  mutable std::map<Address, Trie> storage_tries_;
};

}  // namespace theta::ledger
