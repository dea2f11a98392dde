// One peer connection: the handshake state machine, the encrypted read loop and the bounded write
// queue. Everything but Send and Close runs on the session's strand.
#include <spdlog/spdlog.h>

#include <string>

#include "internal/host_impl.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::net::internal {
namespace {

// Bytes a message adds on the wire beyond its envelope: the frame length and the secretstream tag.
constexpr size_t kWireOverhead = kFrameHeaderSize + kStreamOverhead;
// How long a closing session waits for its last words (the disconnect reason) to be written.
constexpr auto kLingerTime = std::chrono::milliseconds(500);

std::string Endpoint(const std::string& address, uint16_t port) {
  return address + ":" + std::to_string(port);
}

}  // namespace

Session::Session(std::shared_ptr<HostImpl> host, tcp::socket socket, bool outbound,
                 std::optional<NodeId> expected_id, ConnectCallback done)
    : host_(std::move(host)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      outbound_(outbound),
      expected_id_(expected_id),
      done_(std::move(done)),
      ephemeral_(EphemeralKeys::Generate()),
      decoder_(host_->options().max_message_size + kMessageOverhead + kStreamOverhead) {}

const NodeId& Session::initiator_id() const {
  return outbound_ ? host_->key().id() : peer_id_;
}

PeerInfo Session::info(int score) const {
  return PeerInfo{peer_id_, remote_address_, remote_port_, peer_listen_port_, outbound_, score};
}

void Session::StartAccepted() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    tcp::endpoint remote = self->socket_.remote_endpoint(ec);
    if (ec)
      return self->CloseOnStrand(absl::UnavailableError("accepted socket: " + ec.message()), false);
    self->remote_address_ = remote.address().to_string();
    self->remote_port_ = remote.port();
    self->BeginHandshake();
  });
}

void Session::StartConnect(const tcp::endpoint& endpoint) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), endpoint] {
    self->remote_address_ = endpoint.address().to_string();
    self->remote_port_ = endpoint.port();
    // The handshake timer also bounds the TCP connect.
    self->timer_.expires_after(self->host_->options().handshake_timeout);
    self->timer_.async_wait([self](boost::system::error_code ec) {
      if (ec || self->state_ >= State::kOpen) return;
      self->CloseOnStrand(
          absl::DeadlineExceededError("handshake with " +
                                      Endpoint(self->remote_address_, self->remote_port_) +
                                      " did not finish in time"),
          false);
    });
    self->socket_.async_connect(endpoint, [self](boost::system::error_code ec) {
      if (self->state_ != State::kConnecting) return;
      if (ec) {
        return self->CloseOnStrand(
            absl::UnavailableError("connect to " +
                                   Endpoint(self->remote_address_, self->remote_port_) +
                                   " failed: " + ec.message()),
            false);
      }
      self->BeginHandshake();
    });
  });
}

void Session::BeginHandshake() {
  if (!outbound_) {
    timer_.expires_after(host_->options().handshake_timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->state_ >= State::kOpen) return;
      self->CloseOnStrand(
          absl::DeadlineExceededError("handshake with " +
                                      Endpoint(self->remote_address_, self->remote_port_) +
                                      " did not finish in time"),
          false);
    });
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  state_ = State::kHello;
  Hello hello;
  hello.network_id = host_->options().network_id;
  hello.listen_port = host_->listen_port();
  hello.id = host_->key().id();
  hello.ephemeral = ephemeral_.public_key;
  own_hello_ = EncodeHello(hello);
  QueueRaw(own_hello_);
  ReadMore();
}

void Session::ReadMore() {
  socket_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](
                                                          boost::system::error_code ec, size_t n) {
    if (self->state_ == State::kClosed) return;
    if (self->state_ == State::kClosing) {
      // Lingering after our disconnect reason: discard input until the peer closes.
      return ec ? self->FinishClose() : self->ReadMore();
    }
    if (ec) {
      const std::string what = ec == asio::error::eof ? "closed the connection" : ec.message();
      return self->CloseOnStrand(
          absl::UnavailableError("peer " + ShortId(self->peer_id_) + " at " +
                                 Endpoint(self->remote_address_, self->remote_port_) + ": " + what),
          false);
    }
    self->HandleInput(ByteView(self->read_buffer_.data(), n));
    if (self->state_ != State::kClosed) self->ReadMore();
  });
}

