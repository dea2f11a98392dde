"""theta-cpp from Python: Theta's transactions, keys, BLS signatures, an EVM and a node client.

Submodules (all importable as ``theta.<name>`` or ``import theta.<name>``):

- ``theta.core``: Keccak-256, SHA-256, BLAKE2b-256, RLP, EIP-55 addresses.
- ``theta.keys``: secp256k1 keys, signing, recovery, addresses.
- ``theta.ledger``: the twelve Theta transaction types as dicts: encode, decode, sign.
- ``theta.bls``: BLS12-381 signatures with proof of possession, aggregation.
- ``theta.evm``: an EVM over an in-memory state that deploys and calls contracts.
- ``theta.rpc``: a JSON-RPC client for a running node (``theta.*`` and ``eth_*`` methods).

Byte strings are ``bytes``, 256-bit numbers Python ints, addresses EIP-55 text; bad input raises
ValueError with the library's message.
"""
import sys as _sys

from theta import _native
from theta._native import bls, core, evm, keys, ledger
from theta import rpc

__all__ = ["bls", "core", "evm", "keys", "ledger", "rpc"]
__version__ = "0.1.0"

# pybind11 submodules are attributes of the extension; registering them lets `import theta.core`
# and `from theta.core import keccak256` work as for any package.
for _name in ("bls", "core", "evm", "keys", "ledger"):
    _sys.modules[f"{__name__}.{_name}"] = getattr(_native, _name)
del _name
