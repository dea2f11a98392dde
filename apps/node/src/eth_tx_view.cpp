// Committed transactions as Ethereum tools see them (eth_internal.hpp TxView): Ethereum txs in
// full, Theta txs by sender, recipient and signature.
#include <type_traits>
#include <variant>

#include "eth_internal.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {
namespace {

// Theta's signer of each tx type (the one whose sequence it carries; for a ServicePayment, the
// payee who broadcasts it) and the account it pays or acts on, when there is one.
struct Parties {
  const ledger::TxInput* signer = nullptr;
  std::optional<Address> to;
};

Parties PartiesOf(const ledger::Tx& tx) {
  return std::visit(
      [](const auto& t) -> Parties {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, ledger::CoinbaseTx> || std::is_same_v<T, ledger::SlashTx>) {
          return {&t.proposer, std::nullopt};
        } else if constexpr (std::is_same_v<T, ledger::SendTx>) {
          return {t.inputs.empty() ? nullptr : &t.inputs[0],
                  t.outputs.empty() ? std::nullopt : std::optional(t.outputs[0].address)};
        } else if constexpr (std::is_same_v<T, ledger::ReserveFundTx> ||
                             std::is_same_v<T, ledger::ReleaseFundTx>) {
          return {&t.source, std::nullopt};
        } else if constexpr (std::is_same_v<T, ledger::ServicePaymentTx>) {
          return {&t.target, t.source.address};
        } else if constexpr (std::is_same_v<T, ledger::SplitRuleTx>) {
          return {&t.initiator, std::nullopt};
        } else if constexpr (std::is_same_v<T, ledger::SmartContractTx>) {
          const bool create = t.to.address == Address{};
          return {&t.from, create ? std::nullopt : std::optional(t.to.address)};
        } else if constexpr (std::is_same_v<T, ledger::StakeRewardDistributionTx>) {
          return {&t.holder, t.beneficiary.address};
        } else {  // DepositStake, WithdrawStake, DepositStakeV2
          return {&t.source, t.holder.address};
        }
      },
      tx);
}

TxView ViewTheta(const ledger::Tx& tx, ByteView raw) {
  TxView view;
  view.hash = Keccak256(raw);
  const Parties parties = PartiesOf(tx);
  if (parties.signer != nullptr) {
    view.from = parties.signer->address;
    view.nonce = parties.signer->sequence > 0 ? parties.signer->sequence - 1 : 0;
    if (parties.signer->signature.size() == Signature::kSize) {
      const ByteView sig = parties.signer->signature;
      view.r = uint256::LoadBigEndian(sig.subspan(0, 32));
      view.s = uint256::LoadBigEndian(sig.subspan(32, 32));
      view.v = uint256(27u + sig[64]);
    }
  }
  view.to = parties.to;
  if (const auto* contract = std::get_if<ledger::SmartContractTx>(&tx)) {
    view.value = contract->from.coins.tfuel_wei;
    view.gas = contract->gas_limit;
    view.gas_price = contract->gas_price;
    view.input = contract->data;
  }
  return view;
}

}  // namespace

absl::StatusOr<TxView> ViewTx(ByteView raw) {
  absl::StatusOr<ledger::Tx> theta = ledger::DecodeTx(raw);
  if (theta.ok()) return ViewTheta(*theta, raw);
  THETA_ASSIGN_OR_RETURN(ledger::EthTx eth, ledger::DecodeEthTx(raw));
  TxView view;
  view.hash = Keccak256(raw);
  view.ethereum = true;
  THETA_ASSIGN_OR_RETURN(view.from, ledger::EthSender(eth));
  view.to = eth.to;
  view.chain_id = eth.chain_id;
  view.value = eth.value;
  view.nonce = eth.nonce;
  view.gas = eth.gas_limit;
  view.input = eth.data;
  view.r = uint256::FromWord(eth.signature.r());
  view.s = uint256::FromWord(eth.signature.s());
  if (eth.type == ledger::EthTx::Type::kDynamicFee) {
    view.type = 2;
    view.max_fee = eth.max_fee_per_gas;
    view.max_priority_fee = eth.max_priority_fee_per_gas;
    view.gas_price = eth.max_fee_per_gas;  // what the ledger charges per gas (eth_tx.hpp)
    view.access_list = eth.access_list;
    view.v = uint256(eth.signature.v());
  } else if (eth.type == ledger::EthTx::Type::kAccessList) {
    view.type = 1;
    view.gas_price = eth.gas_price;
    view.access_list = eth.access_list;
    view.v = uint256(eth.signature.v());  // typed txs carry yParity
  } else {
    view.gas_price = eth.gas_price;
    view.v = eth.chain_id * uint256(2) + uint256(35u + eth.signature.v());  // EIP-155
  }
  return view;
}

}  // namespace theta::node::eth
