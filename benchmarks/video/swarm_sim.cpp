// The swarm simulator: 1 origin, E edge nodes and V viewers in one process, each a real theta-net
// Host on loopback running the real swarm protocol, with per-node uplink bandwidth and latency
// shaping. Viewers join one after another, play the stream with a real-time playhead, fetch from
// edges and other viewers first and from the origin only when peers would be late.
//
// Prints one JSON object: offload ratio (bytes viewers got from edges and peers / all bytes they
// got), startup p50/p95, rebuffering events and ratio, origin egress. With --check it exits 1 when
// the targets (--min_offload, zero rebuffers, --max_startup_p50_ms) are missed.
//
// --baseline runs the same viewers (same seed, same joins and departures) without edges or peers:
// every viewer fetches every segment from the origin over the origin's shaped link, the
// client-server delivery of an HTTP origin with no CDN. --churn makes a seeded fraction of viewers
// leave mid-stream (their host stops), so the peers that were fetching from them must recover.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "theta/core/hash.hpp"
#include "theta/video/swarm.hpp"
#include "theta/video/viewer.hpp"

ABSL_FLAG(int, viewers, 100, "viewers");
ABSL_FLAG(int, edges, 4, "edge nodes");
ABSL_FLAG(int, segments, 10, "segments in the stream (1 s each)");
ABSL_FLAG(int, segment_kb, 125, "segment size in KiB (125: a 1 Mbit/s stream)");
ABSL_FLAG(int, join_ms, 50, "interval between viewer joins");
ABSL_FLAG(int, neighbours, 3, "earlier viewers each viewer connects to");
ABSL_FLAG(double, origin_mbps, 50, "origin uplink, Mbit/s");
ABSL_FLAG(double, edge_mbps, 400, "edge uplink, Mbit/s");
ABSL_FLAG(double, viewer_mbps, 8, "viewer uplink, Mbit/s");
ABSL_FLAG(int, origin_latency_ms, 40, "one-way latency added by the origin");
ABSL_FLAG(int, edge_latency_ms, 10, "latency added by edges");
ABSL_FLAG(int, viewer_latency_ms, 20, "latency added by viewers");
ABSL_FLAG(double, window_s, 3, "viewer prefetch window (seconds of media ahead of the playhead)");
ABSL_FLAG(uint64_t, seed, 7, "seed of the neighbour picks and departures (same seed: same swarm)");
ABSL_FLAG(bool, baseline, false,
          "HTTP-only baseline: no edges, no peers, every viewer fetches from the origin");
ABSL_FLAG(double, churn, 0, "fraction of viewers that leave mid-stream (after a seeded segment)");
ABSL_FLAG(bool, check, false, "exit 1 when a target is missed");
ABSL_FLAG(double, min_offload, 0.9, "--check: lowest acceptable offload");
ABSL_FLAG(double, max_startup_p50_ms, 1000, "--check: highest acceptable startup p50");

