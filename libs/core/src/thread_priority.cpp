// RaiseThisThreadNice (thread_priority.hpp).
#include "theta/core/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace theta {

void RaiseThisThreadNice(int nice) {
#ifdef __linux__
  nice = std::clamp(nice, 0, 19);
  if (nice == 0) return;
  const auto tid = static_cast<id_t>(gettid());
  errno = 0;
  const int before = getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && before < nice) (void)setpriority(PRIO_PROCESS, tid, nice);
#else
  (void)nice;
#endif
}

}  // namespace theta
