// A Host is one node's endpoint on the peer network: it listens for and dials TCP connections,
// authenticates each peer by its Ed25519 NodeId, encrypts everything after the handshake
// (X25519 + XChaCha20-Poly1305 secretstream, see src/internal/handshake.hpp), and delivers
// length-framed messages to the handler registered for their channel.
//
// Invariants: a peer appears in Peers() only after both sides proved their identity; at most one
// connection per NodeId (a simultaneous dial keeps the one opened by the smaller id); a peer's
// unsent bytes never exceed HostOptions::max_send_queue_bytes (a slow peer is dropped instead); a
// peer whose score falls to HostOptions::ban_score is disconnected and refused until its ban
// expires.
//
// Thread-safety: the Host runs on the io_context the caller gives it and never starts threads.
// Every public method may be called from any thread. Handlers run on the io_context's threads, one
// at a time per peer (different peers' handlers may run concurrently when the io_context has
// several threads); they must not block. The io_context must outlive the Host; after Stop() no new
// handler starts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/io_context.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/log.hpp"
#include "theta/net/identity.hpp"
#include "theta/net/metrics.hpp"

namespace theta::net {

namespace internal {
class HostImpl;
}

// Channel 0 is the transport's own (disconnect reasons, peer exchange); applications use 1 and up
// (Theta's channel ids: 1 checkpoint, 2 header, 3 block, 4 proposal, 6 vote, 7 transaction, ...).
inline constexpr uint32_t kControlChannel = 0;

struct PeerAddress {
  std::string host;  // a numeric IPv4 or IPv6 address
  uint16_t port = 0;
  // When set, a peer that proves another identity is refused (PermissionDenied).
  std::optional<NodeId> expected_id;
};

struct HostOptions {
  // Where to listen. Default: loopback only, with an ephemeral port (see Host::listen_port).
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 0;
  // False for a dial-only node.
  bool listen = true;
  // Peers announcing another network id are refused, so devnets never mix with each other.
  uint32_t network_id = 0;
  // Largest message payload accepted or sent. A peer that sends a larger frame is disconnected with
  // ResourceExhausted naming the sizes, and penalized.
  size_t max_message_size = 4 << 20;
  // Bytes queued for one peer, beyond which that peer is dropped as too slow (ResourceExhausted).
  size_t max_send_queue_bytes = 32 << 20;
  // Connections that have not authenticated within this time are closed (DeadlineExceeded).
  std::chrono::milliseconds handshake_timeout{5000};
  size_t max_peers = 64;
  // Score at or below which a peer is banned (each peer starts at 0; see Host::Penalize).
  int ban_score = -100;
  std::chrono::seconds ban_duration{600};
  // Dialed on Start; their peers are learned by peer exchange when `peer_exchange` is on.
  std::vector<PeerAddress> seeds;
  bool peer_exchange = false;
  // Default: a logger that discards everything.
  Logger logger;
  // When set, the host keeps theta_p2p_peers, theta_p2p_messages_{received,sent}_total and
  // theta_p2p_bans_total up to date in it.
  std::shared_ptr<MetricsRegistry> metrics;
};

struct PeerInfo {
  NodeId id;
  std::string address;       // remote IP
  uint16_t port = 0;         // remote TCP port of this connection
  uint16_t listen_port = 0;  // the port the peer says it listens on (0: none)
  bool outbound = false;     // we dialed it
  int score = 0;
};

// Handles one message; a non-OK result marks the message as invalid data: InvalidArgument costs the
// peer 10 points of score, any other error 1 point. Runs on the io_context; must not block.
using MessageHandler = std::function<absl::Status(const NodeId& from, ByteView payload)>;
using PeerConnectedHandler = std::function<void(const PeerInfo& peer)>;
using PeerDisconnectedHandler = std::function<void(const NodeId& peer, const absl::Status& reason)>;
// The outcome of Host::Connect: the peer's id once authenticated, or why it failed.
using ConnectCallback = std::function<void(absl::StatusOr<NodeId> result)>;

class Host {
 public:
  Host(boost::asio::io_context& io, NodeKey key, HostOptions options = {});
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  // Stops the host (see Stop).
  ~Host();

  // Handlers; set them before Start. Registering a channel twice replaces the handler; channel 0 is
  // reserved (InvalidArgument).
  absl::Status RegisterHandler(uint32_t channel, MessageHandler handler);
  void OnPeerConnected(PeerConnectedHandler handler);
  void OnPeerDisconnected(PeerDisconnectedHandler handler);

  // Binds the listening socket (when options.listen) and dials the seeds. FailedPrecondition when
  // already started or stopped; Unavailable when the address cannot be bound.
  absl::Status Start();

  // Closes the listener and every connection (peers are told "host shutting down"). Idempotent.
  // Disconnect handlers are not called for connections closed by Stop.
  void Stop();

  const NodeId& id() const;
  // The bound port (useful with listen_port 0); 0 before Start or when not listening.
  uint16_t listen_port() const;

  // Dials `address`; `done` (optional) is called once on the io_context with the authenticated peer
  // id or the reason it failed: Unavailable (connect refused), DeadlineExceeded (handshake
  // timeout), PermissionDenied (identity mismatch, banned, wrong network), AlreadyExists (already
  // connected).
  void Connect(const PeerAddress& address, ConnectCallback done = nullptr);

  // Queues `payload` for `peer` on `channel`. NotFound when the peer is not connected;
  // InvalidArgument when the payload exceeds max_message_size or the channel is 0;
  // ResourceExhausted when the peer's send queue is full, in which case the peer is being dropped.
  absl::Status Send(const NodeId& peer, uint32_t channel, ByteView payload);

  // Sends to every connected peer but `except` (if set); returns how many peers it was queued for.
  size_t Broadcast(uint32_t channel, ByteView payload, const std::optional<NodeId>& except = {});

  // Lowers the peer's score by `points` for `reason` (a protocol violation seen by the caller);
  // bans and disconnects it when the score reaches ban_score. Works for disconnected ids too.
  void Penalize(const NodeId& peer, int points, std::string_view reason);
  bool IsBanned(const NodeId& peer) const;

  // Closes the connection to `peer` (if any) and tells it `reason`.
  void Disconnect(const NodeId& peer, std::string_view reason);

  std::vector<PeerInfo> Peers() const;
  size_t PeerCount() const;

 private:
  std::shared_ptr<internal::HostImpl> impl_;
};

}  // namespace theta::net
