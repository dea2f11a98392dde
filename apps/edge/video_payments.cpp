#include "video_payments.hpp"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::edge {
namespace {

using Json = nlohmann::json;

absl::Status Invalid(std::string_view where, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(where), ": ", std::string(what)));
}

// Theta's JSON writes uint64 values as decimal strings; numbers are accepted too.
absl::StatusOr<uint64_t> JsonUint64(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return Invalid("reserved fund", absl::StrCat("no \"", key, "\""));
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_string()) {
    absl::StatusOr<uint256> value = uint256::FromDecimal(it->get_ref<const std::string&>());
    if (value.ok() && value->FitsUint64()) return value->limb(0);
  }
  return Invalid("reserved fund", absl::StrCat("\"", key, "\" is not a uint64"));
}

absl::StatusOr<uint256> JsonWei(const Json& coins, const char* key) {
  auto it = coins.find(key);
  if (it == coins.end() || !it->is_string())
    return Invalid("reserved fund", absl::StrCat("coins without a decimal \"", key, "\""));
  absl::StatusOr<uint256> value = uint256::FromDecimal(it->get_ref<const std::string&>());
  if (!value.ok()) return Invalid("reserved fund", absl::StrCat("\"", key, "\" is not decimal"));
  return *value;
}

absl::StatusOr<ledger::Coins> JsonCoins(const Json& fund, const char* key) {
  auto it = fund.find(key);
  if (it == fund.end() || !it->is_object())
    return Invalid("reserved fund", absl::StrCat("no coins \"", key, "\""));
  ledger::Coins coins;
  THETA_ASSIGN_OR_RETURN(coins.theta_wei, JsonWei(*it, "thetawei"));
  THETA_ASSIGN_OR_RETURN(coins.tfuel_wei, JsonWei(*it, "tfuelwei"));
  return coins;
}

// A transfer record: {"service_payment": {"target": {"address": ..}, "payment_sequence": ..}}.
absl::StatusOr<ledger::ServicePaymentTx> JsonRecord(const Json& record) {
  auto payment = record.find("service_payment");
  if (payment == record.end() || !payment->is_object())
    return Invalid("reserved fund", "a transfer record without \"service_payment\"");
  auto target = payment->find("target");
  if (target == payment->end() || !target->is_object() || !target->contains("address") ||
      !(*target)["address"].is_string())
    return Invalid("reserved fund", "a transfer record without a target address");
  ledger::ServicePaymentTx tx;
  absl::StatusOr<Address> address = ParseAddress((*target)["address"].get<std::string>());
  if (!address.ok()) return Invalid("reserved fund", "a transfer record's target is no address");
  tx.target.address = *address;
  THETA_ASSIGN_OR_RETURN(tx.payment_sequence, JsonUint64(*payment, "payment_sequence"));
  return tx;
}

absl::StatusOr<ledger::ReservedFund> JsonFund(const Json& item) {
  if (!item.is_object()) return Invalid("reserved fund", "not an object");
  ledger::ReservedFund fund;
  THETA_ASSIGN_OR_RETURN(fund.collateral, JsonCoins(item, "collateral"));
  THETA_ASSIGN_OR_RETURN(fund.initial_fund, JsonCoins(item, "initial_fund"));
  THETA_ASSIGN_OR_RETURN(fund.used_fund, JsonCoins(item, "used_fund"));
  THETA_ASSIGN_OR_RETURN(fund.end_block_height, JsonUint64(item, "end_block_height"));
  THETA_ASSIGN_OR_RETURN(fund.reserve_sequence, JsonUint64(item, "reserve_sequence"));
  auto ids = item.find("resource_ids");
  if (ids == item.end() || !(ids->is_array() || ids->is_null()))
    return Invalid("reserved fund", "no \"resource_ids\" list");
  if (ids->is_array()) {
    for (const Json& id : *ids) {
      if (!id.is_string()) return Invalid("reserved fund", "a resource id is not a string");
      fund.resource_ids.push_back(id.get<std::string>());
    }
  }
  auto records = item.find("transfer_records");
  if (records != item.end() && !records->is_null()) {
    if (!records->is_array()) return Invalid("reserved fund", "\"transfer_records\" not a list");
    for (const Json& record : *records) {
      THETA_ASSIGN_OR_RETURN(ledger::ServicePaymentTx tx, JsonRecord(record));
      fund.transfer_records.push_back(std::move(tx));
    }
  }
  return fund;
}

