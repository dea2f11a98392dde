#include "theta/net/host.hpp"

#include <spdlog/spdlog.h>

#include "internal/host_impl.hpp"
#include "theta/core/rlp.hpp"

namespace theta::net {
namespace internal {
namespace {

HostOptions WithLogger(HostOptions options) {
  if (!options.logger) options.logger = MakeNullLogger("net");
  return options;
}

// Most peers one peer-exchange answer lists; enough to find the network, too few to flood a dialer.
constexpr size_t kMaxExchangedPeers = 16;

}  // namespace

HostImpl::HostImpl(asio::io_context& io, NodeKey key, HostOptions options)
    : io_(io),
      key_(std::move(key)),
      options_(WithLogger(std::move(options))),
      metrics_(MakeMetrics(options_.metrics.get())) {}

HostImpl::Metrics HostImpl::MakeMetrics(MetricsRegistry* registry) {
  if (registry == nullptr) return {};
  return Metrics{
      &registry->GetGauge("theta_p2p_peers", "Authenticated peer connections."),
      &registry->GetCounter("theta_p2p_messages_received_total", "Messages received from peers."),
      &registry->GetCounter("theta_p2p_messages_sent_total", "Messages queued for peers."),
      &registry->GetCounter("theta_p2p_bans_total", "Peers banned for invalid data.")};
}

absl::Status HostImpl::RegisterHandler(uint32_t channel, MessageHandler handler) {
  if (channel == kControlChannel) {
    return absl::InvalidArgumentError("host: channel 0 is reserved for the transport");
  }
  std::lock_guard lock(mu_);
  handlers_[channel] = std::make_shared<const MessageHandler>(std::move(handler));
  return absl::OkStatus();
}

void HostImpl::SetConnectedHandler(PeerConnectedHandler handler) {
  std::lock_guard lock(mu_);
  connected_handler_ = std::move(handler);
}

void HostImpl::SetDisconnectedHandler(PeerDisconnectedHandler handler) {
  std::lock_guard lock(mu_);
  disconnected_handler_ = std::move(handler);
}

absl::Status HostImpl::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) return absl::FailedPreconditionError("host: already started");
    started_ = true;
  }
  if (options_.listen) {
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options_.listen_address, ec);
    if (ec) {
      return absl::InvalidArgumentError("host: listen address \"" + options_.listen_address +
                                        "\" is not a numeric IP address");
    }
    tcp::acceptor& acceptor = acceptor_.emplace(asio::make_strand(io_));
    const tcp::endpoint endpoint(address, options_.listen_port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError("host: cannot listen on " + options_.listen_address + ":" +
                                    std::to_string(options_.listen_port) + ": " + ec.message());
    }
    listen_port_ = acceptor.local_endpoint().port();
    asio::dispatch(acceptor.get_executor(), [self = shared_from_this()] { self->Accept(); });
  }
  for (const PeerAddress& seed : options_.seeds)
    Connect(seed, nullptr);
  return absl::OkStatus();
}

void HostImpl::Accept() {
  acceptor_->async_accept(
      asio::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor_->is_open()) return;
        if (!ec) {
          bool full = false;
          {
            std::lock_guard lock(self->mu_);
            if (self->stopped_) return;
            // Half-open handshakes count too, so a flood of idle sockets cannot pile up.
            full = self->pending_.size() + self->peers_.size() >= 2 * self->options_.max_peers;
          }
          if (!full) {
            auto session =
                std::make_shared<Session>(self, std::move(socket), false, std::nullopt, nullptr);
            self->StartSession(session);
            session->StartAccepted();
          }
        }
        self->Accept();
      });
}

void HostImpl::StartSession(std::shared_ptr<Session> session) {
  std::lock_guard lock(mu_);
  pending_.insert(std::move(session));
}

void HostImpl::Stop() {
  std::set<std::shared_ptr<Session>> pending;
  std::map<NodeId, std::shared_ptr<Session>> peers;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    pending.swap(pending_);
    peers.swap(peers_);
    handlers_.clear();
    connected_handler_ = nullptr;
    disconnected_handler_ = nullptr;
  }
  if (acceptor_) {
    asio::dispatch(acceptor_->get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_->close(ignored);
    });
  }
  const absl::Status reason = absl::CancelledError("host shutting down");
  for (const auto& session : pending)
    session->Close(reason, true);
  for (const auto& [id, session] : peers)
    session->Close(reason, true);
}

