// The off-chain voucher API (see micropayment.hpp).
#include "theta/ledger/micropayment.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

std::string Hex(const Address& a) {
  return ToChecksumHex(a);
}

// The rules a voucher breaks on its face, whatever the pool.
absl::Status CheckVoucherShape(const ServicePaymentTx& voucher, const Address& payee,
                               std::string_view chain_id) {
  if (voucher.target.address != payee)
    return absl::InvalidArgumentError(
        absl::StrCat("voucher: pays ", Hex(voucher.target.address), ", not ", Hex(payee)));
  if (voucher.source.address == payee)
    return absl::InvalidArgumentError("voucher: payer and payee are the same account");
  if (!voucher.source.coins.theta_wei.IsZero())
    return absl::InvalidArgumentError("voucher: pays THETA; vouchers pay TFUEL only");
  if (voucher.payment_sequence == 0)
    return absl::InvalidArgumentError("voucher: payment sequence 0 (sequences start at 1)");
  const absl::Status sig = VerifySignature(ServicePaymentSourceSignBytes(voucher, chain_id),
                                           voucher.source.signature, voucher.source.address);
  if (!sig.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("voucher: payer signature: ", std::string(sig.message())));
  return absl::OkStatus();
}

absl::Status CheckAgainstPrevious(const ServicePaymentTx& voucher,
                                  const ServicePaymentTx& previous) {
  if (voucher.source.address != previous.source.address ||
      voucher.reserve_sequence != previous.reserve_sequence)
    return absl::InvalidArgumentError("voucher: is from another pool than the previous one");
  if (voucher.payment_sequence < previous.payment_sequence)
    return absl::InvalidArgumentError(
        absl::StrCat("voucher: payment sequence ", voucher.payment_sequence,
                     " goes back from the previous ", previous.payment_sequence));
  if (voucher.payment_sequence == previous.payment_sequence &&
      voucher.source.coins.tfuel_wei < previous.source.coins.tfuel_wei)
    return absl::InvalidArgumentError(
        absl::StrCat("voucher: amount ", voucher.source.coins.tfuel_wei.ToDecimal(),
                     " is below the previous ", previous.source.coins.tfuel_wei.ToDecimal(),
                     " of the same payment sequence (amounts are cumulative)"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServicePaymentTx> CreateVoucher(const VoucherTerms& terms, const PrivateKey& payer,
                                               std::string_view chain_id) {
  const Address payer_address = AddressFromPublicKey(payer.DerivePublicKey());
  if (terms.payee == payer_address)
    return absl::InvalidArgumentError("voucher: the payer cannot pay itself");
  if (terms.payment_sequence == 0)
    return absl::InvalidArgumentError("voucher: payment sequence 0 (sequences start at 1)");
  ServicePaymentTx voucher;
  voucher.source = TxInput{payer_address, Coins::TFuel(terms.amount_tfuel_wei), 0, {}};
  voucher.target = TxInput{terms.payee, Coins{}, 0, {}};
  voucher.payment_sequence = terms.payment_sequence;
  voucher.reserve_sequence = terms.reserve_sequence;
  voucher.resource_id = terms.resource_id;
  THETA_RETURN_IF_ERROR(SignServicePaymentSource(voucher, chain_id, payer));
  return voucher;
}

absl::StatusOr<ReservedFund> FindReservedFund(const Account& payer, uint64_t reserve_sequence) {
  for (const ReservedFund& fund : payer.reserved_funds) {
    if (fund.reserve_sequence == reserve_sequence) return fund;
  }
  return absl::NotFoundError(absl::StrCat("voucher: ", Hex(payer.address),
                                          " has no reserved fund with reserve sequence ",
                                          reserve_sequence));
}

absl::Status VerifyVoucher(const ServicePaymentTx& voucher, const Address& payee,
                           const ReservedFund& pool, uint64_t parent_height,
                           std::string_view chain_id, const ServicePaymentTx* previous) {
  THETA_RETURN_IF_ERROR(CheckVoucherShape(voucher, payee, chain_id));
  if (previous != nullptr) THETA_RETURN_IF_ERROR(CheckAgainstPrevious(voucher, *previous));
  if (voucher.reserve_sequence != pool.reserve_sequence)
    return absl::FailedPreconditionError(absl::StrCat("voucher: is for reserve sequence ",
                                                      voucher.reserve_sequence, ", the pool has ",
                                                      pool.reserve_sequence));
  if (pool.end_block_height < parent_height)
    return absl::FailedPreconditionError(
        absl::StrCat("voucher: the pool expired at block height ", pool.end_block_height));
  if (std::find(pool.resource_ids.begin(), pool.resource_ids.end(), voucher.resource_id) ==
      pool.resource_ids.end())
    return absl::FailedPreconditionError(
        absl::StrCat("voucher: the pool is not for resource \"", voucher.resource_id, "\""));
  for (const ServicePaymentTx& record : pool.transfer_records) {
    if (record.target.address == payee && record.payment_sequence >= voucher.payment_sequence)
      return absl::FailedPreconditionError(
          absl::StrCat("voucher: payment sequence ", voucher.payment_sequence,
                       " is not above the settled ", record.payment_sequence));
  }
  const uint256 remaining = pool.initial_fund.tfuel_wei >= pool.used_fund.tfuel_wei
                                ? pool.initial_fund.tfuel_wei - pool.used_fund.tfuel_wei
                                : uint256(0);
  if (voucher.source.coins.tfuel_wei > remaining)
    return absl::FailedPreconditionError(
        absl::StrCat("voucher: amount ", voucher.source.coins.tfuel_wei.ToDecimal(),
                     " is over the remaining deposit ", remaining.ToDecimal()));
  return absl::OkStatus();
}

absl::StatusOr<ServicePaymentTx> SettleVoucher(ServicePaymentTx voucher, const PrivateKey& payee,
                                               const uint256& fee_tfuel_wei,
                                               std::string_view chain_id) {
  if (AddressFromPublicKey(payee.DerivePublicKey()) != voucher.target.address)
    return absl::InvalidArgumentError(
        absl::StrCat("voucher: the key is not the payee ", Hex(voucher.target.address)));
  voucher.fee = Coins::TFuel(fee_tfuel_wei);
  voucher.target.signature.clear();
  Tx tx = std::move(voucher);
  THETA_RETURN_IF_ERROR(SignTx(tx, chain_id, payee));
  return std::get<ServicePaymentTx>(std::move(tx));
}

}  // namespace theta::ledger
