// theta-edge: the video edge network's command line.
//
//   theta-edge publish --input=IN --stream=ID --dir=DIR [--ladder=720p:1280x720:2500,...]
//                      [--key=0x..] [--port=N] [--serve=false]
//       Segments IN, signs the manifest, stores the segments, writes the playlists and the manifest
//       under DIR/ID/, and serves the stream as its origin until interrupted.
//   theta-edge serve --origin=http://HOST:PORT --dir=DIR [--publisher=0x..] [--port=N]
//       An edge cache: serves HLS to players, filling its store from the origin (peers first when
//       the swarm is configured), prefetching ahead of its viewers.
//   theta-edge watch URL [--swarm_peers=HOST:PORT,... --dir=DIR]
//       Plays http://HOST:PORT/watch/ID (or .../streams/ID/) and prints a JSON report: startup
//       time, rebuffering, bytes from peers vs origin. With swarm peers, segments come from them
//       first and from the URL's server only when peers would be late.
//   theta-edge run JOB.json [--backend=auto|cpu|vulkan] [--out=FILE] [--blobs=DIR]
//       Runs a compute job spec on this machine and prints a JSON result (output hash, backend,
//       time); see apps/edge/compute/run_command.hpp and docs/edge-compute.md.
//   theta-edge worker [--listen=ADDR --port=N --port_file=F --workers=N --max_queued=N]
//       A compute worker taking job orders over HTTP JSON-RPC until interrupted
//       (apps/edge/compute/cli/worker_command.hpp).
// Service payments (serve --payee_key ..., watch --payer_key ...): see payment_flags.hpp.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "live_publish.hpp"
#include "payment_flags.hpp"
#include "theta/video/edge.hpp"
#include "theta/video/playlist.hpp"
#include "theta/video/swarm.hpp"
#include "theta/video/viewer.hpp"
#ifdef THETA_EDGE_COMPUTE
#include "run_command.hpp"
#include "termination_signals.hpp"
#include "worker_command.hpp"
#endif

ABSL_FLAG(std::string, input, "", "publish: media file or URL libavformat can read");
ABSL_FLAG(std::string, stream, "", "publish: stream id ([a-z0-9_-], at most 64)");
ABSL_FLAG(std::string, dir, "", "folder for the segment store, playlists and manifest");
ABSL_FLAG(double, target_duration, 2.0, "publish: segment target duration in seconds");
ABSL_FLAG(std::string, ladder, "",
          "publish: bitrate ladder name:WxH:kbps,... (empty: remux the source)");
ABSL_FLAG(std::string, x264_preset, "veryfast", "publish: libx264 preset for the ladder");
ABSL_FLAG(std::string, format, "ts", "publish: segment format, ts (MPEG-TS) or fmp4 (CMAF-style)");
ABSL_FLAG(std::string, key, "",
          "publish: the publisher's secp256k1 private key, 0x + 64 hex (default: a fresh one)");
ABSL_FLAG(bool, serve, true, "publish: keep serving the stream as its origin");
ABSL_FLAG(bool, live, false,
          "publish: the input is live (pipe, socket, growing source): publish segments as cut");
ABSL_FLAG(int, live_window, 6, "publish --live: segments listed in the live playlists");
ABSL_FLAG(std::string, origin, "", "serve: the origin's base URL");
ABSL_FLAG(std::string, publisher, "", "serve: accept only manifests signed by this address");
ABSL_FLAG(uint64_t, budget_mb, 1024, "segment store budget in MiB");
ABSL_FLAG(int, prefetch, 3, "serve: segments to prefetch ahead of a viewer");
ABSL_FLAG(std::string, listen, "127.0.0.1", "HTTP listen address");
ABSL_FLAG(int, port, 0, "HTTP port (0: any free port; it is printed)");
ABSL_FLAG(std::string, port_file, "", "write the bound HTTP port to this file");
ABSL_FLAG(std::string, player_js, "", "hls.min.js to serve at /hls.min.js for the player page");
ABSL_FLAG(int, swarm_port, -1,
          "publish/serve: also join the swarm on this TCP port (0: any; -1: no swarm)");
