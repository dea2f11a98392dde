// The edge app's compute PaymentHook: the requester's side of paying for verified jobs with the
// ledger's off-chain micropayments (theta/ledger/micropayment.hpp). Each WorkReceipt raises what
// the requester owes that worker in the current settlement round and yields a fresh voucher
// (a ServicePaymentTx signed by the requester) for the cumulative amount; the worker checks it
// with VerifyVoucher and settles only the latest one. A FaultReport pays nothing: it is kept, and
// appended as one JSON line to `report_path` when set, as the record a requester can publish.
//
// theta::compute knows nothing of this; the seam is compute::PaymentHook. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "theta/compute/payment_hook.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/ledger/micropayment.hpp"

namespace theta::edge {

struct LedgerPaymentOptions {
  std::string chain_id = "privatenet";
  // The requester's ReserveFundTx (its source sequence) and a resource ID that pool lists.
  uint64_t reserve_sequence = 0;
  std::string resource_id;
  // The settlement round; amounts are cumulative within it.
  uint64_t payment_sequence = 1;
  // Where fault reports are appended as JSON lines; empty keeps them in memory only.
  std::string report_path;
};

class LedgerPaymentHook : public compute::PaymentHook {
 public:
  // `requester` signs the vouchers; receipts for orders of another requester are refused.
  LedgerPaymentHook(PrivateKey requester, LedgerPaymentOptions options);

  // Signs the voucher for everything owed to `receipt.worker.payee` so far, this job included.
  // FailedPrecondition when the receipt's requester is not this hook's key; CreateVoucher's errors
  // (InvalidArgument: the payee is the requester). Nothing is owed more when it fails.
  absl::Status OnVerified(const compute::WorkReceipt& receipt) override;
  void OnFault(const compute::FaultReport& report) override;

  const Address& requester() const noexcept { return requester_address_; }
  // The latest voucher for `payee` (nullopt: nothing verified for it yet).
  std::optional<ledger::ServicePaymentTx> LatestVoucher(const Address& payee) const;
  // Cumulative TFUEL wei owed to `payee` in this round.
  uint256 OwedTo(const Address& payee) const;
  std::vector<compute::FaultReport> reports() const;

 private:
  PrivateKey requester_;
  Address requester_address_;
  LedgerPaymentOptions options_;
  mutable std::mutex mu_;
  std::map<Address, uint256> owed_;
  std::map<Address, ledger::ServicePaymentTx> vouchers_;
  std::vector<compute::FaultReport> reports_;
};

}  // namespace theta::edge