namespace theta::video {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct SimNode {
  std::shared_ptr<SegmentStore> store;
  std::unique_ptr<net::Host> host;
  std::unique_ptr<SwarmNode> swarm;
};

uint64_t Bps(double mbps) {
  return static_cast<uint64_t>(mbps * 1e6 / 8);
}

std::unique_ptr<SimNode> MakeNode(boost::asio::io_context& io, const fs::path& dir,
                                  SwarmOptions options) {
  auto node = std::make_unique<SimNode>();
  node->store = std::move(*SegmentStore::Open({dir, 1ull << 32}));
  net::HostOptions host_options;
  host_options.max_message_size = 16 << 20;
  host_options.max_peers = 256;
  host_options.handshake_timeout = std::chrono::seconds(30);  // 2 shared cores run ~100 nodes here
  node->host = std::make_unique<net::Host>(io, net::NodeKey::Generate(), host_options);
  node->swarm = std::make_unique<SwarmNode>(io, *node->host, node->store, std::move(options));
  if (!node->swarm->Attach().ok() || !node->host->Start().ok()) std::abort();
  return node;
}

void Connect(SimNode& from, SimNode& to) {
  std::promise<absl::Status> done;
  from.host->Connect({"127.0.0.1", to.host->listen_port()},
                     [&](absl::StatusOr<net::NodeId> r) { done.set_value(r.status()); });
  const absl::Status st = done.get_future().get();
  if (!st.ok()) {
    std::fprintf(stderr, "swarm_sim: connect failed: %s\n", st.ToString().c_str());
    std::abort();
  }
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Who each viewer connects to and when it leaves, drawn up front from --seed so that a swarm run
// and its baseline (and two runs of one seed) have the same viewers doing the same things.
struct Plan {
  std::vector<std::vector<int>> neighbours;  // earlier viewers each viewer connects to
  std::vector<size_t> watch_segments;        // segments watched before leaving; 0: the whole stream
};

Plan MakePlan(int viewers, int segments) {
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  std::bernoulli_distribution leaves(absl::GetFlag(FLAGS_churn));
  std::uniform_int_distribution<int> leave_after(1, std::max(1, segments - 1));
  Plan plan;
  for (int v = 0; v < viewers; ++v) {
    std::vector<int> picks;
    for (int k = 0; k < absl::GetFlag(FLAGS_neighbours) && v > 0; ++k)
      picks.push_back(std::uniform_int_distribution<int>(0, v - 1)(rng));
    plan.neighbours.push_back(std::move(picks));
    plan.watch_segments.push_back(leaves(rng) ? static_cast<size_t>(leave_after(rng)) : 0);
  }
  return plan;
}

int Run() {
  const bool baseline = absl::GetFlag(FLAGS_baseline);
  const int viewers = absl::GetFlag(FLAGS_viewers);
  const int edges = baseline ? 0 : absl::GetFlag(FLAGS_edges);
  if (const double churn = absl::GetFlag(FLAGS_churn); !(churn >= 0 && churn <= 1)) {
    std::fprintf(stderr, "swarm_sim: --churn must be a fraction in [0, 1], got %g\n", churn);
    return 2;
  }
  const Plan plan = MakePlan(viewers, absl::GetFlag(FLAGS_segments));
  const fs::path root = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const fs::path dir = root / absl::StrFormat("theta-swarm-sim-%d", ::getpid());

  // The stream: synthetic 1 s segments (the swarm never looks inside them), signed.
  Manifest manifest{.stream_id = "sim", .target_duration_ms = 1000};
  Rendition rendition{.name = "source",
                      .bandwidth = static_cast<uint64_t>(absl::GetFlag(FLAGS_segment_kb)) * 8192};
  std::vector<Bytes> segments;
  std::mt19937_64 rng(42);
  for (int i = 0; i < absl::GetFlag(FLAGS_segments); ++i) {
    Bytes b(static_cast<size_t>(absl::GetFlag(FLAGS_segment_kb)) * 1024);
    for (uint8_t& x : b)
      x = static_cast<uint8_t>(rng());
    rendition.segments.push_back({static_cast<uint64_t>(i), 1'000'000, b.size(), Blake2b256(b)});
    segments.push_back(std::move(b));
  }
  manifest.renditions.push_back(rendition);
  if (!SignManifest(manifest, *PrivateKey::Generate()).ok()) return 2;
  const Rendition& r = manifest.renditions[0];

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < 2; ++i)
    io_threads.emplace_back([&] { io.run(); });

  auto origin = MakeNode(
      io, dir / "origin",
      {.request_burst = 1e9,
       .max_concurrent_per_peer = 1 << 20,
       .uplink_bytes_per_second = Bps(absl::GetFlag(FLAGS_origin_mbps)),
       .added_latency = std::chrono::milliseconds(absl::GetFlag(FLAGS_origin_latency_ms))});
  for (size_t i = 0; i < segments.size(); ++i)
    (void)origin->store->Put(r.segments[i].hash, segments[i]);
  origin->swarm->AddManifest(manifest);
  const net::NodeId origin_id = origin->host->id();

  std::vector<std::unique_ptr<SimNode>> edge_nodes;
  for (int e = 0; e < edges; ++e) {
    SwarmOptions options{
        .request_burst = 1e9,
        .max_concurrent_per_peer = 64,
        .uplink_bytes_per_second = Bps(absl::GetFlag(FLAGS_edge_mbps)),
        .added_latency = std::chrono::milliseconds(absl::GetFlag(FLAGS_edge_latency_ms)),
        .prefetch = 3,
        .advertise_all = true};
    auto self = std::make_shared<SimNode*>(nullptr);  // set once the node exists
    options.upstream = [self, origin_id](const Manifest& m, const Rendition& rr,
                                         const SegmentEntry& s) {
      return (*self)->swarm->FetchFrom(origin_id, m, rr, s, Clock::now() + std::chrono::seconds(5));
    };
    edge_nodes.push_back(MakeNode(io, dir / absl::StrFormat("edge%d", e), std::move(options)));
    *self = edge_nodes.back().get();
    edge_nodes.back()->swarm->AddManifest(manifest);
    Connect(*edge_nodes.back(), *origin);
  }
  std::vector<std::unique_ptr<SimNode>> viewer_nodes;
  for (int v = 0; v < viewers; ++v) {
    SwarmOptions options{
        .request_burst = 200,
        .max_concurrent_per_peer = 8,
        .uplink_bytes_per_second = Bps(absl::GetFlag(FLAGS_viewer_mbps)),
        .added_latency = std::chrono::milliseconds(absl::GetFlag(FLAGS_viewer_latency_ms)),
        .excluded = {origin_id}};
    viewer_nodes.push_back(MakeNode(io, dir / absl::StrFormat("viewer%d", v), std::move(options)));
    viewer_nodes.back()->swarm->AddManifest(manifest);
  }

  std::vector<WatchReport> reports(static_cast<size_t>(viewers));
  std::atomic<int> left{0};
  std::vector<std::thread> players;
  const Clock::time_point begin = Clock::now();
  for (int v = 0; v < viewers; ++v) {
    players.emplace_back([&, v] {
      std::this_thread::sleep_until(begin +
                                    std::chrono::milliseconds(v * absl::GetFlag(FLAGS_join_ms)));
      SimNode& me = *viewer_nodes[v];
      Connect(me, *origin);
      if (edges > 0) Connect(me, *edge_nodes[v % edges]);
      for (int other : baseline ? std::vector<int>{} : plan.neighbours[v]) {
        std::promise<void> done;
        me.host->Connect({"127.0.0.1", viewer_nodes[other]->host->listen_port()},
                         [&](absl::StatusOr<net::NodeId>) { done.set_value(); });
        done.get_future().wait();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Haves arrive
      SegmentFetcher fetch = [&me, origin_id, baseline](
                                 const Manifest& m, const Rendition& rr, const SegmentEntry& s,
                                 Clock::time_point due) -> absl::StatusOr<FetchResult> {
        if (baseline) {
          absl::StatusOr<Bytes> direct =
              me.swarm->FetchFrom(origin_id, m, rr, s, Clock::now() + std::chrono::seconds(10));
          if (!direct.ok()) return direct.status();
          return FetchResult{std::move(*direct), false};
        }
        // Peers get until shortly before the playhead needs the segment; then the origin.
        const auto peer_deadline = std::max(Clock::now() + std::chrono::milliseconds(300),
                                            due - std::chrono::milliseconds(400));
        absl::StatusOr<Bytes> bytes = me.swarm->FetchFromPeers(m, rr, s, peer_deadline);
        if (bytes.ok()) return FetchResult{std::move(*bytes), true};
        if (std::getenv("THETA_SIM_DEBUG"))
          std::fprintf(stderr, "peers failed for %d: %s\n", static_cast<int>(s.index),
                       bytes.status().ToString().c_str());
        bytes = me.swarm->FetchFrom(origin_id, m, rr, s, Clock::now() + std::chrono::seconds(10));
        if (!bytes.ok()) return bytes.status();
        (void)me.swarm->AddSegment(m, rr, s, *bytes);
        return FetchResult{std::move(*bytes), false};
      };
      absl::StatusOr<WatchReport> report = Watch(
          manifest, fetch,
          {.max_segments = plan.watch_segments[v], .window_s = absl::GetFlag(FLAGS_window_s)});
      if (report.ok())
        reports[v] = *report;
      else
        std::fprintf(stderr, "viewer %d: %s\n", v, report.status().ToString().c_str());
      if (plan.watch_segments[v] != 0) {  // churn: leave, dropping the peers fetching from us
        me.host->Stop();
        ++left;
      }
    });
  }
  for (std::thread& t : players)
    t.join();
  const double wall_s = std::chrono::duration<double>(Clock::now() - begin).count();

  std::vector<double> startups;
  uint64_t from_peers = 0, from_origin = 0;
  size_t rebuffers = 0, played = 0;
  double rebuffer_ms = 0, media_s = 0;
  for (const WatchReport& rep : reports) {
    if (rep.segments == 0) continue;
    ++played;
    startups.push_back(rep.startup_ms);
    from_peers += rep.bytes_from_peers;
    from_origin += rep.bytes_from_origin;
    rebuffers += rep.rebuffer_events;
    rebuffer_ms += rep.rebuffer_ms;
    media_s += rep.media_s;
  }
  const uint64_t origin_egress = origin->swarm->stats().bytes_served;
  uint64_t by_edges = 0, by_viewers = 0;
  for (auto& n : edge_nodes)
    by_edges += n->swarm->stats().bytes_served;
  for (auto& n : viewer_nodes)
    by_viewers += n->swarm->stats().bytes_served;
  const double offload = from_peers + from_origin == 0
                             ? 0
                             : static_cast<double>(from_peers) / (from_peers + from_origin);
  const double p50 = Percentile(startups, 0.5);
  std::printf(
      "{\"viewers\": %d, \"edges\": %d, \"played\": %zu, \"segments\": %d, \"segment_kb\": %d, "
      "\"offload\": %.4f, \"bytes_from_peers\": %llu, \"bytes_from_origin\": %llu, "
      "\"served_by_edges_bytes\": %llu, \"served_by_viewers_bytes\": %llu, "
      "\"origin_egress_bytes\": %llu, \"origin_egress_per_viewer_bytes\": %.0f, "
      "\"startup_p50_ms\": %.1f, \"startup_p95_ms\": %.1f, \"rebuffer_events\": %zu, "
      "\"rebuffer_ratio\": %.5f, \"wall_s\": %.1f, \"seed\": %llu, \"baseline\": %s, "
      "\"churn\": %.3f, \"left\": %d, \"failed\": %zu}\n",
      viewers, edges, played, absl::GetFlag(FLAGS_segments), absl::GetFlag(FLAGS_segment_kb),
      offload, static_cast<unsigned long long>(from_peers),
      static_cast<unsigned long long>(from_origin), static_cast<unsigned long long>(by_edges),
      static_cast<unsigned long long>(by_viewers), static_cast<unsigned long long>(origin_egress),
      static_cast<double>(origin_egress) / std::max(1, viewers), p50, Percentile(startups, 0.95),
      rebuffers, media_s > 0 ? rebuffer_ms / 1000 / media_s : 0.0, wall_s,
      static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)), baseline ? "true" : "false",
      absl::GetFlag(FLAGS_churn), left.load(), static_cast<size_t>(viewers) - played);

  for (auto& n : viewer_nodes)
    n->host->Stop();
  for (auto& n : edge_nodes)
    n->host->Stop();
  origin->host->Stop();
  viewer_nodes.clear();
  edge_nodes.clear();
  origin.reset();
  work.reset();
  io.stop();
  for (std::thread& t : io_threads)
    t.join();
  std::error_code ec;
  fs::remove_all(dir, ec);

  if (!absl::GetFlag(FLAGS_check)) return 0;
  bool ok = played == static_cast<size_t>(viewers) && offload >= absl::GetFlag(FLAGS_min_offload) &&
            rebuffers == 0 && p50 <= absl::GetFlag(FLAGS_max_startup_p50_ms);
  if (!ok) std::fprintf(stderr, "swarm_sim: a target was missed\n");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace theta::video

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return theta::video::Run();
}
