"""The swarm suite: theta-video-swarm-sim against its HTTP-only baseline of the same seed.

Each configured run (viewers, edges, churn, ...) is simulated twice per seed: once as the swarm
(edges and viewer-to-viewer fetching, origin only as a late fallback) and once with --baseline (no
edges, no peers: every viewer fetches every segment from the origin over the origin's shaped link).
Both runs of a seed have the same viewers joining, connecting and leaving at the same points
(swarm_sim.cpp draws that plan from --seed). The baseline is the anchor measured in the same run:
origin egress, startup latency and rebuffering of the swarm are put beside the baseline's.

Settings come from the config's [swarm] table (DEFAULTS lists the keys); each run is a table of
simulator flags. Everything the runs print is kept in OUT/swarm/runs.json for the plots.
"""

import json
import statistics
import subprocess
from pathlib import Path

from .results import make_simple_record

# Simulator flags a run may set (benchmarks/video/swarm_sim.cpp); anything else is a config error.
RUN_FLAGS = {
    "viewers": int, "edges": int, "segments": int, "segment_kb": int, "join_ms": int, "neighbours": int,
    "origin_mbps": float, "edge_mbps": float, "viewer_mbps": float, "window_s": float, "churn": float,
}

DEFAULTS = {
    "runs": [{"viewers": 100, "edges": 4, "churn": 0.0}, {"viewers": 100, "edges": 4, "churn": 0.2}],
    "quick_runs": [{"viewers": 12, "edges": 2, "segments": 6, "join_ms": 100, "churn": 0.25}],
    "seeds": [7],
    "timeout": 600,
}

_BASELINE_LABEL = "HTTP-only baseline, same seed (same run): every viewer from the origin"


class SwarmError(Exception):
    pass


def settings(cfg: dict, quick: bool) -> dict:
    s = dict(DEFAULTS, **cfg.get("swarm", {}))
    s["selected"] = s["quick_runs"] if quick else s["runs"]
    return s


def tag(run: dict) -> str:
    """The case suffix of a run: its flags in a fixed order, e.g. viewers:100/edges:4/churn:0.2."""
    return "/".join(f"{k}:{run[k]:g}" if isinstance(run[k], float) else f"{k}:{run[k]}"
                    for k in RUN_FLAGS if k in run)


def simulate(binary: Path, run: dict, seed: int, baseline: bool, timeout: float) -> dict:
    """One simulator process; its last stdout line is the JSON object of figures."""
    argv = [str(binary), f"--seed={seed}"] + [f"--{k}={v}" for k, v in run.items()]
    if baseline:
        argv.append("--baseline")
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise SwarmError(f"{' '.join(argv[1:])}: timed out after {timeout:.0f} s") from e
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise SwarmError(f"{' '.join(argv[1:])}: exit status {proc.returncode}: {proc.stderr.strip()[-300:]}")
    try:
        figures = json.loads(lines[-1])
    except json.JSONDecodeError as e:
        raise SwarmError(f"{' '.join(argv[1:])}: the last output line is not JSON: {lines[-1][:200]}") from e
    figures["argv"] = argv
    return figures


def _series(points: list[dict], key: str, scale: float) -> list[float]:
    return [float(p[key]) * scale for p in points]


def _record(case: str, params: dict, unit: str, better: str, values: list[float], label: str) -> dict:
    rec = make_simple_record("swarm", case, params, "ours", unit, better, statistics.median(values), label)
    rec.update(repeats=values, min=min(values), max=max(values), iterations=len(values))
    return rec


def _anchor(rec: dict, values: list[float]) -> None:
    value = statistics.median(values)
    rec["anchors"].append({
        "label": _BASELINE_LABEL, "kind": "measured", "case": rec["case"].split("/")[0] + "/baseline",
        "value": value, "low": min(values), "high": max(values), "unit": rec["unit"],
        "ratio": rec["median"] / value if value else None, "ratio_better": rec["better"],
        "note": "" if value else "the baseline's figure is 0: no ratio"})


