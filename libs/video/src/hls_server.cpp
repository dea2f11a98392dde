#include <sys/socket.h>

#include <charconv>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "theta/video/http.hpp"
#include "theta/video/playlist.hpp"

namespace theta::video {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::empty_body>;
using Response = http::response<http::vector_body<uint8_t>>;

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";

template <typename Start>
beast::error_code RunOp(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

Bytes ToBody(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

std::string PlayerPage(const std::string& stream) {
  // hls.js plays MPEG-TS through Media Source Extensions; the counters on window let a test (or a
  // curious operator with devtools) see stalls and fatal errors without scraping the console.
  return absl::StrCat(R"(<!doctype html>
<html><head><meta charset="utf-8"><title>theta-edge: )",
                      stream, R"(</title>
<style>body{background:#111;color:#eee;font-family:sans-serif}video{width:640px;max-width:100%}</style>
</head><body>
<h1>)",
                      stream, R"(</h1>
<video id="video" muted autoplay playsinline controls></video>
<pre id="status"></pre>
<script src="/hls.min.js"></script>
<script>
const video = document.getElementById('video');
const src = '/streams/)",
                      stream, R"(/master.m3u8';
window.thetaPlayer = {stalls: 0, errors: [], started: false};
video.addEventListener('playing', () => { window.thetaPlayer.started = true; });
video.addEventListener('waiting', () => { if (window.thetaPlayer.started) window.thetaPlayer.stalls++; });
if (window.Hls && Hls.isSupported()) {
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (e, d) => { if (d.fatal) window.thetaPlayer.errors.push(d.type + ': ' + d.details); });
  hls.loadSource(src);
  hls.attachMedia(video);
} else if (video.canPlayType('application/vnd.apple.mpegurl')) {
  video.src = src;
} else {
  window.thetaPlayer.errors.push('no HLS support: hls.js missing and no native HLS');
}
setInterval(() => { document.getElementById('status').textContent =
  't=' + video.currentTime.toFixed(2) + ' stalls=' + window.thetaPlayer.stalls; }, 250);
</script></body></html>
)");
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

// One "bytes=a-b" range (RFC 9110 14.1.2). nullopt: ignore the header (serve the whole body);
// an empty optional inside: unsatisfiable.
std::optional<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  header.remove_prefix(kUnit.size());
  if (header.find(',') != std::string_view::npos) return std::nullopt;  // multipart: send all
  const size_t dash = header.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s, uint64_t& out) {
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  uint64_t a = 0, b = 0;
  const std::string_view left = header.substr(0, dash), right = header.substr(dash + 1);
  if (left.empty()) {  // suffix: the last b bytes
    if (!number(right, b)) return std::nullopt;
    if (b == 0 || size == 0) return std::optional<ByteRange>();
    return std::optional<ByteRange>(ByteRange{size - std::min(b, size), size - 1});
  }
  if (!number(left, a)) return std::nullopt;
  if (right.empty()) {
    b = size == 0 ? 0 : size - 1;
  } else if (!number(right, b) || b < a) {
    return std::nullopt;
  }
  if (a >= size) return std::optional<ByteRange>();
  return std::optional<ByteRange>(ByteRange{a, std::min(b, size - 1)});
}

}  // namespace

struct HlsServer::Impl : std::enable_shared_from_this<HlsServer::Impl> {
  std::shared_ptr<StreamSource> source;
  HlsServerOptions options;
  asio::io_context accept_io;
  std::optional<tcp::acceptor> acceptor;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
  uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable idle;
  std::set<asio::io_context*> live;  // connection contexts, for Stop to cancel
  std::set<beast::tcp_stream*> streams;
  HlsServerStats stats;

  void AcceptLoop();
  void Serve(tcp::socket socket);
  Response Handle(const Request& request);
  Response Route(const Request& request, const std::vector<std::string>& parts);
  Response Segment(const Request& request, const std::string& stream, const std::string& rendition,
                   const std::string& file);
  Response Error(const Request& request, http::status status, std::string_view text);
  Response Reply(const Request& request, http::status status, std::string_view type, Bytes body);
};