absl::StatusOr<uint64_t> CurrentHeight(const net::RpcClient& rpc) {
  THETA_ASSIGN_OR_RETURN(Json status, rpc.Call("theta.GetStatus", Json::object()));
  if (!status.is_object()) return absl::InternalError("theta.GetStatus: not an object");
  absl::StatusOr<uint64_t> height = JsonUint64(status, "current_height");
  if (!height.ok()) return absl::InternalError("theta.GetStatus: no \"current_height\"");
  return *height;
}

uint64_t UnixMillis() {
  return static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
}

}  // namespace

Bytes EncodePaymentTerms(const PaymentTerms& terms) {
  RlpWriter w;
  w.BeginList().AddBytes(terms.payee.view());
  w.AddUintBytes(terms.price_wei_per_segment.ToBigEndianTrimmed()).AddUint(terms.grace_segments);
  w.EndList();
  return std::move(w).Finish();
}

absl::StatusOr<PaymentTerms> DecodePaymentTerms(ByteView bytes) {
  absl::StatusOr<RlpItem> top = DecodeRlp(bytes, RlpLimits{.max_depth = 1});
  if (!top.ok()) return Invalid("payment terms", std::string(top.status().message()));
  absl::StatusOr<RlpListReader> r = RlpListReader::Open(*top);
  if (!r.ok()) return Invalid("payment terms", "not a list");
  PaymentTerms terms;
  absl::StatusOr<RlpItem> item = r->Next();
  absl::StatusOr<Address> payee = item.ok() ? RlpFixed<20>(*item) : item.status();
  if (!payee.ok()) return Invalid("payment terms", "payee is not a 20-byte address");
  terms.payee = *payee;
  item = r->Next();
  absl::StatusOr<ByteView> price = item.ok() ? RlpUintBytes(*item) : item.status();
  if (!price.ok()) return Invalid("payment terms", "price is not a canonical uint256");
  terms.price_wei_per_segment = uint256::LoadBigEndian(*price);
  item = r->Next();
  absl::StatusOr<uint64_t> grace = item.ok() ? RlpUint64(*item) : item.status();
  if (!grace.ok()) return Invalid("payment terms", "grace is not a canonical uint64");
  terms.grace_segments = *grace;
  if (!r->ExpectEnd().ok()) return Invalid("payment terms", "trailing fields");
  return terms;
}

absl::StatusOr<std::vector<ledger::ReservedFund>> ParseReservedFundsJson(const Json& account) {
  if (!account.is_object()) return Invalid("account", "not an object");
  auto funds = account.find("reserved_funds");
  std::vector<ledger::ReservedFund> out;
  if (funds == account.end() || funds->is_null()) return out;
  if (!funds->is_array()) return Invalid("account", "\"reserved_funds\" is not a list");
  for (const Json& item : *funds) {
    THETA_ASSIGN_OR_RETURN(ledger::ReservedFund fund, JsonFund(item));
    out.push_back(std::move(fund));
  }
  return out;
}

absl::StatusOr<PoolView> RpcFundSource::Pool(const Address& payer, uint64_t reserve_sequence) {
  const auto now = std::chrono::steady_clock::now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find({payer, reserve_sequence});
    if (it != cache_.end() && now - it->second.at < ttl_) return it->second.view;
  }
  THETA_ASSIGN_OR_RETURN(uint64_t height, CurrentHeight(rpc_));
  THETA_ASSIGN_OR_RETURN(Json account,
                         rpc_.Call("theta.GetAccount", Json{{"address", ToHex(payer.view())}}));
  THETA_ASSIGN_OR_RETURN(std::vector<ledger::ReservedFund> funds, ParseReservedFundsJson(account));
  for (ledger::ReservedFund& fund : funds) {
    if (fund.reserve_sequence != reserve_sequence) continue;
    PoolView view{std::move(fund), height};
    absl::MutexLock lock(&mu_);
    cache_[{payer, reserve_sequence}] = {view, now};
    return view;
  }
  return absl::NotFoundError(absl::StrCat(ToChecksumHex(payer),
                                          " has no reserved fund with reserve sequence ",
                                          reserve_sequence, " at ", rpc_.url()));
}

