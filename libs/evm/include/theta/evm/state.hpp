// An in-memory world state and the Host that executes calls against it.
//
// State is a map from addresses to accounts (nonce, balance, code, storage), with the Ethereum
// state root over it. StateHost implements Host for one transaction at a time over a State: it
// performs value transfers, account creation (CREATE/CREATE2 addresses, collision rules,
// EIP-170/3541 code checks and the code deposit charge), precompiles, EIP-2929 access tracking,
// transient storage, logs and SELFDESTRUCT (EIP-6780 from Cancun), and undoes a failed frame's
// changes from a journal. ApplyTransaction (transaction.hpp) drives it. This is the host used by
// the tests, the state-test runner and the benchmarks; a ledger plugs its own Host in instead.
//
// Not thread-safe. A StateHost borrows its State and AnalysisCache, which must outlive it.
#pragma once

#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "theta/evm/analysis.hpp"
#include "theta/evm/host.hpp"
#include "theta/evm/revision.hpp"

namespace theta::evm {

// keccak256 of the empty string: the code hash of an account without code.
extern const Hash32 kEmptyCodeHash;

struct StorageSlot {
  uint256 current;
  uint256 original;  // the value at the start of the current transaction (EIP-2200)
};

struct Account {
  uint64_t nonce = 0;
  uint256 balance;
  Bytes code;
  Hash32 code_hash = kEmptyCodeHash;
  absl::flat_hash_map<uint256, StorageSlot> storage;

  // Per-transaction marks, cleared by State::FinishTransaction.
  bool created = false;     // created in this transaction (EIP-6780)
  bool destructed = false;  // SELFDESTRUCT registered (removed at the end of the transaction)
  bool touched = false;     // touched, so deleted at the end of the transaction if empty (EIP-161)

  bool IsEmpty() const noexcept { return nonce == 0 && balance.IsZero() && code.empty(); }
  void SetCode(Bytes new_code);
};

struct Log {
  Address address;
  std::vector<Hash32> topics;
  Bytes data;
};

class State {
 public:
  Account* Find(const Address& address);
  const Account* Find(const Address& address) const;
  // The account, created empty when missing.
  Account& GetOrCreate(const Address& address);
  void Erase(const Address& address) { accounts_.erase(address); }
  const std::unordered_map<Address, Account>& accounts() const noexcept { return accounts_; }

  // Ends a transaction: removes destructed accounts and touched empty ones (EIP-161), makes every
  // slot's current value its original and clears the per-transaction marks.
  void FinishTransaction();

  // The Ethereum state root: a secure trie of RLP([nonce, balance, storageRoot, codeHash]).
  Hash32 RootHash() const;

 private:
  std::unordered_map<Address, Account> accounts_;
};

// keccak256(RLP(list of [address, [topics...], data])), the logs hash of the state tests.
Hash32 LogsHash(const std::vector<Log>& logs);

// Addresses whose precompile this build lacks were called (BN254 0x06..0x08, point evaluation
// 0x0a).
struct UnavailableUse {
  bool any = false;
  Address first;
};

class StateHost final : public Host {
 public:
  StateHost(State& state, Revision rev, TxContext tx_context, AnalysisCache& cache);

  // Block hashes BLOCKHASH returns; numbers not in the map give keccak256 of their decimal string
  // (the convention Ethereum's state tests were filled with).
  void SetBlockHashes(absl::flat_hash_map<int64_t, Hash32> hashes) {
    block_hashes_ = std::move(hashes);
  }

  // Marks an account or slot warm without journaling (transaction set-up: EIP-2929/2930/3651).
  void WarmAccount(const Address& address) { warm_accounts_.insert(address); }
  void WarmStorage(const Address& address, const uint256& key) {
    warm_slots_.insert({address, key});
  }

  const std::vector<Log>& logs() const noexcept { return logs_; }
  const UnavailableUse& unavailable() const noexcept { return unavailable_; }
  State& state() noexcept { return state_; }

  // Host.
  bool AccountExists(const Address& address) override;
  uint256 GetStorage(const Address& address, const uint256& key) override;
  StorageChange SetStorage(const Address& address, const uint256& key,
                           const uint256& value) override;
  uint256 GetBalance(const Address& address) override;
  size_t GetCodeSize(const Address& address) override;
  Hash32 GetCodeHash(const Address& address) override;
  size_t CopyCode(const Address& address, size_t offset, std::span<uint8_t> out) override;
  bool Selfdestruct(const Address& address, const Address& beneficiary) override;
  ExecutionResult Call(const Message& msg) override;
  const TxContext& GetTxContext() override { return tx_; }
  Hash32 GetBlockHash(int64_t number) override;
  void EmitLog(const Address& address, ByteView data, std::span<const Hash32> topics) override;
  AccessStatus AccessAccount(const Address& address) override;
  AccessStatus AccessStorage(const Address& address, const uint256& key) override;
  uint256 GetTransientStorage(const Address& address, const uint256& key) override;
  void SetTransientStorage(const Address& address, const uint256& key,
                           const uint256& value) override;

 private:
  struct JournalEntry {
    enum class Kind : uint8_t {
      kCreateAccount,
      kBalance,
      kNonce,
      kStorage,
      kTransient,
      kCode,
      kTouch,
      kDestruct,
      kCreatedMark,
      kWarmAccount,
      kWarmSlot,
      kLog,
    };
    Kind kind;
    Address address;
    uint256 key;
    uint256 previous;  // balance, nonce, storage or transient value before the change
    bool previous_flag = false;
  };

  using JKind = JournalEntry::Kind;

  size_t Snapshot() const noexcept { return journal_.size(); }
  void RevertTo(size_t snapshot);
  Account& TouchAccount(const Address& address);  // creates when missing, journaled
  void AddBalance(Account& account, const Address& address, const uint256& amount);
  void SubBalance(Account& account, const Address& address, const uint256& amount);
  void IncrementNonce(Account& account, const Address& address);
  ExecutionResult CallFrame(const Message& msg);
  ExecutionResult CreateFrame(const Message& msg);
  ExecutionResult RunCode(const Message& msg, const Account& code_account);
  void Journal(JournalEntry::Kind kind, const Address& address, const uint256& key = {},
               const uint256& previous = {}, bool previous_flag = false);

  State& state_;
  const Revision rev_;
  TxContext tx_;
  AnalysisCache& cache_;
  std::vector<JournalEntry> journal_;
  std::vector<Log> logs_;
  absl::flat_hash_set<Address> warm_accounts_;
  absl::flat_hash_set<std::pair<Address, uint256>> warm_slots_;
  absl::flat_hash_map<std::pair<Address, uint256>, uint256> transient_;
  absl::flat_hash_map<int64_t, Hash32> block_hashes_;
  UnavailableUse unavailable_;
};

// The address CREATE gives a contract made by `sender` at `nonce`: keccak256(rlp([sender, nonce])).
Address CreateAddress(const Address& sender, uint64_t nonce);
// CREATE2's: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(init_code)).
Address Create2Address(const Address& sender, const Hash32& salt, ByteView init_code);

}  // namespace theta::evm
