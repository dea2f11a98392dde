"""A devnet on disk and in processes: `theta-node init-devnet` writes the data directory (genesis,
devnet.json, one folder per node), and Devnet starts, watches, kills and stops the nodes."""

import dataclasses
import json
import os
import shutil
import subprocess
import time

from .ports import PortPlan, port_is_free
from .process import ProcessGroup
from .rpc import RpcError, json_rpc, scrape_metrics


class DevnetError(Exception):
    """Something the user or the test can act on: a bad data directory, a node that exited, a
    condition that did not come true in time (the message names which and points at the logs)."""


def _port_of(value):
    """devnet.json gives a port as a number or as "host:port"."""
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text.rsplit(":", 1)[-1])


@dataclasses.dataclass
class NodeSpec:
    name: str
    role: str  # validator, guardian or full
    config: str  # absolute path of config.json
    p2p: int
    rpc: int
    eth_rpc: int

    @property
    def rpc_url(self):
        return f"http://127.0.0.1:{self.rpc}/rpc"

    @property
    def metrics_url(self):
        return f"http://127.0.0.1:{self.rpc}/metrics"

    @property
    def eth_url(self):
        return f"http://127.0.0.1:{self.eth_rpc}/rpc"

    @property
    def eth_ws_url(self):
        return f"ws://127.0.0.1:{self.eth_rpc}/ws"