ABSL_FLAG(std::string, swarm_peers, "", "publish/serve: swarm peers to dial, host:port,...");
ABSL_FLAG(std::string, rendition, "", "watch: rendition to play (default: the highest bandwidth)");
ABSL_FLAG(bool, realtime, true,
          "watch: follow a real-time playhead (false: download as fast as possible)");

namespace theta::video {
namespace {

int Fail(const absl::Status& status) {
  std::cerr << "theta-edge: " << status << "\n";
  return 1;
}

absl::StatusOr<std::vector<LadderRung>> ParseLadder(const std::string& text) {
  std::vector<LadderRung> ladder;
  if (text.empty()) return ladder;
  for (const std::string& item : std::vector<std::string>(absl::StrSplit(text, ','))) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::ByAnyChar(":x"));
    LadderRung rung;
    if (parts.size() != 4 || !absl::SimpleAtoi(parts[1], &rung.width) ||
        !absl::SimpleAtoi(parts[2], &rung.height) ||
        !absl::SimpleAtoi(parts[3], &rung.video_kbps)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ladder: \"", item, "\" is not name:WIDTHxHEIGHT:kbps"));
    }
    rung.name = parts[0];
    ladder.push_back(rung);
  }
  return ladder;
}

absl::Status WriteFile(const std::filesystem::path& path, std::string_view data) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

// The swarm side of a node: a theta-net Host on its own io thread with a SwarmNode on it.
class Swarm {
 public:
  static absl::StatusOr<std::unique_ptr<Swarm>> Start(
      std::shared_ptr<SegmentStore> store, SwarmOptions options,
      std::shared_ptr<PaymentHook> payments = nullptr,
      std::shared_ptr<VoucherSource> vouchers = nullptr) {
    auto swarm = std::unique_ptr<Swarm>(new Swarm());
    net::HostOptions host_options;
    host_options.listen_address = absl::GetFlag(FLAGS_listen);
    host_options.listen_port = static_cast<uint16_t>(std::max(0, absl::GetFlag(FLAGS_swarm_port)));
    host_options.max_message_size = 16 << 20;
    for (const std::string& peer : std::vector<std::string>(
             absl::StrSplit(absl::GetFlag(FLAGS_swarm_peers), ',', absl::SkipEmpty()))) {
      const size_t colon = peer.rfind(':');
      int port = 0;
      if (colon == std::string::npos || !absl::SimpleAtoi(peer.substr(colon + 1), &port) ||
          port <= 0 || port > 65535) {
        return absl::InvalidArgumentError(
            absl::StrCat("--swarm_peers: \"", peer, "\" is not host:port"));
      }
      host_options.seeds.push_back({peer.substr(0, colon), static_cast<uint16_t>(port)});
    }
    swarm->host_ = std::make_unique<net::Host>(swarm->io_, net::NodeKey::Generate(), host_options);
    swarm->node_ =
        std::make_unique<SwarmNode>(swarm->io_, *swarm->host_, std::move(store), std::move(options),
                                    std::move(payments), std::move(vouchers));
    if (absl::Status st = swarm->node_->Attach(); !st.ok()) return st;
    if (absl::Status st = swarm->host_->Start(); !st.ok()) return st;
    swarm->thread_ = std::thread([s = swarm.get()] { s->io_.run(); });
    std::cout << "theta-edge: swarm on port " << swarm->host_->listen_port() << std::endl;
    return swarm;
  }
  ~Swarm() {
    host_->Stop();
    node_.reset();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  SwarmNode& node() { return *node_; }

 private:
  Swarm() = default;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::unique_ptr<net::Host> host_;
  std::unique_ptr<SwarmNode> node_;
  std::thread thread_;
};

// Serves until SIGINT or SIGTERM.
absl::Status ServeUntilSignal(std::shared_ptr<StreamSource> source, const std::string& stream) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  HlsServer server(std::move(source), {.address = absl::GetFlag(FLAGS_listen),
                                       .port = static_cast<uint16_t>(absl::GetFlag(FLAGS_port)),
                                       .player_js_path = absl::GetFlag(FLAGS_player_js)});
  if (absl::Status st = server.Start(); !st.ok()) return st;
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    if (absl::Status st = WriteFile(absl::GetFlag(FLAGS_port_file), std::to_string(server.port()));
        !st.ok()) {
      return st;
    }
  }
  std::cout << "theta-edge: serving http://" << absl::GetFlag(FLAGS_listen) << ":" << server.port()
            << "/" << (stream.empty() ? "" : "watch/" + stream) << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<SegmentStore>> OpenStore() {
  if (absl::GetFlag(FLAGS_dir).empty()) return absl::InvalidArgumentError("--dir is required");
  auto store = SegmentStore::Open({std::filesystem::path(absl::GetFlag(FLAGS_dir)) / "store",
                                   absl::GetFlag(FLAGS_budget_mb) << 20});
  if (!store.ok()) return store.status();
  return std::shared_ptr<SegmentStore>(std::move(*store));
}

