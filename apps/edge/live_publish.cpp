#include "live_publish.hpp"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta/video/playlist.hpp"

namespace theta::edge {
namespace {

// Written to a temporary name and renamed, so a reader never sees half a playlist.
absl::Status WriteAtomically(const std::filesystem::path& path, std::string_view data) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot rename to ", path.string()));
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<LivePublisher> LivePublisher::Start(
    LivePublishOptions options, std::shared_ptr<video::SegmentStore> store,
    std::shared_ptr<video::PublishedStreams> published,
    std::function<void(const video::Manifest&)> on_manifest) {
  auto publisher = std::unique_ptr<LivePublisher>(new LivePublisher(
      std::move(options), std::move(store), std::move(published), std::move(on_manifest)));
  publisher->thread_ = std::thread([p = publisher.get()] {
    absl::Status st = p->Run();
    absl::MutexLock lock(&p->mu_);
    p->outcome_ = st;
  });
  return publisher;
}

LivePublisher::~LivePublisher() {
  if (thread_.joinable()) thread_.join();
}

absl::Status LivePublisher::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](std::optional<absl::Status>* s) { return s->has_value(); }, &outcome_));
  return *outcome_;
}

video::Manifest LivePublisher::manifest() const {
  absl::MutexLock lock(&mu_);
  return manifest_;
}

absl::Status LivePublisher::Run() {
  video::SegmenterOptions options{.target_duration_s = options_.target_duration_s,
                                  .format = options_.format};
  options.on_segment = [this](const video::Rendition& info, const Bytes& init,
                              video::SegmentData segment) {
    return OnSegment(info, init, std::move(segment));
  };
  absl::StatusOr<video::SegmentedStream> stream = video::SegmentMedia(options_.input, options);
  video::Manifest last = manifest();
  if (last.renditions.empty()) {
    return stream.ok() ? absl::InvalidArgumentError("live input ended before its first segment")
                       : stream.status();
  }
  // Ended (or broken off): the segments so far stay published as a finished stream.
  last.live_window = 0;
  THETA_RETURN_IF_ERROR(Republish(std::move(last)));
  return stream.ok() ? absl::OkStatus() : stream.status();
}

absl::Status LivePublisher::OnSegment(const video::Rendition& info, const Bytes& init,
                                      video::SegmentData segment) {
  THETA_RETURN_IF_ERROR(store_->Put(segment.hash, segment.bytes));
  video::Manifest next = manifest();
  if (next.renditions.empty()) {
    if (!init.empty()) THETA_RETURN_IF_ERROR(store_->Put(info.init_hash, init));
    next.stream_id = options_.stream_id;
    next.target_duration_ms = static_cast<uint64_t>(options_.target_duration_s * 1000);
    next.live_window = options_.live_window;
    next.format = options_.format;
    next.renditions.push_back(info);
  }
  video::Rendition& r = next.renditions.front();
  r.segments = info.segments;  // the entries so far, this one included
  r.bandwidth = video::PeakBandwidth(r.segments);
  return Republish(std::move(next));
}

absl::Status LivePublisher::Republish(video::Manifest manifest) {
  ++manifest.sequence;
  THETA_RETURN_IF_ERROR(video::SignManifest(manifest, options_.key));
  THETA_RETURN_IF_ERROR(published_->Adopt(manifest));
  {
    absl::MutexLock lock(&mu_);
    manifest_ = manifest;
  }
  if (on_manifest_) on_manifest_(manifest);
  if (options_.out_dir.empty()) return absl::OkStatus();
  THETA_RETURN_IF_ERROR(WriteAtomically(options_.out_dir / "manifest.rlp",
                                        ToString(video::EncodeManifest(manifest))));
  THETA_RETURN_IF_ERROR(
      WriteAtomically(options_.out_dir / "master.m3u8", video::MasterPlaylist(manifest)));
  for (const video::Rendition& r : manifest.renditions) {
    THETA_ASSIGN_OR_RETURN(std::string playlist, video::MediaPlaylist(manifest, r.name));
    THETA_RETURN_IF_ERROR(WriteAtomically(options_.out_dir / r.name / "index.m3u8", playlist));
  }
  return absl::OkStatus();
}

}  // namespace theta::edge