void Session::HandleInput(ByteView data) {
  if (state_ == State::kHello || state_ == State::kHeader) {
    inbox_.insert(inbox_.end(), data.begin(), data.end());
    absl::Status st;
    if (state_ == State::kHello && inbox_.size() >= kHelloSize) st = HandleHello();
    if (st.ok() && state_ == State::kHeader && inbox_.size() >= kStreamHeaderSize) {
      st = HandleHeader();
    }
    if (!st.ok()) return CloseOnStrand(st, false);
    if (state_ != State::kAuth) return;
    data = ByteView(inbox_);  // the bytes after the stream header are frames
  }
  decoder_.Feed(data);
  inbox_.clear();
  while (state_ == State::kAuth || state_ == State::kOpen) {
    absl::StatusOr<std::optional<Bytes>> frame = decoder_.Next();
    if (!frame.ok()) {
      const absl::Status reason = absl::ResourceExhaustedError(
          "peer " + ShortId(peer_id_) + ": " + std::string(frame.status().message()) +
          " (message limit " + std::to_string(host_->options().max_message_size) + " bytes)");
      const bool was_open = state_ == State::kOpen;
      CloseOnStrand(reason, true);  // first, so that the reason reported is this one, not the ban
      if (was_open) host_->Penalize(peer_id_, 50, std::string(reason.message()));
      return;
    }
    if (!frame->has_value()) return;
    if (absl::Status st = HandleFrame(std::move(**frame)); !st.ok())
      return CloseOnStrand(st, false);
  }
}

absl::Status Session::HandleHello() {
  peer_hello_.assign(inbox_.begin(), inbox_.begin() + kHelloSize);
  inbox_.erase(inbox_.begin(), inbox_.begin() + kHelloSize);
  THETA_ASSIGN_OR_RETURN(Hello hello, DecodeHello(peer_hello_));
  const HostOptions& options = host_->options();
  if (hello.network_id != options.network_id) {
    return absl::PermissionDeniedError("peer is on network " + std::to_string(hello.network_id) +
                                       ", this node on " + std::to_string(options.network_id));
  }
  if (hello.id == host_->key().id()) {
    return absl::PermissionDeniedError("connected to itself");
  }
  if (expected_id_ && hello.id != *expected_id_) {
    return absl::PermissionDeniedError("peer identity " + hello.id.ToHex() +
                                       " does not match the expected " + expected_id_->ToHex());
  }
  if (host_->IsBanned(hello.id)) {
    return absl::PermissionDeniedError("peer " + ShortId(hello.id) + " is banned");
  }
  peer_id_ = hello.id;
  peer_listen_port_ = hello.listen_port;
  THETA_ASSIGN_OR_RETURN(keys_, DeriveSessionKeys(ephemeral_, hello.ephemeral, outbound_));
  const auto header = encryptor_.Init(keys_->transmit);
  QueueRaw(Bytes(header.begin(), header.end()));
  const ByteView initiator_hello = outbound_ ? own_hello_ : peer_hello_;
  const ByteView responder_hello = outbound_ ? peer_hello_ : own_hello_;
  const NodeSignature signature =
      host_->key().Sign(AuthTranscript(outbound_, initiator_hello, responder_hello));
  QueueSealed(Bytes(signature.bytes.begin(), signature.bytes.end()));
  state_ = State::kHeader;
  return absl::OkStatus();
}

absl::Status Session::HandleHeader() {
  THETA_RETURN_IF_ERROR(
      decryptor_.Init(keys_->receive, ByteView(inbox_.data(), kStreamHeaderSize)));
  inbox_.erase(inbox_.begin(), inbox_.begin() + kStreamHeaderSize);
  state_ = State::kAuth;
  return absl::OkStatus();
}

absl::Status Session::HandleFrame(Bytes frame) {
  absl::StatusOr<Bytes> plaintext = decryptor_.Open(frame);
  if (!plaintext.ok()) {
    const std::string reason =
        "peer " + ShortId(peer_id_) + ": " + std::string(plaintext.status().message());
    const bool was_open = state_ == State::kOpen;
    CloseOnStrand(absl::DataLossError(reason), false);
    // A forged frame is never an accident of an honest peer's stack: refuse it for the ban period.
    if (was_open) host_->Penalize(peer_id_, 1 << 20, reason);
    return absl::OkStatus();
  }
  if (state_ == State::kAuth) return HandleAuth(*plaintext);
  absl::StatusOr<Message> message = DecodeMessage(*plaintext);
  if (!message.ok()) {
    host_->Penalize(peer_id_, 25, std::string(message.status().message()));
    return absl::OkStatus();
  }
  if (message->channel == kControlChannel) {
    host_->OnControl(shared_from_this(), message->payload);
  } else {
    host_->Dispatch(peer_id_, *message);
  }
  return absl::OkStatus();
}

