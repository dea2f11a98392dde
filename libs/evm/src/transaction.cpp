#include "theta/evm/transaction.hpp"

#include <algorithm>
#include <string>

#include "theta/core/status.hpp"
#include "theta/evm/interpreter.hpp"
#include "theta/evm/precompiles.hpp"

namespace theta::evm {

namespace {

absl::Status Invalid(const std::string& rule) {
  return absl::InvalidArgumentError("transaction: " + rule);
}

// a * b, or nullopt when the product does not fit in 256 bits.
std::optional<uint256> CheckedMul(const uint256& a, uint64_t b) {
  if (b != 0 && a > uint256::Max() / b) return std::nullopt;
  return a * b;
}

std::optional<uint256> CheckedAdd(const uint256& a, const uint256& b) {
  const uint256 s = a + b;
  if (s < a) return std::nullopt;
  return s;
}

uint256 MaxGasPrice(const Transaction& tx) {
  return tx.type >= 2 ? tx.max_fee_per_gas : tx.gas_price;
}

absl::Status CheckFeeRules(const BlockInfo& block, const Transaction& tx, Revision rev) {
  if (tx.type == 1 && rev < Revision::kBerlin) return Invalid("type 1 needs Berlin");
  if (tx.type == 2 && rev < Revision::kLondon) return Invalid("type 2 needs London");
  if (tx.type == 3 && rev < Revision::kCancun) return Invalid("type 3 needs Cancun");
  if (tx.type > 3) return Invalid("unknown type " + std::to_string(tx.type));
  if (tx.gas_limit > block.gas_limit) return Invalid("gas limit above the block's");
  if (tx.type >= 2 && tx.max_priority_fee_per_gas > tx.max_fee_per_gas) {
    return Invalid("priority fee above max fee");
  }
  if (rev >= Revision::kLondon && MaxGasPrice(tx) < block.base_fee) {
    return Invalid("max fee below the base fee");
  }
  if (tx.type == 3) {
    if (!tx.to.has_value()) return Invalid("blob transaction cannot create");
    if (tx.blob_hashes.empty()) return Invalid("blob transaction without blobs");
    if (tx.blob_hashes.size() > kMaxBlobsPerBlock) return Invalid("too many blobs");
    for (const Hash32& h : tx.blob_hashes) {
      if (h[0] != 0x01) return Invalid("blob hash with version other than 0x01");
    }
    if (tx.max_fee_per_blob_gas < BlobBaseFee(block.excess_blob_gas)) {
      return Invalid("max fee per blob gas below the blob base fee");
    }
  }
  if (rev >= Revision::kShanghai && !tx.to.has_value() && tx.data.size() > kMaxInitcodeSize) {
    return Invalid("init code over EIP-3860's limit");
  }
  return absl::OkStatus();
}

TxContext MakeTxContext(const BlockInfo& block, const Transaction& tx, Revision rev,
                        const uint256& gas_price) {
  TxContext ctx;
  ctx.gas_price = gas_price;
  ctx.origin = tx.sender;
  ctx.coinbase = block.coinbase;
  ctx.number = block.number;
  ctx.timestamp = block.timestamp;
  ctx.gas_limit = block.gas_limit;
  // After the Merge (Shanghai here), DIFFICULTY became PREVRANDAO (EIP-4399).
  ctx.prev_randao = rev >= Revision::kShanghai ? block.prev_randao : block.difficulty.ToBigEndian();
  ctx.chain_id = block.chain_id;
  ctx.base_fee = block.base_fee;
  ctx.blob_base_fee = BlobBaseFee(block.excess_blob_gas);
  ctx.blob_hashes = tx.blob_hashes;
  return ctx;
}

}  // namespace

uint256 BlobBaseFee(uint64_t excess_blob_gas) {
  // EIP-4844's fake_exponential(MIN_BLOB_BASE_FEE = 1, excess, BLOB_BASE_FEE_UPDATE_FRACTION).
  const uint256 denominator = 3338477;
  uint256 output = 0;
  uint256 accumulator = denominator;
  for (uint64_t i = 1; !accumulator.IsZero(); ++i) {
    output += accumulator;
    accumulator = accumulator * excess_blob_gas / (denominator * i);
  }
  return output / denominator;
}

int64_t IntrinsicGas(const Transaction& tx, Revision rev) {
  int64_t gas = 21000;
  if (!tx.to.has_value()) {
    gas += 32000;
    if (rev >= Revision::kShanghai) gas += 2 * static_cast<int64_t>((tx.data.size() + 31) / 32);
  }
  for (uint8_t b : tx.data)
    gas += b == 0 ? 4 : 16;
  for (const AccessListEntry& e : tx.access_list) {
    gas += 2400 + 1900 * static_cast<int64_t>(e.storage_keys.size());
  }
  return gas;
}

absl::StatusOr<TransactionResult> ApplyTransaction(State& state, const BlockInfo& block,
                                                   const Transaction& tx, Revision rev,
                                                   AnalysisCache& cache) {
  THETA_RETURN_IF_ERROR(CheckFeeRules(block, tx, rev));
  // Validation must leave the state untouched, so a missing sender is looked at, not created.
  const Account no_account;
  const Account* found = state.Find(tx.sender);
  const Account& sender_view = found != nullptr ? *found : no_account;
  if (!sender_view.code.empty()) return Invalid("sender has code (EIP-3607)");
  if (sender_view.nonce == UINT64_MAX) return Invalid("sender nonce at its maximum (EIP-2681)");
  if (tx.nonce != sender_view.nonce) {
    return Invalid("nonce " + std::to_string(tx.nonce) + " but the sender's is " +
                   std::to_string(sender_view.nonce));
  }
  const int64_t intrinsic = IntrinsicGas(tx, rev);
  if (tx.gas_limit < intrinsic) return Invalid("gas limit below the intrinsic gas");

  const uint64_t blob_gas = kGasPerBlob * tx.blob_hashes.size();
  const auto gas_cost = CheckedMul(MaxGasPrice(tx), static_cast<uint64_t>(tx.gas_limit));
  const auto blob_cost = CheckedMul(tx.max_fee_per_blob_gas, blob_gas);
  std::optional<uint256> required;
  if (gas_cost && blob_cost) {
    if (auto s = CheckedAdd(*gas_cost, *blob_cost)) required = CheckedAdd(*s, tx.value);
  }
  if (!required || sender_view.balance < *required) {
    return Invalid("balance below gas * price + value");
  }
  Account& sender = state.GetOrCreate(tx.sender);

  const uint256 gas_price =
      tx.type >= 2 ? std::min(tx.max_fee_per_gas, block.base_fee + tx.max_priority_fee_per_gas)
                   : tx.gas_price;
  const uint256 blob_base_fee = BlobBaseFee(block.excess_blob_gas);
  sender.balance -= gas_price * static_cast<uint64_t>(tx.gas_limit) + blob_base_fee * blob_gas;
  if (tx.to.has_value()) ++sender.nonce;  // a creation increments it inside the create frame

  StateHost host(state, rev, MakeTxContext(block, tx, rev, gas_price), cache);
  host.SetBlockHashes(block.block_hashes);
  if (rev >= Revision::kBerlin) {
    host.WarmAccount(tx.sender);
    if (tx.to.has_value()) host.WarmAccount(*tx.to);
    for (uint8_t i = 1; i <= (rev >= Revision::kCancun ? 0x0a : 0x09); ++i) {
      Address precompile;
      precompile[19] = i;
      host.WarmAccount(precompile);
    }
    for (const AccessListEntry& e : tx.access_list) {
      host.WarmAccount(e.address);
      for (const Hash32& key : e.storage_keys)
        host.WarmStorage(e.address, uint256::FromWord(key));
    }
  }
  if (rev >= Revision::kShanghai) host.WarmAccount(block.coinbase);  // EIP-3651

  Message msg;
  msg.kind = tx.to.has_value() ? CallKind::kCall : CallKind::kCreate;
  msg.gas = tx.gas_limit - intrinsic;
  msg.sender = tx.sender;
  if (tx.to.has_value()) msg.recipient = msg.code_address = *tx.to;
  msg.input = tx.data;
  msg.value = tx.value;
  const ExecutionResult r = host.Call(msg);

  TransactionResult out;
  out.status = r.status;
  int64_t gas_used = tx.gas_limit - r.gas_left;
  const int64_t refund_cap = gas_used / (rev >= Revision::kLondon ? 5 : 2);
  const int64_t refund = r.status == StatusCode::kSuccess ? std::min(r.gas_refund, refund_cap) : 0;
  gas_used -= std::max<int64_t>(refund, 0);
  out.gas_used = gas_used;

  Account& payer = state.GetOrCreate(tx.sender);
  payer.balance += gas_price * static_cast<uint64_t>(tx.gas_limit - gas_used);
  payer.touched = true;
  const uint256 tip = rev >= Revision::kLondon ? gas_price - block.base_fee : gas_price;
  Account& coinbase = state.GetOrCreate(block.coinbase);
  coinbase.balance += tip * static_cast<uint64_t>(gas_used);
  coinbase.touched = true;

  out.logs = host.logs();
  out.unavailable = host.unavailable();
  state.FinishTransaction();
  return out;
}

}  // namespace theta::evm
