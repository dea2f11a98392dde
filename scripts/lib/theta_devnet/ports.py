"""Loopback port plans: node i listens on p2p + i, rpc + i and eth_rpc + i (theta-node init-devnet)."""

import dataclasses
import random
import socket

# Below Linux's default ephemeral range (32768-60999), so outgoing connections of this or another
# program cannot take a port between our check and the node's bind.
_LOW, _HIGH = 20000, 32000


@dataclasses.dataclass(frozen=True)
class PortPlan:
    p2p: int = 30000
    rpc: int = 16888
    eth_rpc: int = 18888

    def all_ports(self, nodes):
        return [base + i for base in (self.p2p, self.rpc, self.eth_rpc) for i in range(nodes)]


def port_is_free(port, host="127.0.0.1"):
    """True when a TCP listener could bind host:port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As servers bind (Asio's acceptor sets it too): a port whose old connections linger in
        # TIME_WAIT is free for a listener.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_free_ports(nodes, attempts=200, rng=None):
    """A PortPlan whose 3 × `nodes` ports are all free now, in one block at a random place, so that
    tests running side by side rarely collide. Raises RuntimeError when none is found."""
    rng = rng or random.Random()
    for _ in range(attempts):
        base = rng.randrange(_LOW, _HIGH - 3 * nodes)
        plan = PortPlan(p2p=base, rpc=base + nodes, eth_rpc=base + 2 * nodes)
        if all(port_is_free(p) for p in plan.all_ports(nodes)):
            return plan
    raise RuntimeError(f"no block of {3 * nodes} free loopback ports in {_LOW}..{_HIGH}")
