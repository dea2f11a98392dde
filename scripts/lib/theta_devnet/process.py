"""The devnet's child processes: started in their own session (a terminal's Ctrl-C reaches only the
launcher, which then stops them in order), logs appended to one file per process."""

import ctypes
import os
import signal
import subprocess
import time

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """Runs in the child before exec: SIGTERM it when the launcher dies, even by kill -9 (a CTest
    timeout), so that no node outlives its launcher holding ports and CPU. Linux only; elsewhere the
    launcher's own stop() is the only guard."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class ProcessGroup:
    """Named child processes. Not thread-safe: one thread starts and stops them."""

    def __init__(self):
        self._procs = {}  # name -> (Popen, log path)

    def start(self, name, argv, log_path, cwd=None, env=None):
        """Starts `argv` as `name` (which must not be running), appending its stdout and stderr to
        `log_path`. Returns the Popen."""
        if self.running(name):
            raise RuntimeError(f"{name} is already running (pid {self._procs[name][0].pid})")
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        with open(log_path, "ab") as log:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            log.write(f"\n=== {stamp} devnet: starting {' '.join(argv)}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=env,
                # Its own process group keeps the terminal's Ctrl-C from it (the devnet stops it
                # cleanly); the session stays ours, so under autogroup scheduling the nodes share one
                # CPU group and a node's niced compaction yields to the others' consensus too.
                process_group=0,
                preexec_fn=_die_with_parent,
            )
        self._procs[name] = (proc, log_path)
        return proc

    def names(self):
        return list(self._procs)

    def pid(self, name):
        entry = self._procs.get(name)
        return entry[0].pid if entry else None

    def log_path(self, name):
        entry = self._procs.get(name)
        return entry[1] if entry else None

    def running(self, name):
        entry = self._procs.get(name)
        return entry is not None and entry[0].poll() is None

    def returncode(self, name):
        """None while running (or never started), else the exit status (-N: killed by signal N)."""
        entry = self._procs.get(name)
        return entry[0].poll() if entry else None

    def signal(self, name, sig):
        """Sends `sig` to a running process; False when it is not running."""
        if not self.running(name):
            return False
        try:
            self._procs[name][0].send_signal(sig)
        except ProcessLookupError:
            return False
        return True

    def kill9(self, name, wait=10.0):
        """SIGKILL and reap; returns the exit status (normally -9)."""
        self.signal(name, signal.SIGKILL)
        return self._procs[name][0].wait(timeout=wait)

    def stop(self, names=None, timeout=30.0):
        """SIGTERM to each running process in `names` (default all), then waits up to `timeout`
        seconds for all of them; any still running then gets SIGKILL. Returns {name: status} and
        the names that had to be killed."""
        names = list(self._procs) if names is None else list(names)
        for name in names:
            self.signal(name, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        killed = []
        for name in names:
            proc = self._procs[name][0]
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                killed.append(name)
        return {name: self._procs[name][0].returncode for name in names}, killed

    def tail(self, name, lines=30):
        """The last `lines` lines of a process's log, for error reports."""
        path = self.log_path(name)
        if not path or not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            text = f.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])
