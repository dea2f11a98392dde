// `theta-edge publish --live`: the origin side of a live stream.
//
// The segmenter follows the input (a pipe, a socket, an "-re" ffmpeg writing into a FIFO: any
// source libavformat reads that grows while it is read) and hands over each segment as soon as the
// next keyframe closes it. Each one is stored, appended to the manifest, which is signed again with
// the next sequence number (version 2: live, with a sliding playlist window), registered with the
// origin's HLS server, announced to the swarm and written under DIR/ID/. When the input ends, the
// manifest is signed once more as ended (version 1, with EXT-X-ENDLIST), and the stream stays
// served as VOD.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "theta/video/edge.hpp"

namespace theta::edge {

struct LivePublishOptions {
  std::string input;
  std::string stream_id;
  double target_duration_s = 2.0;
  uint32_t live_window = 6;       // segments listed in the live playlists
  std::filesystem::path out_dir;  // DIR/ID; empty: write nothing
  PrivateKey key;
  video::SegmentFormat format = video::SegmentFormat::kTs;
};

class LivePublisher {
 public:
  // Starts segmenting on a background thread. `on_manifest` sees every signed version (e.g. to
  // announce it to the swarm); it runs on that thread.
  static std::unique_ptr<LivePublisher> Start(
      LivePublishOptions options, std::shared_ptr<video::SegmentStore> store,
      std::shared_ptr<video::PublishedStreams> published,
      std::function<void(const video::Manifest&)> on_manifest);
  ~LivePublisher();

  // Blocks until the input ended; the segmenter's outcome.
  absl::Status Wait();
  // The latest signed manifest (no renditions before the first segment).
  video::Manifest manifest() const;

 private:
  LivePublisher(LivePublishOptions options, std::shared_ptr<video::SegmentStore> store,
                std::shared_ptr<video::PublishedStreams> published,
                std::function<void(const video::Manifest&)> on_manifest)
      : options_(std::move(options)),
        store_(std::move(store)),
        published_(std::move(published)),
        on_manifest_(std::move(on_manifest)) {}
  absl::Status Run();
  absl::Status OnSegment(const video::Rendition& info, const Bytes& init,
                         video::SegmentData segment);
  absl::Status Republish(video::Manifest manifest);

  const LivePublishOptions options_;
  std::shared_ptr<video::SegmentStore> store_;
  std::shared_ptr<video::PublishedStreams> published_;
  std::function<void(const video::Manifest&)> on_manifest_;
  mutable absl::Mutex mu_;
  video::Manifest manifest_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Status> outcome_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace theta::edge
