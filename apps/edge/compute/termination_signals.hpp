// theta-edge blocks SIGINT and SIGTERM at the top of main() and sigwait()s for them, so that no
// thread it starts is interrupted. But OpenBLAS (linked through theta-edge-compute) starts its
// thread pool when the library loads, before main() runs, and those threads keep the signals
// unblocked: the kernel may deliver SIGTERM to one of them, where the default action kills the
// process before the sigwait() sees it.
//
// ForwardTerminationSignalsToThisThread installs handlers for SIGINT and SIGTERM that re-send the
// signal to the calling thread, which must keep both blocked and sigwait() for them: a signal that
// lands on a pool thread becomes pending on the waiting thread instead. Call it once, from main().
#pragma once

namespace theta::edge {

void ForwardTerminationSignalsToThisThread();

}  // namespace theta::edge