absl::Status Session::HandleAuth(ByteView plaintext) {
  absl::StatusOr<NodeSignature> signature = NodeSignature::FromBytes(plaintext);
  const ByteView initiator_hello = outbound_ ? own_hello_ : peer_hello_;
  const ByteView responder_hello = outbound_ ? peer_hello_ : own_hello_;
  if (!signature.ok() ||
      !NodeKey::Verify(peer_id_, AuthTranscript(!outbound_, initiator_hello, responder_hello),
                       *signature)) {
    return absl::PermissionDeniedError("peer " + ShortId(peer_id_) +
                                       " failed to prove its identity (bad handshake signature)");
  }
  keys_.reset();
  // Open before the host hears of it, so the connected handler can already send.
  state_ = State::kOpen;
  open_ = true;
  if (absl::Status st = host_->OnAuthenticated(shared_from_this()); !st.ok()) {
    CloseOnStrand(st, true);
    return absl::OkStatus();
  }
  timer_.cancel();
  if (done_) std::exchange(done_, nullptr)(peer_id_);
  return absl::OkStatus();
}

absl::Status Session::Send(uint32_t channel, ByteView payload) {
  const size_t limit = host_->options().max_message_size;
  if (payload.size() > limit) {
    return absl::InvalidArgumentError("message of " + std::to_string(payload.size()) +
                                      " bytes exceeds the maximum of " + std::to_string(limit));
  }
  if (!open_) return absl::NotFoundError("peer " + ShortId(peer_id_) + " is not connected");
  Bytes plaintext = EncodeMessage(channel, payload);
  const size_t cost = plaintext.size() + kWireOverhead;
  const size_t max_queue = host_->options().max_send_queue_bytes;
  if (queued_bytes_.fetch_add(cost) + cost > max_queue) {
    queued_bytes_.fetch_sub(cost);
    const absl::Status reason = absl::ResourceExhaustedError(
        "peer " + ShortId(peer_id_) + " is too slow: its send queue exceeds " +
        std::to_string(max_queue) + " bytes; dropping it");
    Close(reason, false);
    return reason;
  }
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), cost, plaintext = std::move(plaintext)] {
               self->queued_bytes_.fetch_sub(cost);  // QueueSealed counts it again
               if (self->state_ == State::kOpen) self->QueueSealed(plaintext);
             });
  return absl::OkStatus();
}

void Session::QueueRaw(Bytes bytes) {
  queued_bytes_ += bytes.size();
  write_queue_.push_back(std::move(bytes));
  if (writing_count_ == 0) WriteMore();
}

void Session::QueueSealed(const Bytes& plaintext) {
  QueueRaw(EncodeFrame(encryptor_.Seal(plaintext)));
}

void Session::WriteMore() {
  if (write_queue_.empty() || state_ == State::kClosed) return;
  // Gather everything queued into one write; a burst of small messages costs one system call.
  std::vector<asio::const_buffer> buffers;
  writing_count_ = std::min<size_t>(write_queue_.size(), 64);
  for (size_t i = 0; i < writing_count_; ++i)
    buffers.push_back(asio::buffer(write_queue_[i]));
  asio::async_write(
      socket_, buffers, [self = shared_from_this()](boost::system::error_code ec, size_t n) {
        self->queued_bytes_.fetch_sub(n);
        for (size_t i = 0; i < self->writing_count_; ++i)
          self->write_queue_.pop_front();
        self->writing_count_ = 0;
        if (self->state_ == State::kClosed) return;
        if (ec) {
          return self->CloseOnStrand(absl::UnavailableError("peer " + ShortId(self->peer_id_) +
                                                            ": write failed: " + ec.message()),
                                     false);
        }
        if (self->state_ == State::kClosing && self->write_queue_.empty()) {
          // Half-close so the peer reads the reason, then sees EOF and closes its end; closing ours
          // now could reset the connection and destroy the reason in its receive buffer.
          boost::system::error_code ignored;
          self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
          return;
        }
        self->WriteMore();
      });
}

void Session::Close(absl::Status reason, bool notify) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), reason = std::move(reason),
                                          notify] { self->CloseOnStrand(reason, notify); });
}

void Session::CloseOnStrand(absl::Status reason, bool notify) {
  if (state_ >= State::kClosing) return;
  const bool stream_up = state_ >= State::kAuth;
  state_ = State::kClosing;
  open_ = false;
  SPDLOG_LOGGER_DEBUG(host_->logger(), "net: closing {}: {}",
                      Endpoint(remote_address_, remote_port_), reason.ToString());
  host_->OnClosed(this, reason);
  if (done_) std::exchange(done_, nullptr)(reason);
  if (!notify || !stream_up) return FinishClose();
  RlpWriter writer;
  writer.BeginList().AddUint(kControlDisconnect).AddString(std::string(reason.message())).EndList();
  QueueSealed(EncodeMessage(kControlChannel, writer.bytes()));
  timer_.expires_after(kLingerTime);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->FinishClose();
  });
}

void Session::FinishClose() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace theta::net::internal