# (case prefix, simulator key, unit, scale, label)
_COMPARED = [
    ("origin_egress", "origin_egress_bytes", "MB", 1e-6, "bytes the origin sent"),
    ("startup_p50", "startup_p50_ms", "ms", 1.0, "join to first frame, median viewer"),
    ("startup_p95", "startup_p95_ms", "ms", 1.0, "join to first frame, 95th percentile viewer"),
    ("rebuffer_ratio", "rebuffer_ratio", "%", 100.0, "stalled time ÷ media played"),
]


def records(outcomes: list[dict]) -> list[dict]:
    """The suite's cases from the runs: offload, and each compared figure beside its baseline."""
    out = []
    for o in outcomes:
        t, swarm, base = o["tag"], o["swarm"], o["baseline"]
        params = dict(o["run"], seeds=[p["seed"] for p in swarm])
        out.append(_record(f"offload/{t}", params, "%", "higher", _series(swarm, "offload", 100.0),
                           "viewer bytes from edges and peers ÷ all viewer bytes (the baseline's is 0)"))
        for prefix, key, unit, scale, label in _COMPARED:
            rec = _record(f"{prefix}/{t}", params, unit, "lower", _series(swarm, key, scale), label)
            _anchor(rec, _series(base, key, scale))
            out.append(rec)
        events = [(p["rebuffer_events"], b["rebuffer_events"]) for p, b in zip(swarm, base)]
        out[-1]["label"] += "; rebuffer events swarm/baseline per seed: " + ", ".join(f"{a}/{b}" for a, b in events)
    return out


def run(binary: Path, out: Path, cfg: dict, quick: bool, bar) -> tuple[list[dict], list[dict]]:
    """Runs every configured run for every seed, swarm then baseline; returns (records, outcomes)."""
    s = settings(cfg, quick)
    workdir = out / "swarm"
    workdir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for run_flags in s["selected"]:
        t = tag(run_flags)
        outcome = {"tag": t, "run": run_flags, "swarm": [], "baseline": []}
        for seed in s["seeds"]:
            for baseline in (False, True):
                bar.set_postfix_str(f"swarm {t} seed {seed}{' baseline' if baseline else ''}"[:60])
                outcome["baseline" if baseline else "swarm"].append(
                    simulate(binary, run_flags, seed, baseline, float(s["timeout"])))
        outcomes.append(outcome)
        bar.update(1)
        (workdir / "runs.json").write_text(json.dumps(outcomes, indent=2) + "\n")
    return records(outcomes), outcomes


def validate(source: str, table, fail) -> None:
    """Checks the [swarm] table; fail(field, why, value) raises the config error."""
    if not isinstance(table, dict):
        fail("swarm", "must be a table", table)
    for key, value in table.items():
        if key not in DEFAULTS:
            fail(f"swarm.{key}", f"is not a known field ({', '.join(sorted(DEFAULTS))})", value)
        if key in ("runs", "quick_runs"):
            if not isinstance(value, list) or not value or not all(isinstance(r, dict) for r in value):
                fail(f"swarm.{key}", "must be a non-empty list of tables of simulator flags", value)
            for i, r in enumerate(value):
                for flag, v in r.items():
                    kind = RUN_FLAGS.get(flag)
                    if kind is None:
                        fail(f"swarm.{key}[{i}].{flag}", f"is not a simulator flag ({', '.join(RUN_FLAGS)})", v)
                    if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not isinstance(v, int)):
                        fail(f"swarm.{key}[{i}].{flag}", f"must be {'an integer' if kind is int else 'a number'}", v)
                    if v < 0 or (flag == "churn" and v > 1):
                        fail(f"swarm.{key}[{i}].{flag}", "is out of range" + (" (a fraction 0-1)" if flag == "churn" else ""), v)
        elif key == "seeds":
            if not isinstance(value, list) or not value or not all(isinstance(x, int) and not isinstance(x, bool)
                                                                   for x in value):
                fail("swarm.seeds", "must be a non-empty list of integers", value)
        elif key == "timeout" and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            fail("swarm.timeout", "must be a positive number of seconds", value)
