// The mempool (mempool.hpp).
#include "theta/ledger/mempool.hpp"

#include <algorithm>
#include <queue>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

// Go's nominal gas of a regular tx from the June 2021 adjustment (brief §3.5).
constexpr uint64_t kRegularTxGas = 80'000;
constexpr uint64_t kSendTxGasPerAccount = 40'000;

uint256 Priority(const Tx& tx) {
  if (const auto* c = std::get_if<SmartContractTx>(&tx)) return c->gas_price;
  if (const auto* s = std::get_if<SendTx>(&tx))
    return s->fee.tfuel_wei /
           uint256(kSendTxGasPerAccount * (s->inputs.size() + s->outputs.size()));
  return std::visit(
      [](const auto& t) -> uint256 {
        if constexpr (requires { t.fee; })
          return t.fee.tfuel_wei / uint256(kRegularTxGas);
        else
          return uint256(0);
      },
      tx);
}

// The sequence-bearing signer; nullptr for ServicePayment (and the non-admissible types).
const TxInput* SequenceInput(const Tx& tx) {
  return std::visit(
      [](const auto& t) -> const TxInput* {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, SendTx>)
          return t.inputs.empty() ? nullptr : &t.inputs[0];
        else if constexpr (std::is_same_v<T, SplitRuleTx>)
          return &t.initiator;
        else if constexpr (std::is_same_v<T, SmartContractTx>)
          return &t.from;
        else if constexpr (std::is_same_v<T, StakeRewardDistributionTx>)
          return &t.holder;
        else if constexpr (requires { t.source; } && !std::is_same_v<T, ServicePaymentTx>)
          return &t.source;
        else
          return nullptr;
      },
      tx);
}

}  // namespace

absl::StatusOr<Mempool::Admitted> Mempool::Verify(ByteView raw, const Hash32& hash) const {
  THETA_ASSIGN_OR_RETURN(DecodedTx tx,
                         DecodeRawTx(raw, hash, options_.chain_id, options_.rules_height));
  if (std::holds_alternative<CoinbaseTx>(tx.tx) || std::holds_alternative<SlashTx>(tx.tx))
    return absl::InvalidArgumentError(
        absl::StrCat("mempool: a ", std::string(TxTypeName(TypeOf(tx.tx))), "Tx is not admitted"));
  if (!tx.from_ethereum)
    THETA_RETURN_IF_ERROR(VerifyTxSignatures(tx.tx, options_.chain_id,
                                             options_.rules_height >= kHeightTxWrapperExtension));
  Admitted out;
  out.hash = tx.hash;
  out.entry = Entry{tx.hash, Bytes(raw.begin(), raw.end()), Priority(tx.tx)};
  if (const TxInput* in = SequenceInput(tx.tx)) {
    if (in->sequence == 0) return absl::InvalidArgumentError("mempool: sequence 0 never applies");
    out.sender = in->address;
    out.sequence = in->sequence;
  }
  return out;
}

absl::StatusOr<Hash32> Mempool::Add(ByteView raw) {
  const Hash32 hash = TxHash(raw);
  {
    std::lock_guard lock(mu_);
    if (seen_.contains(hash)) return absl::AlreadyExistsError("mempool: tx already admitted");
  }
  THETA_ASSIGN_OR_RETURN(Admitted admitted, Verify(raw, hash));
  absl::StatusOr<Hash32> inserted = Insert(std::move(admitted));
  if (inserted.ok() && options_.on_admitted) options_.on_admitted(std::span(&*inserted, 1));
  return inserted;
}

