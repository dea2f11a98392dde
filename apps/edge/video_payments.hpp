// Service payments for the video swarm: the ledger's micropayment API
// (theta/ledger/micropayment.hpp) behind theta-video's payment hooks (theta/video/swarm.hpp).
// theta-video only counts segments and asks whether to keep serving; this file turns that into
// signed ServicePaymentTx vouchers.
//
// The flow, per viewer and edge:
//  1. The viewer has locked a deposit with a ReserveFundTx (theta-wallet reserve ...) listing a
//     resource ID; its reserve sequence, resource ID and deposit are its configuration.
//  2. On connect the edge sends its PaymentTerms (payee address, TFUEL wei per segment, grace).
//  3. After each segment an edge delivered, the viewer sends a voucher whose amount is the
//     cumulative price of what that edge delivered in this round (one payment sequence per edge
//     and session). The viewer never signs more in total than its deposit, across all edges.
//  4. The edge checks every voucher with VerifyVoucher against the payer's pool as the chain holds
//     it (FundSource) and keeps the latest. It serves a viewer while the segments it served are
//     paid for up to `grace` segments; beyond that the viewer gets PaymentRequired. A forged,
//     over-spent, stale or backwards voucher is refused and costs the viewer score.
//  5. When the viewer disconnects (its round is over), or when the edge shuts down, the edge signs
//     the latest voucher with SettleVoucher and broadcasts it to a theta-node.
//
// Thread-safety: all classes here are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "theta/ledger/micropayment.hpp"
#include "theta/net/rpc_client.hpp"
#include "theta/video/swarm.hpp"

namespace theta::edge {

// What an edge charges: RLP [payee address (20 bytes), price in TFUEL wei per segment (canonical
// uint, at most 32 bytes), grace segments].
struct PaymentTerms {
  Address payee;
  uint256 price_wei_per_segment;
  uint64_t grace_segments = 0;
  friend bool operator==(const PaymentTerms&, const PaymentTerms&) = default;
};

Bytes EncodePaymentTerms(const PaymentTerms& terms);
// Strict (canonical RLP, exact fields); InvalidArgument naming the field.
absl::StatusOr<PaymentTerms> DecodePaymentTerms(ByteView bytes);

// A payer's pool as the chain holds it, and the height a settlement would execute on.
struct PoolView {
  ledger::ReservedFund fund;
  uint64_t parent_height = 0;
};

// Where the edge reads pools from.
class FundSource {
 public:
  virtual ~FundSource() = default;
  // NotFound when the payer has no pool with that reserve sequence.
  virtual absl::StatusOr<PoolView> Pool(const Address& payer, uint64_t reserve_sequence) = 0;
};

// The reserved funds of an account as theta.GetAccount returns it (Go's ReservedFund JSON: coins
// as {"thetawei","tfuelwei"} decimal strings, heights and sequences as decimal strings or
// numbers). Only the payee and payment sequence of each transfer record are kept: they are all
// VerifyVoucher reads. InvalidArgument naming the field for anything else.
absl::StatusOr<std::vector<ledger::ReservedFund>> ParseReservedFundsJson(
    const nlohmann::json& account);

// Pools from a theta-node's RPC (theta.GetAccount, theta.GetStatus), each cached for `ttl` so
// that a voucher per segment does not cost a round trip per segment.
class RpcFundSource : public FundSource {
 public:
  RpcFundSource(net::RpcClient rpc, std::chrono::milliseconds ttl = std::chrono::seconds(2))
      : rpc_(std::move(rpc)), ttl_(ttl) {}
  absl::StatusOr<PoolView> Pool(const Address& payer, uint64_t reserve_sequence) override;