LedgerPaymentHook::LedgerPaymentHook(EdgePaymentOptions options, std::shared_ptr<FundSource> funds)
    : options_(std::move(options)),
      payee_(AddressFromPublicKey(options_.payee.DerivePublicKey())),
      funds_(std::move(funds)) {}

bool LedgerPaymentHook::MayServe(const net::NodeId& viewer, const video::SegmentEntry&) {
  absl::MutexLock lock(&mu_);
  const Account& account = accounts_[viewer];
  const uint256 paid = account.latest ? account.latest->source.coins.tfuel_wei : uint256(0);
  // One more segment is fine while what would be owed stays within `grace` unpaid segments.
  const uint256 owed = uint256(account.served + 1) * options_.price_wei_per_segment;
  if (owed <= paid + uint256(options_.grace_segments) * options_.price_wei_per_segment) return true;
  ++stats_.refusals;
  return false;
}

void LedgerPaymentHook::Served(const net::NodeId& viewer, const video::SegmentEntry&) {
  absl::MutexLock lock(&mu_);
  ++accounts_[viewer].served;
}

absl::Status LedgerPaymentHook::OnVoucher(const net::NodeId& viewer, ByteView bytes) {
  absl::Status status = [&]() -> absl::Status {
    THETA_ASSIGN_OR_RETURN(ledger::Tx tx, ledger::DecodeTx(bytes));
    auto* voucher = std::get_if<ledger::ServicePaymentTx>(&tx);
    if (voucher == nullptr) return absl::InvalidArgumentError("voucher: not a ServicePaymentTx");
    std::optional<ledger::ServicePaymentTx> previous;
    {
      absl::MutexLock lock(&mu_);
      previous = accounts_[viewer].latest;
      const Round round{voucher->source.address, voucher->reserve_sequence,
                        voucher->payment_sequence};
      auto owner = rounds_.find(round);
      if (owner != rounds_.end() && owner->second != viewer)
        return absl::InvalidArgumentError("voucher: its round belongs to another viewer");
    }
    THETA_ASSIGN_OR_RETURN(PoolView pool,
                           funds_->Pool(voucher->source.address, voucher->reserve_sequence));
    THETA_RETURN_IF_ERROR(ledger::VerifyVoucher(*voucher, payee_, pool.fund, pool.parent_height,
                                                options_.chain_id,
                                                previous ? &*previous : nullptr));
    absl::MutexLock lock(&mu_);
    Account& account = accounts_[viewer];
    if (account.latest && account.latest->payment_sequence != voucher->payment_sequence)
      return absl::InvalidArgumentError("voucher: a new payment round within one connection");
    // Another voucher of this viewer may have been accepted meanwhile: keep the larger one.
    if (account.latest &&
        account.latest->source.coins.tfuel_wei > voucher->source.coins.tfuel_wei) {
      return absl::OkStatus();
    }
    rounds_[{voucher->source.address, voucher->reserve_sequence, voucher->payment_sequence}] =
        viewer;
    account.latest = std::move(*voucher);
    ++stats_.vouchers_accepted;
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    absl::MutexLock lock(&mu_);
    ++stats_.vouchers_refused;
  }
  return status;
}

Bytes LedgerPaymentHook::Terms() {
  return EncodePaymentTerms({payee_, options_.price_wei_per_segment, options_.grace_segments});
}

void LedgerPaymentHook::Disconnected(const net::NodeId& viewer) {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(viewer);
  if (it == accounts_.end()) return;
  if (it->second.latest) ended_.push_back(std::move(*it->second.latest));
  accounts_.erase(it);
}

