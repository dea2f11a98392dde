#include "theta/video/edge.hpp"

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"

namespace theta::video {

absl::Status PublishedStreams::Publish(const Manifest& manifest, const SegmentedStream& stream) {
  if (absl::Status st = VerifyManifest(manifest); !st.ok()) return st;
  if (manifest.renditions.size() != stream.renditions.size()) {
    return absl::InvalidArgumentError(
        "publish: the manifest and the stream have different renditions");
  }
  for (size_t i = 0; i < stream.renditions.size(); ++i) {
    if (manifest.renditions[i].segments != stream.renditions[i].info.segments ||
        manifest.renditions[i].init_hash != stream.renditions[i].info.init_hash) {
      return absl::InvalidArgumentError(absl::StrCat(
          "publish: rendition ", manifest.renditions[i].name, " lists other segments"));
    }
  }
  for (const SegmentedRendition& r : stream.renditions) {
    if (!r.init.empty()) {
      if (absl::Status st = store_->Put(r.info.init_hash, r.init); !st.ok()) return st;
    }
    for (const SegmentData& s : r.segments) {
      if (absl::Status st = store_->Put(s.hash, s.bytes); !st.ok()) return st;
    }
  }
  absl::MutexLock lock(&mu_);
  manifests_[manifest.stream_id] = manifest;
  return absl::OkStatus();
}

absl::Status PublishedStreams::Adopt(const Manifest& manifest) {
  if (absl::Status st = VerifyManifest(manifest); !st.ok()) return st;
  for (const Rendition& r : manifest.renditions) {
    if (manifest.fmp4() && !store_->Contains(r.init_hash)) {
      return absl::NotFoundError(
          absl::StrCat("publish: the init segment of ", r.name, " is not in the store"));
    }
    for (const SegmentEntry& s : r.segments) {
      if (!store_->Contains(s.hash)) {
        return absl::NotFoundError(
            absl::StrCat("publish: segment ", s.index, " of ", r.name, " is not in the store"));
      }
    }
  }
  absl::MutexLock lock(&mu_);
  manifests_[manifest.stream_id] = manifest;
  return absl::OkStatus();
}

std::vector<std::string> PublishedStreams::StreamIds() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  for (const auto& [id, m] : manifests_)
    ids.push_back(id);
  return ids;
}

absl::StatusOr<Manifest> PublishedStreams::GetManifest(const std::string& stream_id) {
  absl::MutexLock lock(&mu_);
  auto it = manifests_.find(stream_id);
  if (it == manifests_.end()) return absl::NotFoundError(absl::StrCat("no stream ", stream_id));
  return it->second;
}

absl::StatusOr<Bytes> PublishedStreams::GetSegment(const Manifest&, const Rendition&,
                                                   const SegmentEntry& segment) {
  return store_->Get(segment.hash);
}

EdgeCache::EdgeCache(std::shared_ptr<SegmentStore> store, EdgeCacheOptions options, PeerFetch peers)
    : store_(std::move(store)), options_(std::move(options)), peers_(std::move(peers)) {
  prefetcher_ = std::thread([this] { PrefetchLoop(); });
}

EdgeCache::~EdgeCache() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  prefetcher_.join();
}

std::vector<std::string> EdgeCache::StreamIds() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  for (const auto& [id, m] : manifests_)
    ids.push_back(id);
  return ids;
}

absl::StatusOr<Manifest> EdgeCache::GetManifest(const std::string& stream_id) {
  std::optional<Manifest> cached;
  {
    absl::MutexLock lock(&mu_);
    auto it = manifests_.find(stream_id);
    if (it != manifests_.end()) {
      // A live stream grows: refetch once half a segment's time has passed since the last fetch.
      const auto age = std::chrono::steady_clock::now() - fetched_at_[stream_id];
      if (!it->second.live() ||
          age < std::chrono::milliseconds(it->second.target_duration_ms / 2)) {
        return it->second;
      }
      cached = it->second;
    }
  }
  if (!IsValidName(stream_id)) return absl::NotFoundError("no such stream");
  absl::StatusOr<Manifest> manifest = FetchFromOrigin(stream_id);
  if (!manifest.ok()) {
    if (cached) return *cached;  // the origin hiccuped: keep serving what we have
    return manifest.status();
  }
  bool newer = false;
  {
    absl::MutexLock lock(&mu_);
    fetched_at_[stream_id] = std::chrono::steady_clock::now();
    auto it = manifests_.find(stream_id);
    if (it == manifests_.end() ||
        (manifest->publisher == it->second.publisher && manifest->sequence > it->second.sequence)) {
      manifests_[stream_id] = *manifest;
      newer = true;
    } else {
      manifest = it->second;  // an older or foreign version never replaces the one we have
    }
  }
  if (newer && options_.on_manifest) options_.on_manifest(*manifest);
  return manifest;
}