// publish --live: serves while the live publisher grows the stream.
int PublishLive(const PrivateKey& key, std::shared_ptr<SegmentStore> store, SegmentFormat format) {
  auto published = std::make_shared<PublishedStreams>(store);
  std::unique_ptr<Swarm> swarm;
  if (absl::GetFlag(FLAGS_swarm_port) >= 0) {
    absl::StatusOr<std::unique_ptr<Swarm>> started = Swarm::Start(store, {});
    if (!started.ok()) return Fail(started.status());
    swarm = std::move(*started);
  }
  const std::string stream_id = absl::GetFlag(FLAGS_stream);
  auto live = edge::LivePublisher::Start(
      {absl::GetFlag(FLAGS_input), stream_id, absl::GetFlag(FLAGS_target_duration),
       static_cast<uint32_t>(std::clamp(absl::GetFlag(FLAGS_live_window), 1, 65536)),
       std::filesystem::path(absl::GetFlag(FLAGS_dir)) / stream_id, key, format},
      store, published, [node = swarm ? &swarm->node() : nullptr](const Manifest& m) {
        if (node != nullptr) node->AddManifest(m);
      });
  std::thread report([&live] {
    absl::Status st = live->Wait();
    std::cout << "theta-edge: live input ended: " << st << ", "
              << (live->manifest().renditions.empty()
                      ? 0
                      : live->manifest().renditions[0].segments.size())
              << " segments" << std::endl;
  });
  absl::Status st =
      absl::GetFlag(FLAGS_serve) ? ServeUntilSignal(published, stream_id) : live->Wait();
  report.join();
  return st.ok() ? 0 : Fail(st);
}

int Publish() {
  const std::string stream_id = absl::GetFlag(FLAGS_stream);
  if (!IsValidName(stream_id))
    return Fail(absl::InvalidArgumentError("--stream: need [a-z0-9_-]{1,64}"));
  absl::StatusOr<std::vector<LadderRung>> ladder = ParseLadder(absl::GetFlag(FLAGS_ladder));
  if (!ladder.ok()) return Fail(ladder.status());
  absl::StatusOr<PrivateKey> key = absl::GetFlag(FLAGS_key).empty()
                                       ? PrivateKey::Generate()
                                       : PrivateKey::FromHex(absl::GetFlag(FLAGS_key));
  if (!key.ok()) return Fail(key.status());
  absl::StatusOr<std::shared_ptr<SegmentStore>> store = OpenStore();
  if (!store.ok()) return Fail(store.status());
  if (absl::GetFlag(FLAGS_format) != "ts" && absl::GetFlag(FLAGS_format) != "fmp4")
    return Fail(absl::InvalidArgumentError("--format: ts or fmp4"));
  const SegmentFormat format =
      absl::GetFlag(FLAGS_format) == "fmp4" ? SegmentFormat::kFmp4 : SegmentFormat::kTs;
  if (absl::GetFlag(FLAGS_live)) {
    if (!ladder->empty()) return Fail(absl::InvalidArgumentError("--live: remux only for now"));
    return PublishLive(*key, *store, format);
  }

  SegmenterOptions options{.target_duration_s = absl::GetFlag(FLAGS_target_duration),
                           .ladder = *ladder,
                           .x264_preset = absl::GetFlag(FLAGS_x264_preset),
                           .format = format};
  absl::StatusOr<SegmentedStream> stream = SegmentMedia(absl::GetFlag(FLAGS_input), options);
  if (!stream.ok()) return Fail(stream.status());
  Manifest manifest = BuildManifest(*stream, stream_id);
  if (absl::Status st = SignManifest(manifest, *key); !st.ok()) return Fail(st);
  auto published = std::make_shared<PublishedStreams>(*store);
  if (absl::Status st = published->Publish(manifest, *stream); !st.ok()) return Fail(st);

  const std::filesystem::path out = std::filesystem::path(absl::GetFlag(FLAGS_dir)) / stream_id;
  const Bytes wire = EncodeManifest(manifest);
  absl::Status st = WriteFile(out / "manifest.rlp", ToString(wire));
  if (st.ok()) st = WriteFile(out / "master.m3u8", MasterPlaylist(manifest));
  for (const Rendition& r : manifest.renditions) {
    if (st.ok()) st = WriteFile(out / r.name / "index.m3u8", *MediaPlaylist(manifest, r.name));
  }
  if (!st.ok()) return Fail(st);
  size_t segments = 0;
  for (const Rendition& r : manifest.renditions)
    segments += r.segments.size();
  std::cout << "theta-edge: published " << stream_id << ": " << manifest.renditions.size()
            << " rendition(s), " << segments << " segments, " << stream->frames
            << " frames, publisher " << manifest.publisher.ToHex() << std::endl;
  if (!absl::GetFlag(FLAGS_serve)) return 0;
  std::unique_ptr<Swarm> swarm;
  if (absl::GetFlag(FLAGS_swarm_port) >= 0) {
    absl::StatusOr<std::unique_ptr<Swarm>> started = Swarm::Start(*store, {});
    if (!started.ok()) return Fail(started.status());
    swarm = std::move(*started);
    swarm->node().AddManifest(manifest);
  }
  st = ServeUntilSignal(published, stream_id);
  return st.ok() ? 0 : Fail(st);
}

