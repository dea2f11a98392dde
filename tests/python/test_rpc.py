"""theta.rpc: the JSON-RPC client against a small node served in-process.

No Theta node runs in CI, so a local HTTP server answers the theta.* and eth_* methods the client
uses from real state: a theta.evm.EVM holding the Counter contract, and theta.ledger to read
broadcast transactions. What is checked is the client's side of the protocol: request shape,
named versus positional arguments, quantity conversion, error objects, HTTP failures, ids.
"""
import http.server
import json
import pathlib
import threading
import time

import pytest

from gil_probe import releases_gil
from theta import core, evm, keys, ledger, rpc

COUNTER = json.loads(
    (pathlib.Path(__file__).parent / "data" / "contracts" / "Counter.json").read_text())
ALICE = keys.address(b"\x01" * 32)


class Node:
    """The methods of a node over an EVM state; records the requests it saw."""

    def __init__(self):
        self.evm = evm.EVM()
        self.evm.set_balance(ALICE, 12345 * 10**18)
        result = self.evm.deploy(ALICE, bytes.fromhex(COUNTER["bytecode"][2:]) + (7).to_bytes(32, "big"))
        self.counter = result.contract_address
        self.requests = []
        self.broadcast = []

    def answer(self, request):
        self.requests.append(request)
        method, params = request["method"], request["params"]
        if method == "theta.GetAccount":
            (args,) = params
            return {"sequence": str(self.evm.get_nonce(args["address"])),
                    "coins": {"thetawei": "0", "tfuelwei": str(self.evm.get_balance(args["address"]))}}
        if method == "theta.GetStatus":
            return {"chain_id": "privatenet", "latest_finalized_block_height": "17", "syncing": False}
        if method == "theta.BroadcastRawTransaction":
            raw = bytes.fromhex(params[0]["tx_bytes"])
            self.broadcast.append(ledger.decode_tx(raw))
            return {"hash": "0x" + ledger.tx_hash(raw).hex(), "block": {"height": "18"}}
        if method == "eth_chainId":
            return "0x169"
        if method == "eth_blockNumber":
            return "0x11"
        if method == "eth_getBalance":
            return hex(self.evm.get_balance(params[0]))
        if method == "eth_call":
            call = params[0]
            result = self.evm.call(call.get("from", ALICE), call["to"],
                                   bytes.fromhex(call["data"][2:]), commit=False)
            return "0x" + result.output.hex()
        if method == "slow_method":
            time.sleep(0.3)
            return True
        raise LookupError(method)


@pytest.fixture(scope="module")
def node():
    state = Node()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/http500":
                self.send_response(500)
                self.end_headers()
                return
            if self.path == "/wrong-id":
                body = {"jsonrpc": "2.0", "id": request["id"] + 1, "result": 1}
            else:
                try:
                    body = {"jsonrpc": "2.0", "id": request["id"], "result": state.answer(request)}
                except LookupError:
                    body = {"jsonrpc": "2.0", "id": request["id"],
                            "error": {"code": -32601, "message": "method not found"}}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def test_theta_methods_send_one_object_of_named_arguments(node):
    client = rpc.Client(node.url + "/rpc")
    account = client.get_account(ALICE)
    assert int(account["coins"]["tfuelwei"]) == 12345 * 10**18
    assert node.requests[-1]["method"] == "theta.GetAccount"
    assert node.requests[-1]["params"] == [{"address": ALICE}]
    assert node.requests[-1]["jsonrpc"] == "2.0"
    assert client.get_status()["chain_id"] == "privatenet"


def test_eth_methods_convert_quantities_and_bytes(node):
    client = rpc.Client(node.url)
    assert client.eth_chain_id() == 361
    assert client.eth_block_number() == 17
    assert client.eth_get_balance(ALICE) == 12345 * 10**18
    assert node.requests[-1]["params"] == [ALICE, "latest"]
    client.eth_get_balance(ALICE, 5)
    assert node.requests[-1]["params"] == [ALICE, "0x5"]
    output = client.eth_call({"to": node.counter, "data": core.keccak256(b"count()")[:4]})
    assert output == (7).to_bytes(32, "big")
    assert node.requests[-1]["params"][0]["data"] == "0x06661abd"


def test_a_signed_transaction_is_broadcast_as_hex(node):
    client = rpc.Client(node.url)
    key = b"\x01" * 32
    tx = dict(type="Send", fee={"tfuel_wei": 10**12},
              inputs=[{"address": ALICE, "coins": {"tfuel_wei": 10**12 + 5}, "sequence": 1}],
              outputs=[{"address": keys.address(b"\x02" * 32), "coins": {"tfuel_wei": 5}}])
    raw = ledger.encode_tx(ledger.sign_tx(tx, "privatenet", key))
    answer = client.broadcast_raw_transaction(raw)
    assert answer["hash"] == "0x" + ledger.tx_hash(raw).hex()
    assert node.broadcast[-1] == ledger.decode_tx(raw)


def test_errors_are_distinguished(node):
    client = rpc.Client(node.url)
    with pytest.raises(rpc.RpcError) as error:
        client.call("theta.NoSuchMethod", {})
    assert error.value.code == -32601 and "method not found" in str(error.value)
    with pytest.raises(rpc.RpcConnectionError, match="HTTP 500"):
        rpc.Client(node.url + "/http500").eth_chain_id()
    with pytest.raises(rpc.RpcConnectionError, match="no response to request"):
        rpc.Client(node.url + "/wrong-id").eth_chain_id()
    with pytest.raises(rpc.RpcConnectionError, match="cannot reach"):
        rpc.Client("http://127.0.0.1:9/rpc", timeout=2).eth_chain_id()
    with pytest.raises(ValueError):
        rpc.Client("ftp://example")
    with pytest.raises(ValueError):
        rpc.to_quantity(-1)
    with pytest.raises(ValueError):
        rpc.from_quantity("12")


def test_waiting_for_the_node_releases_the_gil(node):
    client = rpc.Client(node.url)
    assert releases_gil(lambda: client.call("slow_method"))
