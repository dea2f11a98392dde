// A LevelDB Env whose background work (memtable flushes and compactions) runs on a thread owned by
// one store, at a lower CPU priority. LevelDB's default Env runs the background work of every
// database in the process on one shared thread at normal priority; on a small machine a burst of
// compaction then competes with the foreground work the database serves (a node's consensus), and
// its latency jumps every time a memtable fills. A nice thread yields the CPU to that work and
// catches up in idle time; when it falls far behind, LevelDB's own write throttling slows the
// writers down, so nothing is lost, only delayed.
#pragma once

#include <leveldb/env.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace theta::internal {

class NiceBackgroundEnv final : public leveldb::EnvWrapper {
 public:
  // `nice` is the niceness the thread raises itself to (0..19 on Linux; clamped; a process that
  // already runs nicer keeps its value). Everything but Schedule goes to `base`, which must
  // outlive this object.
  NiceBackgroundEnv(leveldb::Env* base, int nice);
  // Runs the work that is still queued, then joins the thread. The DB using this Env must be
  // deleted first (LevelDB's DB destructor waits for its scheduled work, so the queue is empty).
  ~NiceBackgroundEnv() override;

  NiceBackgroundEnv(const NiceBackgroundEnv&) = delete;
  NiceBackgroundEnv& operator=(const NiceBackgroundEnv&) = delete;

  void Schedule(void (*function)(void*), void* arg) override;

 private:
  struct Job {
    void (*function)(void*);
    void* arg;
  };
  void Loop();

  const int nice_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // started by the first Schedule
};

}  // namespace theta::internal