absl::StatusOr<Manifest> EdgeCache::FetchFromOrigin(const std::string& stream_id) {
  Url url = options_.origin;
  url.path = absl::StrCat("/streams/", stream_id, "/manifest");
  absl::StatusOr<Bytes> bytes = HttpGetBody(url, options_.http);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<Manifest> manifest = DecodeManifest(*bytes);
  if (!manifest.ok()) return manifest.status();
  if (absl::Status st = VerifyManifest(*manifest, options_.publisher); !st.ok()) return st;
  if (manifest->stream_id != stream_id) {
    return absl::InvalidArgumentError("origin answered with another stream's manifest");
  }
  return manifest;
}

absl::StatusOr<Bytes> EdgeCache::Fetch(const Manifest& manifest, const Rendition& rendition,
                                       const SegmentEntry& segment) {
  absl::StatusOr<Bytes> cached = store_->Get(segment.hash);
  if (cached.ok()) {
    absl::MutexLock lock(&mu_);
    ++stats_.hits;
    return cached;
  }
  if (peers_ && segment.index != kInitSegmentIndex) {  // init segments come from the origin
    absl::StatusOr<Bytes> got = peers_(manifest, rendition, segment);
    if (got.ok() && Blake2b256(*got) == segment.hash) {
      (void)store_->Put(segment.hash, *got);  // a full cache still serves the bytes
      absl::MutexLock lock(&mu_);
      ++stats_.from_peers;
      stats_.bytes_from_peers += got->size();
      return got;
    }
    if (got.ok()) {
      absl::MutexLock lock(&mu_);
      ++stats_.rejected;
    }
  }
  Url url = options_.origin;
  url.path = absl::StrCat("/streams/", manifest.stream_id, "/", rendition.name, "/",
                          manifest.SegmentFileName(segment.index));
  absl::StatusOr<Bytes> got = HttpGetBody(url, options_.http);
  if (!got.ok()) return got.status();
  if (Blake2b256(*got) != segment.hash) {
    absl::MutexLock lock(&mu_);
    ++stats_.rejected;
    return absl::DataLossError(absl::StrCat("origin sent segment ", segment.index,
                                            " with bytes that do not match the manifest"));
  }
  (void)store_->Put(segment.hash, *got);
  absl::MutexLock lock(&mu_);
  ++stats_.from_origin;
  stats_.bytes_from_origin += got->size();
  return got;
}

absl::StatusOr<Bytes> EdgeCache::GetSegment(const Manifest& manifest, const Rendition& rendition,
                                            const SegmentEntry& segment) {
  absl::StatusOr<Bytes> bytes = Fetch(manifest, rendition, segment);
  if (bytes.ok() && segment.index != kInitSegmentIndex)
    SchedulePrefetch(manifest, rendition, segment.index);
  return bytes;
}

void EdgeCache::SchedulePrefetch(const Manifest& manifest, const Rendition& rendition,
                                 uint64_t after) {
  absl::MutexLock lock(&mu_);
  for (uint64_t i = after + 1; i <= after + options_.prefetch; ++i) {
    const SegmentEntry* next = rendition.Find(i);
    if (next == nullptr) break;
    if (store_->Contains(next->hash)) continue;
    bool queued = false;
    for (const Job& j : queue_) {
      queued |= j.stream == manifest.stream_id && j.rendition == rendition.name && j.index == i;
    }
    if (!queued) queue_.push_back({manifest.stream_id, rendition.name, i});
  }
}

void EdgeCache::PrefetchLoop() {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](EdgeCache* self)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return self->stopping_ || !self->queue_.empty(); },
          this));
      if (stopping_) return;
      job = queue_.front();
      queue_.erase(queue_.begin());
    }
    absl::StatusOr<Manifest> manifest = GetManifest(job.stream);
    if (!manifest.ok()) continue;
    const Rendition* rendition = manifest->Find(job.rendition);
    const SegmentEntry* entry = rendition == nullptr ? nullptr : rendition->Find(job.index);
    if (entry != nullptr) (void)Fetch(*manifest, *rendition, *entry);
  }
}

EdgeCacheStats EdgeCache::stats() {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace theta::video