void HostImpl::Connect(const PeerAddress& address, ConnectCallback done) {
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address.host, ec);
  if (ec || address.port == 0) {
    if (done) {
      asio::post(io_, [done = std::move(done), host = address.host] {
        done(absl::InvalidArgumentError("host: peer address \"" + host +
                                        "\" is not a numeric IP address with a port"));
      });
    }
    return;
  }
  auto session = std::make_shared<Session>(shared_from_this(), tcp::socket(asio::make_strand(io_)),
                                           true, address.expected_id, std::move(done));
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    pending_.insert(session);
  }
  session->StartConnect(tcp::endpoint(ip, address.port));
}

absl::Status HostImpl::OnAuthenticated(const std::shared_ptr<Session>& session) {
  PeerConnectedHandler handler;
  PeerInfo info;
  std::shared_ptr<Session> replaced;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return absl::CancelledError("host shutting down");
    if (IsBannedLocked(session->peer_id())) {
      return absl::PermissionDeniedError("peer " + ShortId(session->peer_id()) + " is banned");
    }
    auto it = peers_.find(session->peer_id());
    if (it != peers_.end()) {
      // Both ends see the same two connections, so both keep the one the smaller id opened.
      if (it->second->initiator_id() <= session->initiator_id()) {
        return absl::AlreadyExistsError("already connected to peer " + ShortId(session->peer_id()));
      }
      replaced = it->second;
    } else if (peers_.size() >= options_.max_peers) {
      return absl::ResourceExhaustedError("host: peer limit of " +
                                          std::to_string(options_.max_peers) + " reached");
    }
    pending_.erase(session);
    peers_[session->peer_id()] = session;
    if (metrics_.peers) metrics_.peers->Set(static_cast<double>(peers_.size()));
    info = session->info(scores_[session->peer_id()]);
    if (!replaced) handler = connected_handler_;
  }
  if (replaced) {
    replaced->Close(absl::AlreadyExistsError("replaced by the connection the smaller id opened"),
                    true);
  }
  SPDLOG_LOGGER_DEBUG(options_.logger, "net: peer {} connected ({})", ShortId(info.id),
                      info.outbound ? "outbound" : "inbound");
  if (handler) handler(info);
  if (options_.peer_exchange) {
    RlpWriter writer;
    writer.BeginList().AddUint(kControlGetPeers).EndList();
    (void)session->Send(kControlChannel, writer.bytes());
  }
  return absl::OkStatus();
}

void HostImpl::OnClosed(const Session* session, const absl::Status& reason) {
  PeerDisconnectedHandler handler;
  {
    std::lock_guard lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->get() == session) {
        pending_.erase(it);
        return;
      }
    }
    auto it = peers_.find(session->peer_id());
    if (it == peers_.end() || it->second.get() != session) return;
    peers_.erase(it);
    if (metrics_.peers) metrics_.peers->Set(static_cast<double>(peers_.size()));
    // A score outlives its connection (reconnecting does not clear it) until too many ids pile up.
    if (scores_.size() > 4 * options_.max_peers + 64) {
      std::erase_if(scores_, [this](const auto& entry) { return !peers_.count(entry.first); });
    }
    handler = disconnected_handler_;
  }
  SPDLOG_LOGGER_INFO(options_.logger, "net: peer {} disconnected: {}", ShortId(session->peer_id()),
                     reason.ToString());
  if (handler) handler(session->peer_id(), reason);
}

void HostImpl::Dispatch(const NodeId& from, const Message& message) {
  if (metrics_.received) metrics_.received->Increment();
  std::shared_ptr<const MessageHandler> handler;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto it = handlers_.find(message.channel);
    if (it != handlers_.end()) handler = it->second;
  }
  if (!handler) {
    return Penalize(from, 1, "message on unknown channel " + std::to_string(message.channel));
  }
  if (absl::Status st = (*handler)(from, message.payload); !st.ok()) {
    const int points = st.code() == absl::StatusCode::kInvalidArgument ? 10 : 1;
    Penalize(from, points,
             "channel " + std::to_string(message.channel) + ": " + std::string(st.message()));
  }
}

