"""A JSON-RPC 2.0 client for a running Theta node, in pure Python (urllib).

A Theta node serves two method families on one HTTP endpoint (by default port 16888 under /rpc for
``theta.*`` and port 18888 under /rpc for the Ethereum-compatible ``eth_*`` adaptor):

- ``theta.GetStatus``, ``theta.GetAccount``, ``theta.GetBlock``, ... take one object of named
  arguments (``params: [{"address": "0x..."}]``); numbers in results are decimal strings.
- ``eth_chainId``, ``eth_blockNumber``, ``eth_getBalance``, ... take positional arguments; numbers
  are 0x-hex quantities. The helpers here turn quantities into ints.

Errors: a JSON-RPC error object raises :class:`RpcError` (code, message, data); a node that cannot
be reached, an HTTP error status or a body that is not JSON-RPC raise :class:`RpcConnectionError`.
The GIL is released while waiting for the node, as it is for any socket read. Thread-safe: a
Client holds only its settings and an id counter.
"""
from __future__ import annotations

import itertools
import json
import threading
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Union

__all__ = ["Client", "RpcError", "RpcConnectionError", "to_quantity", "from_quantity"]

BytesLike = Union[bytes, str]


class RpcError(Exception):
    """The node answered with a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"rpc error {code}: {message}")
        self.code = code
        self.message = message
        self.data = data


class RpcConnectionError(Exception):
    """The node could not be reached, or its answer was not a JSON-RPC response."""


def to_quantity(value: int) -> str:
    """An int as an Ethereum JSON-RPC quantity: 0x-hex without leading zeros."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"quantity: expected a non-negative int, got {value!r}")
    return hex(value)


def from_quantity(text: str) -> int:
    """An Ethereum JSON-RPC quantity ("0x1a") as an int; ValueError for anything else."""
    if not isinstance(text, str) or not text.startswith("0x") or len(text) < 3:
        raise ValueError(f"quantity: expected 0x-hex text, got {text!r}")
    return int(text[2:], 16)


def _hex(data: BytesLike) -> str:
    if isinstance(data, (bytes, bytearray)):
        return "0x" + bytes(data).hex()
    if isinstance(data, str) and data.startswith("0x"):
        return data
    raise ValueError(f"expected bytes or 0x-hex text, got {data!r}")


def _block(tag: Union[int, str]) -> str:
    return to_quantity(tag) if isinstance(tag, int) else tag


