#!/usr/bin/env python3
"""Writes thetajs_vectors.json: transactions built and signed by @thetalabs/theta-js.

It runs tests/ledger/js/thetajs_oracle.mjs (the oracle of the C++ round-trip test) with two fixed
seeds and keeps its answers, so that the Python tests compare theta.ledger's bytes with theta-js's
without needing node at test time. Rerun after changing the oracle or theta-js's pinned version:

    cd tests && npm ci && python3 python/data/make_thetajs_vectors.py
"""
import json
import pathlib
import subprocess

SEEDS = (1, 2)
tests = pathlib.Path(__file__).resolve().parents[2]
oracle = tests / "ledger" / "js" / "thetajs_oracle.mjs"

answers = [json.loads(subprocess.run(["node", str(oracle), str(seed)], check=True,
                                     capture_output=True, text=True).stdout) for seed in SEEDS]
vectors = {
    "source": "tests/ledger/js/thetajs_oracle.mjs, seeds " + ", ".join(map(str, SEEDS)),
    "thetajs_version": answers[0]["version"],
    "txs": [tx for answer in answers for tx in answer["txs"]],
}
out = pathlib.Path(__file__).with_name("thetajs_vectors.json")
out.write_text(json.dumps(vectors, indent=1) + "\n")
print(f"wrote {len(vectors['txs'])} transactions to {out}")
