// The Host's shared state and its per-connection Session, private to theta-net.
//
// Ownership: HostImpl is held by the Host and by every Session (shared_ptr), so callbacks still
// queued on the io_context after the Host is gone find a live, stopped HostImpl. HostImpl holds the
// open Sessions in its maps until they close, which breaks the cycle. HostImpl's maps are guarded
// by `mu_`; a Session's socket, stream ciphers and buffers are touched only on its strand.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "boost/asio.hpp"
#include "internal/handshake.hpp"
#include "theta/net/frame.hpp"
#include "theta/net/host.hpp"

namespace theta::net::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Session;

class HostImpl : public std::enable_shared_from_this<HostImpl> {
 public:
  HostImpl(asio::io_context& io, NodeKey key, HostOptions options);

  // The Host's API (see host.hpp).
  absl::Status RegisterHandler(uint32_t channel, MessageHandler handler);
  void SetConnectedHandler(PeerConnectedHandler handler);
  void SetDisconnectedHandler(PeerDisconnectedHandler handler);
  absl::Status Start();
  void Stop();
  void Connect(const PeerAddress& address, ConnectCallback done);
  absl::Status Send(const NodeId& peer, uint32_t channel, ByteView payload);
  size_t Broadcast(uint32_t channel, ByteView payload, const std::optional<NodeId>& except);
  void Penalize(const NodeId& peer, int points, std::string_view reason);
  bool IsBanned(const NodeId& peer) const;
  void Disconnect(const NodeId& peer, std::string_view reason);
  std::vector<PeerInfo> Peers() const;
  size_t PeerCount() const;

  const NodeKey& key() const { return key_; }
  const HostOptions& options() const { return options_; }
  const Logger& logger() const { return options_.logger; }
  uint16_t listen_port() const { return listen_port_.load(); }
  asio::io_context& io() { return io_; }

  // Called by sessions on their strand.
  absl::Status OnAuthenticated(const std::shared_ptr<Session>& session);
  void OnClosed(const Session* session, const absl::Status& reason);
  void Dispatch(const NodeId& from, const Message& message);
  void OnControl(const std::shared_ptr<Session>& session, ByteView payload);

 private:
  void Accept();
  void StartSession(std::shared_ptr<Session> session);
  void SendPeerList(const std::shared_ptr<Session>& to);
  void ConnectToLearnedPeers(ByteView list);
  bool IsBannedLocked(const NodeId& peer) const;

  // Null when options.metrics is not set.
  struct Metrics {
    Gauge* peers = nullptr;
    Counter* received = nullptr;
    Counter* sent = nullptr;
    Counter* bans = nullptr;
  };
  static Metrics MakeMetrics(MetricsRegistry* registry);

  asio::io_context& io_;
  const NodeKey key_;
  const HostOptions options_;
  std::optional<tcp::acceptor> acceptor_;
  std::atomic<uint16_t> listen_port_{0};
  const Metrics metrics_;

  mutable std::mutex mu_;
  bool started_ = false;
  bool stopped_ = false;
  std::set<std::shared_ptr<Session>> pending_;        // handshaking
  std::map<NodeId, std::shared_ptr<Session>> peers_;  // authenticated
  std::map<NodeId, int> scores_;
  std::map<NodeId, std::chrono::steady_clock::time_point> bans_;
  std::map<uint32_t, std::shared_ptr<const MessageHandler>> handlers_;
  PeerConnectedHandler connected_handler_;
  PeerDisconnectedHandler disconnected_handler_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` must use a strand executor of its own (asio::make_strand).
  Session(std::shared_ptr<HostImpl> host, tcp::socket socket, bool outbound,
          std::optional<NodeId> expected_id, ConnectCallback done);

  // Inbound: starts the handshake on an accepted socket. Outbound: connects to `endpoint` first.
  void StartAccepted();
  void StartConnect(const tcp::endpoint& endpoint);

  // Thread-safe; see Host::Send.
  absl::Status Send(uint32_t channel, ByteView payload);
  // Thread-safe. `notify` sends the reason to the peer before closing (when the stream is up).
  void Close(absl::Status reason, bool notify);

  // Fixed once authenticated.
  const NodeId& peer_id() const { return peer_id_; }
  bool outbound() const { return outbound_; }
  const NodeId& initiator_id() const;
  PeerInfo info(int score) const;

 private:
  void BeginHandshake();
  void ReadMore();
  void HandleInput(ByteView data);
  absl::Status HandleHello();
  absl::Status HandleHeader();
  absl::Status HandleFrame(Bytes frame);
  absl::Status HandleAuth(ByteView plaintext);
  void QueueRaw(Bytes bytes);
  void QueueSealed(const Bytes& plaintext);
  void WriteMore();
  void CloseOnStrand(absl::Status reason, bool notify);
  void FinishClose();

  enum class State { kConnecting, kHello, kHeader, kAuth, kOpen, kClosing, kClosed };

  std::shared_ptr<HostImpl> host_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  const bool outbound_;
  const std::optional<NodeId> expected_id_;
  ConnectCallback done_;
  std::string remote_address_;
  uint16_t remote_port_ = 0;

  // Strand-only state.
  State state_ = State::kConnecting;
  EphemeralKeys ephemeral_;
  Bytes own_hello_;
  Bytes peer_hello_;
  Bytes inbox_;  // raw bytes before the encrypted stream starts
  std::optional<SessionKeys> keys_;
  StreamEncryptor encryptor_;
  StreamDecryptor decryptor_;
  FrameDecoder decoder_;
  std::array<uint8_t, 64 * 1024> read_buffer_{};
  std::deque<Bytes> write_queue_;
  size_t writing_count_ = 0;  // frames handed to the current async_write

  std::atomic<size_t> queued_bytes_{0};
  std::atomic<bool> open_{false};
  NodeId peer_id_;
  uint16_t peer_listen_port_ = 0;
};

// Control messages on channel 0: RLP [kind, ...].
inline constexpr uint64_t kControlDisconnect = 0;  // [0, reason]
inline constexpr uint64_t kControlGetPeers = 1;    // [1]
inline constexpr uint64_t kControlPeers = 2;       // [2, [[ip, port, id], ...]]

}  // namespace theta::net::internal
