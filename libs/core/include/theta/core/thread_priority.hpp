// Thread priority for work that should yield the CPU: a store's compactions, a node's transaction
// admission. Linux only; elsewhere a no-op.
#pragma once

namespace theta {

// Raises the calling thread's niceness to at least `nice` (clamped to 0..19; a thread already
// nicer keeps its value). On Linux a thread's nice value is its own (setpriority on its thread
// id), not the process's, and threads it starts inherit it. Lowering it again needs privileges,
// so call this on threads that keep the value for life. Failures are ignored: priority is a hint.
void RaiseThisThreadNice(int nice);

}  // namespace theta