 private:
  struct Cached {
    PoolView view;
    std::chrono::steady_clock::time_point at;
  };
  net::RpcClient rpc_;
  std::chrono::milliseconds ttl_;
  absl::Mutex mu_;
  std::map<std::pair<Address, uint64_t>, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

struct EdgePaymentOptions {
  PrivateKey payee;
  std::string chain_id;
  uint256 price_wei_per_segment;
  uint64_t grace_segments = 3;
};

struct EdgePaymentStats {
  uint64_t vouchers_accepted = 0;
  uint64_t vouchers_refused = 0;
  uint64_t refusals = 0;  // MayServe answered false
};

// The edge side: a PaymentHook that accepts only verified vouchers.
class LedgerPaymentHook : public video::PaymentHook {
 public:
  LedgerPaymentHook(EdgePaymentOptions options, std::shared_ptr<FundSource> funds);

  bool MayServe(const net::NodeId& viewer, const video::SegmentEntry& segment) override;
  void Served(const net::NodeId& viewer, const video::SegmentEntry& segment) override;
  absl::Status OnVoucher(const net::NodeId& viewer, ByteView voucher) override;
  Bytes Terms() override;
  void Disconnected(const net::NodeId& viewer) override;

  // The latest voucher of every viewer whose round ended (with `all`, of every viewer), signed
  // for settlement with `fee_wei`; they are handed over once. Zero-amount rounds are skipped.
  std::vector<ledger::ServicePaymentTx> TakeSettlements(const uint256& fee_wei, bool all);

  EdgePaymentStats stats() const;
  // TFUEL wei that `viewer`'s latest accepted voucher pays (0 if none).
  uint256 PaidBy(const net::NodeId& viewer) const;
  const Address& payee() const { return payee_; }

 private:
  struct Account {
    uint64_t served = 0;
    std::optional<ledger::ServicePaymentTx> latest;
  };
  // A round: (payer, reserve sequence, payment sequence); one viewer may use it.
  using Round = std::tuple<Address, uint64_t, uint64_t>;

  const EdgePaymentOptions options_;
  const Address payee_;
  const std::shared_ptr<FundSource> funds_;
  mutable absl::Mutex mu_;
  std::map<net::NodeId, Account> accounts_ ABSL_GUARDED_BY(mu_);
  std::map<Round, net::NodeId> rounds_ ABSL_GUARDED_BY(mu_);
  std::vector<ledger::ServicePaymentTx> ended_ ABSL_GUARDED_BY(mu_);
  EdgePaymentStats stats_ ABSL_GUARDED_BY(mu_);
};

struct ViewerPaymentOptions {
  PrivateKey payer;
  std::string chain_id;
  uint64_t reserve_sequence = 0;  // the ReserveFundTx's source sequence
  std::string resource_id;
  uint256 deposit_wei;    // never sign more than this in total
  uint256 max_price_wei;  // per segment; pricier edges are not paid
  // First payment sequence of this session (0: the current Unix time in milliseconds, so that a
  // later session's sequences are above the ones edges settled before).
  uint64_t first_payment_sequence = 0;
};

struct ViewerPaymentStats {
  uint64_t vouchers = 0;
  uint256 committed_wei;  // sum of the latest amount signed to each edge
};

// The viewer side: signs a cumulative voucher per edge after each segment it delivered.
class LedgerVoucherSource : public video::VoucherSource {
 public:
  explicit LedgerVoucherSource(ViewerPaymentOptions options);

  std::optional<Bytes> VoucherFor(const net::NodeId& server,
                                  const video::SegmentEntry& segment) override;
  absl::Status OnTerms(const net::NodeId& server, ByteView terms) override;

  ViewerPaymentStats stats() const;

 private:
  struct Edge {
    PaymentTerms terms;
    uint64_t payment_sequence = 0;
    uint64_t segments = 0;
    uint256 amount;
  };
  const ViewerPaymentOptions options_;
  mutable absl::Mutex mu_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_);
  std::map<net::NodeId, Edge> edges_ ABSL_GUARDED_BY(mu_);
  ViewerPaymentStats stats_ ABSL_GUARDED_BY(mu_);
};

// Sends a settlement to the node (theta.BroadcastRawTransaction) and returns the tx hash.
absl::StatusOr<std::string> BroadcastSettlement(const net::RpcClient& rpc,
                                                const ledger::ServicePaymentTx& settlement);

}  // namespace theta::edge
