"""Launches and watches a theta-cpp devnet: theta-node validators and guardians, and theta-edge apps,
as processes on loopback. Used by scripts/devnet and by the integration tests (tests/integration).

Standard library only, so Debian's /usr/bin/python3 runs it without any install.
"""

from .network import Devnet, DevnetError, NodeSpec
from .ports import PortPlan, pick_free_ports
from .rpc import RpcError, json_rpc, scrape_metrics

__all__ = [
    "Devnet",
    "DevnetError",
    "NodeSpec",
    "PortPlan",
    "RpcError",
    "json_rpc",
    "pick_free_ports",
    "scrape_metrics",
]
