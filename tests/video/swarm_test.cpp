#include "theta/video/swarm.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "test_media.hpp"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

using testing::TempDir;
using Clock = std::chrono::steady_clock;

Bytes Blob(size_t size, uint8_t seed) {
  Bytes b(size);
  for (size_t i = 0; i < size; ++i)
    b[i] = static_cast<uint8_t>(seed * 31 + i * 7);
  return b;
}

// A synthetic stream of 6 segments: the swarm never looks inside segments.
struct Stream {
  Manifest manifest;
  std::vector<Bytes> segments;
  Stream() {
    manifest.stream_id = "swarm";
    manifest.target_duration_ms = 1000;
    Rendition r{.name = "source", .bandwidth = 100000};
    for (uint8_t i = 0; i < 6; ++i) {
      segments.push_back(Blob(20000 + i, i));
      r.segments.push_back({i, 1'000'000, segments.back().size(), Blake2b256(segments.back())});
    }
    manifest.renditions.push_back(r);
    REQUIRE(SignManifest(manifest, *PrivateKey::FromHex("0x" + std::string(63, '0') + "5")).ok());
  }
  const Rendition& r() const { return manifest.renditions[0]; }
};

struct Node {
  TempDir dir;
  std::shared_ptr<SegmentStore> store;
  std::unique_ptr<net::Host> host;
  std::unique_ptr<SwarmNode> swarm;
  Node(boost::asio::io_context& io, SwarmOptions options = {},
       std::shared_ptr<PaymentHook> pay = nullptr,
       std::shared_ptr<VoucherSource> vouchers = nullptr) {
    store = std::move(*SegmentStore::Open({dir.path(), 1 << 24}));
    host = std::make_unique<net::Host>(io, net::NodeKey::Generate());
    swarm = std::make_unique<SwarmNode>(io, *host, store, std::move(options), pay, vouchers);
    REQUIRE(swarm->Attach().ok());
    REQUIRE(host->Start().ok());
  }
  ~Node() {
    host->Stop();
    swarm.reset();
  }
  void Connect(Node& other) {
    std::promise<absl::StatusOr<net::NodeId>> done;
    host->Connect({"127.0.0.1", other.host->listen_port()},
                  [&](absl::StatusOr<net::NodeId> r) { done.set_value(r); });
    REQUIRE(done.get_future().get().ok());
  }
  void Seed(const Stream& s) {
    for (size_t i = 0; i < s.segments.size(); ++i)
      REQUIRE(store->Put(s.r().segments[i].hash, s.segments[i]).ok());
    swarm->AddManifest(s.manifest);
  }
};