std::vector<ledger::ServicePaymentTx> LedgerPaymentHook::TakeSettlements(const uint256& fee_wei,
                                                                         bool all) {
  std::vector<ledger::ServicePaymentTx> vouchers;
  {
    absl::MutexLock lock(&mu_);
    vouchers.swap(ended_);
    if (all) {
      for (auto& [viewer, account] : accounts_) {
        if (account.latest) vouchers.push_back(std::move(*account.latest));
      }
      accounts_.clear();
    }
  }
  std::vector<ledger::ServicePaymentTx> settlements;
  for (ledger::ServicePaymentTx& voucher : vouchers) {
    if (voucher.source.coins.tfuel_wei.IsZero()) continue;
    absl::StatusOr<ledger::ServicePaymentTx> settled =
        ledger::SettleVoucher(std::move(voucher), options_.payee, fee_wei, options_.chain_id);
    if (settled.ok()) settlements.push_back(std::move(*settled));  // only ours were accepted
  }
  return settlements;
}

EdgePaymentStats LedgerPaymentHook::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

uint256 LedgerPaymentHook::PaidBy(const net::NodeId& viewer) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(viewer);
  if (it == accounts_.end() || !it->second.latest) return uint256(0);
  return it->second.latest->source.coins.tfuel_wei;
}

LedgerVoucherSource::LedgerVoucherSource(ViewerPaymentOptions options)
    : options_(std::move(options)),
      next_sequence_(options_.first_payment_sequence != 0 ? options_.first_payment_sequence
                                                          : UnixMillis()) {}

absl::Status LedgerVoucherSource::OnTerms(const net::NodeId& server, ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(PaymentTerms terms, DecodePaymentTerms(bytes));
  absl::MutexLock lock(&mu_);
  auto it = edges_.find(server);
  // Terms are fixed for a connection's round: a server cannot raise its price mid-round.
  if (it != edges_.end()) return absl::OkStatus();
  edges_[server] = Edge{terms, next_sequence_++, 0, uint256(0)};
  return absl::OkStatus();
}

std::optional<Bytes> LedgerVoucherSource::VoucherFor(const net::NodeId& server,
                                                     const video::SegmentEntry&) {
  absl::MutexLock lock(&mu_);
  auto it = edges_.find(server);
  if (it == edges_.end()) return std::nullopt;  // no terms: a server that does not charge
  Edge& edge = it->second;
  const PaymentTerms& terms = edge.terms;
  if (terms.price_wei_per_segment.IsZero() || terms.price_wei_per_segment > options_.max_price_wei)
    return std::nullopt;
  const uint256 amount = uint256(edge.segments + 1) * terms.price_wei_per_segment;
  // The deposit caps the sum over all edges: signing past it would get this viewer slashed.
  const uint256 total = stats_.committed_wei - edge.amount + amount;
  if (total > options_.deposit_wei) return std::nullopt;
  absl::StatusOr<ledger::ServicePaymentTx> voucher = ledger::CreateVoucher(
      {terms.payee, amount, edge.payment_sequence, options_.reserve_sequence, options_.resource_id},
      options_.payer, options_.chain_id);
  if (!voucher.ok()) return std::nullopt;
  ++edge.segments;
  edge.amount = amount;
  stats_.committed_wei = total;
  ++stats_.vouchers;
  return ledger::EncodeTx(*voucher);
}

ViewerPaymentStats LedgerVoucherSource::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

absl::StatusOr<std::string> BroadcastSettlement(const net::RpcClient& rpc,
                                                const ledger::ServicePaymentTx& settlement) {
  THETA_ASSIGN_OR_RETURN(Json answer,
                         rpc.Call("theta.BroadcastRawTransaction",
                                  Json{{"tx_bytes", ToHex(ledger::EncodeTx(settlement), false)}}));
  if (!answer.is_object() || !answer.contains("hash") || !answer["hash"].is_string())
    return absl::InternalError("theta.BroadcastRawTransaction: no \"hash\" in the answer");
  return answer["hash"].get<std::string>();
}

}  // namespace theta::edge
