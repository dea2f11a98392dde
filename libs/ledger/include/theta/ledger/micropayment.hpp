// Both sides of Theta's off-chain micropayment flow (brief §4; Go ledger/types/tx.go
// ServicePaymentTx, ledger/execution/tx_service_payment.go), for the payment hooks of
// theta-p2p-video and theta-edge-compute.
//
// A payer (viewer) first locks a deposit and a larger collateral on chain with a ReserveFundTx for
// some resource IDs. It then pays each payee (edge node) off chain with vouchers: ServicePaymentTx
// values signed by the payer only, whose source.coins is the TFUEL owed *so far* in the current
// settlement round (cumulative), for one (reserve sequence, resource ID, payment sequence). The
// payee keeps only the latest voucher, checks each one with VerifyVoucher, and settles it on
// chain with SettleVoucher (adds the fee and its own signature) before the pool expires. The next
// round uses a higher payment sequence and restarts the cumulative amount at zero.
//
// Invariants a verified voucher has: the payer's signature is valid for `chain_id`; it pays TFUEL
// only, to `payee`; its pool exists, has not expired, lists the resource; its payment sequence is
// above every one this payee settled from the pool; its amount fits in what is left of the deposit
// (a payer who signs more than that to several payees is slashed on chain: the payee that settles
// past the deposit receives the rest of the deposit and the collateral).
//
// Everything here is a pure function of its arguments: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/ledger/state.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

// What the payer promises in one voucher.
struct VoucherTerms {
  Address payee;
  uint256 amount_tfuel_wei;  // cumulative within the settlement round
  uint64_t payment_sequence = 0;
  uint64_t reserve_sequence = 0;  // the ReserveFundTx's source sequence
  std::string resource_id;
};

// Payer side: the voucher for `terms`, signed by `payer` (source sign bytes, wrapper V1).
// InvalidArgument when the payee is the payer or the payment sequence is 0.
absl::StatusOr<ServicePaymentTx> CreateVoucher(const VoucherTerms& terms, const PrivateKey& payer,
                                               std::string_view chain_id);

// The payer's reserved fund with `reserve_sequence`, as read from its account; NotFound if none.
absl::StatusOr<ReservedFund> FindReservedFund(const Account& payer, uint64_t reserve_sequence);

// Payee side: checks `voucher` against the payer's pool as the chain holds it at
// `parent_height` (the height a settlement would execute on) and, when given, against the
// previous voucher the payee accepted in this pool. Ok when the invariants of the header comment
// hold and, with `previous`, the voucher does not go back: a lower payment sequence, or the same
// sequence with a smaller amount, is refused. Errors: InvalidArgument for a voucher that is wrong
// on its face (bad or missing payer signature, other payee, THETA, payer = payee, payment sequence
// 0, going back), FailedPrecondition for one the pool cannot honour (no such pool, expired, other
// resource, sequence already settled, amount over the remaining deposit).
absl::Status VerifyVoucher(const ServicePaymentTx& voucher, const Address& payee,
                           const ReservedFund& pool, uint64_t parent_height,
                           std::string_view chain_id, const ServicePaymentTx* previous = nullptr);

// Payee side: the settlement transaction for a verified voucher: the fee set (TFUEL, paid by the
// payee) and the payee's signature over the whole transaction. Send it with EncodeTx. The payer's
// signature covers neither the fee nor the payee's signature, so it stays valid. InvalidArgument
// when the key is not the voucher's payee.
absl::StatusOr<ServicePaymentTx> SettleVoucher(ServicePaymentTx voucher, const PrivateKey& payee,
                                               const uint256& fee_tfuel_wei,
                                               std::string_view chain_id);

}  // namespace theta::ledger
