// ThetaNode's peer network and RPC servers (node.hpp lists the channels).
#include <chrono>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/node/rpc.hpp"

namespace theta::node {

Bytes EncodeEnvelope(const Envelope& envelope) {
  RlpWriter w;
  w.BeginList().AddUint(envelope.from).AddUint(envelope.to).AddUint(envelope.sequence);
  w.AddBytes(envelope.message).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<Envelope> DecodeEnvelope(ByteView bytes) {
  absl::StatusOr<RlpItem> item = DecodeRlp(bytes);
  if (!item.ok()) return item.status();
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok() || fields->size() != 4)
    return absl::InvalidArgumentError("envelope: not [from, to, sequence, message]");
  absl::StatusOr<uint64_t> from = RlpUint64((*fields)[0]);
  absl::StatusOr<uint64_t> to = RlpUint64((*fields)[1]);
  absl::StatusOr<uint64_t> sequence = RlpUint64((*fields)[2]);
  absl::StatusOr<ByteView> message = RlpBytes((*fields)[3]);
  if (!from.ok() || !to.ok() || !sequence.ok() || !message.ok() || *from > 0xffffffffULL ||
      *to > 0xffffffffULL)
    return absl::InvalidArgumentError("envelope: a field is malformed");
  return Envelope{static_cast<uint32_t>(*from), static_cast<uint32_t>(*to), *sequence,
                  Bytes(message->begin(), message->end())};
}

absl::Status NodeImpl::SetUpNetwork() {
  net::HostOptions options;
  options.listen_address = config_.p2p_listen.host;
  options.listen_port = config_.p2p_listen.port;
  options.network_id = config_.network_id;
  options.max_peers = config_.max_peers;
  options.max_message_size = 8 << 20;
  options.max_send_queue_bytes = 64 << 20;
  options.peer_exchange = true;
  options.logger = log_;
  options.metrics = metrics_;
  for (const Endpoint& seed : config_.seeds) {
    if (seed.port == config_.p2p_listen.port && seed.host == config_.p2p_listen.host) continue;
    options.seeds.push_back(net::PeerAddress{seed.host, seed.port, std::nullopt});
  }
  host_ = std::make_unique<net::Host>(net_io_, *keys_.node, options);
  tx_gossip_ = std::make_unique<net::Gossip>(
      *host_, kTxChannel,
      [this](const net::NodeId& from, ByteView item) { return OnTxBatch(from, item); });
  consensus_gossip_ = std::make_unique<net::Gossip>(
      *host_, kConsensusChannel,
      [this](const net::NodeId&, ByteView item) { return OnConsensusItem(item); });
  guardian_gossip_ = std::make_unique<net::Gossip>(
      *host_, kGuardianChannel,
      [this](const net::NodeId&, ByteView item) { return OnGuardianItem(item); });
  THETA_RETURN_IF_ERROR(host_->RegisterHandler(
      kSyncChannel, [this](const net::NodeId& from, ByteView payload) -> absl::Status {
        Bytes copy(payload.begin(), payload.end());
        boost::asio::post(core_io_, [this, from, copy = std::move(copy)] {
          absl::Status status = OnSyncMessage(from, copy);
          if (!status.ok()) {
            log_->debug("block sync from {}: {}", net::ShortId(from),
                        std::string(status.message()));
            if (absl::IsInvalidArgument(status) && host_)
              host_->Penalize(from, 10, std::string(status.message()));
          }
        });
        return absl::OkStatus();
      }));
  host_->OnPeerConnected([this](const net::PeerInfo& peer) {
    boost::asio::post(core_io_, [this, id = peer.id] { SendStatus(id); });
  });
  host_->OnPeerDisconnected([this](const net::NodeId& peer, const absl::Status&) {
    boost::asio::post(core_io_, [this, peer] { peer_heights_.erase(peer); });
  });
  return absl::OkStatus();
}

absl::Status NodeImpl::SetUpRpc() {
  if (!config_.rpc_enabled) return absl::OkStatus();
  RpcHooks hooks;
  hooks.status = [this] { return Status(); };
  hooks.peers = [this] { return Peers(); };
  hooks.peer_id = ToHex(keys_.node->id().view());
  hooks.eth.max_log_blocks = config_.eth_rpc.max_log_blocks;
  hooks.eth.max_logs = config_.eth_rpc.max_logs;
  hooks.eth.max_filters = config_.eth_rpc.max_filters;
  hooks.eth.filter_timeout = std::chrono::seconds(config_.eth_rpc.filter_timeout_s);
  if (guardian_ && keys_.bls && keys_.account) {
    const auto pubkey = crypto::bls::SkToPk(*keys_.bls).ToBytes();
    const auto pop = crypto::bls::PopProve(*keys_.bls).ToBytes();
    GuardianInfo info{
        address_, Bytes(pubkey.begin(), pubkey.end()), Bytes(pop.begin(), pop.end()), {}};
    info.signature = ledger::SignMessage(info.bls_pop, *keys_.account);
    hooks.guardian = info;
  }
  auto theta_rpc = std::make_shared<net::RpcDispatcher>();
  auto eth_rpc = std::make_shared<net::RpcDispatcher>();
  THETA_ASSIGN_OR_RETURN(rpc_, RegisterNodeRpc(*theta_rpc, *eth_rpc, *chain_, hooks));
  net::RpcServerOptions options;
  options.address = config_.rpc_listen.host;
  options.port = config_.rpc_listen.port;
  options.logger = log_;
  rpc_server_ = std::make_unique<net::RpcServer>(rpc_io_, theta_rpc, metrics_, options);
  THETA_RETURN_IF_ERROR(rpc_server_->Start());
  options.address = config_.eth_rpc_listen.host;
  options.port = config_.eth_rpc_listen.port;
  eth_rpc_server_ = std::make_unique<net::RpcServer>(rpc_io_, eth_rpc, metrics_, options);
  return eth_rpc_server_->Start();
}

}  // namespace theta::node
