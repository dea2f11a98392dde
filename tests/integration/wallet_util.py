"""What the theta-wallet end-to-end tests share: running the real binary against a devnet (with the
devnet's keystore and password file), and reading what it did back through a node's own theta.*
RPC, never through the wallet."""

import json
import os
import subprocess
import sys
import time

import harness
from harness import check, log

sys.path.insert(0, os.path.join(harness._REPO, "scripts", "lib"))
from theta_devnet import RpcError  # noqa: E402
from theta_devnet.ports import port_is_free  # noqa: E402
from theta_devnet.wallet import WalletCommands  # noqa: E402

WEI = 10**18
CONTRACTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts")


def write_file(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def dead_url():
    """The RPC URL of a loopback port nothing listens on (below the ephemeral range, so no
    outgoing connection takes it meanwhile)."""
    for port in range(32_100, 32_200):
        if port_is_free(port):
            return f"http://127.0.0.1:{port}/rpc"
    raise harness.TestFailure("no free loopback port for the unreachable-node case")


class Wallet:
    """theta-wallet with one keystore folder and the devnet's password file, talking to `node`."""

    def __init__(self, devnet, wallet_bin, keystore_dir=None, node=None):
        self.devnet = devnet
        self.cmds = WalletCommands(devnet, wallet_bin)
        self.cmds.write_key_files()
        self.bin = wallet_bin
        self.keystore_dir = keystore_dir or self.cmds.keystore_dir
        self.password_file = self.cmds.password_file
        self.node_url = node or self.cmds.node.rpc_url
        # The node the effects are read from: not the one the wallet talks to, when there are two.
        self.reader = devnet.nodes[1].name if len(devnet.nodes) > 1 else devnet.nodes[0].name

    def argv(self, *args, password_file=None, node=True):
        argv = [self.bin, *args, f"--keystore-dir={self.keystore_dir}",
                f"--password-file={password_file or self.password_file}"]
        if node:
            argv.append(f"--node={self.node_url if node is True else node}")
        return argv

    def run(self, *args, expect=0, password_file=None, node=True, timeout=90):
        """Runs `theta-wallet args...`; checks the exit status; returns (stdout, stderr)."""
        argv = self.argv(*args, password_file=password_file, node=node)
        log("$ theta-wallet " + " ".join(a for a in argv[1:] if not a.startswith("--keystore-dir")
                                        and not a.startswith("--password-file")))
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
        sys.stdout.write(result.stdout[-3000:])
        sys.stdout.write(result.stderr[-3000:])
        check(result.returncode == expect,
              f"theta-wallet {args[0]} exited {result.returncode}, expected {expect}")
        return result.stdout, result.stderr

    def json(self, *args, **kw):
        out, _ = self.run(*args, "--json", **kw)
        return json.loads(out)

    def import_key(self, index):
        """Imports developer account `index`; returns its address."""
        out = self.json("import", f"--private-key-file={self.cmds.key_file(index)}", "--light-kdf",
                        node=False)
        address = self.devnet.accounts[index]["address"]
        check(out["address"].lower() == address.lower(), f"import gives {address}: {out}")
        return address

    # --- reading the chain through the node ---------------------------------------------------

    def rpc(self, method, params=None):
        return self.devnet.rpc(self.reader, method, params or {})

    def account(self, address):
        """theta.GetAccount, or None for an account the chain has never seen."""
        try:
            return self.rpc("theta.GetAccount", {"address": address})
        except RpcError as e:
            if "not found" in str(e):
                return None
            raise

    def coins(self, address):
        """(thetawei, tfuelwei, sequence)."""
        a = self.account(address)
        if a is None:
            return 0, 0, 0
        return int(a["coins"]["thetawei"]), int(a["coins"]["tfuelwei"]), int(a["sequence"])

    def height(self):
        return int(self.rpc("theta.GetStatus")["current_height"])

    def wait_sequence(self, address, sequence, timeout=30):
        """Waits until the reader node has `address` at `sequence` (the broadcast returned when the
        node the wallet talks to committed it; the reader may be a block behind)."""
        self.devnet.wait_until(lambda: self.coins(address)[2] >= sequence, timeout,
                               f"{address}'s sequence to reach {sequence}")
        check(self.coins(address)[2] == sequence, f"{address}'s sequence is {sequence}")

    def wait_finalized(self, tx_hash, timeout=30):
        """`theta-wallet tx status` until it says finalized; returns its JSON."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.json("tx", "status", tx_hash)
            if status.get("status") == "finalized" or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        check(status.get("status") == "finalized", f"tx {tx_hash} is finalized: {status}")
        # The wallet's node answered; the reader may commit that block a moment later.
        height = int(status.get("block_height") or 0)
        self.devnet.wait_until(
            lambda: int(self.rpc("theta.GetStatus")["current_height"]) >= height, timeout,
            f"the reader node to reach block {height}")
        return status
