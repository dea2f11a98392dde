// Builds a Theta SendTx (1 THETA and 2 TFUEL from a key to an address), signs it for a chain,
// encodes it to the raw bytes theta.BroadcastRawTransaction takes, then decodes those bytes and
// checks the signature, as a node would. Exits non-zero on any error.
#include <cstdio>
#include <string>

#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/ledger/tx.hpp"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "sign-transaction: %s\n", std::string(status.ToString()).c_str());
  return 1;
}

}  // namespace

int main() {
  using namespace theta;
  constexpr std::string_view kChainId = "privatenet";
  // A fixed test key (never use a published key for real funds).
  auto key =
      PrivateKey::FromHex("0x93a90ea508331dfdf27fb79757d4250b4e84954927ba0073cd67454ac432c737");
  auto to = ParseAddress("0x9F1233798E905E173560071255140b4A8aBd3Ec6");
  if (!key.ok()) return Fail(key.status());
  if (!to.ok()) return Fail(to.status());
  const Address from = AddressFromPublicKey(key->DerivePublicKey());

  const uint256 one = uint256(1'000'000'000'000'000'000ULL);  // 10^18 wei
  ledger::SendTx send;
  send.fee = ledger::Coins::TFuel(uint256(300'000'000'000'000'000ULL));  // 0.3 TFUEL
  send.inputs.push_back({from, {one, one + one + send.fee.tfuel_wei}, /*sequence=*/1, {}});
  send.outputs.push_back({*to, {one, one + one}});

  ledger::Tx tx = send;
  if (auto status = ledger::SignTx(tx, kChainId, *key); !status.ok()) return Fail(status);
  const Bytes raw = ledger::EncodeTx(tx);

  auto decoded = ledger::DecodeTx(raw);
  if (!decoded.ok()) return Fail(decoded.status());
  const auto& received = std::get<ledger::SendTx>(*decoded);
  const Bytes sign_bytes = ledger::SignBytes(*decoded, kChainId);
  if (auto status = ledger::VerifySignature(sign_bytes, received.inputs[0].signature, from);
      !status.ok()) {
    return Fail(status);
  }
  std::printf("from     %s\n", ToChecksumHex(from).c_str());
  std::printf("tx hash  %s\n", ledger::TxHash(raw).ToHex().c_str());
  std::printf("raw tx   %s\n", ToHex(raw).c_str());
  std::printf("signature verified\n");
  return 0;
}
