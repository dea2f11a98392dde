#!/usr/bin/python3
"""A viewer pays an edge for video segments and the edge settles on chain, on a devnet.

The viewer (developer account 1) locks 10 TFUEL with theta-wallet reserve-fund for resource
"video:devnet". theta-edge publish is the origin; theta-edge serve is a paid edge (developer account
2's key, 1 TFUEL a segment, its pools and settlements through the devnet's RPC); theta-edge watch
plays the stream through the edge's swarm node, signing a voucher per segment from the reserve fund.
When the viewer leaves, the edge settles its latest voucher with a ServicePaymentTx: the edge's
balance grows by 4 TFUEL (4 segments) minus the 0.3 TFUEL fee, and the pool's used fund is 4 TFUEL.
A viewer without a payer key then gets only the edge's grace segments through the swarm."""

import json
import os
import shutil
import subprocess
import sys
import time

import harness
from harness import check, log
from wallet_util import WEI, Wallet

RESOURCE = "video:devnet"
FEE = 3 * WEI // 10


def fast_blocks(devnet):
    for spec in devnet.nodes:
        with open(spec.config) as f:
            config = json.load(f)
        config.setdefault("consensus", {}).update({"idle_block_ms": 200, "min_block_ms": 200})
        with open(spec.config, "w") as f:
            json.dump(config, f, indent=2)


def wait_file(path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                return f.read().strip()
        time.sleep(0.1)
    raise harness.TestFailure(f"{path} did not appear")


def swarm_port(log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path) as f:
            for line in f:
                if "swarm on port" in line:
                    return int(line.split()[-1])
        time.sleep(0.1)
    raise harness.TestFailure(f"no swarm port in {log_path}")


def body(devnet, args):
    check(args.wallet_bin and args.edge_bin, "--wallet-bin and --edge-bin are required")
    devnet.wait_for_height(1, timeout=60)
    work = os.path.join(devnet.data_dir, "video-payments")
    os.makedirs(work)
    w = Wallet(devnet, args.wallet_bin)
    viewer = w.import_key(1)
    edge = devnet.accounts[2]["address"]
    keys = [a["private_key"] for a in devnet.accounts]
    hexkey = [k if k.startswith("0x") else "0x" + k for k in keys]
    rpc_url = w.node_url

    # The viewer's pool.
    _, _, seq = w.coins(viewer)
    w.json("reserve-fund", f"--from={viewer}", "--fund=10", "--collateral=11", "--duration=300",
           f"--resource-id={RESOURCE}", "--yes")
    w.wait_sequence(viewer, seq + 1)
    reserve_sequence = seq + 1

    clip = os.path.join(work, "clip.mp4")
    subprocess.run([shutil.which("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y", "-f",
                    "lavfi", "-i", "testsrc=size=160x96:rate=24", "-t", "4", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "24", clip], check=True)
    procs = []
    try:
        def start(name, *argv):
            out = open(os.path.join(work, f"{name}.log"), "w")
            procs.append(subprocess.Popen([args.edge_bin, *argv], stdout=out, stderr=out,
                                          stdin=subprocess.DEVNULL))
            return os.path.join(work, f"{name}.log")

        origin_log = start("origin", "publish", f"--input={clip}", "--stream=paid",
                           f"--dir={work}/origin", "--target_duration=1",
                           f"--port_file={work}/origin.port", "--swarm_port=0")
        origin_port = wait_file(f"{work}/origin.port")
        edge_log = start("edge", "serve", f"--origin=http://127.0.0.1:{origin_port}",
                         f"--dir={work}/edge", f"--port_file={work}/edge.port", "--swarm_port=0",
                         f"--swarm_peers=127.0.0.1:{swarm_port(origin_log)}",
                         f"--payee_key={hexkey[2]}", f"--node_rpc={rpc_url}",
                         f"--price_wei={WEI}", "--grace_segments=2", "--settle_interval_s=1",
                         f"--settle_fee_wei={FEE}")
        edge_port = wait_file(f"{work}/edge.port")
        edge_swarm = swarm_port(edge_log)
        _, edge_before, _ = w.coins(edge)

        watch = [args.edge_bin, "watch", f"http://127.0.0.1:{edge_port}/watch/paid",
                 "--realtime=false", f"--swarm_peers=127.0.0.1:{edge_swarm}"]
        result = subprocess.run(
            watch + [f"--dir={work}/viewer", f"--payer_key={hexkey[1]}",
                     f"--reserve_sequence={reserve_sequence}", f"--resource_id={RESOURCE}",
                     f"--deposit_wei={10 * WEI}", f"--max_price_wei={2 * WEI}",
                     f"--node_rpc={rpc_url}"],
            capture_output=True, text=True, timeout=60)
        log(result.stdout + result.stderr)
        check(result.returncode == 0, "the paying viewer played the stream")
        check('"segments": 4' in result.stdout and '"bytes_from_origin": 0,' in result.stdout,
              "all 4 segments came through the edge's swarm node")
        check("signed 4 vouchers" in result.stderr, "the viewer signed a voucher per segment")

        # The viewer left: the edge settles its round within a second or so.
        devnet.wait_until(lambda: w.coins(edge)[1] != edge_before, 60,
                          "the edge's settlement to land on chain")
        check(w.coins(edge)[1] == edge_before + 4 * WEI - FEE,
              f"the edge received 4 TFUEL minus the fee: {w.coins(edge)[1] - edge_before}")
        fund = w.account(viewer)["reserved_funds"][0]
        check(int(fund["used_fund"]["tfuelwei"]) == 4 * WEI, f"the pool paid 4 TFUEL: {fund}")
        # The edge logs it when its node's theta.BroadcastRawTransaction returns, which may be a
        # moment after the reader node committed the block.
        def logged():
            with open(edge_log) as f:
                return "settled 4000000000000000000 wei" in f.read()
        devnet.wait_until(logged, 30, "the edge to log the settlement")

        # A viewer that does not pay gets the 2 segments of grace from the edge, then falls back.
        result = subprocess.run(watch + [f"--dir={work}/freeloader"], capture_output=True,
                                text=True, timeout=60)
        log(result.stdout + result.stderr)
        check(result.returncode == 0 and '"segments": 4' in result.stdout, "it still plays")
        check('"bytes_from_peers": 0,' not in result.stdout and
              '"bytes_from_origin": 0,' not in result.stdout,
              "some segments through the edge's swarm node (grace), the rest over HTTP")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=2, guardians=1, accounts=4, configure=fast_blocks))
