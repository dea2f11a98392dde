#include "payment_flags.hpp"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "theta/core/status.hpp"

ABSL_FLAG(std::string, payee_key, "",
          "serve: the edge's secp256k1 key, 0x + 64 hex; charges viewers and receives the TFUEL");
ABSL_FLAG(std::string, price_wei, "1000000000000000", "serve: TFUEL wei charged per segment");
ABSL_FLAG(uint64_t, grace_segments, 3,
          "serve: segments a viewer may be behind with its vouchers before PaymentRequired");
ABSL_FLAG(std::string, node_rpc, "",
          "serve: theta-node RPC URL (http://host:port/rpc) for pools and settlements");
ABSL_FLAG(std::string, chain_id, "", "chain ID vouchers are signed for (default: the node's)");
ABSL_FLAG(std::string, settle_fee_wei, "300000000000000000",
          "serve: TFUEL wei fee of each settlement transaction");
ABSL_FLAG(int, settle_interval_s, 10, "serve: how often ended payment rounds are settled");
ABSL_FLAG(std::string, payer_key, "",
          "watch: the viewer's secp256k1 key, 0x + 64 hex, owner of the reserve fund");
ABSL_FLAG(uint64_t, reserve_sequence, 0, "watch: the reserve fund's (ReserveFundTx's) sequence");
ABSL_FLAG(std::string, resource_id, "", "watch: the resource ID the reserve fund lists");
ABSL_FLAG(std::string, deposit_wei, "0",
          "watch: the reserve fund's deposit in TFUEL wei; never signed past");
ABSL_FLAG(std::string, max_price_wei, "10000000000000000",
          "watch: the most TFUEL wei per segment the viewer pays an edge");

namespace theta::edge {
namespace {

absl::StatusOr<uint256> Wei(const std::string& flag, const std::string& text) {
  absl::StatusOr<uint256> value = uint256::FromDecimal(text);
  if (!value.ok())
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": not a decimal amount of wei"));
  return *value;
}

absl::StatusOr<net::RpcClient> NodeRpc() {
  if (absl::GetFlag(FLAGS_node_rpc).empty())
    return absl::InvalidArgumentError("--node_rpc is required with --payee_key");
  return net::RpcClient::Create(absl::GetFlag(FLAGS_node_rpc));
}

absl::StatusOr<std::string> ChainId(const net::RpcClient* rpc) {
  if (!absl::GetFlag(FLAGS_chain_id).empty()) return absl::GetFlag(FLAGS_chain_id);
  if (rpc == nullptr) return absl::InvalidArgumentError("--chain_id is required with --payer_key");
  THETA_ASSIGN_OR_RETURN(nlohmann::json status,
                         rpc->Call("theta.GetStatus", nlohmann::json::object()));
  if (!status.is_object() || !status.contains("chain_id") || !status["chain_id"].is_string())
    return absl::InternalError(absl::StrCat("theta.GetStatus from ", rpc->url(), ": no chain_id"));
  return status["chain_id"].get<std::string>();
}

}  // namespace

absl::StatusOr<std::shared_ptr<LedgerPaymentHook>> EdgePaymentsFromFlags() {
  if (absl::GetFlag(FLAGS_payee_key).empty()) return nullptr;
  absl::StatusOr<PrivateKey> key = PrivateKey::FromHex(absl::GetFlag(FLAGS_payee_key));
  if (!key.ok()) return absl::InvalidArgumentError("--payee_key: not 0x + 64 hex of a valid key");
  THETA_ASSIGN_OR_RETURN(net::RpcClient rpc, NodeRpc());
  THETA_ASSIGN_OR_RETURN(std::string chain_id, ChainId(&rpc));
  THETA_ASSIGN_OR_RETURN(uint256 price, Wei("price_wei", absl::GetFlag(FLAGS_price_wei)));
  return std::make_shared<LedgerPaymentHook>(
      EdgePaymentOptions{*key, chain_id, price, absl::GetFlag(FLAGS_grace_segments)},
      std::make_shared<RpcFundSource>(rpc));
}

absl::StatusOr<std::shared_ptr<LedgerVoucherSource>> ViewerPaymentsFromFlags() {
  if (absl::GetFlag(FLAGS_payer_key).empty()) return nullptr;
  absl::StatusOr<PrivateKey> key = PrivateKey::FromHex(absl::GetFlag(FLAGS_payer_key));
  if (!key.ok()) return absl::InvalidArgumentError("--payer_key: not 0x + 64 hex of a valid key");
  if (absl::GetFlag(FLAGS_reserve_sequence) == 0 || absl::GetFlag(FLAGS_resource_id).empty())
    return absl::InvalidArgumentError(
        "--payer_key needs --reserve_sequence and --resource_id of the viewer's reserve fund");
  std::optional<net::RpcClient> rpc;
  if (!absl::GetFlag(FLAGS_node_rpc).empty()) {
    THETA_ASSIGN_OR_RETURN(rpc, NodeRpc());
  }
  THETA_ASSIGN_OR_RETURN(std::string chain_id, ChainId(rpc ? &*rpc : nullptr));
  THETA_ASSIGN_OR_RETURN(uint256 deposit, Wei("deposit_wei", absl::GetFlag(FLAGS_deposit_wei)));
  THETA_ASSIGN_OR_RETURN(uint256 max_price,
                         Wei("max_price_wei", absl::GetFlag(FLAGS_max_price_wei)));
  return std::make_shared<LedgerVoucherSource>(
      ViewerPaymentOptions{*key, chain_id, absl::GetFlag(FLAGS_reserve_sequence),
                           absl::GetFlag(FLAGS_resource_id), deposit, max_price});
}

absl::StatusOr<std::unique_ptr<Settler>> Settler::FromFlags(
    std::shared_ptr<LedgerPaymentHook> hook) {
  if (!hook) return nullptr;
  THETA_ASSIGN_OR_RETURN(net::RpcClient rpc, NodeRpc());
  auto settler = std::unique_ptr<Settler>(new Settler(std::move(hook), std::move(rpc)));
  THETA_ASSIGN_OR_RETURN(settler->fee_wei_,
                         Wei("settle_fee_wei", absl::GetFlag(FLAGS_settle_fee_wei)));
  const absl::Duration interval =
      absl::Seconds(std::max(1, absl::GetFlag(FLAGS_settle_interval_s)));
  settler->thread_ = std::thread([s = settler.get(), interval] {
    while (!s->stop_.WaitForNotificationWithTimeout(interval))
      s->SettleNow(false);
  });
  return settler;
}

Settler::~Settler() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
  SettleNow(true);
}

size_t Settler::SettleNow(bool all) {
  size_t sent = 0;
  for (const ledger::ServicePaymentTx& tx : hook_->TakeSettlements(fee_wei_, all)) {
    absl::StatusOr<std::string> hash = BroadcastSettlement(rpc_, tx);
    if (hash.ok()) {
      ++sent;
      std::cout << "theta-edge: settled " << tx.source.coins.tfuel_wei.ToDecimal() << " wei from "
                << ToChecksumHex(tx.source.address) << " in tx " << *hash << std::endl;
    } else {
      std::cerr << "theta-edge: settlement from " << ToChecksumHex(tx.source.address)
                << " failed: " << hash.status() << std::endl;
    }
  }
  return sent;
}

}  // namespace theta::edge
