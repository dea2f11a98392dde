"""Tells whether a native call releases the GIL, for the tests of long calls.

The call runs in a worker thread while this thread counts its own loop iterations. A call that
holds the GIL stops this thread for its whole duration, so the iterations seen while it runs
span at most one switch interval (5 ms); a call that releases it lets them span its duration.
"""
import threading
import time


def spans_of(call):
    """Runs call() in a thread; returns (its duration, the time span this thread kept running)."""
    state = {"start": None, "end": None}

    def worker():
        state["start"] = time.perf_counter()
        call()
        state["end"] = time.perf_counter()

    thread = threading.Thread(target=worker)
    first = last = None
    thread.start()
    while state["end"] is None:
        if state["start"] is not None:
            now = time.perf_counter()
            first = now if first is None else first
            last = now
    thread.join()
    duration = state["end"] - state["start"]
    span = 0.0 if first is None else min(last, state["end"]) - max(first, state["start"])
    return duration, span


def releases_gil(call, min_duration=0.05):
    """True when call() ran at least min_duration seconds and this thread ran during most of it."""
    duration, span = spans_of(call)
    assert duration >= min_duration, f"the call took only {duration * 1000:.1f} ms: make it longer"
    return span >= 0.5 * duration