std::vector<absl::StatusOr<Hash32>> Mempool::AddBatch(const std::vector<Bytes>& raws,
                                                      std::span<const Hash32> hashes) {
  if (!hashes.empty() && hashes.size() != raws.size())
    return std::vector<absl::StatusOr<Hash32>>(
        raws.size(), absl::InvalidArgumentError("mempool: a batch's hashes do not match its txs"));
  std::vector<Hash32> computed;
  if (hashes.empty()) {
    computed.reserve(raws.size());
    for (const Bytes& raw : raws)
      computed.push_back(TxHash(raw));
    hashes = computed;
  }
  std::vector<absl::StatusOr<Admitted>> verified(raws.size(),
                                                 absl::UnknownError("mempool: not verified"));
  std::vector<bool> known(raws.size(), false);
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < raws.size(); ++i)
      known[i] = seen_.contains(hashes[i]);
  }
  // The calling thread takes a share itself, and a batch too small to repay starting a thread
  // (a few signature checks) is verified on it alone: fewer threads woken per gossiped batch.
  constexpr size_t kTxsPerExtraWorker = 8;
  const size_t workers = std::clamp<size_t>(raws.size() / kTxsPerExtraWorker, 1,
                                            std::max<size_t>(1, options_.workers));
  auto verify_share = [&](size_t w) {
    for (size_t i = w; i < raws.size(); i += workers) {
      if (!known[i]) verified[i] = Verify(raws[i], hashes[i]);
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w)
    threads.emplace_back(verify_share, w);
  verify_share(0);
  for (std::thread& t : threads)
    t.join();
  std::vector<absl::StatusOr<Hash32>> results;
  std::vector<Hash32> admitted;
  for (size_t i = 0; i < raws.size(); ++i) {
    if (known[i]) {
      results.push_back(absl::AlreadyExistsError("mempool: tx already admitted"));
    } else if (!verified[i].ok()) {
      results.push_back(verified[i].status());
    } else {
      results.push_back(Insert(std::move(*verified[i])));
      if (results.back().ok() && options_.on_admitted) admitted.push_back(*results.back());
    }
  }
  if (!admitted.empty()) options_.on_admitted(admitted);
  return results;
}

absl::StatusOr<Hash32> Mempool::Insert(Admitted admitted) {
  std::lock_guard lock(mu_);
  admitted.entry.arrival = next_arrival_++;
  if (seen_.contains(admitted.hash))
    return absl::AlreadyExistsError("mempool: tx already admitted");
  Entry* replaced = nullptr;
  if (admitted.sequence != 0) {
    auto sender = by_sender_.find(admitted.sender);
    if (sender != by_sender_.end()) {
      auto it = sender->second.find(admitted.sequence);
      if (it != sender->second.end()) {
        if (admitted.entry.priority <= it->second.priority)
          return absl::FailedPreconditionError(
              "mempool: a tx with this sequence and at least this priority is pending");
        replaced = &it->second;
      }
    }
  }
  if (replaced != nullptr) {
    seen_.erase(replaced->hash);
    *replaced = std::move(admitted.entry);
    seen_.insert(admitted.hash);
    return admitted.hash;
  }
  if (size_ >= options_.max_txs && !EvictFor(admitted.entry.priority))
    return absl::ResourceExhaustedError(absl::StrCat("mempool: full (", options_.max_txs,
                                                     " txs) of txs with at least this priority"));
  seen_.insert(admitted.hash);
  ++size_;
  if (admitted.sequence == 0)
    payments_.emplace(admitted.hash, std::move(admitted.entry));
  else
    by_sender_[admitted.sender].emplace(admitted.sequence, std::move(admitted.entry));
  return admitted.hash;
}

bool Mempool::EvictFor(const uint256& priority) {
  // The lower priority goes first, and among equals the later arrival (the pool keeps what came
  // first, as Reap serves it). Independent of the tables' order.
  auto EvictsBefore = [](const Entry& a, const Entry& b) {
    return a.priority < b.priority || (a.priority == b.priority && a.arrival > b.arrival);
  };
  // The first to evict among senders' last txs (never a gap) and pending payments.
  const Entry* worst = nullptr;
  const Address* worst_sender = nullptr;
  for (const auto& [sender, txs] : by_sender_) {
    const Entry& last = txs.rbegin()->second;
    if (worst == nullptr || EvictsBefore(last, *worst)) {
      worst = &last;
      worst_sender = &sender;
    }
  }
  const Entry* worst_payment = nullptr;
  for (const auto& [hash, entry] : payments_) {
    if (worst_payment == nullptr || EvictsBefore(entry, *worst_payment)) worst_payment = &entry;
  }
  if (worst_payment != nullptr && (worst == nullptr || EvictsBefore(*worst_payment, *worst))) {
    if (worst_payment->priority >= priority) return false;
    const Hash32 hash = worst_payment->hash;
    seen_.erase(hash);
    payments_.erase(hash);
  } else {
    if (worst == nullptr || worst->priority >= priority) return false;
    const Address sender = *worst_sender;
    seen_.erase(worst->hash);
    auto& txs = by_sender_[sender];
    txs.erase(std::prev(txs.end()));
    if (txs.empty()) {
      by_sender_.erase(sender);
      next_sequence_.erase(sender);
    }
  }
  --size_;
  return true;
}

uint64_t Mempool::LastPendingSequence(const Address& sender, uint64_t next) const {
  std::lock_guard lock(mu_);
  uint64_t last = next - 1;
  auto it = by_sender_.find(sender);
  if (it == by_sender_.end()) return last;
  for (auto tx = it->second.find(next); tx != it->second.end() && tx->first == last + 1; ++tx)
    last = tx->first;
  return last;
}

