// Sign bytes, signing and signature checks of Theta transactions (ledger/types/tx.go SignBytes,
// addPrefixForSignBytes, ChangeEthereumTxWrapper).
#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {
namespace {

// W(payload): the RLP of an Ethereum legacy transaction with every field zero (`to` the zero
// address) and `payload` as its data; kV2 adds EIP-155's [chainId 1, 0, 0].
Bytes Wrap(ByteView payload, SignWrapper wrapper) {
  RlpWriter w;
  w.BeginList().AddUint(0).AddUint(0).AddUint(0).AddBytes(Address{}.view()).AddUint(0);
  w.AddBytes(payload);
  if (wrapper == SignWrapper::kV2) w.AddUint(1).AddUint(0).AddUint(0);
  w.EndList();
  return std::move(w).Finish();
}

Bytes WrapTx(const Tx& unsigned_tx, std::string_view chain_id, SignWrapper wrapper) {
  RlpWriter w;
  w.AddString(chain_id);
  WriteTx(w, unsigned_tx);
  return Wrap(std::move(w).Finish(), wrapper);
}

// Empties the signatures that the signer(s) of `tx` sign over.
struct ClearSignerSignatures {
  void operator()(CoinbaseTx& tx) const { tx.proposer.signature.clear(); }
  void operator()(SlashTx& tx) const { tx.proposer.signature.clear(); }
  void operator()(SendTx& tx) const {
    for (TxInput& in : tx.inputs)
      in.signature.clear();
  }
  void operator()(ReserveFundTx& tx) const { tx.source.signature.clear(); }
  void operator()(ReleaseFundTx& tx) const { tx.source.signature.clear(); }
  void operator()(ServicePaymentTx& tx) const { tx.target.signature.clear(); }
  void operator()(SplitRuleTx& tx) const { tx.initiator.signature.clear(); }
  void operator()(SmartContractTx& tx) const { tx.from.signature.clear(); }
  void operator()(DepositStakeTx& tx) const { tx.source.signature.clear(); }
  void operator()(WithdrawStakeTx& tx) const { tx.source.signature.clear(); }
  void operator()(DepositStakeV2Tx& tx) const { tx.source.signature.clear(); }
  void operator()(StakeRewardDistributionTx& tx) const { tx.holder.signature.clear(); }
};

// The signer inputs of `tx` (pointers into it).
std::vector<TxInput*> SignerInputs(Tx& tx) {
  return std::visit(
      [](auto& t) -> std::vector<TxInput*> {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, SendTx>) {
          std::vector<TxInput*> out;
          for (TxInput& in : t.inputs)
            out.push_back(&in);
          return out;
        } else if constexpr (std::is_same_v<T, CoinbaseTx> || std::is_same_v<T, SlashTx>) {
          return {&t.proposer};
        } else if constexpr (std::is_same_v<T, ServicePaymentTx>) {
          return {&t.target};
        } else if constexpr (std::is_same_v<T, SplitRuleTx>) {
          return {&t.initiator};
        } else if constexpr (std::is_same_v<T, SmartContractTx>) {
          return {&t.from};
        } else if constexpr (std::is_same_v<T, StakeRewardDistributionTx>) {
          return {&t.holder};
        } else {
          return {&t.source};
        }
      },
      tx);
}

}  // namespace

Bytes SignBytes(const Tx& tx, std::string_view chain_id, SignWrapper wrapper) {
  Tx copy = tx;
  std::visit(ClearSignerSignatures{}, copy);
  if (auto* v2 = std::get_if<DepositStakeV2Tx>(&copy); v2 && v2->purpose == kStakeForValidator) {
    // stake for a validator carries no BLS summary: it signs what a type-8 deposit would.
    return WrapTx(DepositStakeTx{v2->fee, v2->source, v2->holder, v2->purpose}, chain_id, wrapper);
  }
  return WrapTx(copy, chain_id, wrapper);
}

