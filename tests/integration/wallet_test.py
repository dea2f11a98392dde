#!/usr/bin/python3
"""theta-wallet end to end against a devnet: the commands scripts/devnet prints (import a developer
key, send 10 TFUEL, read the balance) run as printed, then a THETA send and `tx status`, with every
balance checked through the node's own RPC."""

import json
import os
import subprocess
import sys
import time

import harness
from harness import check, log

sys.path.insert(0, os.path.join(harness._REPO, "scripts", "lib"))
from theta_devnet.wallet import WalletCommands  # noqa: E402

WEI = 10**18


def run(argv, what):
    log("$ " + " ".join(argv))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=90,
                            stdin=subprocess.DEVNULL)
    sys.stdout.write(result.stdout)
    sys.stdout.write(result.stderr)
    check(result.returncode == 0, f"{what} failed with status {result.returncode}")
    return result.stdout


def account(devnet, address):
    """(thetawei, tfuelwei, sequence) through another node's theta.GetAccount."""
    a = devnet.rpc(devnet.nodes[1].name, "theta.GetAccount", {"address": address})
    return int(a["coins"]["thetawei"]), int(a["coins"]["tfuelwei"]), int(a["sequence"])


def wait_balance(devnet, address, field, want, timeout=30):
    index = {"theta": 0, "tfuel": 1}[field]
    devnet.wait_until(lambda: account(devnet, address)[index] == want, timeout,
                      f"{address}'s {field} to become {want}")


def body(devnet, args):
    check(args.wallet_bin, "--wallet-bin is required")
    devnet.wait_for_height(2, timeout=60)
    wallet = WalletCommands(devnet, args.wallet_bin)
    wallet.write_key_files()
    sender, receiver = devnet.accounts[0]["address"], devnet.accounts[1]["address"]
    theta0, tfuel0, _ = account(devnet, receiver)
    _, s_tfuel0, s_seq0 = account(devnet, sender)

    # Node 1's peers: theta.GetPeers names them, theta.GetPeerURLs gives where each one listens.
    peers = devnet.rpc(devnet.nodes[1].name, "theta.GetPeers", {})["peers"]
    urls = devnet.rpc(devnet.nodes[1].name, "theta.GetPeerURLs", {})["peer_urls"]
    others = {f"127.0.0.1:{n.p2p}" for n in devnet.nodes if n.name != devnet.nodes[1].name}
    check(len(peers) == len(urls) and set(urls) <= others and urls,
          f"theta.GetPeerURLs {urls} lists the listening address of each of the peers {peers}")

    # A validator's /metrics: its votes' latency, and the Ethereum RPC's (idle) filter count.
    metrics = devnet.metrics(devnet.nodes[0].name) or {}
    check(metrics.get("theta_consensus_vote_latency_seconds_count", 0) >= 1,
          f"validator0 observed the latency of its votes (/metrics: "
          f"{metrics.get('theta_consensus_vote_latency_seconds_count')})")
    check(metrics.get("theta_eth_filters") == 0, "theta_eth_filters is on /metrics")

    # The three commands exactly as scripts/devnet prints them.
    out = run(wallet.import_argv(0), "theta-wallet import")
    check(sender.lower() in out.lower(), f"import names account0's address {sender}")
    run(wallet.send_argv(to_index=1, tfuel="10"), "theta-wallet send")
    wait_balance(devnet, receiver, "tfuel", tfuel0 + 10 * WEI)
    out = run(wallet.balance_argv(1), "theta-wallet balance")
    check(receiver.lower() in out.lower(), "balance lists account1")

    listed = json.loads(run(wallet.balance_argv(1, extra=["--json"]), "theta-wallet balance --json"))
    check(isinstance(listed, list) and len(listed) == 1, f"balance --json lists one account: {listed}")
    check(int(listed[0]["tfuelwei"]) == tfuel0 + 10 * WEI,
          f"theta-wallet balance shows {listed[0]['tfuelwei']} TFUEL wei, the node {tfuel0 + 10 * WEI}")
    check(int(listed[0]["thetawei"]) == theta0, "account1's THETA is unchanged")

    sent = json.loads(run(wallet.send_argv(to_index=1, tfuel=None, theta="2.5", extra=["--json"]),
                          "theta-wallet send --theta --json"))
    tx_hash = sent.get("hash")
    check(tx_hash, f"send --json names the tx hash: {sent}")
    status_argv = [args.wallet_bin, "tx", "status", tx_hash, f"--node={wallet.node.rpc_url}",
                   "--json"]
    deadline = time.monotonic() + 30
    while True:
        status = json.loads(run(status_argv, "theta-wallet tx status"))
        if status.get("status") == "finalized" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check(status.get("status") == "finalized", f"tx status reaches finalized: {status}")
    wait_balance(devnet, receiver, "theta", theta0 + 5 * WEI // 2)
    _, s_tfuel2, s_seq2 = account(devnet, sender)
    check(s_seq2 == s_seq0 + 2, f"account0's sequence went {s_seq0} → {s_seq2}, not +2")
    check(s_tfuel0 - s_tfuel2 > 10 * WEI, "account0 paid 10 TFUEL and two fees")


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=4, guardians=2))
