"""scripts/devnet: install, build, write a devnet, run it and show its status until Ctrl-C."""

import argparse
import os
import signal
import subprocess
import sys
import time

from .edges import EdgeApps, EdgeError
from .network import Devnet, DevnetError
from .ports import PortPlan
from .status import CLEAR, StatusBoard, render_line, render_table
from .wallet import WalletCommands

NODE_TARGETS = ["theta_node", "theta_wallet", "theta_edge"]


class Stop(Exception):
    """Raised from the SIGINT/SIGTERM handler to leave the status loop."""


def parse_args(argv, repo):
    p = argparse.ArgumentParser(
        prog="scripts/devnet",
        description="Run a local theta-cpp network (validators, guardians, edge apps) on loopback "
                    "and show its status until Ctrl-C. See docs/devnet.md.")
    default_dir = os.environ.get("THETA_DEVNET_DIR", "~/.theta-devnet")
    p.add_argument("--dir", default=default_dir,
                   help="data directory, reused when it holds a devnet (default $THETA_DEVNET_DIR "
                        "or ~/.theta-devnet)")
    p.add_argument("--reset", action="store_true", help="wipe the data directory and start over")
    p.add_argument("--no-build", action="store_true",
                   help="skip scripts/bootstrap and the build: use the binaries already built")
    p.add_argument("--build-dir", default=os.environ.get("THETA_DEVNET_BUILD_DIR"),
                   help="where theta-node, theta-wallet and theta-edge are built (default "
                        "build/release, built with the release preset; $THETA_DEVNET_BUILD_DIR)")
    p.add_argument("--once", action="store_true",
                   help="start, wait for the first finalized checkpoint on every node, print the "
                        "status, stop everything; exit 0 only if all went well")
    p.add_argument("--timeout", type=float, default=180.0,
                   help="--once: seconds to wait for the finalized checkpoint (default 180)")
    p.add_argument("--interval", type=float, default=None,
                   help="seconds between status updates (default 1 on a terminal, 5 otherwise)")
    g = p.add_argument_group("a new devnet (ignored when the data directory is reused)")
    g.add_argument("--validators", type=int, default=4)
    g.add_argument("--guardians", type=int, default=4)
    g.add_argument("--edges", type=int, default=2, help="edge apps with funded accounts (0: none)")
    g.add_argument("--accounts", type=int, default=4, help="funded developer accounts")
    g.add_argument("--chain_id", "--chain-id", default="privatenet")
    g.add_argument("--p2p_port", "--p2p-port", type=int, default=30000,
                   help="node i listens for peers on p2p_port + i (default 30000)")
    g.add_argument("--rpc_port", "--rpc-port", type=int, default=16888,
                   help="node i serves the native RPC on rpc_port + i (default 16888)")
    g.add_argument("--eth_rpc_port", "--eth-rpc-port", type=int, default=18888,
                   help="node i serves the Ethereum RPC on eth_rpc_port + i (default 18888)")
    args = p.parse_args(argv)
    if args.build_dir is None:
        args.build_dir = os.path.join(repo, "build", "release")
        args.release_preset = True
    else:
        args.build_dir = os.path.abspath(args.build_dir)
        args.release_preset = False
    if args.interval is None:
        args.interval = 1.0 if sys.stdout.isatty() else 5.0
    return args


def say(message):
    print(f"devnet: {message}", flush=True)


def build(args, repo):
    """scripts/bootstrap, then the three programs the devnet runs."""
    subprocess.run([os.path.join(repo, "scripts", "bootstrap")], check=True, cwd=repo)
    if args.release_preset:
        subprocess.run(["cmake", "--preset", "release"], check=True, cwd=repo)
        cmd = ["cmake", "--build", "--preset", "release"]
    else:
        cmd = ["cmake", "--build", args.build_dir]
    jobs = str(os.cpu_count() or 2)
    subprocess.run(cmd + ["--parallel", jobs, "--target", *NODE_TARGETS], check=True, cwd=repo)


def binaries(build_dir):
    return {
        "node": os.path.join(build_dir, "apps", "node", "theta-node"),
        "wallet": os.path.join(build_dir, "apps", "wallet", "theta-wallet"),
        "edge": os.path.join(build_dir, "apps", "edge", "theta-edge"),
    }


def describe(devnet, edges, wallet, edge_note):
    """The full description: printed once at the start and kept in <dir>/devnet.txt."""
    lines = [
        f"theta-cpp devnet in {devnet.data_dir}",
        f"  chain ID {devnet.chain_id}, Ethereum chain ID {devnet.eth_chain_id}",
        "",
        "nodes (native RPC, Ethereum RPC, Ethereum WebSocket, metrics):",
    ]
    for n in devnet.nodes:
        lines.append(f"  {n.name:<11} {n.role:<9} {n.rpc_url}  {n.eth_url}  {n.eth_ws_url}  "
                     f"{n.metrics_url}")
    lines += ["", "funded developer accounts (test keys: never use them on a real network):"]
    for i, a in enumerate(devnet.accounts):
        lines.append(f"  account{i}  {a['address']}  private key {a['private_key']}")
    if devnet.edges:
        lines += ["", "edge apps (accounts funded at genesis):"]
        for e in devnet.edges:
            url = edges.urls.get(e["name"]) if edges else None
            where = f"{edges.roles[e['name']]:<10} {edges.watch_url(e['name'])}" if url else \
                "not running"
            lines.append(f"  {e['name']:<6} {e['address']}  {where}")
        if edge_note:
            lines.append(f"  {edge_note}")
    if wallet.text():
        lines += ["", "try the wallet (import account0's key once, send 10 TFUEL to account1, "
                      "read its balance):"]
        lines += ["  " + line for line in wallet.text().splitlines()]
        lines += ["", "every wallet command, in docs/wallet.md's walkthrough, after these lines:"]
        lines += ["  " + line for line in wallet.shell_env().splitlines()]
    lines += ["", f"logs: {devnet.logs_dir}/<name>.log"]
    return "\n".join(lines)