Bytes ServicePaymentSourceSignBytes(const ServicePaymentTx& tx, std::string_view chain_id,
                                    SignWrapper wrapper) {
  ServicePaymentTx voucher = tx;
  voucher.fee = Coins{};
  voucher.source = TxInput{tx.source.address, tx.source.coins, 0, {}};
  voucher.target = TxInput{tx.target.address, Coins{}, 0, {}};
  return WrapTx(voucher, chain_id, wrapper);
}

Bytes SignMessage(ByteView sign_bytes, const PrivateKey& key) {
  const Signature sig = Sign(key, Keccak256(sign_bytes));
  return Bytes(sig.bytes.view().begin(), sig.bytes.view().end());
}

absl::Status VerifySignature(ByteView sign_bytes, ByteView signature, const Address& signer) {
  // The checksummed address (one more keccak) is only built for an error message.
  auto who = [&] { return ToChecksumHex(signer); };
  if (signature.empty())
    return absl::InvalidArgumentError(absl::StrCat("ledger: signature of ", who(), " is missing"));
  absl::StatusOr<Signature> sig = Signature::FromBytes(signature);
  if (!sig.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: signature of ", who(), " has ", signature.size(), " bytes, not 65"));
  absl::StatusOr<Address> recovered = RecoverAddress(Keccak256(sign_bytes), *sig);
  if (!recovered.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: signature of ", who(),
                     " is malformed: ", std::string(recovered.status().message())));
  if (*recovered != signer)
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: signature of ", who(), " was made by ", ToChecksumHex(*recovered)));
  return absl::OkStatus();
}

absl::Status VerifyTxSignatures(const Tx& tx, std::string_view chain_id, bool allow_v2) {
  auto check = [&](const Bytes& v1, const Bytes& v2, ByteView sig, const Address& signer) {
    const absl::Status first = VerifySignature(v1, sig, signer);
    if (first.ok() || !allow_v2) return first;
    return VerifySignature(v2, sig, signer).ok() ? absl::OkStatus() : first;
  };
  if (const auto* payment = std::get_if<ServicePaymentTx>(&tx)) {
    absl::Status source = check(
        ServicePaymentSourceSignBytes(*payment, chain_id),
        allow_v2 ? ServicePaymentSourceSignBytes(*payment, chain_id, SignWrapper::kV2) : Bytes{},
        payment->source.signature, payment->source.address);
    if (!source.ok()) return source;
  }
  const Bytes v1 = SignBytes(tx, chain_id);
  const Bytes v2 = allow_v2 ? SignBytes(tx, chain_id, SignWrapper::kV2) : Bytes{};
  Tx copy = tx;
  for (const TxInput* in : SignerInputs(copy)) {
    absl::Status status = check(v1, v2, in->signature, in->address);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SignTx(Tx& tx, std::string_view chain_id, const PrivateKey& key) {
  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  const Bytes signature = SignMessage(SignBytes(tx, chain_id), key);
  bool signed_any = false;
  for (TxInput* in : SignerInputs(tx)) {
    if (in->address != address) continue;
    in->signature = signature;
    signed_any = true;
  }
  if (!signed_any)
    return absl::NotFoundError(absl::StrCat("ledger: ", ToChecksumHex(address),
                                            " is not a signer of this ",
                                            std::string(TxTypeName(TypeOf(tx))), "Tx"));
  return absl::OkStatus();
}

absl::Status SignServicePaymentSource(ServicePaymentTx& tx, std::string_view chain_id,
                                      const PrivateKey& key) {
  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  if (address != tx.source.address)
    return absl::InvalidArgumentError(absl::StrCat("ledger: ", ToChecksumHex(address),
                                                   " is not the payer ",
                                                   ToChecksumHex(tx.source.address)));
  tx.source.signature = SignMessage(ServicePaymentSourceSignBytes(tx, chain_id), key);
  return absl::OkStatus();
}

}  // namespace theta::ledger
