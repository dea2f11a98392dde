// LedgerHost (see evm_host.hpp). Frame semantics follow theta-evm's StateHost (value transfer,
// EIP-161 value-less calls, CREATE address and collision rule, EIP-170 code limit, code deposit),
// over lazily loaded ledger accounts.
#include "evm_host.hpp"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/evm/interpreter.hpp"
#include "theta/evm/precompiles.hpp"

namespace theta::ledger::internal {

using evm::ExecutionResult;
using evm::StatusCode;

LedgerHost::LedgerHost(LedgerState& ledger, evm::Revision rev, evm::TxContext tx,
                       evm::AnalysisCache& cache, const ExecutionContext& context)
    : ledger_(ledger),
      rev_(rev),
      rules_height_(RulesHeight(context)),
      block_height_(context.block_height),
      bls_verifier_(context.bls_verifier),
      tx_(std::move(tx)),
      cache_(cache) {}

void LedgerHost::Seed(const Account& account) {
  Entry& e = entries_[account.address];
  e.account = account;
  e.exists = true;
  absl::StatusOr<Bytes> code = ledger_.GetCode(account.code_hash);
  if (code.ok()) {
    e.code = std::move(*code);
  } else if (error_.ok()) {
    error_ = code.status();
  }
}

LedgerHost::Entry& LedgerHost::Load(const Address& address) {
  auto it = entries_.find(address);
  if (it != entries_.end()) return it->second;
  Entry& e = entries_[address];
  e.account.address = address;
  e.account.last_updated_block_height = static_cast<uint64_t>(tx_.number - 1);
  absl::StatusOr<std::optional<Account>> stored = ledger_.GetAccount(address);
  if (!stored.ok()) {
    if (error_.ok()) error_ = stored.status();
    return e;
  }
  if (!stored->has_value()) return e;
  const Account account = std::move(**stored);
  Seed(account);
  return e;
}

evm::StorageSlot& LedgerHost::Slot(Entry& entry, const uint256& key) {
  auto it = entry.storage.find(key);
  if (it != entry.storage.end()) return it->second;
  uint256 value;
  if (entry.exists) {
    absl::StatusOr<uint256> stored = ledger_.GetStorage(entry.account, key.ToBigEndian());
    if (stored.ok()) {
      value = *stored;
    } else if (error_.ok()) {
      error_ = stored.status();
    }
  }
  return entry.storage.emplace(key, evm::StorageSlot{value, value}).first->second;
}

void LedgerHost::MakeExist(Entry& entry) {
  if (entry.exists) return;
  journal_.push_back(Undo{Kind::kExists, entry.account.address, {}, {}, false});
  entry.exists = true;
}

void LedgerHost::SetBalance(Entry& entry, const uint256& value) {
  journal_.push_back(
      Undo{Kind::kBalance, entry.account.address, {}, entry.account.balance.tfuel_wei});
  entry.account.balance.tfuel_wei = value;
}

void LedgerHost::SetTheta(Entry& entry, const uint256& value) {
  journal_.push_back(
      Undo{Kind::kTheta, entry.account.address, {}, entry.account.balance.theta_wei});
  entry.account.balance.theta_wei = value;
}

bool LedgerHost::MoveThetaValue(const evm::Message& msg, Entry& from, Entry& to) {
  if (msg.depth != 0 || theta_value_.IsZero()) return true;
  if (from.account.balance.theta_wei < theta_value_) return false;
  SetTheta(from, from.account.balance.theta_wei - theta_value_);
  SetTheta(to, to.account.balance.theta_wei + theta_value_);
  return true;
}

void LedgerHost::RevertTo(size_t mark) {
  while (journal_.size() > mark) {
    const Undo& u = journal_.back();
    switch (u.kind) {
      case Kind::kExists:
        entries_.at(u.address).exists = u.flag;
        break;
      case Kind::kBalance:
        entries_.at(u.address).account.balance.tfuel_wei = u.previous;
        break;
      case Kind::kTheta:
        entries_.at(u.address).account.balance.theta_wei = u.previous;
        break;
      case Kind::kPool:
        RestorePool(u.flag);
        break;
      case Kind::kNonce:
        entries_.at(u.address).account.sequence = u.previous.limb(0);
        break;
      case Kind::kStorage:
        entries_.at(u.address).storage.at(u.key).current = u.previous;
        break;
      case Kind::kTransient:
        transient_[{u.address, u.key}] = u.previous;
        break;
      case Kind::kCode: {
        Entry& e = entries_.at(u.address);
        e.code.clear();
        e.code_changed = false;
        break;
      }
      case Kind::kDestruct:
        entries_.at(u.address).destructed = u.flag;
        break;
      case Kind::kCreated:
        entries_.at(u.address).created = u.flag;
        break;
      case Kind::kWarmAccount:
        warm_accounts_.erase(u.address);
        break;
      case Kind::kWarmSlot:
        warm_slots_.erase(std::pair{u.address, u.key});
        break;
      case Kind::kLog:
        logs_.pop_back();
        break;
    }
    journal_.pop_back();
  }
}

bool LedgerHost::AccountExists(const Address& address) {
  const Entry& e = Load(address);
  return e.exists && !IsEmpty(e);
}

uint256 LedgerHost::GetStorage(const Address& address, const uint256& key) {
  return Slot(Load(address), key).current;
}

evm::StorageChange LedgerHost::SetStorage(const Address& address, const uint256& key,
                                          const uint256& value) {
  evm::StorageSlot& slot = Slot(Load(address), key);
  const evm::StorageChange change{slot.original, slot.current};
  if (slot.current != value) {
    journal_.push_back(Undo{Kind::kStorage, address, key, slot.current});
    slot.current = value;
  }
  return change;
}

uint256 LedgerHost::GetBalance(const Address& address) {
  return Load(address).account.balance.tfuel_wei;
}

size_t LedgerHost::GetCodeSize(const Address& address) {
  return Load(address).code.size();
}

Hash32 LedgerHost::GetCodeHash(const Address& address) {
  const Entry& e = Load(address);
  if (!e.exists || IsEmpty(e)) return {};
  return e.code_changed ? Keccak256(e.code) : e.account.code_hash;
}

size_t LedgerHost::CopyCode(const Address& address, size_t offset, std::span<uint8_t> out) {
  const Entry& e = Load(address);
  if (offset >= e.code.size()) return 0;
  const size_t n = std::min(out.size(), e.code.size() - offset);
  std::memcpy(out.data(), e.code.data() + offset, n);
  return n;
}

bool LedgerHost::Selfdestruct(const Address& address, const Address& beneficiary) {
  Entry& self = Load(address);
  const uint256 balance = self.account.balance.tfuel_wei;
  if (beneficiary != address) {
    Entry& to = Load(beneficiary);
    MakeExist(to);
    SetBalance(to, to.account.balance.tfuel_wei + balance);
    SetBalance(self, 0);
  }
  // EIP-6780 (Cancun): only an account created by this transaction is destroyed (a balance sent
  // to itself is then burnt); an older one just gives its balance away and lives on.
  if (rev_ >= evm::Revision::kCancun && !self.created) return false;
  SetBalance(self, 0);
  const bool first = !self.destructed;
  if (first) {
    journal_.push_back(Undo{Kind::kDestruct, address, {}, {}, false});
    self.destructed = true;
  }
  return first;
}

Hash32 LedgerHost::GetBlockHash(int64_t /*number*/) {
  // Theta disables BLOCKHASH (brief §5); theta-evm cannot fail the instruction, so it reads zero.
  return {};
}

void LedgerHost::EmitLog(const Address& address, ByteView data, std::span<const Hash32> topics) {
  logs_.push_back(
      evm::Log{address, {topics.begin(), topics.end()}, Bytes(data.begin(), data.end())});
  journal_.push_back(Undo{Kind::kLog, address, {}, {}});
}

void LedgerHost::WarmForTx(const Address& sender, const Address* recipient) {
  if (rev_ < evm::Revision::kBerlin) return;
  AccessAccount(sender);
  if (recipient != nullptr) AccessAccount(*recipient);
  for (uint8_t i = 1; i <= 0xcf; i = i == 0x0a ? 0xc9 : i + 1) {  // Ethereum's, then Theta's
    Address precompile;
    precompile.bytes[19] = i;
    if (evm::IsPrecompile(precompile, rev_) || IsThetaPrecompile(precompile))
      AccessAccount(precompile);
  }
  if (rev_ >= evm::Revision::kShanghai) AccessAccount(tx_.coinbase);  // EIP-3651
}

void LedgerHost::WarmAccessList(const Address& address, const std::vector<Hash32>& keys) {
  if (rev_ < evm::Revision::kBerlin) return;
  AccessAccount(address);
  for (const Hash32& key : keys)
    AccessStorage(address, *uint256::FromBigEndian(key.view()));
}

evm::AccessStatus LedgerHost::AccessAccount(const Address& address) {
  if (!warm_accounts_.insert(address).second) return evm::AccessStatus::kWarm;
  journal_.push_back(Undo{Kind::kWarmAccount, address, {}, {}});
  return evm::AccessStatus::kCold;
}

evm::AccessStatus LedgerHost::AccessStorage(const Address& address, const uint256& key) {
  if (!warm_slots_.insert({address, key}).second) return evm::AccessStatus::kWarm;
  journal_.push_back(Undo{Kind::kWarmSlot, address, key, {}});
  return evm::AccessStatus::kCold;
}

uint256 LedgerHost::GetTransientStorage(const Address& address, const uint256& key) {
  auto it = transient_.find(std::pair{address, key});
  return it == transient_.end() ? uint256{} : it->second;
}

void LedgerHost::SetTransientStorage(const Address& address, const uint256& key,
                                     const uint256& value) {
  uint256& slot = transient_[{address, key}];
  journal_.push_back(Undo{Kind::kTransient, address, key, slot});
  slot = value;
}

ExecutionResult LedgerHost::Call(const evm::Message& msg) {
  if (msg.kind == evm::CallKind::kCreate || msg.kind == evm::CallKind::kCreate2)
    return CreateFrame(msg);
  return CallFrame(msg);
}

// Undoes a failed frame: every failure but REVERT also consumes the frame's gas.
ExecutionResult LedgerHost::Finished(ExecutionResult r, size_t mark) {
  if (r.status != StatusCode::kSuccess) {
    RevertTo(mark);
    if (r.status != StatusCode::kRevert) r.gas_left = 0;
    r.gas_refund = 0;
  }
  return r;
}

ExecutionResult LedgerHost::CallFrame(const evm::Message& msg) {
  const size_t mark = journal_.size();
  const bool theta_precompile = IsThetaPrecompile(msg.code_address);
  const bool precompile = theta_precompile || evm::IsPrecompile(msg.code_address, rev_);
  if (msg.kind == evm::CallKind::kCall || msg.kind == evm::CallKind::kCallCode) {
    Entry& to = Load(msg.recipient);
    // EIP-161: a value-less call to nothing does nothing. THETA is value here (Go skips a
    // THETA-only transfer to a missing account; we deliver it, see docs/ledger.md).
    const bool no_theta = msg.depth != 0 || theta_value_.IsZero();
    if (msg.kind == evm::CallKind::kCall && !to.exists && msg.value.IsZero() && no_theta &&
        !precompile)
      return ExecutionResult{StatusCode::kSuccess, msg.gas, 0, {}, {}};
    Entry& from = Load(msg.sender);
    SetBalance(from, from.account.balance.tfuel_wei - msg.value);
    MakeExist(to);
    SetBalance(to, to.account.balance.tfuel_wei + msg.value);
    if (!MoveThetaValue(msg, from, to))
      return Finished(ExecutionResult{StatusCode::kInternalError, 0, 0, {}, {}}, mark);
  }
  ExecutionResult result;
  if (theta_precompile) {
    result = RunThetaPrecompile(msg);
  } else if (precompile) {
    result = evm::RunPrecompile(msg.code_address, rev_, msg.input, msg.gas);
  } else {
    const Entry& code = Load(msg.code_address);
    if (code.code.empty()) return ExecutionResult{StatusCode::kSuccess, msg.gas, 0, {}, {}};
    const Hash32 hash = code.code_changed ? Keccak256(code.code) : code.account.code_hash;
    const std::shared_ptr<const evm::CodeAnalysis> analysis = cache_.Get(hash, code.code);
    result = evm::Execute(*this, rev_, msg, *analysis);
  }
  return Finished(std::move(result), mark);
}

ExecutionResult LedgerHost::CreateFrame(const evm::Message& msg) {
  ExecutionResult result;
  Entry& sender = Load(msg.sender);
  const uint64_t nonce = sender.account.sequence;
  if (nonce == UINT64_MAX) {
    result.status = StatusCode::kArgumentOutOfRange;
    result.gas_left = msg.gas;
    return result;
  }
  const Address address = msg.kind == evm::CallKind::kCreate
                              ? evm::CreateAddress(msg.sender, nonce)
                              : evm::Create2Address(msg.sender, msg.create2_salt, msg.input);
  journal_.push_back(Undo{Kind::kNonce, msg.sender, {}, nonce});
  ++sender.account.sequence;
  AccessAccount(address);
  result.create_address = address;
  Entry& created = Load(address);
  const bool has_storage =
      created.account.root != Hash32{} && created.account.root != kEmptyTrieRoot;
  if (created.account.sequence != 0 || !created.code.empty() || has_storage) {
    result.status = StatusCode::kOutOfGas;  // address collision: all gas is consumed
    return result;
  }

  const size_t mark = journal_.size();
  MakeExist(created);
  journal_.push_back(Undo{Kind::kCreated, address, {}, {}, created.created});
  created.created = true;
  journal_.push_back(Undo{Kind::kNonce, address, {}, created.account.sequence});
  created.account.sequence = 1;  // EIP-161
  SetBalance(sender, sender.account.balance.tfuel_wei - msg.value);
  SetBalance(created, created.account.balance.tfuel_wei + msg.value);
  if (!MoveThetaValue(msg, sender, created))
    return Finished(ExecutionResult{StatusCode::kInternalError, 0, 0, {}, address}, mark);

  evm::Message frame = msg;
  frame.recipient = address;
  frame.code_address = address;
  frame.input = {};
  const evm::CodeAnalysis init_code(msg.input);
  ExecutionResult r = evm::Execute(*this, rev_, frame, init_code);
  if (r.status == StatusCode::kSuccess) {
    const int64_t deposit = 200 * static_cast<int64_t>(r.output.size());
    if (r.output.size() > evm::kMaxCodeSize ||
        (rev_ >= evm::Revision::kLondon && !r.output.empty() && r.output[0] == 0xef)) {  // 3541
      r.status = StatusCode::kContractValidationFailure;
    } else if (r.gas_left < deposit) {
      r.status = StatusCode::kOutOfGas;
    } else {
      r.gas_left -= deposit;
      journal_.push_back(Undo{Kind::kCode, address, {}, {}});
      created.code = std::move(r.output);
      created.code_changed = true;
      r.output.clear();
    }
  }
  r.create_address = address;
  if (r.status != StatusCode::kSuccess && r.status != StatusCode::kRevert) r.output.clear();
  return Finished(std::move(r), mark);
}

void LedgerHost::ChargeFee(const Address& address, const uint256& fee) {
  Entry& e = Load(address);
  SetBalance(e, e.account.balance.tfuel_wei - fee);
}

void LedgerHost::IncrementSequence(const Address& address) {
  Entry& e = Load(address);
  journal_.push_back(Undo{Kind::kNonce, address, {}, e.account.sequence});
  ++e.account.sequence;
}

absl::Status LedgerHost::Finish() {
  if (!error_.ok()) return error_;
  for (auto& [address, e] : entries_) {
    if (!e.exists) continue;  // never created, or a value-less touch (EIP-161)
    if (e.destructed) {
      // SELFDESTRUCT moves TFUEL only (Go opSuicide); THETA stays in the emptied account, as Go
      // keeps a suicided account with its THETA, so none is destroyed.
      if (!e.account.balance.theta_wei.IsZero()) {
        Account kept;
        kept.address = address;
        kept.balance.theta_wei = e.account.balance.theta_wei;
        kept.last_updated_block_height = e.account.last_updated_block_height;
        if (absl::Status s = ledger_.SetAccount(kept); !s.ok()) return s;
        continue;
      }
      if (absl::Status s = ledger_.DeleteAccount(address); !s.ok()) return s;
      continue;
    }
    Account account = e.account;
    if (e.code_changed) {
      absl::StatusOr<Hash32> hash = ledger_.SetCode(e.code);
      if (!hash.ok()) return hash.status();
      account.code_hash = *hash;
    }
    for (const auto& [key, slot] : e.storage) {
      if (slot.current == slot.original) continue;
      if (absl::Status s = ledger_.SetStorage(account, key.ToBigEndian(), slot.current); !s.ok())
        return s;
    }
    if (absl::Status s = ledger_.SetAccount(account); !s.ok()) return s;
  }
  if (pools_[0].changed && pools_[0].pool.has_value())
    THETA_RETURN_IF_ERROR(SetGuardianPool(ledger_, *pools_[0].pool));
  if (pools_[1].changed && pools_[1].pool.has_value())
    THETA_RETURN_IF_ERROR(SetEliteEdgeNodePool(ledger_, *pools_[1].pool));
  return absl::OkStatus();
}

}  // namespace theta::ledger::internal
