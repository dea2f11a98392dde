// StateHost: the Host over an in-memory State, with a journal for reverting failed frames.
#include <string>

#include "theta/core/hash.hpp"
#include "theta/evm/interpreter.hpp"
#include "theta/evm/precompiles.hpp"
#include "theta/evm/state.hpp"

namespace theta::evm {

StateHost::StateHost(State& state, Revision rev, TxContext tx_context, AnalysisCache& cache)
    : state_(state), rev_(rev), tx_(std::move(tx_context)), cache_(cache) {}

namespace {
bool IsRipemdPrecompile(const Address& address) {
  Address ripemd;
  ripemd[19] = 0x03;
  return address == ripemd;
}
}  // namespace

void StateHost::Journal(JournalEntry::Kind kind, const Address& address, const uint256& key,
                        const uint256& previous, bool previous_flag) {
  journal_.push_back(JournalEntry{kind, address, key, previous, previous_flag});
}

void StateHost::RevertTo(size_t snapshot) {
  while (journal_.size() > snapshot) {
    const JournalEntry& e = journal_.back();
    Account* a = state_.Find(e.address);
    switch (e.kind) {
      case JKind::kCreateAccount:
        state_.Erase(e.address);
        break;
      case JKind::kBalance:
        a->balance = e.previous;
        break;
      case JKind::kNonce:
        a->nonce = e.previous.limb(0);
        break;
      case JKind::kStorage:
        a->storage[e.key].current = e.previous;
        break;
      case JKind::kTransient:
        transient_[{e.address, e.key}] = e.previous;
        break;
      case JKind::kCode:
        a->SetCode({});
        break;
      case JKind::kTouch:
        // Mainnet's one irregularity, kept by every client since block 2675119: a touch of the
        // RIPEMD-160 precompile (0x03) survives the revert of the frame that touched it.
        if (!IsRipemdPrecompile(e.address)) a->touched = e.previous_flag;
        break;
      case JKind::kDestruct:
        a->destructed = e.previous_flag;
        break;
      case JKind::kCreatedMark:
        a->created = e.previous_flag;
        break;
      case JKind::kWarmAccount:
        warm_accounts_.erase(e.address);
        break;
      case JKind::kWarmSlot:
        warm_slots_.erase(std::pair{e.address, e.key});
        break;
      case JKind::kLog:
        logs_.pop_back();
        break;
    }
    journal_.pop_back();
  }
}

Account& StateHost::TouchAccount(const Address& address) {
  Account* a = state_.Find(address);
  if (a == nullptr) {
    a = &state_.GetOrCreate(address);
    Journal(JKind::kCreateAccount, address);
  }
  if (!a->touched) {
    Journal(JKind::kTouch, address, {}, {}, false);
    a->touched = true;
  }
  return *a;
}

void StateHost::AddBalance(Account& account, const Address& address, const uint256& amount) {
  Journal(JKind::kBalance, address, {}, account.balance);
  account.balance += amount;
}

void StateHost::SubBalance(Account& account, const Address& address, const uint256& amount) {
  Journal(JKind::kBalance, address, {}, account.balance);
  account.balance -= amount;
}

void StateHost::IncrementNonce(Account& account, const Address& address) {
  Journal(JKind::kNonce, address, {}, account.nonce);
  ++account.nonce;
}

bool StateHost::AccountExists(const Address& address) {
  const Account* a = state_.Find(address);
  return a != nullptr && !a->IsEmpty();
}

uint256 StateHost::GetStorage(const Address& address, const uint256& key) {
  const Account* a = state_.Find(address);
  if (a == nullptr) return {};
  auto it = a->storage.find(key);
  return it == a->storage.end() ? uint256{} : it->second.current;
}

StorageChange StateHost::SetStorage(const Address& address, const uint256& key,
                                    const uint256& value) {
  Account& a = state_.GetOrCreate(address);
  StorageSlot& slot = a.storage[key];  // a missing slot was 0 at the start of the transaction too
  const StorageChange change{slot.original, slot.current};
  if (slot.current != value) {
    Journal(JKind::kStorage, address, key, slot.current);
    slot.current = value;
  }
  return change;
}

uint256 StateHost::GetBalance(const Address& address) {
  const Account* a = state_.Find(address);
  return a == nullptr ? uint256{} : a->balance;
}

size_t StateHost::GetCodeSize(const Address& address) {
  const Account* a = state_.Find(address);
  return a == nullptr ? 0 : a->code.size();
}

Hash32 StateHost::GetCodeHash(const Address& address) {
  const Account* a = state_.Find(address);
  if (a == nullptr || a->IsEmpty()) return {};
  return a->code_hash;
}

size_t StateHost::CopyCode(const Address& address, size_t offset, std::span<uint8_t> out) {
  const Account* a = state_.Find(address);
  if (a == nullptr || offset >= a->code.size()) return 0;
  const size_t n = std::min(out.size(), a->code.size() - offset);
  std::memcpy(out.data(), a->code.data() + offset, n);
  return n;
}

bool StateHost::Selfdestruct(const Address& address, const Address& beneficiary) {
  Account& self = state_.GetOrCreate(address);
  const uint256 balance = self.balance;
  // EIP-6780 (Cancun): only an account created in this transaction is really destroyed; otherwise
  // SELFDESTRUCT just moves the balance.
  const bool destroys = rev_ < Revision::kCancun || self.created;
  if (beneficiary != address) {
    Account& to = TouchAccount(beneficiary);
    AddBalance(to, beneficiary, balance);
    SubBalance(self, address, balance);
  } else if (destroys) {
    SubBalance(self, address, balance);  // sent to itself and then destroyed: burnt
  }
  const bool first = !self.destructed;
  if (destroys && !self.destructed) {
    Journal(JKind::kDestruct, address, {}, {}, false);
    self.destructed = true;
  }
  return first;
}

Hash32 StateHost::GetBlockHash(int64_t number) {
  auto it = block_hashes_.find(number);
  if (it != block_hashes_.end()) return it->second;
  return Keccak256(AsBytes(std::to_string(number)));
}

void StateHost::EmitLog(const Address& address, ByteView data, std::span<const Hash32> topics) {
  logs_.push_back(Log{address, {topics.begin(), topics.end()}, Bytes(data.begin(), data.end())});
  Journal(JKind::kLog, address);
}

AccessStatus StateHost::AccessAccount(const Address& address) {
  if (!warm_accounts_.insert(address).second) return AccessStatus::kWarm;
  Journal(JKind::kWarmAccount, address);
  return AccessStatus::kCold;
}

AccessStatus StateHost::AccessStorage(const Address& address, const uint256& key) {
  if (!warm_slots_.insert({address, key}).second) return AccessStatus::kWarm;
  Journal(JKind::kWarmSlot, address, key);
  return AccessStatus::kCold;
}

uint256 StateHost::GetTransientStorage(const Address& address, const uint256& key) {
  auto it = transient_.find(std::pair{address, key});
  return it == transient_.end() ? uint256{} : it->second;
}

void StateHost::SetTransientStorage(const Address& address, const uint256& key,
                                    const uint256& value) {
  uint256& slot = transient_[{address, key}];
  Journal(JKind::kTransient, address, key, slot);
  slot = value;
}

ExecutionResult StateHost::Call(const Message& msg) {
  if (msg.kind == CallKind::kCreate || msg.kind == CallKind::kCreate2) return CreateFrame(msg);
  return CallFrame(msg);
}

ExecutionResult StateHost::RunCode(const Message& msg, const Account& code_account) {
  // Holding the shared analysis keeps the code alive even if the account changes meanwhile.
  const std::shared_ptr<const CodeAnalysis> analysis =
      cache_.Get(code_account.code_hash, code_account.code);
  return Execute(*this, rev_, msg, *analysis);
}

ExecutionResult StateHost::CallFrame(const Message& msg) {
  const size_t snapshot = Snapshot();
  const bool precompile = IsPrecompile(msg.code_address, rev_);
  if (msg.kind == CallKind::kCall || msg.kind == CallKind::kCallCode) {
    if (msg.kind == CallKind::kCall && state_.Find(msg.recipient) == nullptr &&
        msg.value.IsZero() && !precompile) {
      // EIP-161: a value-less call does not bring an account into existence.
      return ExecutionResult{StatusCode::kSuccess, msg.gas, 0, {}, {}};
    }
    Account& from = TouchAccount(msg.sender);
    SubBalance(from, msg.sender, msg.value);
    Account& to = TouchAccount(msg.recipient);
    AddBalance(to, msg.recipient, msg.value);
  } else if (msg.kind == CallKind::kStaticCall && state_.Find(msg.recipient) != nullptr) {
    // STATICCALL touches its callee as a zero-value transfer would (geth adds a zero balance), so
    // an empty callee is deleted at the end of the transaction (EIP-161) unless the frame fails.
    // Only pre-Merge tests with empty precompile accounts in the pre-state can tell. A missing
    // callee is not created: created and deleted again, it would leave no trace.
    TouchAccount(msg.recipient);
  }

  ExecutionResult result;
  if (precompile) {
    result = RunPrecompile(msg.code_address, rev_, msg.input, msg.gas);
    if (result.status == StatusCode::kNotAvailable && !unavailable_.any) {
      unavailable_ = {true, msg.code_address};
    }
  } else {
    const Account* code_account = state_.Find(msg.code_address);
    if (code_account == nullptr || code_account->code.empty()) {
      return ExecutionResult{StatusCode::kSuccess, msg.gas, 0, {}, {}};
    }
    result = RunCode(msg, *code_account);
  }
  if (result.status != StatusCode::kSuccess) {
    RevertTo(snapshot);
    if (result.status != StatusCode::kRevert) result.gas_left = 0;
    result.gas_refund = 0;
  }
  return result;
}

ExecutionResult StateHost::CreateFrame(const Message& msg) {
  ExecutionResult result;
  Account& sender = state_.GetOrCreate(msg.sender);
  if (sender.nonce == UINT64_MAX) {  // EIP-2681: the nonce cannot wrap; the gas is returned
    result.status = StatusCode::kArgumentOutOfRange;
    result.gas_left = msg.gas;
    return result;
  }
  const Address address = msg.kind == CallKind::kCreate
                              ? CreateAddress(msg.sender, sender.nonce)
                              : Create2Address(msg.sender, msg.create2_salt, msg.input);
  IncrementNonce(sender, msg.sender);
  AccessAccount(address);
  result.create_address = address;

  if (const Account* existing = state_.Find(address); existing != nullptr) {
    bool has_storage = false;
    for (const auto& [key, slot] : existing->storage)
      has_storage |= !slot.current.IsZero();
    if (existing->nonce != 0 || !existing->code.empty() || has_storage) {
      result.status = StatusCode::kOutOfGas;  // address collision: all gas is consumed
      return result;
    }
  }

  const size_t snapshot = Snapshot();
  Account& created = TouchAccount(address);
  Journal(JKind::kCreatedMark, address, {}, {}, created.created);
  created.created = true;
  Journal(JKind::kNonce, address, {}, created.nonce);
  created.nonce = 1;  // EIP-161
  Account& from = *state_.Find(msg.sender);
  SubBalance(from, msg.sender, msg.value);
  AddBalance(created, address, msg.value);

  Message frame = msg;
  frame.recipient = address;
  frame.code_address = address;
  frame.input = {};
  const CodeAnalysis init_code(msg.input);
  ExecutionResult r = Execute(*this, rev_, frame, init_code);
  if (r.status == StatusCode::kSuccess) {
    const int64_t deposit = 200 * static_cast<int64_t>(r.output.size());
    if (r.output.size() > kMaxCodeSize) {
      r.status = StatusCode::kContractValidationFailure;
    } else if (rev_ >= Revision::kLondon && !r.output.empty() && r.output[0] == 0xef) {
      r.status = StatusCode::kContractValidationFailure;  // EIP-3541
    } else if (r.gas_left < deposit) {
      r.status = StatusCode::kOutOfGas;
    } else {
      r.gas_left -= deposit;
      Account& account = *state_.Find(address);
      Journal(JKind::kCode, address);
      account.SetCode(std::move(r.output));
      r.output.clear();
    }
  }
  if (r.status != StatusCode::kSuccess) {
    RevertTo(snapshot);
    if (r.status != StatusCode::kRevert) {
      r.gas_left = 0;
      r.output.clear();
    }
    r.gas_refund = 0;
  }
  r.create_address = address;
  return r;
}

}  // namespace theta::evm
