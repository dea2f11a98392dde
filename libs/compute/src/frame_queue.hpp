// Internal: the bounded queue of decoded frames between a transcode's decoding thread and its
// scaling and encoding thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

extern "C" {
#include <libavutil/frame.h>
}

#include "absl/status/status.h"

namespace theta::compute::internal {

struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

// Decoded frames on their way from the decoding thread to the scaling and encoding thread. Push
// blocks while the queue is full; Pop blocks while it is empty and returns null once it is closed
// and drained or aborted. Abort records why the consumer stopped and wakes both sides.
class FrameQueue {
 public:
  static constexpr size_t kCapacity = 8;

  // False when the consumer has aborted (see status()).
  bool Push(FramePtr frame) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < kCapacity || aborted_; });
    if (aborted_) return false;
    queue_.push_back(std::move(frame));
    changed_.notify_all();
    return true;
  }

  FramePtr Pop() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !queue_.empty() || closed_ || aborted_; });
    if (aborted_ || queue_.empty()) return nullptr;
    FramePtr frame = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return frame;
  }

  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }

  void Abort(absl::Status status) {
    std::lock_guard lock(mu_);
    if (!aborted_) status_ = std::move(status);
    aborted_ = true;
    changed_.notify_all();
  }

  absl::Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<FramePtr> queue_;
  bool closed_ = false;
  bool aborted_ = false;
  absl::Status status_;
};

}  // namespace theta::compute::internal
