#include "termination_signals.hpp"

#include <pthread.h>
#include <signal.h>

namespace theta::edge {
namespace {

// A signal handler can reach only global state; this is written once, before the handlers exist.
pthread_t forward_to;

void Forward(int signal_number) {
  pthread_kill(forward_to, signal_number);  // async-signal-safe (POSIX.1-2008 TC2)
}

}  // namespace

void ForwardTerminationSignalsToThisThread() {
  forward_to = pthread_self();
  struct sigaction action = {};
  action.sa_handler = Forward;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace theta::edge
