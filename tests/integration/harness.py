"""Shared by the integration tests: a devnet of real theta-node processes in a temporary directory on
free loopback ports, stopped (and checked to stop cleanly) at the end, with the nodes' logs printed
when a test fails. Each test is a script that CTest runs with the paths of the built programs."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_REPO, "scripts", "lib"))

from theta_devnet import Devnet, DevnetError, pick_free_ports  # noqa: E402

TESTS_DIR = os.path.join(_REPO, "tests")
CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")


class TestFailure(Exception):
    pass


def check(condition, message):
    """A test assertion that names what went wrong (kept under python -O, unlike assert)."""
    if not condition:
        raise TestFailure(message)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument("--node-bin", required=True)
    p.add_argument("--wallet-bin")
    p.add_argument("--edge-bin")
    p.add_argument("--node-js", default="node")
    p.add_argument("--keep", action="store_true", help="keep the devnet's directory afterwards")
    if extra:
        extra(p)
    return p.parse_args()


def client_config(devnet):
    """What the Node.js clients get (as JSON in $DEVNET_CONFIG)."""
    return {
        "chain_id": devnet.chain_id,
        "eth_chain_id": devnet.eth_chain_id,
        "nodes": [
            {"name": n.name, "role": n.role, "rpc_url": n.rpc_url, "eth_url": n.eth_url,
             "ws_url": n.eth_ws_url, "metrics_url": n.metrics_url}
            for n in devnet.nodes
        ],
        "accounts": devnet.accounts,
    }


def run_client(devnet, args, script, *script_args, timeout=90, env_extra=None):
    """Runs tests/integration/clients/<script> with node, the devnet's description in
    $DEVNET_CONFIG and NODE_PATH at tests/node_modules; fails the test on a non-zero exit."""
    config_path = os.path.join(devnet.data_dir, "client.json")
    with open(config_path, "w") as f:
        json.dump(client_config(devnet), f)
    env = dict(os.environ, DEVNET_CONFIG=config_path,
               NODE_PATH=os.path.join(TESTS_DIR, "node_modules"))
    env.update(env_extra or {})
    log(f"running {script} {' '.join(script_args)}")
    result = subprocess.run([args.node_js, os.path.join(CLIENTS_DIR, script), *script_args],
                            env=env, timeout=timeout, text=True, capture_output=True)
    sys.stdout.write(result.stdout)
    sys.stdout.write(result.stderr)
    check(result.returncode == 0, f"{script} failed with status {result.returncode}")
    return result.stdout


def start_client(devnet, args, script, *script_args, out_path):
    """Starts a long-running client (the load generator) writing to `out_path`; returns the Popen."""
    config_path = os.path.join(devnet.data_dir, "client.json")
    with open(config_path, "w") as f:
        json.dump(client_config(devnet), f)
    env = dict(os.environ, DEVNET_CONFIG=config_path,
               NODE_PATH=os.path.join(TESTS_DIR, "node_modules"))
    out = open(out_path, "w")
    return subprocess.Popen([args.node_js, os.path.join(CLIENTS_DIR, script), *script_args],
                            env=env, stdout=out, stderr=subprocess.STDOUT)


def run_test(body, validators=4, guardians=2, edges=0, accounts=4, extra=None, configure=None):
    """Parses the arguments, starts a devnet, runs body(devnet, args), stops the devnet and checks
    that every process stopped cleanly. Exit status 0 on success, 1 on failure (with the tail of
    every node's log). `configure(devnet)`, when given, runs between init-devnet and the start (to
    edit the nodes' config.json)."""
    args = parse_args(extra)
    for module in ("ethers",):
        if not os.path.isdir(os.path.join(TESTS_DIR, "node_modules", module)):
            print(f"tests/node_modules/{module} is missing: run scripts/bootstrap (npm ci in tests/)")
            return 1
    tmp = tempfile.mkdtemp(prefix="theta-devnet-")
    data_dir = os.path.join(tmp, "devnet")
    nodes = validators + guardians
    devnet = Devnet(data_dir, args.node_bin, args.edge_bin, log=log)
    ok = False
    try:
        ports = pick_free_ports(nodes)
        devnet.init(validators=validators, guardians=guardians, edges=edges, accounts=accounts,
                    ports=ports)
        if configure:
            configure(devnet)
        log(f"devnet in {data_dir}: {validators} validators, {guardians} guardians, ports "
            f"{ports.p2p}/{ports.rpc}/{ports.eth_rpc}")
        devnet.start()
        devnet.wait_for_rpc(timeout=60)
        body(devnet, args)
        ok = True
    except (TestFailure, DevnetError, subprocess.TimeoutExpired) as e:
        print(f"\nFAILED: {e}", flush=True)
    except Exception:  # a bug in the test itself: still stop the nodes and show the logs
        traceback.print_exc()
    finally:
        statuses, killed = devnet.stop(timeout=30)
        unclean = {n: s for n, s in statuses.items() if s != 0}
        if ok and unclean:
            print(f"\nFAILED: processes did not stop cleanly on SIGTERM: {unclean} "
                  f"(killed after 30 s: {killed})", flush=True)
            ok = False
        if not ok:
            for name in devnet.procs.names():
                print(f"\n----- {name}: last lines of {devnet.procs.log_path(name)} -----")
                print(devnet.procs.tail(name, 40))
        if ok and not args.keep:
            import shutil
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"devnet directory kept: {data_dir}")
    if ok:
        log("PASSED")
    return 0 if ok else 1
