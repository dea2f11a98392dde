#include "ledger_payment_hook.hpp"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "theta/core/address.hpp"

namespace theta::edge {

LedgerPaymentHook::LedgerPaymentHook(PrivateKey requester, LedgerPaymentOptions options)
    : requester_(std::move(requester)),
      requester_address_(AddressFromPublicKey(requester_.DerivePublicKey())),
      options_(std::move(options)) {}

absl::Status LedgerPaymentHook::OnVerified(const compute::WorkReceipt& receipt) {
  if (receipt.requester != requester_address_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "edge payment: job ", receipt.job_id, " was ordered by ", receipt.requester.ToHex(),
        ", this hook pays for ", requester_address_.ToHex()));
  }
  std::lock_guard lock(mu_);
  const uint256 owed = owed_[receipt.worker.payee] + receipt.price_tfuel_wei;
  ledger::VoucherTerms terms{receipt.worker.payee, owed, options_.payment_sequence,
                             options_.reserve_sequence, options_.resource_id};
  absl::StatusOr<ledger::ServicePaymentTx> voucher =
      ledger::CreateVoucher(terms, requester_, options_.chain_id);
  if (!voucher.ok()) return voucher.status();
  owed_[receipt.worker.payee] = owed;
  vouchers_[receipt.worker.payee] = std::move(*voucher);
  return absl::OkStatus();
}

void LedgerPaymentHook::OnFault(const compute::FaultReport& report) {
  std::lock_guard lock(mu_);
  reports_.push_back(report);
  spdlog::warn("edge payment: worker {} ({}) delivered a wrong result for job {}: {} {}",
               report.worker.id, report.worker.payee.ToHex(), report.job_id, report.reason,
               report.detail);
  if (options_.report_path.empty()) return;
  std::ofstream out(options_.report_path, std::ios::app);
  out << report.ToJson() << "\n";
  if (!out) spdlog::error("edge payment: cannot append to {}", options_.report_path);
}

std::optional<ledger::ServicePaymentTx> LedgerPaymentHook::LatestVoucher(
    const Address& payee) const {
  std::lock_guard lock(mu_);
  auto it = vouchers_.find(payee);
  if (it == vouchers_.end()) return std::nullopt;
  return it->second;
}

uint256 LedgerPaymentHook::OwedTo(const Address& payee) const {
  std::lock_guard lock(mu_);
  auto it = owed_.find(payee);
  return it == owed_.end() ? uint256(0) : it->second;
}

std::vector<compute::FaultReport> LedgerPaymentHook::reports() const {
  std::lock_guard lock(mu_);
  return reports_;
}

}  // namespace theta::edge