def header(devnet, wallet):
    first = devnet.nodes[0]
    text = [f"theta-cpp devnet  chain {devnet.chain_id} (eth {devnet.eth_chain_id})  "
            f"RPC {first.rpc_url}  eth RPC {first.eth_url}"]
    if wallet.text():
        text.append("try: " + wallet.text().splitlines()[1])
    text.append(f"keys, URLs, commands: {os.path.join(devnet.data_dir, 'devnet.txt')}   "
                f"logs: {devnet.logs_dir}/")
    return text


def stop_all(devnet):
    say(f"stopping {len(devnet.procs.names())} processes (SIGTERM)...")
    statuses, killed = devnet.stop(timeout=30.0)
    bad = {n: s for n, s in statuses.items() if s != 0 and n not in killed}
    for name in killed:
        say(f"{name} did not stop within 30 s and was killed; see {devnet.procs.log_path(name)}")
    for name, status in bad.items():
        say(f"{name} exited with status {status}; see {devnet.procs.log_path(name)}")
    if not killed and not bad:
        say("all processes stopped cleanly")
    return 0 if not killed and not bad else 1


def run_once(devnet, board, timeout):
    finalized = devnet.wait_for_finalized(timeout=timeout)
    rows = board.sample()
    print(render_table(rows, board.chain_tps(rows)), flush=True)
    say(f"every node has a finalized checkpoint (lowest: height {finalized})")


def edge_lines(devnet, edges):
    if not edges or not edges.urls:
        return []
    lines = [""]
    for name, url in edges.urls.items():
        code = devnet.procs.returncode(name)
        state = "up" if code is None else f"exited {code}"
        lines.append(f"{name:<12} {edges.roles[name]:<10} {state:<10} {edges.watch_url(name)}")
    return lines


def run_screen(devnet, board, args, wallet, edges):
    tty = sys.stdout.isatty()
    top = header(devnet, wallet)
    while True:
        rows = board.sample()
        tps = board.chain_tps(rows)
        if tty:
            table = render_table(rows, tps, top, time.monotonic() - board.started)
            sys.stdout.write(CLEAR + "\n".join([table, *edge_lines(devnet, edges)]) + "\n")
            sys.stdout.flush()
        else:
            print(render_line(rows, tps), flush=True)
        time.sleep(args.interval)


def main(argv, repo):
    args = parse_args(argv, repo)

    def on_signal(signum, frame):
        raise Stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    try:
        if not args.no_build:
            build(args, repo)
    except subprocess.CalledProcessError as e:
        say(f"{' '.join(e.cmd)} failed (status {e.returncode})")
        return 1
    except Stop:
        return 130
    bins = binaries(args.build_dir)
    if not os.path.exists(bins["node"]):
        say(f"{bins['node']} is missing: build it (run without --no-build, or pass --build-dir)")
        return 1

    devnet = Devnet(args.dir, bins["node"], bins["edge"], log=say)
    board = None
    code = 0
    try:
        created = devnet.init(
            validators=args.validators, guardians=args.guardians, edges=args.edges,
            accounts=args.accounts, chain_id=args.chain_id,
            ports=PortPlan(args.p2p_port, args.rpc_port, args.eth_rpc_port), reset=args.reset)
        say(("wrote a new devnet in " if created else "reusing the devnet in ") + devnet.data_dir +
            ("" if created else " (--reset starts over)"))
        wallet = WalletCommands(devnet, bins["wallet"])
        wallet.write_key_files()
        devnet.start()
        devnet.wait_for_rpc(timeout=60.0)
        edges, edge_note = None, ""
        if devnet.edges:
            edges = EdgeApps(devnet, player_js=_player_js(repo))
            try:
                edges.start()
                edge_note = ("the edge apps serve HLS free of charge; for paid swarm serving "
                             "(vouchers settled on chain) see docs/p2p-video.md, Payments")
            except EdgeError as e:
                edge_note = f"edge apps not started: {e}"
        text = describe(devnet, edges, wallet, edge_note)
        with open(os.path.join(devnet.data_dir, "devnet.txt"), "w") as f:
            f.write(text + "\n")
        print(text, flush=True)
        board = StatusBoard(devnet)
        if args.once:
            run_once(devnet, board, args.timeout)
        else:
            run_screen(devnet, board, args, wallet, edges)
    except Stop:
        print(flush=True)
    except DevnetError as e:
        say(str(e))
        code = 1
    finally:
        # A second Ctrl-C must not cut the shutdown short; stop() has its own time limit.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if board:
            board.close()
        if devnet.procs.names():
            code = max(code, stop_all(devnet))
    return code


def _player_js(repo):
    path = os.path.join(repo, "tests", "node_modules", "hls.js", "dist", "hls.min.js")
    return path if os.path.exists(path) else None
