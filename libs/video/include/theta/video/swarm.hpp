// A swarm node: one edge node's or viewer's side of the swarm protocol (swarm_messages.hpp) over a
// theta-net Host.
//
// Serving: answers Requests for segments it holds, limited per peer (a token bucket of requests per
// second and a cap on requests being served at once; beyond either the peer gets Busy, and a peer
// that keeps flooding is penalized), gated by the PaymentHook (a viewer whose vouchers stop gets
// PaymentRequired). Outgoing segment bytes can be shaped to an uplink rate plus latency, which is
// how the swarm simulator models links. With an upstream fetcher, a miss is filled (peers, then
// origin) on a worker thread and then served, and the next `prefetch` segments follow; a new
// stream's first segments are pulled as soon as its manifest is added.
//
// Fetching: keeps every peer's Have bitfields, picks among the peers that hold a segment the one
// with the lowest expected delivery time (EWMA latency + size / EWMA throughput, with in-flight
// requests counted against it), retries the next best on Busy/NotFound/timeout, and gives up at the
// caller's deadline so that the caller can go to the origin. A peer whose bytes do not hash to the
// manifest entry is penalized on the Host, scored down and not asked again for that segment.
//
// Thread-safety: message handlers run on the Host's io_context; FetchFromPeers blocks and must be
// called from other threads. All public methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/io_context.hpp"
#include "theta/net/host.hpp"
#include "theta/video/manifest.hpp"
#include "theta/video/segment_store.hpp"
#include "theta/video/swarm_messages.hpp"

namespace theta::video {

// The edge side of service payments. The ledger's micropayment API plugs in here (through the
// app); theta-video only reports work and asks whether to continue.
class PaymentHook {
 public:
  virtual ~PaymentHook() = default;
  // Whether to serve `segment` to `viewer` now (false: answer PaymentRequired).
  virtual bool MayServe(const net::NodeId& viewer, const SegmentEntry& segment) = 0;
  // Records that `segment` was served to `viewer`.
  virtual void Served(const net::NodeId& viewer, const SegmentEntry& segment) = 0;
  // A voucher from `viewer`; a non-OK status (a bad voucher) costs the viewer score.
  virtual absl::Status OnVoucher(const net::NodeId& viewer, ByteView voucher) = 0;
  // The terms sent to every peer on connect (empty: none), so that viewers know whom to pay.
  virtual Bytes Terms() { return {}; }
  // `viewer` disconnected: its payment round is over (the app may settle it).
  virtual void Disconnected(const net::NodeId& viewer) { (void)viewer; }
};

// The viewer side: the voucher to send to `server` after it delivered `segment` (nullopt: none).
class VoucherSource {
 public:
  virtual ~VoucherSource() = default;
  virtual std::optional<Bytes> VoucherFor(const net::NodeId& server,
                                          const SegmentEntry& segment) = 0;
  // Terms `server` announced; a non-OK status (terms that do not parse) costs the server score.
  virtual absl::Status OnTerms(const net::NodeId& server, ByteView terms) {
    (void)server, (void)terms;
    return absl::OkStatus();
  }
};

// Fills a miss: returns the segment's bytes (they are checked against the manifest afterwards).
using UpstreamFetch =
    std::function<absl::StatusOr<Bytes>(const Manifest&, const Rendition&, const SegmentEntry&)>;

struct SwarmOptions {
  // Serving limits per peer.
  double requests_per_second = 40;
  double request_burst = 40;
  size_t max_concurrent_per_peer = 8;
  // Fetching.
  std::chrono::milliseconds request_timeout{3000};
  size_t max_attempts = 4;
  // Link shaping of outgoing segment bytes (0: unshaped).
  uint64_t uplink_bytes_per_second = 0;
  std::chrono::milliseconds added_latency{0};
  // Peers never picked by FetchFromPeers (e.g. the origin, which viewers use only as a fallback).
  std::vector<net::NodeId> excluded;
  // Miss filling (edge nodes).
  UpstreamFetch upstream;
  size_t prefetch = 0;
  // Announce every segment of a known stream as held (an edge that fills misses can serve them
  // all); without it only stored segments are announced.
  bool advertise_all = false;
};

struct SwarmStats {
  uint64_t served = 0;
  uint64_t bytes_served = 0;
  uint64_t refused_busy = 0;
  uint64_t refused_payment = 0;
  uint64_t fetched = 0;
  uint64_t bytes_fetched = 0;
  uint64_t bad_data = 0;  // peer responses that did not match the manifest
  uint64_t timeouts = 0;
};

class SwarmNode {
 public:
  SwarmNode(boost::asio::io_context& io, net::Host& host, std::shared_ptr<SegmentStore> store,
            SwarmOptions options = {}, std::shared_ptr<PaymentHook> payments = nullptr,
            std::shared_ptr<VoucherSource> vouchers = nullptr);
  ~SwarmNode();
  SwarmNode(const SwarmNode&) = delete;
  SwarmNode& operator=(const SwarmNode&) = delete;

  // Registers the channel handler and the connect hook (call before host.Start()).
  absl::Status Attach();
  // Makes a stream known (only known streams are served) and announces what the store holds.
  void AddManifest(const Manifest& manifest);
  // Stores a verified segment fetched elsewhere and announces it.
  absl::Status AddSegment(const Manifest& manifest, const Rendition& rendition,
                          const SegmentEntry& entry, ByteView bytes);

  // Fetches from the best peers until `deadline`; DeadlineExceeded or Unavailable when no peer
  // delivered. Verified bytes are stored and announced.
  absl::StatusOr<Bytes> FetchFromPeers(const Manifest& manifest, const Rendition& rendition,
                                       const SegmentEntry& entry,
                                       std::chrono::steady_clock::time_point deadline);
  // Fetches from one given peer (e.g. the origin), ignoring its Have announcements.
  absl::StatusOr<Bytes> FetchFrom(const net::NodeId& peer, const Manifest& manifest,
                                  const Rendition& rendition, const SegmentEntry& entry,
                                  std::chrono::steady_clock::time_point deadline);

  SwarmStats stats() const;
  // The peer's current selection score (higher is better), for tests and logs.
  double PeerScore(const net::NodeId& peer) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace theta::video
