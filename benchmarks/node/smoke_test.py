#!/usr/bin/env python3
"""Smoke test of theta-loadgen (CTest label bench, seconds).

Starts a one-validator devnet (theta-node init-devnet, 8 accounts) on free loopback ports, runs
theta-loadgen for a few seconds of open-loop load at 40 tx/s, and checks what a benchmark run relies
on: every submitted transaction committed, latencies were measured per transaction, blocks were read,
the ceiling was measured, and the summary line is JSON. Also checks that bad input is a clear error.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

ARGS = None


def free_port_base(count: int) -> int:
    """A base port with `count` free ports above it (three ranges: p2p, rpc, eth rpc)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + 3 * count >= 65000:
            continue
        ok = True
        for port in range(base, base + 3 * count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free ports")


class LoadgenSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="loadgen-smoke-")
        d = Path(cls.tmp.name)
        base = free_port_base(1)
        subprocess.run([ARGS.node, "init-devnet", "--dir", str(d / "net"), "--validators", "1",
                        "--guardians", "0", "--edges", "0", "--accounts", "8", "--p2p_port", str(base),
                        "--rpc_port", str(base + 1), "--eth_rpc_port", str(base + 2)],
                       check=True, capture_output=True, timeout=60)
        cls.devnet = d / "net" / "devnet.json"
        node = json.loads(cls.devnet.read_text())["nodes"][0]
        cls.log = open(d / "node.log", "wb")
        cls.proc = subprocess.Popen([ARGS.node, "--config", node["config"]], stdout=cls.log,
                                    stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{node['rpc']}/metrics"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if time.time() > deadline or cls.proc.poll() is not None:
                    raise RuntimeError(f"theta-node did not serve {url}; see its log")
                time.sleep(0.2)
        out = d / "result.json"
        cls.run_result = subprocess.run(
            [ARGS.loadgen, "--devnet", str(cls.devnet), "--phases", "rate:40:4", "--warmup", "0.5",
             "--ceiling_txs", "200", "--drain", "30", "--progress", "1", "--out", str(out),
             "--csv_prefix", str(d / "lat-")],
            capture_output=True, text=True, timeout=90)
        cls.result = json.loads(out.read_text()) if out.exists() else None
        cls.csv = d / "lat-1-rate.csv"

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        try:
            cls.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
        cls.log.close()
        cls.tmp.cleanup()

    def test_run_succeeds_and_prints_a_json_summary(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr[-2000:])
        summary = json.loads(self.run_result.stdout.strip().splitlines()[-1])
        self.assertGreater(summary["ceiling_tps"], 0)
        self.assertIsNotNone(summary["rate_p50_ms"])
        self.assertIn("loadgen: [rate 40 tx/s", self.run_result.stderr)  # progress lines

    def test_every_submitted_transaction_commits_with_a_latency(self):
        self.assertIsNotNone(self.result, self.run_result.stderr[-2000:])
        phase = self.result["phases"][0]
        lat = phase["latency_ms"]
        self.assertEqual(phase["failed"], 0, phase["first_error"])
        self.assertEqual(lat["uncommitted"], 0)
        # 40 tx/s over the 3.5 s after warm-up: about 140 transactions, each matched in a block.
        self.assertGreater(lat["count"], 100)
        self.assertGreater(phase["committed_in_window"], 100)
        self.assertGreater(lat["p50"], 0)
        self.assertLessEqual(lat["p50"], lat["p99"])
        self.assertGreater(phase["blocks"]["count"], 0)
        self.assertFalse(phase["generator"]["ran_out_of_signed_txs"])

    def test_latency_csv_has_one_row_per_transaction(self):
        rows = self.csv.read_text().splitlines()
        self.assertEqual(rows[0], "submit_s,latency_ms")
        self.assertEqual(len(rows) - 1, self.result["phases"][0]["latency_ms"]["count"])

    def test_bad_input_is_a_clear_error(self):
        bad = subprocess.run([ARGS.loadgen, "--devnet", str(self.devnet), "--phases", "fast:10"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--phases", bad.stderr)
        missing = subprocess.run([ARGS.loadgen, "--devnet", "/nonexistent/devnet.json"],
                                 capture_output=True, text=True, timeout=30)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("cannot read", missing.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--node", required=True)
    parser.add_argument("--loadgen", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
