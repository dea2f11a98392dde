#include "theta/video/swarm.hpp"

#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

using Clock = std::chrono::steady_clock;
using Key = std::pair<std::string, std::string>;  // stream id, rendition

struct PeerState {
  double latency_ms = 50;      // EWMA of request→response time for small answers
  double bytes_per_ms = 5000;  // EWMA throughput (optimistic until measured)
  int inflight = 0;            // our requests to it
  int bad = 0;                 // responses that did not match the manifest
  double tokens = -1;          // its request budget with us (-1: not yet filled)
  Clock::time_point refilled{};
  int serving = 0;  // its requests we are serving now
};

struct Pending {
  net::NodeId peer;
  std::optional<ResponseMessage> response;
};

absl::Time ToAbsl(Clock::time_point t) {
  return absl::Now() + absl::FromChrono(t - Clock::now());
}

}  // namespace

struct SwarmNode::Impl : std::enable_shared_from_this<SwarmNode::Impl> {
  boost::asio::io_context& io;
  net::Host& host;
  std::shared_ptr<SegmentStore> store;
  SwarmOptions options;
  std::shared_ptr<PaymentHook> payments;
  std::shared_ptr<VoucherSource> vouchers;

  mutable absl::Mutex mu;
  std::map<std::string, Manifest> manifests ABSL_GUARDED_BY(mu);
  std::map<Key, HaveMessage> own ABSL_GUARDED_BY(mu);
  std::map<net::NodeId, std::map<Key, HaveMessage>> haves ABSL_GUARDED_BY(mu);
  std::map<net::NodeId, PeerState> peers ABSL_GUARDED_BY(mu);
  std::map<uint64_t, Pending> pending ABSL_GUARDED_BY(mu);
  std::set<Hash32> filling ABSL_GUARDED_BY(mu);
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  Clock::time_point link_free ABSL_GUARDED_BY(mu){};
  SwarmStats stats ABSL_GUARDED_BY(mu);
  bool stopping ABSL_GUARDED_BY(mu) = false;
  int workers ABSL_GUARDED_BY(mu) = 0;

  Impl(boost::asio::io_context& i, net::Host& h) : io(i), host(h) {}

  absl::Status OnMessage(const net::NodeId& from, ByteView payload);
  void Serve(const net::NodeId& from, const RequestMessage& request);
  void Respond(const net::NodeId& to, ResponseMessage response);
  void Fill(net::NodeId from, RequestMessage request, Manifest manifest);
  void Announce(const Key& key, const std::optional<net::NodeId>& to);
  void Warm(Manifest manifest);
  bool TakeToken(const net::NodeId& from) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
};

bool SwarmNode::Impl::TakeToken(const net::NodeId& from) {
  PeerState& p = peers[from];
  const Clock::time_point now = Clock::now();
  if (p.tokens < 0) {
    p.tokens = options.request_burst;
  } else {
    const double seconds = std::chrono::duration<double>(now - p.refilled).count();
    p.tokens = std::min(options.request_burst, p.tokens + seconds * options.requests_per_second);
  }
  p.refilled = now;
  if (p.tokens < 1 || p.serving >= static_cast<int>(options.max_concurrent_per_peer)) return false;
  p.tokens -= 1;
  ++p.serving;
  return true;
}