class Client:
    """A client of one node endpoint, e.g. ``Client("http://127.0.0.1:16888/rpc")``.

    ``timeout`` (seconds) bounds each request, connection included.
    """

    def __init__(self, url: str, timeout: float = 10.0):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"rpc: url must start with http:// or https://, got {url!r}")
        self.url = url
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- The transport ---------------------------------------------------------------------------
    def call(self, method: str, *params: Any) -> Any:
        """Calls ``method`` with positional ``params`` and returns the result (decoded JSON)."""
        with self._lock:
            request_id = next(self._ids)
        body = json.dumps(
            {"jsonrpc": "2.0", "method": method, "params": list(params), "id": request_id}
        ).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise RpcConnectionError(f"rpc: {self.url} answered HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise RpcConnectionError(f"rpc: cannot reach {self.url}: {error}") from error
        try:
            answer = json.loads(raw)
        except ValueError as error:
            raise RpcConnectionError(f"rpc: {self.url} sent a body that is not JSON") from error
        if not isinstance(answer, dict) or answer.get("id") != request_id:
            raise RpcConnectionError(f"rpc: {self.url} sent no response to request {request_id}")
        if answer.get("error") is not None:
            error = answer["error"]
            if not isinstance(error, dict):
                raise RpcConnectionError(f"rpc: malformed error object {error!r}")
            raise RpcError(error.get("code", 0), str(error.get("message", "")), error.get("data"))
        if "result" not in answer:
            raise RpcConnectionError(f"rpc: response to {method} has neither result nor error")
        return answer["result"]

    def theta(self, name: str, **args: Any) -> Any:
        """Calls ``theta.<name>`` with named arguments, e.g. ``theta("GetAccount", address=a)``."""
        return self.call(f"theta.{name}", args)

    # --- theta.* ---------------------------------------------------------------------------------
    def get_version(self) -> Dict[str, Any]:
        """theta.GetVersion: the node's version, git hash and timestamp."""
        return self.theta("GetVersion")

    def get_status(self) -> Dict[str, Any]:
        """theta.GetStatus: chain id, latest finalized block, syncing flag, ..."""
        return self.theta("GetStatus")

    def get_account(self, address: str) -> Optional[Dict[str, Any]]:
        """theta.GetAccount: sequence, coins (decimal strings), code and storage roots."""
        return self.theta("GetAccount", address=address)

    def get_block(self, block_hash: BytesLike) -> Dict[str, Any]:
        """theta.GetBlock: the block with this hash and its transactions."""
        return self.theta("GetBlock", hash=_hex(block_hash))

    def get_block_by_height(self, height: int) -> Dict[str, Any]:
        """theta.GetBlockByHeight: the finalized block at a height."""
        return self.theta("GetBlockByHeight", height=str(int(height)))

    def get_transaction(self, tx_hash: BytesLike) -> Dict[str, Any]:
        """theta.GetTransaction: a transaction and its status by hash."""
        return self.theta("GetTransaction", hash=_hex(tx_hash))

    def broadcast_raw_transaction(self, raw: bytes, wait: bool = True) -> Dict[str, Any]:
        """theta.BroadcastRawTransaction (wait=True: until it is in a block) or
        theta.BroadcastRawTransactionAsync (wait=False): submits raw tx bytes (theta.ledger)."""
        name = "BroadcastRawTransaction" if wait else "BroadcastRawTransactionAsync"
        return self.theta(name, tx_bytes=bytes(raw).hex())

    # --- eth_* -----------------------------------------------------------------------------------
    def eth_chain_id(self) -> int:
        """eth_chainId as an int."""
        return from_quantity(self.call("eth_chainId"))

    def eth_block_number(self) -> int:
        """eth_blockNumber as an int."""
        return from_quantity(self.call("eth_blockNumber"))

    def eth_get_balance(self, address: str, block: Union[int, str] = "latest") -> int:
        """eth_getBalance in wei (TFuel)."""
        return from_quantity(self.call("eth_getBalance", address, _block(block)))

    def eth_get_transaction_count(self, address: str, block: Union[int, str] = "latest") -> int:
        """eth_getTransactionCount: the account's nonce."""
        return from_quantity(self.call("eth_getTransactionCount", address, _block(block)))

    def eth_get_code(self, address: str, block: Union[int, str] = "latest") -> bytes:
        """eth_getCode: the contract's runtime code."""
        return bytes.fromhex(self.call("eth_getCode", address, _block(block))[2:])

    def eth_call(self, call: Dict[str, Any], block: Union[int, str] = "latest") -> bytes:
        """eth_call: the return data of a read-only call ({"to", "data", ...}; bytes values and
        int quantities are converted)."""
        return bytes.fromhex(self.call("eth_call", _call_object(call), _block(block))[2:])

    def eth_estimate_gas(self, call: Dict[str, Any]) -> int:
        """eth_estimateGas as an int."""
        return from_quantity(self.call("eth_estimateGas", _call_object(call)))

    def eth_gas_price(self) -> int:
        """eth_gasPrice in wei."""
        return from_quantity(self.call("eth_gasPrice"))

    def eth_send_raw_transaction(self, raw: bytes) -> bytes:
        """eth_sendRawTransaction: submits a signed Ethereum transaction; returns its hash."""
        return bytes.fromhex(self.call("eth_sendRawTransaction", _hex(raw))[2:])

    def eth_get_transaction_receipt(self, tx_hash: BytesLike) -> Optional[Dict[str, Any]]:
        """eth_getTransactionReceipt, or None while the transaction is pending."""
        return self.call("eth_getTransactionReceipt", _hex(tx_hash))

    def eth_get_block_by_number(self, block: Union[int, str] = "latest",
                                full: bool = False) -> Optional[Dict[str, Any]]:
        """eth_getBlockByNumber (full=True: transactions as objects, not hashes)."""
        return self.call("eth_getBlockByNumber", _block(block), full)

    def eth_get_logs(self, filter: Dict[str, Any]) -> List[Dict[str, Any]]:
        """eth_getLogs with a filter object ({"address", "topics", "fromBlock", ...})."""
        return self.call("eth_getLogs", _call_object(filter))


def _call_object(call: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in call.items():
        if isinstance(value, (bytes, bytearray)):
            out[key] = _hex(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[key] = to_quantity(value)
        else:
            out[key] = value
    return out
