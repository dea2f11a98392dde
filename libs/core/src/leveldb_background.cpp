// NiceBackgroundEnv (internal/leveldb_background.hpp).
#include "internal/leveldb_background.hpp"

#include <algorithm>

#include "theta/core/thread_priority.hpp"

namespace theta::internal {

NiceBackgroundEnv::NiceBackgroundEnv(leveldb::Env* base, int nice)
    : EnvWrapper(base), nice_(std::clamp(nice, 0, 19)) {}

NiceBackgroundEnv::~NiceBackgroundEnv() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NiceBackgroundEnv::Schedule(void (*function)(void*), void* arg) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({function, arg});
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  wake_.notify_one();
}

void NiceBackgroundEnv::Loop() {
  RaiseThisThreadNice(nice_);
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    const Job job = queue_.front();
    queue_.pop_front();
    lock.unlock();
    job.function(job.arg);
    lock.lock();
  }
}

}  // namespace theta::internal