struct Loop {
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~Loop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

template <typename F>
void WaitFor(F done) {
  for (int i = 0; i < 300 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(done());
}

Clock::time_point Soon() {
  return Clock::now() + std::chrono::seconds(3);
}

TEST_CASE("swarm: a viewer fetches from a peer, stores, announces and serves onward", "[video]") {
  Loop loop;
  Stream s;
  Node origin(loop.io), a(loop.io), b(loop.io);
  origin.Seed(s);
  a.swarm->AddManifest(s.manifest);
  b.swarm->AddManifest(s.manifest);
  a.Connect(origin);
  b.Connect(a);
  auto got = a.swarm->FetchFromPeers(s.manifest, s.r(), s.r().segments[2], Soon());
  REQUIRE(got.ok());
  CHECK(*got == s.segments[2]);
  CHECK(a.store->Contains(s.r().segments[2].hash));
  // b is connected only to a; a's new Have lets b fetch segment 2 from it.
  WaitFor(
      [&] { return b.swarm->FetchFromPeers(s.manifest, s.r(), s.r().segments[2], Soon()).ok(); });
  CHECK(a.swarm->stats().served >= 1);
  // Nobody b knows has segment 4.
  CHECK_FALSE(b.swarm->FetchFromPeers(s.manifest, s.r(), s.r().segments[4], Soon()).ok());
}

TEST_CASE("swarm: a peer sending bytes that mismatch the manifest is dropped and scored down",
          "[video]") {
  Loop loop;
  Stream s;
  Node good(loop.io, {.added_latency = std::chrono::milliseconds(300)}), viewer(loop.io);
  good.Seed(s);
  viewer.swarm->AddManifest(s.manifest);
  // A liar: announces everything and answers every request with garbage.
  auto liar = std::make_unique<net::Host>(loop.io, net::NodeKey::Generate());
  REQUIRE(liar->RegisterHandler(kVideoChannel,
                                [&](const net::NodeId& from, ByteView payload) {
                                  auto m = DecodeSwarmMessage(payload);
                                  if (m.ok() && std::holds_alternative<RequestMessage>(*m)) {
                                    ResponseMessage r{std::get<RequestMessage>(*m).request_id,
                                                      ResponseCode::kOk, Blob(20002, 99)};
                                    (void)liar->Send(from, kVideoChannel, EncodeSwarmMessage(r));
                                  }
                                  return absl::OkStatus();
                                })
              .ok());
  liar->OnPeerConnected([&](const net::PeerInfo& p) {
    (void)liar->Send(p.id, kVideoChannel,
                     EncodeSwarmMessage(HaveMessage{"swarm", "source", 0, {0xff}}));
  });
  REQUIRE(liar->Start().ok());
  viewer.Connect(good);
  std::promise<absl::StatusOr<net::NodeId>> done;
  viewer.host->Connect({"127.0.0.1", liar->listen_port()},
                       [&](absl::StatusOr<net::NodeId> r) { done.set_value(r); });
  const net::NodeId liar_id = *done.get_future().get();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both Haves arrive
  // One direct fetch measures the good peer as slow (300 ms), so the liar looks better at first.
  REQUIRE(
      viewer.swarm->FetchFrom(good.host->id(), s.manifest, s.r(), s.r().segments[0], Soon()).ok());
  auto got = viewer.swarm->FetchFromPeers(s.manifest, s.r(), s.r().segments[2], Soon());
  REQUIRE(got.ok());  // the good (slower) peer delivered after the liar failed
  CHECK(*got == s.segments[2]);
  CHECK(viewer.swarm->stats().bad_data == 1);
  CHECK(viewer.swarm->PeerScore(liar_id) < viewer.swarm->PeerScore(good.host->id()));
  bool penalized = !viewer.host->IsBanned(liar_id);
  for (const net::PeerInfo& p : viewer.host->Peers()) {
    if (p.id == liar_id) penalized = p.score <= -50;
  }
  CHECK(penalized);
  liar->Stop();
}

TEST_CASE("swarm: request floods get Busy answers and cost the flooder score", "[video]") {
  Loop loop;
  Stream s;
  Node server(loop.io, {.requests_per_second = 1, .request_burst = 3}), viewer(loop.io);
  server.Seed(s);
  viewer.swarm->AddManifest(s.manifest);
  viewer.Connect(server);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  size_t ok = 0, refused = 0;
  for (int i = 0; i < 8; ++i) {
    auto got = viewer.swarm->FetchFrom(server.host->id(), s.manifest, s.r(), s.r().segments[i % 6],
                                       Soon());
    (got.ok() ? ok : refused)++;
  }
  CHECK(ok == 3);
  CHECK(refused == 5);
  CHECK(server.swarm->stats().refused_busy == 5);
  for (const net::PeerInfo& p : server.host->Peers())
    CHECK(p.score <= -5);
}

// Counts segments served against vouchers received; allows `credit` unpaid segments.
class CountingPayments : public PaymentHook {
 public:
  explicit CountingPayments(int credit) : credit_(credit) {}
  bool MayServe(const net::NodeId&, const SegmentEntry&) override {
    return served_ - paid_ < credit_;
  }
  void Served(const net::NodeId&, const SegmentEntry&) override { ++served_; }
  absl::Status OnVoucher(const net::NodeId&, ByteView voucher) override {
    if (voucher.size() != 8) return absl::InvalidArgumentError("voucher must be 8 bytes");
    ++paid_;
    return absl::OkStatus();
  }
  std::atomic<int> served_{0}, paid_{0};
  const int credit_;
};

class StingyVouchers : public VoucherSource {
 public:
  explicit StingyVouchers(int n) : left_(n) {}
  std::optional<Bytes> VoucherFor(const net::NodeId&, const SegmentEntry&) override {
    if (left_ <= 0) return std::nullopt;
    --left_;
    return Bytes(8, 1);
  }
  int left_;
};

TEST_CASE("swarm: an edge stops serving a viewer whose vouchers stop", "[video]") {
  Loop loop;
  Stream s;
  auto payments = std::make_shared<CountingPayments>(1);
  Node edge(loop.io, {}, payments),
      viewer(loop.io, {}, nullptr, std::make_shared<StingyVouchers>(2));
  edge.Seed(s);
  viewer.swarm->AddManifest(s.manifest);
  viewer.Connect(edge);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  size_t delivered = 0;
  for (int i = 0; i < 5; ++i) {
    if (viewer.swarm->FetchFromPeers(s.manifest, s.r(), s.r().segments[i], Soon()).ok())
      ++delivered;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the voucher lands
  }
  CHECK(delivered == 3);  // two paid for, plus one segment of credit
  CHECK(payments->paid_ == 2);
  CHECK(edge.swarm->stats().refused_payment == 2);
}

TEST_CASE("swarm messages round-trip and malformed ones are refused", "[video]") {
  const std::vector<SwarmMessage> messages = {HaveMessage{"s", "r", 7, {0xa0, 0x01}},
                                              RequestMessage{9, "s", "r", 3},
                                              ResponseMessage{9, ResponseCode::kOk, {1, 2, 3}},
                                              ResponseMessage{9, ResponseCode::kBusy, {}},
                                              VoucherMessage{{4, 5}},
                                              TermsMessage{{6, 7}}};
  for (const SwarmMessage& m : messages) {
    auto back = DecodeSwarmMessage(EncodeSwarmMessage(m));
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
  HaveMessage have{"s", "r", 7, {0xa0, 0x01}};
  CHECK(have.Has(7));
  CHECK_FALSE(have.Has(8));
  CHECK(have.Has(9));
  CHECK(have.Has(22));
  CHECK_FALSE(have.Has(6));
  CHECK_FALSE(have.Has(1000));
  CHECK_FALSE(DecodeSwarmMessage(EncodeSwarmMessage(RequestMessage{1, "BAD NAME", "r", 0})).ok());
  CHECK_FALSE(
      DecodeSwarmMessage(EncodeSwarmMessage(ResponseMessage{1, ResponseCode::kBusy, {1}})).ok());
  CHECK_FALSE(
      DecodeSwarmMessage(EncodeSwarmMessage(HaveMessage{"s", "r", 0, Bytes(8193, 0)})).ok());
  CHECK_FALSE(DecodeSwarmMessage(Bytes{0xc1, 0x09}).ok());  // unknown type
  CHECK_FALSE(DecodeSwarmMessage(Bytes{}).ok());
}

}  // namespace
}  // namespace theta::video
