// theta.BroadcastRawTransaction (waits for the block holding the tx) and ...Async (returns once
// the mempool has it). Go's tx_bytes is hex without "0x"; we take either. The ...EthTransaction
// pair takes only Ethereum-form txs: Go translates them into a SmartContractTx first, while this
// node executes them as they are (ledger/raw_tx.hpp), so the hash answered is the Ethereum tx hash
// that eth_getTransactionReceipt and theta.GetTransaction both know.
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/ledger/eth_tx.hpp"
#include "theta/ledger/executor.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {
namespace {

absl::StatusOr<Bytes> TxBytesParam(const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(std::string text, RequiredString(args, "tx_bytes"));
  THETA_ASSIGN_OR_RETURN(Bytes raw, ParseLooseHex(text, "tx_bytes"));
  if (raw.empty()) return absl::InvalidArgumentError("parameter \"tx_bytes\" is empty");
  return raw;
}

// The mempool's refusal, worded by the mempool ("… sequence …", "… insufficient …"): clients
// match on those words.
absl::Status Refused(const absl::Status& status) {
  return ServerError(absl::StrCat("transaction refused: ", std::string(status.message())));
}

// The sequence-bearing signer of `tx` and its sequence (the mempool's ordering key); nullopt for a
// ServicePayment, which has none of its own, and for the types the mempool never admits.
std::optional<std::pair<Address, uint64_t>> SenderSequence(const ledger::Tx& tx) {
  return std::visit(
      [](const auto& typed) -> std::optional<std::pair<Address, uint64_t>> {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, ledger::SendTx>) {
          if (typed.inputs.empty()) return std::nullopt;
          return std::pair(typed.inputs[0].address, typed.inputs[0].sequence);
        } else if constexpr (std::is_same_v<T, ledger::SmartContractTx>) {
          return std::pair(typed.from.address, typed.from.sequence);
        } else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>) {
          return std::pair(typed.initiator.address, typed.initiator.sequence);
        } else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>) {
          return std::pair(typed.holder.address, typed.holder.sequence);
        } else if constexpr (requires { typed.source.sequence; } &&
                             !std::is_same_v<T, ledger::ServicePaymentTx>) {
          return std::pair(typed.source.address, typed.source.sequence);
        } else {
          return std::nullopt;
        }
      },
      tx);
}

// What the head state says of a submitted tx's sequence.
struct Screen {
  // False when the sequence is ahead of the account's: no committed block holds the tx, so there
  // is no receipt to look up (the common case, and a store read saved per submission).
  bool may_be_committed = true;
  // Refused at once when the head state has passed the sequence: no block can take the tx, and
  // the caller would otherwise wait out the timeout (Go's mempool screens txs the same way).
  absl::Status refusal;
};

// A sequence ahead of the account's is let through: the txs before it may be pending.
absl::StatusOr<Screen> ScreenSequence(const ChainService& chain, ByteView raw, const Hash32& hash) {
  auto decoded = ledger::DecodeRawTx(raw, hash, chain.chain_id(), ledger::kAllForksHeight);
  if (!decoded.ok()) return Screen{};  // the mempool words the decoding error
  auto signer = SenderSequence(decoded->tx);
  if (!signer) return Screen{};
  const auto& [address, sequence] = *signer;
  THETA_ASSIGN_OR_RETURN(const uint64_t sent, chain.HeadSequence(address));
  if (sequence > sent) return Screen{false, absl::OkStatus()};
  return Screen{
      true, ServerError(absl::StrCat("transaction refused: invalid sequence ", sequence, " for ",
                                     ToChecksumHex(address), ": the account has sent ", sent,
                                     " transactions, so the next sequence is ", sent + 1))};
}

absl::StatusOr<Json> Answer(const Context& ctx, const Hash32& hash, const BlockRecord& block) {
  return Json{{"hash", HexLower(hash.view())}, {"block", HeaderJson(ctx, block)}};
}

// A tx submitted again after it was committed: answer with its block at once.
std::optional<BlockRecord> CommittedBlock(const ChainService& chain, const Hash32& hash) {
  auto receipt = chain.Receipt(hash);
  if (!receipt.ok()) return std::nullopt;
  auto block = chain.BlockAt(receipt->height);
  if (!block.ok()) return std::nullopt;
  return *std::move(block);
}

}  // namespace

