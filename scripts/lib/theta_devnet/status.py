"""The devnet's live status: one row per node (height, finalized checkpoint, peers, mempool, tx/s)
from theta.GetStatus and /metrics, drawn as a screen on a terminal or as plain lines otherwise."""

import collections
import concurrent.futures
import dataclasses
import time


@dataclasses.dataclass
class NodeRow:
    name: str
    role: str
    state: str  # "up", "syncing", "starting", "exited N"
    height: int = None
    finalized: int = None
    peers: int = None
    mempool: int = None
    committed: int = None  # theta_txs_committed_total
    tps: float = None


class StatusBoard:
    """Samples every node and keeps a few seconds of history per node for the tx/s rates."""

    def __init__(self, devnet, window_s=5.0):
        self.devnet = devnet
        self.window_s = window_s
        self._history = collections.defaultdict(collections.deque)  # name -> (t, committed)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)
        self.started = time.monotonic()

    def close(self):
        self._pool.shutdown(wait=False)

    def _sample(self, spec):
        code = self.devnet.procs.returncode(spec.name)
        if code is not None:
            return NodeRow(spec.name, spec.role, f"exited {code}")
        metrics = self.devnet.metrics(spec.name, timeout=0.8)
        status = self.devnet.status(spec.name, timeout=0.8)
        if metrics is None and status is None:
            return NodeRow(spec.name, spec.role, "starting")
        metrics = metrics or {}
        status = status or {}

        def number(metric, field=None):
            value = metrics.get(metric)
            if value is None and field is not None:
                value = status.get(field)
            return int(value) if value is not None else None

        syncing = status.get("syncing")
        return NodeRow(
            spec.name,
            spec.role,
            "syncing" if syncing in (True, "true") else "up",
            height=number("theta_height", "current_height"),
            finalized=number("theta_finalized_height", "latest_finalized_block_height"),
            peers=number("theta_peers"),
            mempool=number("theta_mempool_size"),
            committed=number("theta_txs_committed_total"),
        )

    def sample(self):
        """One row per node (in devnet order) with tx/s over the last window."""
        rows = list(self._pool.map(self._sample, self.devnet.nodes))
        now = time.monotonic()
        for row in rows:
            history = self._history[row.name]
            if row.committed is None:
                continue
            if history and row.committed < history[-1][1]:
                history.clear()  # the node restarted: its counter began again
            history.append((now, row.committed))
            while len(history) > 1 and now - history[0][0] > self.window_s:
                history.popleft()
            if len(history) > 1 and history[-1][0] > history[0][0]:
                row.tps = (history[-1][1] - history[0][1]) / (history[-1][0] - history[0][0])
        return rows

    @staticmethod
    def chain_tps(rows):
        """The chain's rate: the most any node saw committed (they all commit the same blocks)."""
        rates = [r.tps for r in rows if r.tps is not None]
        return max(rates) if rates else 0.0


def _cell(value):
    return "-" if value is None else str(value)


def render_table(rows, chain_tps, header_lines=(), elapsed_s=None):
    lines = list(header_lines)
    chain = f"chain: {chain_tps:8.1f} tx/s"
    if elapsed_s is not None:
        chain += f"   up {int(elapsed_s) // 60}m{int(elapsed_s) % 60:02d}s   (Ctrl-C stops every node)"
    lines.append(chain)
    lines.append("")
    lines.append(f"{'NODE':<12} {'ROLE':<10} {'STATE':<10} {'HEIGHT':>8} {'FINALIZED':>10} "
                 f"{'PEERS':>6} {'MEMPOOL':>8} {'TX/S':>8}")
    for r in rows:
        tps = "-" if r.tps is None else f"{r.tps:.1f}"
        lines.append(f"{r.name:<12} {r.role:<10} {r.state:<10} {_cell(r.height):>8} "
                     f"{_cell(r.finalized):>10} {_cell(r.peers):>6} {_cell(r.mempool):>8} {tps:>8}")
    return "\n".join(lines)


def render_line(rows, chain_tps):
    """One plain line for logs and pipes: heights, finalized, peers per node."""
    heights = [r.height for r in rows if r.height is not None]
    finalized = [r.finalized for r in rows if r.finalized is not None]
    parts = [time.strftime("%H:%M:%S"),
             f"height {min(heights) if heights else '-'}..{max(heights) if heights else '-'}",
             f"finalized {max(finalized) if finalized else '-'}",
             f"{chain_tps:.1f} tx/s"]
    down = [f"{r.name} {r.state}" for r in rows if r.state not in ("up",)]
    if down:
        parts.append("; ".join(down))
    peers = [r.peers for r in rows if r.peers is not None]
    if peers:
        parts.append(f"peers {min(peers)}..{max(peers)}")
    return "devnet: " + " | ".join(parts)


CLEAR = "\x1b[H\x1b[2J"
