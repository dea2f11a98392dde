#include "theta/wallet/guardian_summary.hpp"

#include "absl/strings/str_cat.h"
#include "theta/ledger/tx.hpp"

namespace theta::wallet {
namespace bls = crypto::bls;

HolderSummary MakeHolderSummary(const PrivateKey& holder, const bls::SecretKey& bls_key) {
  HolderSummary summary;
  summary.holder = AddressFromPublicKey(holder.DerivePublicKey());
  const auto pubkey = bls::SkToPk(bls_key).ToBytes();
  const auto pop = bls::PopProve(bls_key).ToBytes();
  summary.bls_pubkey.assign(pubkey.begin(), pubkey.end());
  summary.bls_pop.assign(pop.begin(), pop.end());
  summary.holder_sig = ledger::SignMessage(summary.bls_pop, holder);
  return summary;
}

absl::StatusOr<HolderSummary> ParseHolderSummary(std::string_view text) {
  if (text.substr(0, 2) == "0x") text.remove_prefix(2);
  auto bytes = ParseHexDigits(text);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("holder summary: ", bytes.status().message()));
  }
  if (bytes->size() != kHolderSummarySize) {
    return absl::InvalidArgumentError(absl::StrCat("holder summary: expected ", kHolderSummarySize,
                                                   " bytes (", 2 * kHolderSummarySize,
                                                   " hex digits), got ", bytes->size()));
  }
  HolderSummary summary;
  ByteView all = *bytes;
  summary.holder = *Address::FromBytes(all.subspan(0, 20));
  summary.bls_pubkey.assign(all.begin() + 20, all.begin() + 68);
  summary.bls_pop.assign(all.begin() + 68, all.begin() + 164);
  summary.holder_sig.assign(all.begin() + 164, all.end());
  auto pubkey = bls::PublicKey::FromBytes(summary.bls_pubkey);
  if (!pubkey.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("holder summary: BLS public key: ", pubkey.status().message()));
  }
  auto pop = bls::Signature::FromBytes(summary.bls_pop);
  if (!pop.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("holder summary: proof of possession: ", pop.status().message()));
  }
  if (!bls::PopVerify(*pubkey, *pop)) {
    return absl::InvalidArgumentError(
        "holder summary: the proof of possession does not verify for the BLS key");
  }
  absl::Status signed_by_holder =
      ledger::VerifySignature(summary.bls_pop, summary.holder_sig, summary.holder);
  if (!signed_by_holder.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("holder summary: holder signature: ", signed_by_holder.message()));
  }
  return summary;
}

std::string FormatHolderSummary(const HolderSummary& summary) {
  Bytes all(summary.holder.view().begin(), summary.holder.view().end());
  all.insert(all.end(), summary.bls_pubkey.begin(), summary.bls_pubkey.end());
  all.insert(all.end(), summary.bls_pop.begin(), summary.bls_pop.end());
  all.insert(all.end(), summary.holder_sig.begin(), summary.holder_sig.end());
  return ToHex(all);
}

}  // namespace theta::wallet