int Serve() {
  absl::StatusOr<Url> origin = ParseUrl(absl::GetFlag(FLAGS_origin));
  if (!origin.ok()) return Fail(origin.status());
  EdgeCacheOptions options{
      .origin = *origin,
      .prefetch = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_prefetch)))};
  if (!absl::GetFlag(FLAGS_publisher).empty()) {
    absl::StatusOr<Address> publisher = Address::FromHex(absl::GetFlag(FLAGS_publisher));
    if (!publisher.ok()) return Fail(publisher.status());
    options.publisher = *publisher;
  }
  absl::StatusOr<std::shared_ptr<SegmentStore>> store = OpenStore();
  if (!store.ok()) return Fail(store.status());
  std::unique_ptr<Swarm> swarm;
  PeerFetch peers;
  auto payments = edge::EdgePaymentsFromFlags();
  if (!payments.ok()) return Fail(payments.status());
  auto settler = edge::Settler::FromFlags(*payments);
  if (!settler.ok()) return Fail(settler.status());
  if (absl::GetFlag(FLAGS_swarm_port) >= 0) {
    // Swarm peers asking for a segment this edge lacks get it filled from the origin.
    SwarmOptions swarm_options;
    swarm_options.upstream = [origin = *origin](const Manifest& m, const Rendition& r,
                                                const SegmentEntry& s) {
      Url url = origin;
      url.path =
          absl::StrCat("/streams/", m.stream_id, "/", r.name, "/", m.SegmentFileName(s.index));
      return HttpGetBody(url);
    };
    swarm_options.prefetch = options.prefetch;
    swarm_options.advertise_all = true;
    absl::StatusOr<std::unique_ptr<Swarm>> started = Swarm::Start(*store, swarm_options, *payments);
    if (!started.ok()) return Fail(started.status());
    swarm = std::move(*started);
    options.on_manifest = [node = &swarm->node()](const Manifest& m) { node->AddManifest(m); };
    peers = [node = &swarm->node()](const Manifest& m, const Rendition& r, const SegmentEntry& s) {
      return node->FetchFromPeers(m, r, s,
                                  std::chrono::steady_clock::now() + std::chrono::seconds(2));
    };
  }
  absl::Status st = ServeUntilSignal(std::make_shared<EdgeCache>(*store, options, peers), "");
  return st.ok() ? 0 : Fail(st);
}

