// Service payments of theta-edge from the command line (see video_payments.hpp for the flow).
//
//   serve:  --payee_key=0x.. enables charging; --price_wei (TFUEL wei per segment),
//           --grace_segments, --node_rpc (the theta-node that holds the pools and takes the
//           settlements), --chain_id, --settle_fee_wei, --settle_interval_s
//   watch:  --payer_key=0x.. enables paying, from the reserve fund --reserve_sequence for
//           --resource_id holding --deposit_wei; --max_price_wei, --chain_id
#pragma once

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "video_payments.hpp"

namespace theta::edge {

// The edge's hook from the flags; nullptr without --payee_key.
absl::StatusOr<std::shared_ptr<LedgerPaymentHook>> EdgePaymentsFromFlags();
// The viewer's voucher source from the flags; nullptr without --payer_key.
absl::StatusOr<std::shared_ptr<LedgerVoucherSource>> ViewerPaymentsFromFlags();

// Broadcasts the settlements of ended rounds every --settle_interval_s, and of every round when it
// is destroyed (the edge shuts down). Failures are logged to stderr and not retried: a voucher the
// node refused would be refused again.
class Settler {
 public:
  // nullptr when `hook` is null.
  static absl::StatusOr<std::unique_ptr<Settler>> FromFlags(
      std::shared_ptr<LedgerPaymentHook> hook);
  ~Settler();

  // Settles now (`all`: also rounds still open); the number broadcast.
  size_t SettleNow(bool all);

 private:
  Settler(std::shared_ptr<LedgerPaymentHook> hook, net::RpcClient rpc)
      : hook_(std::move(hook)), rpc_(std::move(rpc)) {}
  std::shared_ptr<LedgerPaymentHook> hook_;
  net::RpcClient rpc_;
  uint256 fee_wei_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace theta::edge