absl::StatusOr<Json> BroadcastRawTransactionAsync(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Bytes raw, TxBytesParam(params));
  const Hash32 hash = ledger::TxHash(raw);
  THETA_ASSIGN_OR_RETURN(const Screen screen, ScreenSequence(*ctx.chain, raw, hash));
  if (screen.may_be_committed && ctx.chain->Receipt(hash).ok())
    return Json{{"hash", HexLower(hash.view())}};
  THETA_RETURN_IF_ERROR(screen.refusal);
  auto submitted = ctx.chain->Submit(raw);
  if (!submitted.ok()) return Refused(submitted.status());
  return Json{{"hash", HexLower(submitted->view())}};
}

std::shared_ptr<BroadcastWaiters::Waiter> BroadcastWaiters::Add(const Hash32& hash) {
  auto waiter = std::make_shared<Waiter>();
  std::lock_guard lock(mu_);
  waiting_.emplace(hash, waiter);
  return waiter;
}

void BroadcastWaiters::Remove(const Hash32& hash, const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard lock(mu_);
  auto [begin, end] = waiting_.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    if (it->second == waiter) {
      waiting_.erase(it);
      return;
    }
  }
}

void BroadcastWaiters::OnCommit(const BlockRecord& block) {
  std::lock_guard lock(mu_);
  if (waiting_.empty()) return;
  for (const Hash32& hash : block.tx_hashes) {
    auto [begin, end] = waiting_.equal_range(hash);
    for (auto it = begin; it != end; ++it) {
      std::lock_guard waiter_lock(it->second->mu);
      it->second->block = block;
      it->second->cv.notify_all();
    }
  }
}

// Waits from before the submission, so that a block committed in between cannot be missed.
absl::StatusOr<Json> BroadcastRawTransaction(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Bytes raw, TxBytesParam(params));
  ChainService& chain = *ctx.chain;
  const Hash32 hash = ledger::TxHash(raw);
  THETA_ASSIGN_OR_RETURN(const Screen screen, ScreenSequence(chain, raw, hash));
  // A tx committed already (a client retrying after a timeout) is answered with its block.
  if (screen.may_be_committed) {
    if (auto block = CommittedBlock(chain, hash)) return Answer(ctx, hash, *block);
  }
  THETA_RETURN_IF_ERROR(screen.refusal);
  const std::shared_ptr<BroadcastWaiters::Waiter> waiter = ctx.waiters->Add(hash);
  auto submitted = chain.Submit(raw);
  if (!submitted.ok()) {
    ctx.waiters->Remove(hash, waiter);
    return Refused(submitted.status());
  }
  std::optional<BlockRecord> block;
  {
    std::unique_lock lock(waiter->mu);
    waiter->cv.wait_for(lock, ctx.options->broadcast_timeout,
                        [&] { return waiter->block.has_value(); });
    block = std::move(waiter->block);
  }
  ctx.waiters->Remove(hash, waiter);
  if (!block) {
    return ServerError("Timed out waiting for transaction to be included",
                       Json{{"hash", HexLower(hash.view())}});
  }
  return Answer(ctx, hash, *block);
}

namespace {

// The params unchanged when tx_bytes is an Ethereum tx (legacy, EIP-2930 or EIP-1559).
absl::Status RequireEthTx(const Json& params) {
  THETA_ASSIGN_OR_RETURN(Bytes raw, TxBytesParam(params));
  absl::StatusOr<ledger::EthTx> tx = ledger::DecodeEthTx(raw);
  if (!tx.ok())
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter \"tx_bytes\" is not an Ethereum transaction (",
        std::string(tx.status().message()), "); Theta txs go to theta.BroadcastRawTransaction"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> BroadcastRawEthTransaction(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(RequireEthTx(params));
  return BroadcastRawTransaction(ctx, params);
}

absl::StatusOr<Json> BroadcastRawEthTransactionAsync(const Context& ctx, const Json& params) {
  THETA_RETURN_IF_ERROR(RequireEthTx(params));
  return BroadcastRawTransactionAsync(ctx, params);
}

}  // namespace theta::node::theta_rpc
