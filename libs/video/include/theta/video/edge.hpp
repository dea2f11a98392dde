// The stream sources behind an HLS server: the origin's own published streams, and an edge node's
// cache that fills itself from peers first and the origin last.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "theta/video/http.hpp"
#include "theta/video/segment_store.hpp"
#include "theta/video/segmenter.hpp"

namespace theta::video {

// Streams whose segments are all in the store (the origin). Thread-safe.
class PublishedStreams : public StreamSource {
 public:
  explicit PublishedStreams(std::shared_ptr<SegmentStore> store) : store_(std::move(store)) {}

  // Stores every segment, then registers the signed manifest; a failed store leaves the stream
  // unpublished. InvalidArgument when the manifest does not list exactly these segments.
  absl::Status Publish(const Manifest& manifest, const SegmentedStream& stream);
  // Registers a manifest whose segments are already in the store (a restarted origin).
  absl::Status Adopt(const Manifest& manifest);

  std::vector<std::string> StreamIds() override;
  absl::StatusOr<Manifest> GetManifest(const std::string& stream_id) override;
  absl::StatusOr<Bytes> GetSegment(const Manifest& manifest, const Rendition& rendition,
                                   const SegmentEntry& segment) override;

 private:
  std::shared_ptr<SegmentStore> store_;
  absl::Mutex mu_;
  std::map<std::string, Manifest> manifests_ ABSL_GUARDED_BY(mu_);
};

// Fetches a segment from peers; returns the bytes (unchecked) or an error when no peer delivered
// in time. The swarm client implements it; nullptr means "origin only".
using PeerFetch =
    std::function<absl::StatusOr<Bytes>(const Manifest&, const Rendition&, const SegmentEntry&)>;

struct EdgeCacheOptions {
  Url origin;  // e.g. http://127.0.0.1:8080
  // When set, manifests signed by anyone else are refused.
  std::optional<Address> publisher;
  // Segments fetched ahead of the one a viewer asked for.
  size_t prefetch = 3;
  HttpGetOptions http;
  // Called with each stream's verified manifest, and again with every newer version of a live
  // stream (e.g. to announce it to the swarm).
  std::function<void(const Manifest&)> on_manifest;
};

struct EdgeCacheStats {
  uint64_t hits = 0;
  uint64_t from_peers = 0;
  uint64_t from_origin = 0;
  uint64_t bytes_from_peers = 0;
  uint64_t bytes_from_origin = 0;
  uint64_t rejected = 0;  // fetched bytes that did not match the manifest
};

// An edge node's source: store → peers → origin, every byte checked against the signed manifest
// before it is stored or served. Thread-safe; prefetches run on a background thread.
class EdgeCache : public StreamSource {
 public:
  EdgeCache(std::shared_ptr<SegmentStore> store, EdgeCacheOptions options,
            PeerFetch peers = nullptr);
  ~EdgeCache() override;

  std::vector<std::string> StreamIds() override;
  // Fetched from the origin on first use and verified; a live stream's is refetched when older than
  // half a segment, and only a newer sequence from the same publisher replaces it.
  absl::StatusOr<Manifest> GetManifest(const std::string& stream_id) override;
  absl::StatusOr<Bytes> GetSegment(const Manifest& manifest, const Rendition& rendition,
                                   const SegmentEntry& segment) override;
  EdgeCacheStats stats();

 private:
  absl::StatusOr<Manifest> FetchFromOrigin(const std::string& stream_id);
  absl::StatusOr<Bytes> Fetch(const Manifest& manifest, const Rendition& rendition,
                              const SegmentEntry& segment);
  void SchedulePrefetch(const Manifest& manifest, const Rendition& rendition, uint64_t after);
  void PrefetchLoop();

  std::shared_ptr<SegmentStore> store_;
  EdgeCacheOptions options_;
  PeerFetch peers_;
  absl::Mutex mu_;
  std::map<std::string, Manifest> manifests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::chrono::steady_clock::time_point> fetched_at_ ABSL_GUARDED_BY(mu_);
  EdgeCacheStats stats_ ABSL_GUARDED_BY(mu_);
  struct Job {
    std::string stream;
    std::string rendition;
    uint64_t index;
  };
  std::vector<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread prefetcher_;
};

}  // namespace theta::video
