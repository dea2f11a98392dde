// libFuzzer target for theta-ledger's voucher verifier (micropayment.hpp), which an edge node runs
// on every voucher a viewer sends it. The input is XORed over the raw bytes of one genuine voucher,
// so mutations stay close to a valid one. Properties: no crash; a voucher the verifier accepts says
// what the payer signed (same source sign bytes as the genuine voucher: no forged amount, payee,
// pool, resource or sequence gets through), pays TFUEL only, to this payee, within the deposit;
// and settlement of an accepted voucher round-trips through the wire format.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/ledger/micropayment.hpp"

namespace {

using namespace theta;          // NOLINT(google-build-using-namespace): fuzz harness
using namespace theta::ledger;  // NOLINT(google-build-using-namespace)

constexpr char kChain[] = "privatenet";

struct Setup {
  PrivateKey payer = *PrivateKey::FromBytes(Bytes(32, 1));
  PrivateKey payee = *PrivateKey::FromBytes(Bytes(32, 2));
  Address payee_address = AddressFromPublicKey(payee.DerivePublicKey());
  ReservedFund pool{Coins::TFuel(11'000),
                    Coins::TFuel(10'000),
                    Coins::TFuel(2'000),
                    {"video-1", "video-2"},
                    1'000,
                    1,
                    {}};
  ServicePaymentTx genuine;
  Bytes raw;
  Bytes signed_bytes;

  Setup() {
    genuine = *CreateVoucher(VoucherTerms{payee_address, 5'000, 3, 1, "video-1"}, payer, kChain);
    raw = EncodeTx(genuine);
    signed_bytes = ServicePaymentSourceSignBytes(genuine, kChain);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Setup setup;
  Bytes raw = setup.raw;
  for (size_t i = 0; i < size; ++i)
    raw[i % raw.size()] ^= data[i];
  if (size > raw.size()) raw.insert(raw.end(), data + raw.size(), data + size);  // growth
  auto tx = DecodeTx(raw);
  if (!tx.ok()) return 0;
  const auto* voucher = std::get_if<ServicePaymentTx>(&*tx);
  if (voucher == nullptr) return 0;
  const bool accepted = VerifyVoucher(*voucher, setup.payee_address, setup.pool, 500, kChain).ok();
  if (size == 0 && !accepted) std::abort();  // the genuine voucher must pass (no false reject)
  if (!accepted) return 0;
  if (ServicePaymentSourceSignBytes(*voucher, kChain) != setup.signed_bytes) std::abort();
  if (voucher->target.address != setup.payee_address) std::abort();
  if (!voucher->source.coins.theta_wei.IsZero()) std::abort();
  if (voucher->source.coins.tfuel_wei > uint256(8'000)) std::abort();
  auto settled = SettleVoucher(*voucher, setup.payee, 1, kChain);
  if (!settled.ok()) std::abort();
  auto again = DecodeTx(EncodeTx(*settled));
  if (!again.ok() || std::get<ServicePaymentTx>(*again) != *settled) std::abort();
  return 0;
}
