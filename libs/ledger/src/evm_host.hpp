// LedgerHost: theta-evm's Host over the ledger state, for SmartContractTx (brief §5).
//
// Accounts are loaded from the LedgerState on first use into a per-transaction cache; the EVM
// sees an account's TFUEL balance as its balance and its Theta sequence as its nonce. Storage
// slots are loaded lazily from the account's storage trie. Every change is journaled so that a
// failed frame is undone, and nothing reaches the LedgerState until Finish writes the surviving
// changes (accounts, code under ls/ch/, storage). A ledger error while executing (a corrupt trie)
// is remembered, the EVM sees zeros, and Finish returns the error without writing anything.
// Not thread-safe; one transaction per host.
//
// THETA (brief §5, Go ledger/vm/evm.go, contracts.go): the host also carries each account's THETA
// balance, the transaction's THETA value (moved into the top-level call or creation only; nested
// CALLs carry none, as in Go), and Theta's precompiles 0xC9–0xCF (theta_precompiles.cpp), which
// read THETA balances and stakes and move THETA and stakes. The guardian and elite edge node pools
// they change are cached and journaled like accounts and written by Finish. theta-evm knows
// nothing of this: a Host dispatches precompiles itself, so these are the host's own accounts.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "theta/evm/analysis.hpp"
#include "theta/evm/host.hpp"
#include "theta/evm/revision.hpp"
#include "theta/evm/state.hpp"
#include "theta/ledger/executor.hpp"
#include "theta/ledger/stake.hpp"
#include "theta/ledger/state.hpp"

namespace theta::ledger::internal {

// The EVM revision of the chain: Cancun (ARCHITECTURE.md "Cancun EVM"; Theta runs a
// Constantinople-based EVM, brief §5 — deliberate departure). Transactions and calls share it.
inline constexpr evm::Revision kLedgerRevision = evm::Revision::kCancun;

class LedgerHost final : public evm::Host {
 public:
  // `context` gives the fork rules (which Theta precompiles exist), the block height (stake
  // withdrawals) and the BLS verifier (new guardians and EENs staked from a contract).
  LedgerHost(LedgerState& ledger, evm::Revision rev, evm::TxContext tx, evm::AnalysisCache& cache,
             const ExecutionContext& context);

  // Puts `account` in the cache as loaded (the sender, after its lazy reserved-fund refund).
  void Seed(const Account& account);
  // Debits the fee (the caller checked the balance) / advances the sequence, outside any frame.
  void ChargeFee(const Address& address, const uint256& fee);
  void IncrementSequence(const Address& address);
  // EIP-2929 / EIP-3651 tx-start warming: the sender, the recipient (a call's), every precompile
  // of the revision and the coinbase (Theta's is the zero address).
  void WarmForTx(const Address& sender, const Address* recipient);
  // EIP-2930: an access list's addresses and slots start warm.
  void WarmAccessList(const Address& address, const std::vector<Hash32>& keys);
  uint256 Balance(const Address& address) { return GetBalance(address); }
  // The THETA the transaction sends into its top-level call or creation (SmartContractTx
  // From.Coins.ThetaWei from height 13,123,789); the caller has checked the sender holds it.
  void SetThetaValue(const uint256& value) { theta_value_ = value; }

  const std::vector<evm::Log>& logs() const noexcept { return logs_; }
  // The first ledger error met while executing (see the header comment); Ok when none.
  const absl::Status& status() const noexcept { return error_; }
  // Writes every changed account, its code and storage to the ledger; see the header comment.
  absl::Status Finish();

  // evm::Host.
  bool AccountExists(const Address& address) override;
  uint256 GetStorage(const Address& address, const uint256& key) override;
  evm::StorageChange SetStorage(const Address& address, const uint256& key,
                                const uint256& value) override;
  uint256 GetBalance(const Address& address) override;
  size_t GetCodeSize(const Address& address) override;
  Hash32 GetCodeHash(const Address& address) override;
  size_t CopyCode(const Address& address, size_t offset, std::span<uint8_t> out) override;
  bool Selfdestruct(const Address& address, const Address& beneficiary) override;
  evm::ExecutionResult Call(const evm::Message& msg) override;
  const evm::TxContext& GetTxContext() override { return tx_; }
  Hash32 GetBlockHash(int64_t number) override;
  void EmitLog(const Address& address, ByteView data, std::span<const Hash32> topics) override;
  evm::AccessStatus AccessAccount(const Address& address) override;
  evm::AccessStatus AccessStorage(const Address& address, const uint256& key) override;
  uint256 GetTransientStorage(const Address& address, const uint256& key) override;
  void SetTransientStorage(const Address& address, const uint256& key,
                           const uint256& value) override;