class Devnet:
    """One devnet's data directory and processes. Use as a context manager (or call stop()) so that
    no node outlives its launcher. Not thread-safe."""

    def __init__(self, data_dir, node_bin, edge_bin=None, log=None):
        self.data_dir = os.path.abspath(os.path.expanduser(data_dir))
        # Absolute: each node runs in its own folder.
        self.node_bin = os.path.abspath(node_bin)
        self.edge_bin = os.path.abspath(edge_bin) if edge_bin else None
        self.procs = ProcessGroup()
        self.info = None  # devnet.json
        self.nodes = []  # NodeSpec, validators first
        self._log = log or (lambda message: None)

    # --- the data directory -------------------------------------------------------------------

    @property
    def manifest_path(self):
        return os.path.join(self.data_dir, "devnet.json")

    @property
    def logs_dir(self):
        return os.path.join(self.data_dir, "logs")

    def exists(self):
        return os.path.exists(self.manifest_path)

    def init(self, validators=4, guardians=4, edges=2, accounts=4, chain_id="privatenet",
             ports=None, reset=False, extra_args=()):
        """Writes a fresh devnet with `theta-node init-devnet` unless one is there already (then it
        is reused as it is and False is returned; `reset` wipes it first)."""
        if reset and os.path.exists(self.data_dir):
            self._check_not_running()
            shutil.rmtree(self.data_dir)
        if self.exists():
            self.load()
            return False
        if os.path.isdir(self.data_dir) and os.listdir(self.data_dir):
            raise DevnetError(
                f"{self.data_dir} exists but holds no devnet.json: not a devnet data directory "
                "(choose another directory, or --reset to wipe it)")
        ports = ports or PortPlan()
        argv = [
            self.node_bin, "init-devnet",
            f"--dir={self.data_dir}",
            f"--validators={validators}",
            f"--guardians={guardians}",
            f"--edges={edges}",
            f"--accounts={accounts}",
            f"--chain_id={chain_id}",
            f"--p2p_port={ports.p2p}",
            f"--rpc_port={ports.rpc}",
            f"--eth_rpc_port={ports.eth_rpc}",
            *extra_args,
        ]
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise DevnetError(
                f"{' '.join(argv)} failed with status {result.returncode}:\n"
                f"{result.stderr.strip() or result.stdout.strip()}")
        self.load()
        return True

    def load(self):
        """Reads devnet.json."""
        try:
            with open(self.manifest_path) as f:
                self.info = json.load(f)
            self.nodes = [
                NodeSpec(
                    name=n["name"],
                    role=n["role"],
                    config=os.path.join(self.data_dir, n["config"]),
                    p2p=_port_of(n["p2p"]),
                    rpc=_port_of(n["rpc"]),
                    eth_rpc=_port_of(n["eth_rpc"]),
                )
                for n in self.info["nodes"]
            ]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise DevnetError(f"{self.manifest_path}: cannot read the devnet's description: {e}")

    @property
    def chain_id(self):
        return self.info["chain_id"]

    @property
    def eth_chain_id(self):
        value = self.info["eth_chain_id"]
        return int(value, 0) if isinstance(value, str) else int(value)

    @property
    def accounts(self):
        return self.info.get("accounts", [])

    @property
    def edges(self):
        return self.info.get("edges", [])

    def node(self, name):
        for spec in self.nodes:
            if spec.name == name:
                return spec
        raise KeyError(f"no node named {name!r} in {self.manifest_path}")

    def validators(self):
        return [n for n in self.nodes if n.role == "validator"]

    # --- processes ------------------------------------------------------------------------------

    def _lock_path(self):
        return os.path.join(self.data_dir, "launcher.pid")

    def _check_not_running(self):
        try:
            with open(self._lock_path()) as f:
                pid = int(f.read().strip() or 0)
        except (OSError, ValueError):
            return
        if pid and pid != os.getpid() and _pid_alive(pid):
            raise DevnetError(
                f"a launcher (pid {pid}) is running this devnet in {self.data_dir}; stop it first "
                "(Ctrl-C in its terminal, or kill -TERM " + str(pid) + ")")

    def start(self, names=None):
        """Starts the named nodes (default all): checks that their ports are free first so that a
        second devnet on the same ports fails with a message instead of half-starting."""
        self._check_not_running()
        with open(self._lock_path(), "w") as f:
            f.write(str(os.getpid()))
        specs = self.nodes if names is None else [self.node(n) for n in names]
        busy = [
            f"{spec.name}:{port}"
            for spec in specs
            for port in (spec.p2p, spec.rpc, spec.eth_rpc)
            if not self.procs.running(spec.name) and not port_is_free(port)
        ]
        if busy:
            raise DevnetError(
                "ports already in use (another devnet or program?): " + ", ".join(busy))
        for spec in specs:
            self.start_node(spec.name)

    def start_node(self, name):
        spec = self.node(name)
        self.procs.start(
            name,
            [self.node_bin, f"--config={spec.config}"],
            os.path.join(self.logs_dir, f"{name}.log"),
            cwd=os.path.dirname(spec.config),
        )
        self._log(f"started {name} (pid {self.procs.pid(name)})")

    def kill9(self, name):
        """kill -9 a node (a crash at an arbitrary moment); returns its exit status."""
        return self.procs.kill9(name)

    def stop(self, timeout=30.0):
        """SIGTERM to every process, waits, SIGKILL what is left. Returns ({name: status}, killed)."""
        statuses, killed = self.procs.stop(timeout=timeout)
        try:
            if os.path.exists(self._lock_path()):
                with open(self._lock_path()) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.remove(self._lock_path())
        except OSError:
            pass
        return statuses, killed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def exited(self):
        """The processes that stopped on their own: {name: status}."""
        return {
            name: self.procs.returncode(name)
            for name in self.procs.names()
            if self.procs.returncode(name) is not None
        }

    # --- reading the nodes ----------------------------------------------------------------------

    def rpc(self, name, method, params=None, timeout=5.0):
        return json_rpc(self.node(name).rpc_url, method, params if params is not None else {},
                        timeout)

    def eth(self, name, method, params=None, timeout=5.0):
        return json_rpc(self.node(name).eth_url, method, params if params is not None else [],
                        timeout)

    def status(self, name, timeout=2.0):
        """theta.GetStatus of a node, or None when it does not answer."""
        try:
            return self.rpc(name, "theta.GetStatus", {}, timeout)
        except RpcError:
            return None

    def metrics(self, name, timeout=2.0):
        try:
            return scrape_metrics(self.node(name).metrics_url, timeout)
        except RpcError:
            return None

    def height(self, name):
        """The node's committed height (from /metrics, else theta.GetStatus), or None when the
        node does not answer."""
        return self._number(name, "theta_height", "current_height")

    def finalized(self, name):
        """The node's last finalized checkpoint height, or None."""
        return self._number(name, "theta_finalized_height", "latest_finalized_block_height")

    def _number(self, name, metric, status_field):
        metrics = self.metrics(name)
        if metrics is not None and metric in metrics:
            return int(metrics[metric])
        status = self.status(name)
        if status is None or status.get(status_field) is None:
            return None
        return int(status[status_field])

    def answers(self, name):
        """True when the node serves its metrics or theta.GetStatus."""
        return self.metrics(name) is not None or self.status(name) is not None

    def wait_until(self, predicate, timeout, what, poll=0.25, watch=None):
        """Polls `predicate()` until it returns a true value (which is returned). Raises
        DevnetError naming `what` on timeout, or at once when a watched node exits."""
        deadline = time.monotonic() + timeout
        watch = self.procs.names() if watch is None else watch
        while True:
            value = predicate()
            if value:
                return value
            dead = {n: self.procs.returncode(n) for n in watch
                    if self.procs.returncode(n) is not None}
            if dead:
                name, code = next(iter(dead.items()))
                raise DevnetError(
                    f"while waiting for {what}: {name} exited with status {code}; last log lines "
                    f"({self.procs.log_path(name)}):\n{self.procs.tail(name)}")
            if time.monotonic() > deadline:
                raise DevnetError(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(poll)

    def wait_for_rpc(self, names=None, timeout=60.0):
        names = [n.name for n in self.nodes] if names is None else names
        self.wait_until(lambda: all(self.answers(n) for n in names), timeout,
                        "every node's RPC to answer", watch=names)

    def wait_for_height(self, height, names=None, timeout=60.0):
        names = [n.name for n in self.nodes] if names is None else names

        def reached():
            heights = [self.height(n) for n in names]
            return all(h is not None and h >= height for h in heights)

        self.wait_until(reached, timeout, f"height {height} on {', '.join(names)}", watch=names)

    def wait_for_finalized(self, names=None, timeout=120.0, above=0):
        """Waits until each named node reports a finalized checkpoint above `above`; returns the
        lowest finalized height among them."""
        names = [n.name for n in self.nodes] if names is None else names

        def finalized():
            values = [self.finalized(n) for n in names]
            if all(v is not None and v > above for v in values):
                return min(values)
            return None

        return self.wait_until(finalized, timeout, "a finalized checkpoint on every node",
                               watch=names)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