void HostImpl::OnControl(const std::shared_ptr<Session>& session, ByteView payload) {
  absl::StatusOr<RlpItem> item = DecodeRlp(payload);
  absl::StatusOr<std::vector<RlpItem>> fields =
      item.ok() ? RlpListItems(*item) : absl::StatusOr<std::vector<RlpItem>>(item.status());
  absl::StatusOr<uint64_t> kind =
      fields.ok() && !fields->empty() ? RlpUint64((*fields)[0]) : absl::InvalidArgumentError("");
  if (!kind.ok()) return Penalize(session->peer_id(), 25, "malformed control message");
  if (*kind == kControlDisconnect && fields->size() == 2) {
    absl::StatusOr<ByteView> reason = RlpBytes((*fields)[1]);
    const std::string text = reason.ok() ? ToString(*reason) : "no reason given";
    session->Close(
        absl::UnavailableError("peer " + ShortId(session->peer_id()) + " disconnected: " + text),
        false);
  } else if (*kind == kControlGetPeers && options_.peer_exchange) {
    SendPeerList(session);
  } else if (*kind == kControlPeers && fields->size() == 2 && options_.peer_exchange) {
    ConnectToLearnedPeers((*fields)[1].encoded);
  }
}

void HostImpl::SendPeerList(const std::shared_ptr<Session>& to) {
  RlpWriter writer;
  writer.BeginList().AddUint(kControlPeers).BeginList();
  {
    std::lock_guard lock(mu_);
    size_t listed = 0;
    for (const auto& [id, session] : peers_) {
      const PeerInfo info = session->info(0);
      if (id == to->peer_id() || info.listen_port == 0) continue;
      writer.BeginList().AddString(info.address).AddUint(info.listen_port).AddBytes(id).EndList();
      if (++listed == kMaxExchangedPeers) break;
    }
  }
  writer.EndList().EndList();
  (void)to->Send(kControlChannel, writer.bytes());
}

void HostImpl::ConnectToLearnedPeers(ByteView list) {
  absl::StatusOr<RlpItem> item = DecodeRlp(list);
  absl::StatusOr<std::vector<RlpItem>> entries =
      item.ok() ? RlpListItems(*item) : absl::StatusOr<std::vector<RlpItem>>(item.status());
  if (!entries.ok()) return;
  for (size_t i = 0; i < entries->size() && i < kMaxExchangedPeers; ++i) {
    absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems((*entries)[i]);
    if (!fields.ok() || fields->size() != 3) continue;
    absl::StatusOr<ByteView> address = RlpBytes((*fields)[0]);
    absl::StatusOr<uint64_t> port = RlpUint64((*fields)[1]);
    absl::StatusOr<NodeId> id = RlpFixed<32>((*fields)[2]);
    if (!address.ok() || !port.ok() || *port == 0 || *port > 0xffff || !id.ok()) continue;
    {
      std::lock_guard lock(mu_);
      if (*id == key_.id() || peers_.count(*id) != 0 || IsBannedLocked(*id) ||
          peers_.size() + pending_.size() >= options_.max_peers) {
        continue;
      }
    }
    Connect(PeerAddress{ToString(*address), static_cast<uint16_t>(*port), *id}, nullptr);
  }
}

absl::Status HostImpl::Send(const NodeId& peer, uint32_t channel, ByteView payload) {
  if (channel == kControlChannel) {
    return absl::InvalidArgumentError("host: channel 0 is reserved for the transport");
  }
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu_);
    auto it = peers_.find(peer);
    if (it != peers_.end()) session = it->second;
  }
  if (!session) return absl::NotFoundError("host: peer " + ShortId(peer) + " is not connected");
  absl::Status status = session->Send(channel, payload);
  if (status.ok() && metrics_.sent) metrics_.sent->Increment();
  return status;
}

size_t HostImpl::Broadcast(uint32_t channel, ByteView payload,
                           const std::optional<NodeId>& except) {
  std::vector<std::shared_ptr<Session>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, session] : peers_) {
      if (!except || id != *except) targets.push_back(session);
    }
  }
  size_t sent = 0;
  for (const auto& session : targets) {
    if (channel != kControlChannel && session->Send(channel, payload).ok()) ++sent;
  }
  if (metrics_.sent) metrics_.sent->Increment(static_cast<double>(sent));
  return sent;
}