 private:
  struct Entry {
    Account account;  // sequence and TFUEL balance are the EVM's nonce and balance
    bool exists = false;
    Bytes code;
    bool code_changed = false;
    absl::flat_hash_map<uint256, evm::StorageSlot> storage;  // original = value in the ledger
    bool destructed = false;
    bool created = false;  // created by this transaction (EIP-6780)
  };
  enum class Kind : uint8_t {
    kExists,
    kBalance,
    kTheta,
    kPool,
    kNonce,
    kStorage,
    kTransient,
    kCode,
    kDestruct,
    kCreated,
    kWarmAccount,
    kWarmSlot,
    kLog,
  };
  struct Undo {
    Kind kind;
    Address address;
    uint256 key;
    uint256 previous;
    bool flag = false;
  };

  Entry& Load(const Address& address);
  evm::StorageSlot& Slot(Entry& entry, const uint256& key);
  // EIP-161 emptiness; THETA counts as balance.
  static bool IsEmpty(const Entry& e) {
    return e.account.sequence == 0 && e.account.balance.tfuel_wei.IsZero() &&
           e.account.balance.theta_wei.IsZero() && e.code.empty();
  }
  void MakeExist(Entry& entry);
  void SetBalance(Entry& entry, const uint256& value);
  void SetTheta(Entry& entry, const uint256& value);
  // Moves the top-level THETA value from `from` to `to` (both loaded); false when it cannot.
  bool MoveThetaValue(const evm::Message& msg, Entry& from, Entry& to);

  // Theta's precompiles (theta_precompiles.cpp).
  bool IsThetaPrecompile(const Address& address) const;
  evm::ExecutionResult RunThetaPrecompile(const evm::Message& msg);
  absl::StatusOr<Bytes> ThetaStake(ByteView input);
  absl::Status TransferTheta(const Address& sender, ByteView input);
  absl::Status StakeToGuardian(const Address& sender, ByteView input);
  absl::Status StakeToEliteEdgeNode(const Address& sender, ByteView input);
  absl::Status Unstake(const Address& sender, ByteView input, bool guardian);
  absl::Status CheckNewHolder(ByteView summary) const;
  // The guardian (or EEN) pool as this transaction sees it; Pool loads it once.
  absl::StatusOr<BlsCandidatePool*> Pool(bool guardian);
  // Journals `holder`'s entry in the pool (or its absence) before a change to it; a precompile
  // changes one entry, so the journal stays small whatever the pool's size.
  void SavePool(bool guardian, const Address& holder);
  void RestorePool(bool guardian);
  void RevertTo(size_t mark);
  evm::ExecutionResult CallFrame(const evm::Message& msg);
  evm::ExecutionResult CreateFrame(const evm::Message& msg);
  evm::ExecutionResult Finished(evm::ExecutionResult r, size_t mark);

  struct CachedPool {
    std::optional<BlsCandidatePool> pool;  // loaded on first use
    bool changed = false;
  };

  LedgerState& ledger_;
  const evm::Revision rev_;
  const uint64_t rules_height_;
  const uint64_t block_height_;
  const BlsPopVerifier* const bls_verifier_;
  uint256 theta_value_;
  struct PoolUndo {
    bool was_changed = false;
    Address holder;
    std::optional<BlsStakeHolder> previous;  // nullopt: the holder was added
  };
  CachedPool pools_[2];                 // [0] guardians, [1] elite edge nodes
  std::vector<PoolUndo> pool_journal_;  // what kPool entries restore
  evm::TxContext tx_;
  evm::AnalysisCache& cache_;
  absl::Status error_;
  std::map<Address, Entry> entries_;  // node-based: references stay valid
  std::vector<Undo> journal_;
  std::vector<evm::Log> logs_;
  absl::flat_hash_set<Address> warm_accounts_;
  absl::flat_hash_set<std::pair<Address, uint256>> warm_slots_;
  absl::flat_hash_map<std::pair<Address, uint256>, uint256> transient_;
};

}  // namespace theta::ledger::internal
