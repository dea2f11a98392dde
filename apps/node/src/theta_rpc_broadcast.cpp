// theta.BroadcastRawTransaction (waits for the block holding the tx) and ...Async (returns once
// the mempool has it). Go's tx_bytes is hex without "0x"; we take either.
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
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

// Where a waiting broadcast learns of its block: filled by the commit subscriber.
struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<BlockRecord> block;
};

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
  auto hash = ctx.chain->Submit(raw);
  if (!hash.ok()) return Refused(hash.status());
  return Json{{"hash", HexLower(hash->view())}};
}

// Subscribes before submitting, so that a block committed in between cannot be missed.
absl::StatusOr<Json> BroadcastRawTransaction(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Bytes raw, TxBytesParam(params));
  ChainService& chain = *ctx.chain;
  const Hash32 hash = ledger::TxHash(raw);
  auto waiter = std::make_shared<Waiter>();
  const uint64_t subscription = chain.Subscribe([waiter, hash](const CommitEvent& event) {
    for (const Hash32& included : event.block->tx_hashes) {
      if (included != hash) continue;
      std::lock_guard lock(waiter->mu);
      waiter->block = *event.block;
      waiter->cv.notify_all();
      return;
    }
  });
  auto submitted = chain.Submit(raw);
  if (!submitted.ok()) {
    chain.Unsubscribe(subscription);
    if (absl::IsAlreadyExists(submitted.status())) {
      if (auto block = CommittedBlock(chain, hash)) return Answer(ctx, hash, *block);
    }
    return Refused(submitted.status());
  }
  std::optional<BlockRecord> block;
  {
    std::unique_lock lock(waiter->mu);
    waiter->cv.wait_for(lock, ctx.options->broadcast_timeout,
                        [&] { return waiter->block.has_value(); });
    block = waiter->block;
  }
  chain.Unsubscribe(subscription);
  if (!block) {
    return ServerError("Timed out waiting for transaction to be included",
                       Json{{"hash", HexLower(hash.view())}});
  }
  return Answer(ctx, hash, *block);
}

}  // namespace theta::node::theta_rpc