void SwarmNode::Impl::Respond(const net::NodeId& to, ResponseMessage response) {
  const size_t size = response.data.size();
  Clock::time_point send_at = Clock::now() + options.added_latency;
  {
    absl::MutexLock lock(&mu);
    if (response.code == ResponseCode::kOk) {
      ++stats.served;
      stats.bytes_served += size;
      if (options.uplink_bytes_per_second > 0) {
        // The uplink is one queue: this answer leaves after everything already queued on it.
        const auto start = std::max(Clock::now(), link_free);
        link_free =
            start + std::chrono::microseconds(size * 1'000'000 / options.uplink_bytes_per_second);
        send_at = link_free + options.added_latency;
      }
    }
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(io, send_at);
  auto payload = std::make_shared<Bytes>(EncodeSwarmMessage(response));
  timer->async_wait(
      [self = shared_from_this(), timer, payload, to](const boost::system::error_code&) {
        (void)self->host.Send(to, kVideoChannel, *payload);
        absl::MutexLock lock(&self->mu);
        --self->peers[to].serving;
      });
}

void SwarmNode::Impl::Serve(const net::NodeId& from, const RequestMessage& request) {
  ResponseMessage response{request.request_id, ResponseCode::kNotFound, {}};
  std::optional<Manifest> manifest;
  const SegmentEntry* entry = nullptr;
  {
    absl::MutexLock lock(&mu);
    if (!TakeToken(from)) {
      ++stats.refused_busy;
      response.code = ResponseCode::kBusy;
    } else {
      auto it = manifests.find(request.stream_id);
      if (it != manifests.end()) {
        manifest = it->second;
        const Rendition* r = manifest->Find(request.rendition);
        entry = r == nullptr ? nullptr : r->Find(request.index);
      }
    }
  }
  if (response.code == ResponseCode::kBusy) {
    host.Penalize(from, 1, "request flood");
    (void)host.Send(from, kVideoChannel, EncodeSwarmMessage(response));
    return;
  }
  if (entry != nullptr && payments && !payments->MayServe(from, *entry)) {
    absl::MutexLock lock(&mu);
    ++stats.refused_payment;
    response.code = ResponseCode::kPaymentRequired;
    entry = nullptr;
  }
  if (entry != nullptr) {
    absl::StatusOr<Bytes> bytes = store->Get(entry->hash);
    if (bytes.ok()) {
      if (payments) payments->Served(from, *entry);
      response.code = ResponseCode::kOk;
      response.data = std::move(*bytes);
    } else if (options.upstream) {
      absl::MutexLock lock(&mu);
      if (!stopping) {
        ++workers;
        std::thread([self = shared_from_this(), from, request, m = *manifest] {
          self->Fill(from, request, m);
        }).detach();
        return;
      }
    }
  }
  Respond(from, std::move(response));
}

// Runs on a worker thread: fetch the missing segment upstream, serve it, then prefetch.
void SwarmNode::Impl::Fill(net::NodeId from, RequestMessage request, Manifest manifest) {
  const Rendition* rendition = manifest.Find(request.rendition);
  ResponseMessage response{request.request_id, ResponseCode::kNotFound, {}};
  for (uint64_t i = request.index; i <= request.index + options.prefetch; ++i) {
    const SegmentEntry* entry = rendition->Find(i);
    if (entry == nullptr) break;
    bool mine = false;
    {
      absl::MutexLock lock(&mu);
      mine = filling.insert(entry->hash).second;
    }
    if (!mine && i != request.index) continue;  // another worker is on it
    absl::StatusOr<Bytes> bytes = store->Get(entry->hash);
    if (!bytes.ok() && mine) {
      bytes = options.upstream(manifest, *rendition, *entry);
      if (bytes.ok() && Blake2b256(*bytes) == entry->hash) {
        (void)store->Put(entry->hash, *bytes);
        Announce({manifest.stream_id, rendition->name}, std::nullopt);
      }
    } else if (!bytes.ok()) {
      // Someone else fills it: wait for the store briefly.
      for (int k = 0; k < 200 && !bytes.ok(); ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        bytes = store->Get(entry->hash);
      }
    }
    if (mine) {
      absl::MutexLock lock(&mu);
      filling.erase(entry->hash);
    }
    if (i == request.index) {
      if (bytes.ok() && Blake2b256(*bytes) == entry->hash) {
        if (payments) payments->Served(from, *entry);
        response.code = ResponseCode::kOk;
        response.data = std::move(*bytes);
      }
      Respond(from, std::move(response));
    }
  }
  absl::MutexLock lock(&mu);
  --workers;
}

// Runs on a worker thread: an edge that fills misses pulls the first segments of a new stream
// before any viewer asks, so the first viewers start from the edge instead of the origin.
void SwarmNode::Impl::Warm(Manifest manifest) {
  for (const Rendition& r : manifest.renditions) {
    for (size_t i = 0; i <= options.prefetch && i < r.segments.size(); ++i) {
      const SegmentEntry& entry = r.segments[i];
      {
        absl::MutexLock lock(&mu);
        if (stopping || !filling.insert(entry.hash).second) continue;
      }
      if (!store->Contains(entry.hash)) {
        absl::StatusOr<Bytes> bytes = options.upstream(manifest, r, entry);
        if (bytes.ok() && Blake2b256(*bytes) == entry.hash) (void)store->Put(entry.hash, *bytes);
      }
      absl::MutexLock lock(&mu);
      filling.erase(entry.hash);
    }
  }
  absl::MutexLock lock(&mu);
  --workers;
}

void SwarmNode::Impl::Announce(const Key& key, const std::optional<net::NodeId>& to) {
  HaveMessage have;
  {
    absl::MutexLock lock(&mu);
    auto m = manifests.find(key.first);
    if (m == manifests.end()) return;
    const Rendition* r = m->second.Find(key.second);
    if (r == nullptr || r->segments.empty()) return;
    have = {key.first, key.second, r->segments.front().index, {}};
    for (const SegmentEntry& s : r->segments) {
      if (options.advertise_all || store->Contains(s.hash))
        SetBit(have.bitfield, s.index - have.first_index);
    }
    own[key] = have;
  }
  const Bytes payload = EncodeSwarmMessage(have);
  if (to) {
    (void)host.Send(*to, kVideoChannel, payload);
  } else {
    host.Broadcast(kVideoChannel, payload);
  }
}

absl::Status SwarmNode::Impl::OnMessage(const net::NodeId& from, ByteView payload) {
  absl::StatusOr<SwarmMessage> message = DecodeSwarmMessage(payload);
  if (!message.ok()) return message.status();
  if (auto* have = std::get_if<HaveMessage>(&*message)) {
    absl::MutexLock lock(&mu);
    haves[from][{have->stream_id, have->rendition}] = std::move(*have);
  } else if (auto* request = std::get_if<RequestMessage>(&*message)) {
    Serve(from, *request);
  } else if (auto* response = std::get_if<ResponseMessage>(&*message)) {
    absl::MutexLock lock(&mu);
    auto it = pending.find(response->request_id);
    if (it != pending.end() && it->second.peer == from) it->second.response = std::move(*response);
  } else if (auto* voucher = std::get_if<VoucherMessage>(&*message)) {
    if (!payments) return absl::OkStatus();
    absl::Status st = payments->OnVoucher(from, voucher->voucher);
    if (!st.ok())
      return absl::InvalidArgumentError(absl::StrCat("bad voucher: ", std::string(st.message())));
  } else if (auto* terms = std::get_if<TermsMessage>(&*message)) {
    if (!vouchers) return absl::OkStatus();
    absl::Status st = vouchers->OnTerms(from, terms->terms);
    if (!st.ok())
      return absl::InvalidArgumentError(absl::StrCat("bad terms: ", std::string(st.message())));
  }
  return absl::OkStatus();
}

SwarmNode::SwarmNode(boost::asio::io_context& io, net::Host& host,
                     std::shared_ptr<SegmentStore> store, SwarmOptions options,
                     std::shared_ptr<PaymentHook> payments, std::shared_ptr<VoucherSource> vouchers)
    : impl_(std::make_shared<Impl>(io, host)) {
  impl_->store = std::move(store);
  impl_->options = std::move(options);
  impl_->payments = std::move(payments);
  impl_->vouchers = std::move(vouchers);
}

SwarmNode::~SwarmNode() {
  absl::MutexLock lock(&impl_->mu);
  impl_->stopping = true;
  impl_->mu.Await(absl::Condition(
      +[](Impl* impl) ABSL_NO_THREAD_SAFETY_ANALYSIS { return impl->workers == 0; }, impl_.get()));
}

absl::Status SwarmNode::Attach() {
  std::weak_ptr<Impl> weak = impl_;
  impl_->host.OnPeerConnected([weak](const net::PeerInfo& peer) {
    auto self = weak.lock();
    if (!self) return;
    std::vector<Key> keys;
    {
      absl::MutexLock lock(&self->mu);
      for (const auto& [key, have] : self->own)
        keys.push_back(key);
    }
    for (const Key& key : keys)
      self->Announce(key, peer.id);
    if (self->payments) {
      const Bytes terms = self->payments->Terms();
      if (!terms.empty())
        (void)self->host.Send(peer.id, kVideoChannel, EncodeSwarmMessage(TermsMessage{terms}));
    }
  });
  impl_->host.OnPeerDisconnected([weak](const net::NodeId& peer, const absl::Status&) {
    auto self = weak.lock();
    if (!self) return;
    if (self->payments) self->payments->Disconnected(peer);
    absl::MutexLock lock(&self->mu);
    self->haves.erase(peer);
  });
  return impl_->host.RegisterHandler(
      kVideoChannel, [weak](const net::NodeId& from, ByteView payload) {
        auto self = weak.lock();
        return self ? self->OnMessage(from, payload) : absl::OkStatus();
      });
}

void SwarmNode::AddManifest(const Manifest& manifest) {
  {
    absl::MutexLock lock(&impl_->mu);
    impl_->manifests[manifest.stream_id] = manifest;
  }
  for (const Rendition& r : manifest.renditions)
    impl_->Announce({manifest.stream_id, r.name}, std::nullopt);
}

absl::Status SwarmNode::AddSegment(const Manifest& manifest, const Rendition& rendition,
                                   const SegmentEntry& entry, ByteView bytes) {
  if (absl::Status st = impl_->store->Put(entry.hash, bytes); !st.ok()) return st;
  impl_->Announce({manifest.stream_id, rendition.name}, std::nullopt);
  return absl::OkStatus();
}

absl::StatusOr<Bytes> SwarmNode::FetchFrom(const net::NodeId& peer, const Manifest& manifest,
                                           const Rendition& rendition, const SegmentEntry& entry,
                                           Clock::time_point deadline) {
  Impl& d = *impl_;
  uint64_t id;
  {
    absl::MutexLock lock(&d.mu);
    id = d.next_id++;
    d.pending[id] = Pending{peer, std::nullopt};
    ++d.peers[peer].inflight;
  }
  const Clock::time_point start = Clock::now();
  absl::Status sent = d.host.Send(
      peer, kVideoChannel,
      EncodeSwarmMessage(RequestMessage{id, manifest.stream_id, rendition.name, entry.index}));
  absl::MutexLock lock(&d.mu);
  if (sent.ok()) {
    d.mu.AwaitWithDeadline(absl::Condition(
                               +[](Pending* p) { return p->response.has_value(); }, &d.pending[id]),
                           ToAbsl(std::min(deadline, start + d.options.request_timeout)));
  }
  std::optional<ResponseMessage> response = std::move(d.pending[id].response);
  d.pending.erase(id);
  PeerState& p = d.peers[peer];
  --p.inflight;
  if (!sent.ok()) return sent;
  if (!response) {
    ++d.stats.timeouts;
    p.latency_ms = p.latency_ms * 0.5 +
                   0.5 * std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return absl::DeadlineExceededError(
        absl::StrCat("peer ", net::ShortId(peer), " did not answer in time"));
  }
  if (response->code != ResponseCode::kOk) {
    return absl::UnavailableError(absl::StrCat("peer ", net::ShortId(peer), " refused: code ",
                                               static_cast<int>(response->code)));
  }
  if (Blake2b256(response->data) != entry.hash) {
    ++p.bad;
    ++d.stats.bad_data;
    d.mu.Unlock();
    d.host.Penalize(peer, 50, "segment bytes do not match the signed manifest");
    d.mu.Lock();
    return absl::DataLossError(absl::StrCat("peer ", net::ShortId(peer), " sent segment ",
                                            entry.index,
                                            " with bytes that do not match the manifest"));
  }
  const double ms =
      std::max(0.1, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  p.bytes_per_ms = 0.7 * p.bytes_per_ms + 0.3 * (static_cast<double>(response->data.size()) / ms);
  p.latency_ms = 0.7 * p.latency_ms + 0.3 * ms;
  ++d.stats.fetched;
  d.stats.bytes_fetched += response->data.size();
  return std::move(response->data);
}

absl::StatusOr<Bytes> SwarmNode::FetchFromPeers(const Manifest& manifest,
                                                const Rendition& rendition,
                                                const SegmentEntry& entry,
                                                Clock::time_point deadline) {
  Impl& d = *impl_;
  std::set<net::NodeId> tried;
  absl::Status last = absl::UnavailableError("no peer holds the segment");
  for (size_t attempt = 0; attempt < d.options.max_attempts && Clock::now() < deadline; ++attempt) {
    std::optional<net::NodeId> best;
    double best_ms = 0;
    {
      absl::MutexLock lock(&d.mu);
      for (const auto& [peer, keys] : d.haves) {
        if (tried.contains(peer) || std::find(d.options.excluded.begin(), d.options.excluded.end(),
                                              peer) != d.options.excluded.end()) {
          continue;
        }
        auto it = keys.find({manifest.stream_id, rendition.name});
        if (it == keys.end() || !it->second.Has(entry.index)) continue;
        const PeerState& p = d.peers[peer];
        // Expected delivery time; queued requests and past bad data make a peer look slower.
        const double ms = (p.latency_ms + static_cast<double>(entry.size) / p.bytes_per_ms) *
                          (1 + p.inflight) * (1 + 20 * p.bad);
        if (!best || ms < best_ms) best = peer, best_ms = ms;
      }
    }
    if (!best) break;
    tried.insert(*best);
    absl::StatusOr<Bytes> bytes = FetchFrom(*best, manifest, rendition, entry, deadline);
    if (bytes.ok()) {
      (void)AddSegment(manifest, rendition, entry, *bytes);
      if (d.vouchers) {
        if (std::optional<Bytes> v = d.vouchers->VoucherFor(*best, entry)) {
          (void)d.host.Send(*best, kVideoChannel,
                            EncodeSwarmMessage(VoucherMessage{std::move(*v)}));
        }
      }
      return bytes;
    }
    last = bytes.status();
  }
  if (Clock::now() >= deadline)
    return absl::DeadlineExceededError(
        absl::StrCat("peers too slow: ", std::string(last.message())));
  return last;
}

SwarmStats SwarmNode::stats() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->stats;
}

double SwarmNode::PeerScore(const net::NodeId& peer) const {
  absl::MutexLock lock(&impl_->mu);
  auto it = impl_->peers.find(peer);
  if (it == impl_->peers.end()) return 0;
  const PeerState& p = it->second;
  // Segments of 100 kB per second this peer is expected to deliver, as the selection sees it.
  return 1000 / ((p.latency_ms + 100'000 / p.bytes_per_ms) * (1 + 20 * p.bad));
}

}  // namespace theta::video