absl::StatusOr<std::vector<Bytes>> Mempool::Reap(size_t max, const LedgerState* state,
                                                 const std::set<Hash32>* in_flight) const {
  std::lock_guard lock(mu_);
  auto flying = [in_flight](const Entry& entry) {
    return in_flight != nullptr && in_flight->contains(entry.hash);
  };
  // Heads of each group: (priority, earlier arrival first, group). Payments are groups of one.
  // Equal priorities go first come, first served: ordering them by address would let the same
  // senders win every block while others starve.
  using Head = std::tuple<uint256, uint64_t, size_t>;
  std::vector<std::vector<const Entry*>> groups;
  for (const auto& [sender, txs] : by_sender_) {
    std::vector<const Entry*> g;
    uint64_t expected = txs.begin()->first;
    if (state != nullptr) {
      auto known = next_sequence_.find(sender);
      if (known == next_sequence_.end()) {
        THETA_ASSIGN_OR_RETURN(std::optional<Account> account, state->GetAccount(sender));
        known = next_sequence_.emplace(sender, (account ? account->sequence : 0) + 1).first;
      }
      if (expected != known->second) continue;
    }
    for (const auto& [sequence, entry] : txs) {
      if (sequence != expected) break;  // a gap: later ones cannot apply yet
      if (!flying(entry)) g.push_back(&entry);
      ++expected;
    }
    if (!g.empty()) groups.push_back(std::move(g));
  }
  for (const auto& [hash, entry] : payments_) {
    if (!flying(entry)) groups.push_back({&entry});
  }
  std::priority_queue<Head> heap;
  std::vector<size_t> next(groups.size(), 0);
  for (size_t g = 0; g < groups.size(); ++g)
    heap.push({groups[g][0]->priority, ~groups[g][0]->arrival, g});
  std::vector<Bytes> out;
  while (!heap.empty() && out.size() < max) {
    const size_t g = std::get<2>(heap.top());
    heap.pop();
    out.push_back(groups[g][next[g]]->raw);
    if (++next[g] < groups[g].size())
      heap.push({groups[g][next[g]]->priority, ~groups[g][next[g]]->arrival, g});
  }
  return out;
}

absl::Status Mempool::Update(const LedgerState& state, const std::vector<Hash32>& included) {
  std::vector<Address> senders;
  {
    std::lock_guard lock(mu_);
    for (const auto& [sender, txs] : by_sender_)
      senders.push_back(sender);
  }
  return UpdateSigners(state, senders, included);
}

absl::Status Mempool::UpdateSigners(const LedgerState& state, const std::vector<Address>& signers,
                                    const std::vector<Hash32>& included) {
  std::vector<uint64_t> sequences;
  sequences.reserve(signers.size());
  for (const Address& signer : signers) {
    THETA_ASSIGN_OR_RETURN(std::optional<Account> account, state.GetAccount(signer));
    sequences.push_back(account ? account->sequence : 0);
  }
  return UpdateSequences(signers, sequences, included);
}

absl::Status Mempool::UpdateSequences(const std::vector<Address>& signers,
                                      const std::vector<uint64_t>& sequences,
                                      const std::vector<Hash32>& included) {
  if (signers.size() != sequences.size())
    return absl::InvalidArgumentError(
        absl::StrCat("mempool: ", signers.size(), " signers but ", sequences.size(), " sequences"));
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < signers.size(); ++i) {
    const Address& signer = signers[i];
    const uint64_t done = sequences[i];
    auto it = by_sender_.find(signer);
    if (it == by_sender_.end()) {
      next_sequence_.erase(signer);
      continue;
    }
    auto& txs = it->second;
    while (!txs.empty() && txs.begin()->first <= done) {
      seen_.erase(txs.begin()->second.hash);
      txs.erase(txs.begin());
      --size_;
    }
    if (txs.empty()) {
      by_sender_.erase(it);
      next_sequence_.erase(signer);
    } else {
      next_sequence_[signer] = done + 1;
    }
  }
  for (const Hash32& hash : included) {
    if (payments_.erase(hash) > 0) {
      seen_.erase(hash);
      --size_;
    }
  }
  return absl::OkStatus();
}

size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return size_;
}

bool Mempool::Contains(const Hash32& hash) const {
  std::lock_guard lock(mu_);
  return seen_.contains(hash);
}

}  // namespace theta::ledger