Response HlsServer::Impl::Reply(const Request& request, http::status status, std::string_view type,
                                Bytes body) {
  Response response(status, request.version());
  response.set(http::field::server, "theta-edge");
  response.set(http::field::content_type, std::string(type));
  response.set(http::field::access_control_allow_origin, "*");
  response.set(http::field::access_control_expose_headers, "Content-Length, Content-Range");
  response.set(http::field::accept_ranges, "bytes");
  response.set(http::field::cache_control, "no-cache");
  response.body() = std::move(body);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

Response HlsServer::Impl::Error(const Request& request, http::status status,
                                std::string_view text) {
  {
    std::lock_guard lock(mu);
    ++stats.errors;
  }
  return Reply(request, status, "text/plain; charset=utf-8",
               ToBody(absl::StrCat(std::string(text), "\n")));
}

Response HlsServer::Impl::Segment(const Request& request, const std::string& stream_id,
                                  const std::string& rendition_name, const std::string& file) {
  absl::StatusOr<Manifest> manifest = source->GetManifest(stream_id);
  if (!manifest.ok())
    return Error(request, http::status::not_found, std::string(manifest.status().message()));
  const Rendition* rendition = manifest->Find(rendition_name);
  if (rendition == nullptr) return Error(request, http::status::not_found, "no such rendition");
  // "<n>.ts", "<n>.m4s" or "init.mp4", whichever this stream's format names.
  std::optional<SegmentEntry> entry;
  if (file == "init.mp4" && manifest->fmp4()) {
    entry = rendition->InitEntry();
  } else {
    const std::string_view ext = manifest->fmp4() ? ".m4s" : ".ts";
    const std::string_view digits =
        file.ends_with(ext) ? std::string_view(file).substr(0, file.size() - ext.size()) : "";
    uint64_t index = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    const SegmentEntry* found =
        digits.empty() || ec != std::errc() || end != digits.data() + digits.size()
            ? nullptr
            : rendition->Find(index);
    if (found != nullptr) entry = *found;
  }
  if (!entry) return Error(request, http::status::not_found, "no such segment");
  const char* type = !manifest->fmp4()                   ? "video/mp2t"
                     : entry->index == kInitSegmentIndex ? "video/mp4"
                                                         : "video/iso.segment";
  absl::StatusOr<Bytes> bytes = source->GetSegment(*manifest, *rendition, *entry);
  if (!bytes.ok()) {
    return Error(request, http::status::service_unavailable, std::string(bytes.status().message()));
  }
  const uint64_t size = bytes->size();
  auto range = ParseRange(std::string(request[http::field::range]), size);
  if (range.has_value() && !range->has_value()) {
    Response r = Error(request, http::status::range_not_satisfiable, "range not satisfiable");
    r.set(http::field::content_range, absl::StrCat("bytes */", size));
    return r;
  }
  Response response;
  if (range.has_value()) {
    const ByteRange br = **range;
    Bytes part(bytes->begin() + static_cast<ptrdiff_t>(br.first),
               bytes->begin() + static_cast<ptrdiff_t>(br.last + 1));
    response = Reply(request, http::status::partial_content, type, std::move(part));
    response.set(http::field::content_range,
                 absl::StrCat("bytes ", br.first, "-", br.last, "/", size));
  } else {
    response = Reply(request, http::status::ok, type, std::move(*bytes));
  }
  std::lock_guard lock(mu);
  stats.segment_bytes += response.body().size();
  return response;
}

Response HlsServer::Impl::Route(const Request& request, const std::vector<std::string>& parts) {
  if (parts.empty()) {
    std::string page = "<!doctype html><html><body><h1>theta-edge</h1><ul>";
    for (const std::string& id : source->StreamIds()) {
      absl::StrAppend(&page, "<li><a href=\"/watch/", id, "\">", id, "</a></li>");
    }
    page += "</ul></body></html>\n";
    return Reply(request, http::status::ok, "text/html; charset=utf-8", ToBody(page));
  }
  if (parts.size() == 1 && parts[0] == "hls.min.js" && !options.player_js_path.empty()) {
    std::ifstream in(options.player_js_path, std::ios::binary);
    if (!in) return Error(request, http::status::not_found, "player script missing");
    Bytes js((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return Reply(request, http::status::ok, "text/javascript; charset=utf-8", std::move(js));
  }
  // Every name below passes IsValidName before use, so none can escape into other paths.
  if (parts.size() == 2 && parts[0] == "watch" && IsValidName(parts[1])) {
    if (!source->GetManifest(parts[1]).ok())
      return Error(request, http::status::not_found, "no such stream");
    return Reply(request, http::status::ok, "text/html; charset=utf-8",
                 ToBody(PlayerPage(parts[1])));
  }
  if (parts.size() < 3 || parts[0] != "streams" || !IsValidName(parts[1])) {
    return Error(request, http::status::not_found, "not found");
  }
  if (parts.size() == 3) {
    absl::StatusOr<Manifest> manifest = source->GetManifest(parts[1]);
    if (!manifest.ok())
      return Error(request, http::status::not_found, std::string(manifest.status().message()));
    if (parts[2] == "master.m3u8") {
      return Reply(request, http::status::ok, kPlaylistType, ToBody(MasterPlaylist(*manifest)));
    }
    if (parts[2] == "manifest") {
      return Reply(request, http::status::ok, "application/octet-stream",
                   EncodeManifest(*manifest));
    }
    return Error(request, http::status::not_found, "not found");
  }
  if (parts.size() == 4 && IsValidName(parts[2])) {
    if (parts[3] == "index.m3u8") {
      absl::StatusOr<Manifest> manifest = source->GetManifest(parts[1]);
      if (!manifest.ok())
        return Error(request, http::status::not_found, std::string(manifest.status().message()));
      absl::StatusOr<std::string> playlist = MediaPlaylist(*manifest, parts[2]);
      if (!playlist.ok())
        return Error(request, http::status::not_found, std::string(playlist.status().message()));
      return Reply(request, http::status::ok, kPlaylistType, ToBody(*playlist));
    }
    if (parts[3].ends_with(".ts") || parts[3].ends_with(".m4s") || parts[3] == "init.mp4") {
      return Segment(request, parts[1], parts[2], parts[3]);
    }
  }
  return Error(request, http::status::not_found, "not found");
}

Response HlsServer::Impl::Handle(const Request& request) {
  {
    std::lock_guard lock(mu);
    ++stats.requests;
  }
  if (request.method() == http::verb::options) {
    Response r = Reply(request, http::status::no_content, "text/plain", {});
    r.set(http::field::access_control_allow_methods, "GET, HEAD, OPTIONS");
    r.set(http::field::access_control_allow_headers, "Range");
    r.set(http::field::access_control_max_age, "86400");
    return r;
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    Response r = Error(request, http::status::method_not_allowed, "only GET, HEAD and OPTIONS");
    r.set(http::field::allow, "GET, HEAD, OPTIONS");
    return r;
  }
  const std::string target_text(request.target());
  std::string_view target = target_text;
  target = target.substr(0, target.find('?'));
  if (target.empty() || target[0] != '/')
    return Error(request, http::status::bad_request, "bad target");
  std::vector<std::string> parts =
      absl::StrSplit(std::string(target.substr(1)), '/', absl::SkipEmpty());
  Response response = Route(request, parts);
  if (request.method() == http::verb::head) {
    const size_t length = response.body().size();
    response.body().clear();
    response.content_length(length);
  }
  return response;
}

void HlsServer::Impl::Serve(tcp::socket socket) {
  asio::io_context& io = static_cast<asio::io_context&>(socket.get_executor().context());
  beast::tcp_stream stream(std::move(socket));
  {
    std::lock_guard lock(mu);
    streams.insert(&stream);
  }
  beast::flat_buffer buffer;
  while (!stopping) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16 << 10);
    stream.expires_after(options.idle_timeout);
    beast::error_code ec = RunOp(io, [&](auto h) { http::async_read(stream, buffer, parser, h); });
    if (ec) {
      if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
          ec != asio::error::operation_aborted && ec != asio::error::connection_reset) {
        Request bad;
        bad.version(11);
        bad.keep_alive(false);
        Response r = Error(bad, http::status::bad_request, ec.message());
        stream.expires_after(std::chrono::seconds(5));
        RunOp(io, [&](auto h) { http::async_write(stream, r, h); });
      }
      break;
    }
    Response response = Handle(parser.get());
    const bool keep_alive = response.keep_alive();
    stream.expires_after(options.idle_timeout);
    ec = RunOp(io, [&](auto h) { http::async_write(stream, response, h); });
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  std::lock_guard lock(mu);
  streams.erase(&stream);
}

void HlsServer::Impl::AcceptLoop() {
  while (!stopping) {
    auto io = std::make_unique<asio::io_context>(1);
    beast::error_code ec;
    tcp::socket socket = acceptor->accept(*io, ec);
    if (stopping) break;
    if (ec) continue;
    {
      std::unique_lock lock(mu);
      if (live.size() >= options.max_connections) continue;  // closes the socket
      live.insert(io.get());
    }
    auto owned = std::make_unique<tcp::socket>(std::move(socket));
    std::thread([self = shared_from_this(), io = std::move(io), s = std::move(owned)]() mutable {
      self->Serve(std::move(*s));
      s.reset();  // every socket object goes before the io_context it belongs to
      std::lock_guard lock(self->mu);
      self->live.erase(io.get());
      io.reset();
      self->idle.notify_all();
    }).detach();
  }
}

HlsServer::HlsServer(std::shared_ptr<StreamSource> source, HlsServerOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->source = std::move(source);
  impl_->options = std::move(options);
}

HlsServer::~HlsServer() {
  Stop();
}

absl::Status HlsServer::Start() {
  if (impl_->started.exchange(true))
    return absl::FailedPreconditionError("hls server: already started");
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("hls server: \"", impl_->options.address, "\" is not a numeric address"));
  }
  impl_->acceptor.emplace(impl_->accept_io);
  const tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("hls server: cannot listen on ",
                                               impl_->options.address, ":", impl_->options.port,
                                               ": ", ec.message()));
  }
  impl_->bound_port = impl_->acceptor->local_endpoint().port();
  impl_->accept_thread = std::thread([impl = impl_] { impl->AcceptLoop(); });
  return absl::OkStatus();
}

void HlsServer::Stop() {
  if (!impl_->started || impl_->stopping.exchange(true)) return;
  // shutdown() wakes the thread blocked in accept(); close() alone would not.
  ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  beast::error_code ec;
  impl_->acceptor->close(ec);
  std::unique_lock lock(impl_->mu);
  for (beast::tcp_stream* s : impl_->streams) {
    ::shutdown(s->socket().native_handle(), SHUT_RDWR);  // wakes a blocked read or write
  }
  impl_->idle.wait(lock, [&] { return impl_->live.empty(); });
}

uint16_t HlsServer::port() const {
  return impl_->bound_port;
}

HlsServerStats HlsServer::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace theta::video
