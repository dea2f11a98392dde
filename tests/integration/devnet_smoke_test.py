#!/usr/bin/python3
"""scripts/devnet --no-build --once with this build's binaries, twice on one data directory: the
first run writes a devnet and reaches a finalized checkpoint on every node, the second reuses the
directory (the nodes resume from disk) and does it again. Each run must stop every process cleanly
(exit status 0)."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_REPO, "scripts", "lib"))
from theta_devnet import pick_free_ports  # noqa: E402


def run(argv, timeout):
    print("$ " + " ".join(argv), flush=True)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    print(result.stdout + result.stderr, flush=True)
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build-dir", required=True)
    p.add_argument("--validators", type=int, default=4)
    p.add_argument("--guardians", type=int, default=2)
    p.add_argument("--edges", type=int, default=2)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="theta-devnet-smoke-")
    data_dir = os.path.join(tmp, "devnet")
    ports = pick_free_ports(args.validators + args.guardians)
    argv = [os.path.join(_REPO, "scripts", "devnet"), "--no-build", "--once", "--timeout", "120",
            f"--build-dir={args.build_dir}", f"--dir={data_dir}",
            f"--validators={args.validators}", f"--guardians={args.guardians}",
            f"--edges={args.edges}", f"--p2p_port={ports.p2p}", f"--rpc_port={ports.rpc}",
            f"--eth_rpc_port={ports.eth_rpc}"]
    failures = []
    first = run(argv, timeout=200)
    out = first.stdout
    if first.returncode != 0:
        failures.append(f"the first run exited with status {first.returncode}")
    for needle in ("wrote a new devnet", "every node has a finalized checkpoint",
                   "all processes stopped cleanly", "theta-wallet send", "private key",
                   f"http://127.0.0.1:{ports.rpc}/rpc", f"http://127.0.0.1:{ports.eth_rpc}/rpc"):
        if needle not in out:
            failures.append(f"the first run's output lacks {needle!r}")
    if args.edges and "/watch/devnet" not in out:
        failures.append("the edge apps are not serving (no /watch/devnet URL printed)")
    if not failures:
        second = run(argv, timeout=200)
        if second.returncode != 0:
            failures.append(f"the second run (reusing the directory) exited with status "
                            f"{second.returncode}")
        if "reusing the devnet" not in second.stdout:
            failures.append("the second run did not reuse the data directory")
    if failures:
        for f in failures:
            print(f"FAILED: {f}")
        print(f"devnet directory kept: {data_dir}")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