int WatchUrl(const std::string& text) {
  absl::StatusOr<Url> url = ParseUrl(text);
  if (!url.ok()) return Fail(url.status());
  std::vector<std::string> parts = absl::StrSplit(url->path, '/', absl::SkipEmpty());
  if (parts.size() < 2 || (parts[0] != "watch" && parts[0] != "streams")) {
    return Fail(
        absl::InvalidArgumentError("watch: the URL must be .../watch/ID or .../streams/ID/"));
  }
  absl::StatusOr<Manifest> manifest = FetchManifest(*url, parts[1]);
  if (!manifest.ok()) return Fail(manifest.status());
  // With swarm peers, segments come from them first and from the URL's server when peers are late.
  SegmentFetcher fetch = HttpFetcher(*url, /*from_peer=*/false);
  std::unique_ptr<Swarm> swarm;
  auto vouchers = edge::ViewerPaymentsFromFlags();
  if (!vouchers.ok()) return Fail(vouchers.status());
  if (!absl::GetFlag(FLAGS_swarm_peers).empty()) {
    absl::StatusOr<std::shared_ptr<SegmentStore>> store = OpenStore();
    if (!store.ok()) return Fail(store.status());
    absl::StatusOr<std::unique_ptr<Swarm>> started = Swarm::Start(*store, {}, nullptr, *vouchers);
    if (!started.ok()) return Fail(started.status());
    swarm = std::move(*started);
    swarm->node().AddManifest(*manifest);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // peers connect and announce
    fetch = [node = &swarm->node(), http = fetch](
                const Manifest& m, const Rendition& r, const SegmentEntry& s,
                std::chrono::steady_clock::time_point due) -> absl::StatusOr<FetchResult> {
      const auto peer_deadline =
          std::max(std::chrono::steady_clock::now() + std::chrono::milliseconds(300),
                   due - std::chrono::milliseconds(400));
      absl::StatusOr<Bytes> bytes = node->FetchFromPeers(m, r, s, peer_deadline);
      if (bytes.ok()) return FetchResult{std::move(*bytes), true};
      return http(m, r, s, due);
    };
  }
  absl::StatusOr<WatchReport> report =
      Watch(*manifest, fetch,
            {.rendition = absl::GetFlag(FLAGS_rendition),
             .realtime = absl::GetFlag(FLAGS_realtime),
             .refresh = [&] { return FetchManifest(*url, parts[1]); }});
  if (!report.ok()) return Fail(report.status());
  if (swarm && *vouchers) {
    // The voucher for the last segment is queued on the swarm's connections, and closing them
    // drops what is still queued (the host has no flush): give it time to leave, or the edge
    // settles one segment short.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::cout << report->ToJson() << std::endl;
  if (*vouchers) {
    std::cerr << "theta-edge: signed " << (*vouchers)->stats().vouchers << " vouchers, "
              << (*vouchers)->stats().committed_wei.ToDecimal() << " TFUEL wei committed\n";
  }
  return 0;
}

}  // namespace
}  // namespace theta::video

int main(int argc, char** argv) {
  // Blocked before any thread starts, so every thread inherits the mask and only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
#ifdef THETA_EDGE_COMPUTE
  theta::edge::ForwardTerminationSignalsToThisThread();  // OpenBLAS's threads predate the mask
#endif
  absl::SetProgramUsageMessage(
      "theta-edge publish|serve|watch URL|run JOB.json|worker [flags]; see --help");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const std::string command = positional.size() > 1 ? positional[1] : "";
  if (command == "publish" && positional.size() == 2) return theta::video::Publish();
  if (command == "serve" && positional.size() == 2) return theta::video::Serve();
  if (command == "watch" && positional.size() == 3) return theta::video::WatchUrl(positional[2]);
#ifdef THETA_EDGE_COMPUTE
  if (command == "run" && positional.size() == 3) return theta::edge::RunJobCommand(positional[2]);
  if (command == "worker" && positional.size() == 2) return theta::edge::RunWorkerCommand();
#endif
  std::cerr << "usage: theta-edge publish|serve [flags] | theta-edge watch URL [flags] | "
               "theta-edge run JOB.json [--backend=auto|cpu|vulkan] [--out=FILE] | "
               "theta-edge worker [--port=N --workers=N]\n";
  return 2;
}
