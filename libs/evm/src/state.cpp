#include "theta/evm/state.hpp"

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/trie.hpp"

namespace theta::evm {

const Hash32 kEmptyCodeHash = Keccak256({});

void Account::SetCode(Bytes new_code) {
  code = std::move(new_code);
  code_hash = Keccak256(code);
}

Account* State::Find(const Address& address) {
  auto it = accounts_.find(address);
  return it == accounts_.end() ? nullptr : &it->second;
}

const Account* State::Find(const Address& address) const {
  auto it = accounts_.find(address);
  return it == accounts_.end() ? nullptr : &it->second;
}

Account& State::GetOrCreate(const Address& address) {
  return accounts_[address];
}

void State::FinishTransaction() {
  for (auto it = accounts_.begin(); it != accounts_.end();) {
    Account& a = it->second;
    if (a.destructed || (a.touched && a.IsEmpty())) {
      it = accounts_.erase(it);
      continue;
    }
    for (auto slot = a.storage.begin(); slot != a.storage.end();) {
      if (slot->second.current.IsZero()) {
        a.storage.erase(slot++);
      } else {
        slot->second.original = slot->second.current;
        ++slot;
      }
    }
    a.created = a.destructed = a.touched = false;
    ++it;
  }
}

Hash32 State::RootHash() const {
  SecureTrie trie;
  for (const auto& [address, account] : accounts_) {
    SecureTrie storage;
    for (const auto& [key, slot] : account.storage) {
      if (slot.current.IsZero()) continue;
      const Hash32 k = key.ToBigEndian();
      const Bytes v = RlpEncodeBytes(slot.current.ToBigEndianTrimmed());
      (void)storage.Put(k, v);  // in-memory tries without a store cannot fail
    }
    RlpWriter w;
    w.BeginList()
        .AddUint(account.nonce)
        .AddBytes(account.balance.ToBigEndianTrimmed())
        .AddBytes(storage.RootHash())
        .AddBytes(account.code_hash)
        .EndList();
    (void)trie.Put(address, w.bytes());
  }
  return trie.RootHash();
}

Hash32 LogsHash(const std::vector<Log>& logs) {
  RlpWriter w;
  w.BeginList();
  for (const Log& log : logs) {
    w.BeginList().AddBytes(log.address).BeginList();
    for (const Hash32& topic : log.topics)
      w.AddBytes(topic);
    w.EndList().AddBytes(log.data).EndList();
  }
  w.EndList();
  return Keccak256(w.bytes());
}

Address CreateAddress(const Address& sender, uint64_t nonce) {
  RlpWriter w;
  w.BeginList().AddBytes(sender).AddUint(nonce).EndList();
  const Hash32 h = Keccak256(w.bytes());
  Address out;
  std::memcpy(out.data(), h.data() + 12, 20);
  return out;
}

Address Create2Address(const Address& sender, const Hash32& salt, ByteView init_code) {
  uint8_t buf[1 + 20 + 32 + 32];
  buf[0] = 0xff;
  std::memcpy(buf + 1, sender.data(), 20);
  std::memcpy(buf + 21, salt.data(), 32);
  const Hash32 code_hash = Keccak256(init_code);
  std::memcpy(buf + 53, code_hash.data(), 32);
  const Hash32 h = Keccak256(ByteView(buf, sizeof(buf)));
  Address out;
  std::memcpy(out.data(), h.data() + 12, 20);
  return out;
}

}  // namespace theta::evm