void HostImpl::Penalize(const NodeId& peer, int points, std::string_view reason) {
  std::shared_ptr<Session> session;
  int score = 0;
  {
    std::lock_guard lock(mu_);
    score = scores_[peer] -= points;
    if (score > options_.ban_score) return;
    const auto now = std::chrono::steady_clock::now();
    // Expired bans are dropped here, the only place the map grows, so it stays bounded by the
    // peers banned within one ban period.
    std::erase_if(bans_, [now](const auto& entry) { return entry.second <= now; });
    bans_[peer] = now + options_.ban_duration;
    if (metrics_.bans) metrics_.bans->Increment();
    scores_.erase(peer);  // the ban is the punishment; a peer returns from it with a clean slate
    auto it = peers_.find(peer);
    if (it != peers_.end()) session = it->second;
  }
  SPDLOG_LOGGER_WARN(options_.logger, "net: banning peer {} (score {}): {}", ShortId(peer), score,
                     std::string(reason));
  if (session) {
    session->Close(
        absl::PermissionDeniedError("peer " + ShortId(peer) + " banned: " + std::string(reason)),
        true);
  }
}

bool HostImpl::IsBannedLocked(const NodeId& peer) const {
  auto it = bans_.find(peer);
  return it != bans_.end() && it->second > std::chrono::steady_clock::now();
}

bool HostImpl::IsBanned(const NodeId& peer) const {
  std::lock_guard lock(mu_);
  return IsBannedLocked(peer);
}

void HostImpl::Disconnect(const NodeId& peer, std::string_view reason) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu_);
    auto it = peers_.find(peer);
    if (it != peers_.end()) session = it->second;
  }
  if (session) session->Close(absl::CancelledError(std::string(reason)), true);
}

std::vector<PeerInfo> HostImpl::Peers() const {
  std::lock_guard lock(mu_);
  std::vector<PeerInfo> out;
  for (const auto& [id, session] : peers_) {
    auto score = scores_.find(id);
    out.push_back(session->info(score == scores_.end() ? 0 : score->second));
  }
  return out;
}

size_t HostImpl::PeerCount() const {
  std::lock_guard lock(mu_);
  return peers_.size();
}

}  // namespace internal

Host::Host(boost::asio::io_context& io, NodeKey key, HostOptions options)
    : impl_(std::make_shared<internal::HostImpl>(io, std::move(key), std::move(options))) {}
Host::~Host() {
  impl_->Stop();
}
absl::Status Host::RegisterHandler(uint32_t channel, MessageHandler handler) {
  return impl_->RegisterHandler(channel, std::move(handler));
}
void Host::OnPeerConnected(PeerConnectedHandler handler) {
  impl_->SetConnectedHandler(std::move(handler));
}
void Host::OnPeerDisconnected(PeerDisconnectedHandler handler) {
  impl_->SetDisconnectedHandler(std::move(handler));
}
absl::Status Host::Start() {
  return impl_->Start();
}
void Host::Stop() {
  impl_->Stop();
}
const NodeId& Host::id() const {
  return impl_->key().id();
}
uint16_t Host::listen_port() const {
  return impl_->listen_port();
}
void Host::Connect(const PeerAddress& address, ConnectCallback done) {
  impl_->Connect(address, std::move(done));
}
absl::Status Host::Send(const NodeId& peer, uint32_t channel, ByteView payload) {
  return impl_->Send(peer, channel, payload);
}
size_t Host::Broadcast(uint32_t channel, ByteView payload, const std::optional<NodeId>& except) {
  return impl_->Broadcast(channel, payload, except);
}
void Host::Penalize(const NodeId& peer, int points, std::string_view reason) {
  impl_->Penalize(peer, points, reason);
}
bool Host::IsBanned(const NodeId& peer) const {
  return impl_->IsBanned(peer);
}
void Host::Disconnect(const NodeId& peer, std::string_view reason) {
  impl_->Disconnect(peer, reason);
}
std::vector<PeerInfo> Host::Peers() const {
  return impl_->Peers();
}
size_t Host::PeerCount() const {
  return impl_->PeerCount();
}

}  // namespace theta::net
